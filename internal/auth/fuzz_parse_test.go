package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

// privateParts returns the private or symmetric members of a JWK-shaped
// JSON document (and of each key of a set): text no error may echo.
func privateParts(data []byte) []string {
	var doc struct {
		Keys []map[string]any `json:"keys"`
	}
	var one map[string]any
	_ = json.Unmarshal(data, &doc)
	_ = json.Unmarshal(data, &one)
	var out []string
	for _, k := range append(doc.Keys, one) {
		for _, name := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
			if s, ok := k[name].(string); ok && len(s) >= 8 {
				out = append(out, s)
			}
		}
	}
	return out
}

// checkKeys asserts an accepted key set holds only usable public signing
// keys that staticKeys.key can tell apart.
func checkKeys(t *testing.T, keys staticKeys) {
	t.Helper()
	if len(keys) == 0 {
		t.Fatal("accepted an empty key set")
	}
	kids := map[string]bool{}
	for _, k := range keys {
		if err := checkVerifyKey(k); err != nil {
			t.Fatalf("accepted an unusable key (%v): %+v", err, k)
		}
		if !k.IsPublic() {
			t.Fatal("accepted a private key")
		}
		switch pub := k.Key.(type) {
		case *rsa.PublicKey:
			if pub.N.BitLen() < minRSABits {
				t.Fatalf("accepted a %d-bit RSA key", pub.N.BitLen())
			}
		case *ecdsa.PublicKey:
			if pub.Curve != elliptic.P256() {
				t.Fatalf("accepted an EC key on %s", pub.Curve.Params().Name)
			}
		default:
			t.Fatalf("accepted a %T", k.Key)
		}
		if len(keys) > 1 && (k.KeyID == "" || kids[k.KeyID]) {
			t.Fatalf("a set of %d keys has a missing or duplicate kid %q", len(keys), k.KeyID)
		}
		kids[k.KeyID] = true
	}
}

func FuzzParseKeySet(f *testing.F) {
	rsaJWK := string(must(json.Marshal(jose.JSONWebKey{Key: &rsaKey().PublicKey, KeyID: "rsa-1", Use: "sig"})))
	ecJWK := string(must(json.Marshal(jose.JSONWebKey{Key: &ecKey().PublicKey, KeyID: "ec-1", Algorithm: "ES256"})))
	ecPriv := string(must(json.Marshal(jose.JSONWebKey{Key: ecKey(), KeyID: "ec-priv"})))
	p384, _ := ecdsaP384()
	for _, s := range []string{
		string(jwksJSON(map[string]any{"ec-1": &ecKey().PublicKey, "rsa-1": &rsaKey().PublicKey})),
		rsaJWK, ecJWK, ecPriv,
		`{"keys": [` + ecJWK + `, ` + ecJWK + `]}`,
		`{"keys": [` + ecJWK + `, ` + strings.Replace(ecJWK, `"kid":"ec-1",`, ``, 1) + `]}`,
		`{"keys": [` + ecPriv + `, ` + rsaJWK + `]}`,
		`{"keys": [` + strings.Replace(ecJWK, `"ES256"`, `"RS256"`, 1) + `]}`,
		`{"keys": [` + strings.Replace(rsaJWK, `"sig"`, `"enc"`, 1) + `]}`,
		string(must(json.Marshal(jose.JSONWebKey{Key: &p384.PublicKey, KeyID: "p384"}))),
		`{"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQ", "kid": "hs"}`,
		`{"kty": "RSA", "n": "AQAB", "e": "AQAB"}`,
		`{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}`,
		`{"keys": null}`, `{"keys": []}`, `{"keys": [null, 1, "x"]}`, `[]`, `null`, `{`, ``,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, strict bool) {
		keys, err := parseKeySet(data, strict)
		if err != nil {
			if keys != nil {
				t.Fatalf("parseKeySet returned keys and %v", err)
			}
			for _, secret := range privateParts(data) {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error echoes key material: %v", err)
				}
			}
			return
		}
		checkKeys(t, keys)
		if strict {
			// Every key a configuration accepts, a fetched set accepts too.
			loose, err := parseKeySet(data, false)
			if err != nil || len(loose) != len(keys) {
				t.Fatalf("strict parse gave %d keys, lenient %d (%v)", len(keys), len(loose), err)
			}
		}
	})
}

