package models

import (
	"encoding/base64"
	"strings"
	"testing"
)

type fakeNode struct{ typ, key string }

func (f fakeNode) NodeType() string { return f.typ }
func (f fakeNode) NodeKey() string  { return f.key }

// GlobalID is base64url("Type:key") without padding, for keys of any
// length (longer ones outgrow the stack buffer).
func TestGlobalIDEncodesTypeAndKey(t *testing.T) {
	for _, n := range []fakeNode{
		{"AccountTransaction", "9b3b823d-71d9-4d19-b6f7-97dbd6f0c2a7"},
		{"Credentials", ""},
		{"Card", strings.Repeat("k", 300)},
	} {
		want := base64.RawURLEncoding.EncodeToString([]byte(n.typ + ":" + n.key))
		if got := GlobalID(n); got != want {
			t.Errorf("GlobalID(%s:%s) = %s, want %s", n.typ, n.key, got, want)
		}
	}
}
