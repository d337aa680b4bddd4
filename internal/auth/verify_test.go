package auth

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

func TestVerifyMatrix(t *testing.T) {
	c := newClock()
	static := must(NewStaticKeyVerifier(pemPublic(&rsaKey().PublicKey), cfg(c)))
	ecStatic := must(NewStaticKeyVerifier(string(jwksJSON(map[string]any{"ec-1": &ecKey().PublicKey})), cfg(c)))
	srv := newJWKSServer(t, map[string]any{"ec-1": &ecKey().PublicKey, "rsa-1": &rsaKey().PublicKey})
	jwks := must(NewJWKSVerifier(srv.URL, srv.Client(), cfg(c)))

	rs := func(cl map[string]any) string { return sign(t, jose.RS256, rsaKey(), "rsa-1", cl, nil) }
	es := func(cl map[string]any) string { return sign(t, jose.ES256, ecKey(), "ec-1", cl, nil) }
	pubPEM := []byte(pemPublic(&rsaKey().PublicKey))
	long := strings.Repeat("x", maxSubjectLen+1)

	tests := []struct {
		name      string
		v         Verifier
		token     string
		reason    string // "" = valid
		wantRoles []Role
	}{
		{"valid RS256 static PEM", static, rs(claims()), "", []Role{RoleUser}},
		{"valid ES256 via JWKS", jwks, es(claims()), "", []Role{RoleUser}},
		{"valid RS256 via JWKS", jwks, rs(claims()), "", []Role{RoleUser}},
		{"aud array", static, rs(with(map[string]any{"aud": []string{"other", testAudience}})), "", []Role{RoleUser}},
		{"expired", static, rs(with(map[string]any{"exp": t0.Add(-31 * time.Second).Unix()})), "expired", nil},
		{"expired within leeway", static, rs(with(map[string]any{"exp": t0.Add(-29 * time.Second).Unix()})), "", []Role{RoleUser}},
		{"nbf beyond leeway", static, rs(with(map[string]any{"nbf": t0.Add(31 * time.Second).Unix()})), "not valid yet", nil},
		{"nbf within leeway", static, rs(with(map[string]any{"nbf": t0.Add(29 * time.Second).Unix()})), "", []Role{RoleUser}},
		{"iat in the future", static, rs(with(map[string]any{"iat": t0.Add(time.Hour).Unix()})), "issued in the future", nil},
		{"wrong iss", static, rs(with(map[string]any{"iss": "https://evil.test/"})), "wrong issuer", nil},
		{"missing iss", static, rs(with(map[string]any{"iss": nil})), "wrong issuer", nil},
		{"wrong aud", static, rs(with(map[string]any{"aud": "other-api"})), "wrong audience", nil},
		{"missing aud", static, rs(with(map[string]any{"aud": nil})), "wrong audience", nil},
		{"missing sub", static, rs(with(map[string]any{"sub": nil})), "sub", nil},
		{"sub too long", static, rs(with(map[string]any{"sub": long})), "sub", nil},
		{"missing exp", static, rs(with(map[string]any{"exp": nil})), "missing exp", nil},
		{"exp not a number", static, rs(with(map[string]any{"exp": "tomorrow"})), "claims", nil},
		{"alg none", static, unsigned(claims()), "malformed", nil},
		{"alg none JWKS", jwks, unsigned(claims()), "malformed", nil},
		{"HS256 with public key as secret", static, sign(t, jose.HS256, pubPEM, "", claims(), nil), "malformed", nil},
		{"HS256 JWKS", jwks, sign(t, jose.HS256, pubPEM, "rsa-1", claims(), nil), "malformed", nil},
		{"PS256 not allowed", static, sign(t, jose.PS256, rsaKey(), "", claims(), nil), "malformed", nil},
		{"ES384 not allowed", static, sign(t, jose.ES384, must(ecdsaP384()), "", claims(), nil), "malformed", nil},
		{"RS256 header over EC key", ecStatic, sign(t, jose.RS256, rsaKey(), "ec-1", claims(), nil), "does not match", nil},
		{"RS256 header over EC key JWKS", jwks, sign(t, jose.RS256, rsaKey(), "ec-1", claims(), nil), "does not match", nil},
		{"ES256 header over RSA key", static, es(claims()), "does not match", nil},
		{"wrong signing key", static, sign(t, jose.RS256, rsaKey2(), "rsa-1", claims(), nil), "signature", nil},
		{"embedded attacker jwk", static, sign(t, jose.RS256, rsaKey2(), "", claims(), &jose.SignerOptions{EmbedJWK: true}), "signature", nil},
		{"kid required with several keys", jwks, sign(t, jose.ES256, ecKey(), "", claims(), nil), "kid required", nil},
		{"crit header", static, sign(t, jose.RS256, rsaKey(), "", claims(), (&jose.SignerOptions{}).WithCritical("b64").WithBase64(true)), "critical", nil},
		{"unexpected typ", static, sign(t, jose.RS256, rsaKey(), "", claims(), (&jose.SignerOptions{}).WithType("logout+jwt")), "typ", nil},
		{"typ at+jwt ok", static, sign(t, jose.RS256, rsaKey(), "", claims(), (&jose.SignerOptions{}).WithType("at+jwt")), "", []Role{RoleUser}},
		{"garbage", static, "not-a-jwt", "malformed", nil},
		{"garbage dots", static, "a.b.c", "malformed", nil},
		{"JWE-shaped", static, "eyJhbGciOiJSU0EtT0FFUC0yNTYifQ.a.b.c.d", "malformed", nil},
		{"oversize", static, strings.Repeat("a", MaxTokenSize+1), "too large", nil},
		{"roles array", static, rs(with(map[string]any{"roles": []string{"analyst", "bogus"}})), "", []Role{RoleAnalyst}},
		{"roles space string", static, rs(with(map[string]any{"roles": "admin  analyst"})), "", []Role{RoleAnalyst, RoleAdmin}},
		{"roles duplicates", static, rs(with(map[string]any{"roles": []string{"admin", "admin"}})), "", []Role{RoleAdmin}},
		{"roles only unknown", static, rs(with(map[string]any{"roles": []string{"root", "Admin"}})), "", []Role{RoleUser}},
		{"roles empty", static, rs(with(map[string]any{"roles": []string{}})), "", []Role{RoleUser}},
		{"roles absent", static, rs(claims()), "", []Role{RoleUser}},
		{"roles number", static, rs(with(map[string]any{"roles": 5})), "roles", nil},
		{"roles mixed array", static, rs(with(map[string]any{"roles": []any{"admin", 1}})), "roles", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.v.Verify(context.Background(), tc.token)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("Verify() error = %v", err)
				}
				if p.UserID != "user-1" || !slices.Equal(p.Roles, tc.wantRoles) {
					t.Fatalf("Verify() = %+v, want roles %v", p, tc.wantRoles)
				}
				return
			}
			if !errors.Is(err, ErrInvalidToken) || p != nil {
				t.Fatalf("Verify() = %v, %v; want ErrInvalidToken", p, err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("Verify() error = %q, want reason %q", err, tc.reason)
			}
			noLeak(t, err, tc.token)
		})
	}
}