func FuzzParseStaticKeys(f *testing.F) {
	rsaPEM := pemPublic(&rsaKey().PublicKey)
	ecPEM := pemPublic(&ecKey().PublicKey)
	for _, s := range []string{
		rsaPEM, ecPEM,
		strings.ReplaceAll(ecPEM, "\n", `\n`),
		"  " + ecPEM + "\n\n",
		ecPEM + ecPEM,
		strings.Replace(ecPEM, "PUBLIC KEY", "RSA PUBLIC KEY", 2),
		strings.Replace(ecPEM, "PUBLIC KEY", "PRIVATE KEY", 2),
		strings.Replace(ecPEM, "PUBLIC KEY", "CERTIFICATE", 2),
		"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
		"-----BEGIN PUBLIC KEY-----",
		string(jwksJSON(map[string]any{"ec-1": &ecKey().PublicKey})),
		`{"kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQ"}`,
		"ssh-ed25519 AAAA", "", "{",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		keys, err := parseStaticKeys(s)
		if err != nil {
			if keys != nil {
				t.Fatalf("parseStaticKeys returned keys and %v", err)
			}
			for _, secret := range privateParts([]byte(strings.TrimSpace(s))) {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error echoes key material: %v", err)
				}
			}
			return
		}
		checkKeys(t, keys)
		if trimmed := strings.TrimSpace(s); strings.HasPrefix(trimmed, "-----BEGIN") && (len(keys) != 1 || keys[0].KeyID != "") {
			t.Fatalf("a PEM gave %d keys (kid %q)", len(keys), keys[0].KeyID)
		}
	})
}

// wantRoles is an independent reading of the roles claim: a list of
// strings (null items count as ""), or one space-separated string.
func wantRoles(raw []byte) (names []string, ok bool) {
	if len(raw) == 0 {
		return nil, true
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, false
	}
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		return strings.Fields(x), true
	case []any:
		for _, item := range x {
			switch s := item.(type) {
			case string:
				names = append(names, s)
			case nil:
				names = append(names, "")
			default:
				return nil, false
			}
		}
		return names, true
	}
	return nil, false
}

func FuzzParseRoles(f *testing.F) {
	for _, s := range []string{
		`["user"]`, `["admin", "analyst"]`, `"admin analyst"`, `"analyst\tadmin\n"`, `[]`, `""`, `null`, ``,
		`["ADMIN"]`, `["admin "]`, `" admin"`, `["adminx", "analys"]`, `"admin,analyst"`, `[null, "analyst"]`,
		`[1, "admin"]`, `{"admin": true}`, `true`, `7`, `[["admin"]]`, `"\u0061dmin"`, `["admin\u0000"]`,
		`["\u00e1dmin"]`, `"admin` + "\u00a0" + `analyst"`, `["user", "user", "admin", "admin"]`, `[`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		roles, err := parseRoles(raw)
		names, ok := wantRoles(raw)
		if err != nil {
			if roles != nil || !errors.Is(err, ErrInvalidToken) {
				t.Fatalf("parseRoles(%q) = %v, %v", raw, roles, err)
			}
			if ok && json.Valid(raw) {
				t.Fatalf("parseRoles(%q) refused a well-formed claim: %v", raw, err)
			}
			return
		}
		if !ok {
			t.Fatalf("parseRoles(%q) accepted %v", raw, roles)
		}
		if len(roles) == 0 {
			t.Fatalf("parseRoles(%q) gave no role", raw)
		}
		// Roles come out known, once each, in canonical order.
		last := -1
		for _, r := range roles {
			i := slices.Index(knownRoles, r)
			if i <= last {
				t.Fatalf("parseRoles(%q) = %v: unknown, repeated or out of order", raw, roles)
			}
			last = i
		}
		// A privileged role needs its exact name; anything unknown grants
		// nothing beyond user.
		p := &Principal{UserID: "u", Roles: roles}
		for _, r := range []Role{RoleAnalyst, RoleAdmin} {
			if p.Has(r) != slices.Contains(names, string(r)) {
				t.Fatalf("parseRoles(%q) = %v; names %q", raw, roles, names)
			}
		}
		if !slices.Contains(names, string(RoleAnalyst)) && !slices.Contains(names, string(RoleAdmin)) {
			if p.CanRead("someone-else") || p.CanWrite("someone-else") {
				t.Fatalf("roles %v from %q reach another user's data", roles, raw)
			}
		}
		if !slices.Contains(names, string(RoleAdmin)) && p.CanWrite("someone-else") {
			t.Fatalf("roles %v from %q write another user's data", roles, raw)
		}
	})
}
