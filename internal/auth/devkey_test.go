package auth

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

func TestDevKeyPersistedAndReloaded(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	k1, err := LoadOrCreateDevKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(k1.KeyID()) != 43 { // base64url of a SHA-256 thumbprint
		t.Fatalf("kid = %q", k1.KeyID())
	}
	for p, want := range map[string]os.FileMode{filepath.Join(dir, DevKeyFile): 0o600, dir: 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s mode = %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
	k2, err := LoadOrCreateDevKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if k2.KeyID() != k1.KeyID() {
		t.Fatalf("reloaded kid %q != %q", k2.KeyID(), k1.KeyID())
	}
	tok, err := k1.Mint("user-1", []Role{RoleAnalyst}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	p, err := k2.Verifier().Verify(context.Background(), tok)
	if err != nil {
		t.Fatalf("reloaded key rejects its own token: %v", err)
	}
	if p.UserID != "user-1" || !slices.Equal(p.Roles, []Role{RoleAnalyst}) {
		t.Fatalf("principal = %+v", p)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("temp files left: %d entries", len(entries))
	}
	if pub := k1.PublicJWKS(); len(pub.Keys) != 1 || !pub.Keys[0].IsPublic() {
		t.Fatal("PublicJWKS is not one public key")
	}
}

func TestDevKeyMintClaims(t *testing.T) {
	k := must(LoadOrCreateDevKey(t.TempDir()))
	c := newClock()
	k.now = c.Now
	tok := must(k.Mint("u-42", nil, 10*time.Minute))
	parsed := must(jwt.ParseSigned(tok, []jose.SignatureAlgorithm{jose.ES256}))
	if h := parsed.Headers[0]; h.KeyID != k.KeyID() || h.Algorithm != "ES256" {
		t.Fatalf("header = %+v", h)
	}
	var std jwt.Claims
	var raw map[string]json.RawMessage
	if err := parsed.UnsafeClaimsWithoutVerification(&std, &raw); err != nil {
		t.Fatal(err)
	}
	if std.Issuer != DevIssuer || !std.Audience.Contains(DevAudience) || std.Subject != "u-42" || std.ID == "" ||
		!std.IssuedAt.Time().Equal(t0) || !std.NotBefore.Time().Equal(t0) || !std.Expiry.Time().Equal(t0.Add(10*time.Minute)) {
		t.Fatalf("claims = %+v", std)
	}
	p := must(k.Verifier().Verify(context.Background(), tok))
	if !slices.Equal(p.Roles, []Role{RoleUser}) {
		t.Fatalf("roles = %v", p.Roles)
	}
	c.Advance(10*time.Minute + DefaultLeeway + time.Second)
	if _, err := k.Verifier().Verify(context.Background(), tok); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("expired dev token accepted: %v", err)
	}
}

func TestDevKeyMintValidation(t *testing.T) {
	k := must(LoadOrCreateDevKey(t.TempDir()))
	if _, err := k.Mint("", nil, time.Hour); err == nil {
		t.Error("empty user accepted")
	}
	if _, err := k.Mint("u", nil, 0); err == nil {
		t.Error("zero ttl accepted")
	}
	if _, err := k.Mint("u", []Role{"root"}, time.Hour); err == nil {
		t.Error("unknown role accepted")
	}
}

func TestDevTokensRejectedElsewhere(t *testing.T) {
	k := must(LoadOrCreateDevKey(t.TempDir()))
	other := must(LoadOrCreateDevKey(t.TempDir()))
	tok := must(k.Mint("u", []Role{RoleAdmin}, time.Hour))
	// Another dev key (another machine's data dir) must not accept it.
	if _, err := other.Verifier().Verify(context.Background(), tok); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("foreign dev key accepted token: %v", err)
	}
	// A production verifier with the same key but a real issuer rejects it.
	pub := string(must(json.Marshal(k.PublicJWKS())))
	v := must(NewStaticKeyVerifier(pub, JWTConfig{Issuer: testIssuer, Audience: testAudience}))
	if _, err := v.Verify(context.Background(), tok); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("production verifier accepted dev token: %v", err)
	}
}

func TestDevKeyTamperedFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DevKeyFile)
	cases := map[string]string{
		"not json":  "nope",
		"wrong kid": string(must(jose.JSONWebKey{Key: ecKey(), KeyID: "attacker"}.MarshalJSON())),
		"RSA key":   string(must(jose.JSONWebKey{Key: rsaKey(), KeyID: "r"}.MarshalJSON())),
		"public":    string(must(jose.JSONWebKey{Key: &ecKey().PublicKey, KeyID: "p"}.MarshalJSON())),
	}
	for name, content := range cases {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreateDevKey(dir); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDevKeyConcurrentCreate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	const n = 8
	kids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			k, err := LoadOrCreateDevKey(dir)
			if err != nil {
				t.Error(err)
				return
			}
			kids[i] = k.KeyID()
		})
	}
	wg.Wait()
	for _, kid := range kids {
		if kid != kids[0] {
			t.Fatalf("concurrent creators disagree: %v", kids)
		}
	}
}
