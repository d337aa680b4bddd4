package finance

import (
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/fingraph/fingraph/internal/apperr"
)

// node is a models.Node of any type and key: GlobalID only reads those.
type node struct{ typ, key string }

func (n node) NodeType() string { return n.typ }
func (n node) NodeKey() string  { return n.key }

func FuzzParseGlobalID(f *testing.F) {
	for typ := range nodeFetches {
		f.Add(GlobalID(node{typ, "6f1c2a9e-0c4b-4d7e-9a53-1b2c3d4e5f60"}))
	}
	for _, s := range []string{
		"", "=", "Og", "QTo", "OmI", "QWNjb3VudDo", "QWNjb3VudDphOmI", "QWNjb3VudDph==", "QWNjb3VudDph\n",
		"QWNjb3VudDphx", "!!", base64.RawURLEncoding.EncodeToString([]byte("Account:\x00\xff")),
		base64.StdEncoding.EncodeToString([]byte("Account:a+/")),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		typ, key, err := ParseGlobalID(id)
		if err != nil {
			if typ != "" || key != "" || !errors.Is(err, apperr.ErrNotFound) || apperr.Code(err) != apperr.CodeNotFound {
				t.Fatalf("ParseGlobalID(%q) = %q, %q, %v: want a not-found error", id, typ, key, err)
			}
			if len(id) >= 4 && strings.Contains(err.Error(), id) && !strings.Contains("finance: malformed id: not found", id) {
				t.Fatalf("error quotes the id: %v", err)
			}
			return
		}
		if typ == "" || key == "" || strings.Contains(typ, ":") {
			t.Fatalf("ParseGlobalID(%q) = %q, %q", id, typ, key)
		}
		// What was parsed is what the id encodes, and a node of that type
		// and key gets an id that parses back to the same pair.
		if b, _ := base64.RawURLEncoding.DecodeString(id); string(b) != typ+":"+key {
			t.Fatalf("ParseGlobalID(%q) = %q, %q; the id holds %q", id, typ, key, b)
		}
		again := GlobalID(node{typ, key})
		if t2, k2, err := ParseGlobalID(again); err != nil || t2 != typ || k2 != key {
			t.Fatalf("GlobalID of %s %q = %q parses as %q, %q, %v", typ, key, again, t2, k2, err)
		}
	})
}

func FuzzGlobalIDRoundTrip(f *testing.F) {
	f.Add(uint8(0), "6f1c2a9e-0c4b-4d7e-9a53-1b2c3d4e5f60")
	f.Add(uint8(3), "a:b")
	f.Add(uint8(7), strings.Repeat("k", 200))
	f.Add(uint8(9), "\x00\xff")
	f.Add(uint8(1), "")
	var types []string
	for typ := range nodeFetches {
		types = append(types, typ)
	}
	slices.Sort(types)
	f.Fuzz(func(t *testing.T, which uint8, key string) {
		typ := types[int(which)%len(types)]
		id := GlobalID(node{typ, key})
		if strings.ContainsAny(id, "+/=") {
			t.Fatalf("GlobalID %q is not URL-safe", id)
		}
		gotTyp, gotKey, err := ParseGlobalID(id)
		if key == "" {
			if err == nil {
				t.Fatalf("an empty key parsed as %q, %q", gotTyp, gotKey)
			}
			return
		}
		if err != nil || gotTyp != typ || gotKey != key {
			t.Fatalf("ParseGlobalID(GlobalID(%s, %q)) = %q, %q, %v", typ, key, gotTyp, gotKey, err)
		}
	})
}
