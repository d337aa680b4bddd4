package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestPrincipalPermissions(t *testing.T) {
	user := &Principal{UserID: "a", Roles: []Role{RoleUser}}
	analyst := &Principal{UserID: "b", Roles: []Role{RoleAnalyst}}
	userAnalyst := &Principal{UserID: "b", Roles: []Role{RoleUser, RoleAnalyst}}
	admin := &Principal{UserID: "c", Roles: []Role{RoleAdmin}}
	anon := &Principal{}
	var none *Principal

	tests := []struct {
		name             string
		p                *Principal
		owner            string
		canRead, canWrit bool
	}{
		{"user own", user, "a", true, true},
		{"user other", user, "x", false, false},
		{"user empty owner", user, "", false, false},
		{"analyst other", analyst, "x", true, false},
		{"analyst own", analyst, "b", true, false},
		{"user+analyst own", userAnalyst, "b", true, false},
		{"admin other", admin, "x", true, true},
		{"empty principal empty owner", anon, "", false, false},
		{"nil principal", none, "a", false, false},
	}
	for _, tc := range tests {
		if got := tc.p.CanRead(tc.owner); got != tc.canRead {
			t.Errorf("%s: CanRead = %v", tc.name, got)
		}
		if got := tc.p.CanWrite(tc.owner); got != tc.canWrit {
			t.Errorf("%s: CanWrite = %v", tc.name, got)
		}
	}
	if none.Has(RoleUser) || !admin.Has(RoleAdmin) || admin.Has(RoleUser) {
		t.Error("Has is wrong")
	}
}

func TestContext(t *testing.T) {
	if p, ok := FromContext(context.Background()); ok || p != nil {
		t.Fatal("FromContext on empty context")
	}
	if _, ok := FromContext(NewContext(context.Background(), nil)); ok {
		t.Fatal("nil principal reported as present")
	}
	want := &Principal{UserID: "a"}
	if got, ok := FromContext(NewContext(context.Background(), want)); !ok || got != want {
		t.Fatal("round trip failed")
	}
}

func TestBearerToken(t *testing.T) {
	long := strings.Repeat("a", MaxTokenSize+1)
	tests := []struct {
		name    string
		headers []string
		want    string
		err     error
	}{
		{"none", nil, "", ErrMissingToken},
		{"empty", []string{""}, "", ErrMissingToken},
		{"blank", []string{"   "}, "", ErrMissingToken},
		{"bearer", []string{"Bearer abc.def.ghi"}, "abc.def.ghi", nil},
		{"lowercase scheme", []string{"bearer abc"}, "abc", nil},
		{"uppercase scheme", []string{"BEARER abc"}, "abc", nil},
		{"extra spaces", []string{"Bearer    abc  "}, "abc", nil},
		{"token68 padding", []string{"Bearer YWJj+/~-_.=="}, "YWJj+/~-_.==", nil},
		{"basic", []string{"Basic dXNlcjpwYXNz"}, "", ErrInvalidToken},
		{"scheme only", []string{"Bearer"}, "", ErrInvalidToken},
		{"scheme and space", []string{"Bearer "}, "", ErrInvalidToken},
		{"bearerx", []string{"Bearerx abc"}, "", ErrInvalidToken},
		{"two tokens", []string{"Bearer abc def"}, "", ErrInvalidToken},
		{"only padding", []string{"Bearer =="}, "", ErrInvalidToken},
		{"padding in middle", []string{"Bearer ab=c"}, "", ErrInvalidToken},
		{"control char", []string{"Bearer ab\x00c"}, "", ErrInvalidToken},
		{"quoted", []string{`Bearer "abc"`}, "", ErrInvalidToken},
		{"oversize", []string{"Bearer " + long}, "", ErrInvalidToken},
		{"two headers", []string{"Bearer a", "Bearer b"}, "", ErrInvalidToken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &http.Request{Header: http.Header{}}
			for _, h := range tc.headers {
				r.Header.Add("Authorization", h)
			}
			got, err := BearerToken(r)
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Fatalf("BearerToken() = %q, %v; want %q, %v", got, err, tc.want, tc.err)
			}
		})
	}
}
