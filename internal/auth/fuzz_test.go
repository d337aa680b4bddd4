package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{
		"", "Bearer abc", "bearer a.b.c", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ",
		"Bearer  a  ", "Bearer a b", "Bearer ==", "Bearer a=b", "BEARER x~+/_-.",
		"Bearer\tabc", "Bearer \x00", "Bearer é",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r := &http.Request{Header: http.Header{"Authorization": {h}}}
		tok, err := BearerToken(r)
		if err != nil {
			if tok != "" || !(errors.Is(err, ErrMissingToken) || errors.Is(err, ErrInvalidToken)) {
				t.Fatalf("BearerToken(%q) = %q, %v", h, tok, err)
			}
			return
		}
		if tok == "" || len(tok) > MaxTokenSize || !isToken68(tok) || strings.ContainsAny(tok, " \t\r\n") {
			t.Fatalf("BearerToken(%q) returned bad token %q", h, tok)
		}
	})
}

func FuzzVerify(f *testing.F) {
	c := newClock()
	srv := newJWKSServer(f, map[string]any{"ec-1": &ecKey().PublicKey, "rsa-1": &rsaKey().PublicKey})
	static := must(NewStaticKeyVerifier(pemPublic(&rsaKey().PublicKey), cfg(c)))
	jwks := must(NewJWKSVerifier(srv.URL, srv.Client(), cfg(c)))

	seeds := []string{
		sign(f, jose.RS256, rsaKey(), "rsa-1", claims(), nil),
		sign(f, jose.ES256, ecKey(), "ec-1", with(map[string]any{"roles": "admin analyst"}), nil),
		sign(f, jose.HS256, []byte(pemPublic(&rsaKey().PublicKey)), "rsa-1", claims(), nil),
		sign(f, jose.RS256, rsaKey(), "ec-1", claims(), nil),
		unsigned(claims()),
		"", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "eyJ.eyJ.", strings.Repeat("A", MaxTokenSize+1),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		for _, v := range []Verifier{static, jwks} {
			p, err := v.Verify(context.Background(), tok)
			if err != nil {
				if p != nil || !(errors.Is(err, ErrInvalidToken) || errors.Is(err, ErrMissingToken)) {
					t.Fatalf("Verify() = %v, %v", p, err)
				}
				continue
			}
			// Claims are covered by the signature, so anything accepted must
			// carry a seed's claims (base64 has equivalent spellings).
			if p.UserID != "user-1" || len(p.Roles) == 0 {
				t.Fatalf("Verify accepted a forged token: %+v", p)
			}
		}
	})
}