func TestVerifyEmptyToken(t *testing.T) {
	v := must(NewStaticKeyVerifier(pemPublic(&rsaKey().PublicKey), JWTConfig{}))
	if _, err := v.Verify(context.Background(), ""); !errors.Is(err, ErrMissingToken) {
		t.Fatalf("Verify(\"\") = %v", err)
	}
}

func TestUnconfiguredIssuerAudienceSkipped(t *testing.T) {
	c := newClock()
	v := must(NewStaticKeyVerifier(pemPublic(&rsaKey().PublicKey), JWTConfig{Now: c.Now}))
	tok := sign(t, jose.RS256, rsaKey(), "", with(map[string]any{"iss": "anyone", "aud": nil}), nil)
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatalf("Verify() = %v", err)
	}
}

func TestLeewayConfig(t *testing.T) {
	c := newClock()
	conf := cfg(c)
	conf.Leeway = time.Second
	v := must(NewStaticKeyVerifier(pemPublic(&rsaKey().PublicKey), conf))
	tok := sign(t, jose.RS256, rsaKey(), "", with(map[string]any{"exp": t0.Add(-5 * time.Second).Unix()}), nil)
	if _, err := v.Verify(context.Background(), tok); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("1 s leeway accepted a token expired 5 s ago: %v", err)
	}
	conf.Leeway = -time.Second
	if _, err := NewStaticKeyVerifier(pemPublic(&rsaKey().PublicKey), conf); err == nil {
		t.Fatal("negative leeway accepted")
	}
	if _, err := NewJWKSVerifier("https://issuer.test/jwks", nil, conf); err == nil {
		t.Fatal("negative leeway accepted")
	}
}

func TestCustomRolesClaim(t *testing.T) {
	c := newClock()
	conf := cfg(c)
	conf.RolesClaim = "https://fingraph.dev/roles"
	v := must(NewStaticKeyVerifier(pemPublic(&rsaKey().PublicKey), conf))
	tok := sign(t, jose.RS256, rsaKey(), "", with(map[string]any{conf.RolesClaim: []string{"admin"}, "roles": "analyst"}), nil)
	p, err := v.Verify(context.Background(), tok)
	if err != nil || !slices.Equal(p.Roles, []Role{RoleAdmin}) {
		t.Fatalf("Verify() = %+v, %v", p, err)
	}
}

func TestVerifyFromRequest(t *testing.T) {
	c := newClock()
	v := must(NewStaticKeyVerifier(pemPublic(&rsaKey().PublicKey), cfg(c)))
	r, _ := http.NewRequest(http.MethodPost, "/graphql", nil)
	r.Header.Set("Authorization", "bearer "+sign(t, jose.RS256, rsaKey(), "", claims(), nil))
	tok, err := BearerToken(r)
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Verify(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	ctx := NewContext(context.Background(), p)
	if got, ok := FromContext(ctx); !ok || got.UserID != "user-1" {
		t.Fatalf("FromContext() = %v, %v", got, ok)
	}
}
