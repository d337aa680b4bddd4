package jwe

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// checkPublicJWKS asserts b is a JWKS of public encryption keys only.
func checkPublicJWKS(t *testing.T, b []byte, wantKIDs ...string) {
	t.Helper()
	var doc struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Keys) != len(wantKIDs) {
		t.Fatalf("got %d keys, want %d", len(doc.Keys), len(wantKIDs))
	}
	for i, k := range doc.Keys {
		for _, m := range privateMembers {
			if _, ok := k[m]; ok {
				t.Errorf("key %d publishes private member %q", i, m)
			}
		}
		if k["kid"] != wantKIDs[i] || k["use"] != "enc" || k["alg"] != "RSA-OAEP-256" || k["kty"] != "RSA" {
			t.Errorf("key %d = kid %v use %v alg %v kty %v", i, k["kid"], k["use"], k["alg"], k["kty"])
		}
	}
}

func TestPublicJWKS(t *testing.T) {
	r := ring(t, "enc-new", "enc-old")
	set := r.PublicJWKS()
	for _, k := range set.Keys {
		if !k.IsPublic() {
			t.Fatalf("key %s is not public", k.KeyID)
		}
	}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	checkPublicJWKS(t, b, "enc-new", "enc-old")
}

func TestJWKSHandler(t *testing.T) {
	h := ring(t, "enc-new", "enc-old").JWKSHandler()
	tests := []struct {
		method   string
		status   int
		wantBody bool
	}{
		{http.MethodGet, http.StatusOK, true},
		{http.MethodHead, http.StatusOK, false},
		{http.MethodPost, http.StatusMethodNotAllowed, false},
		{http.MethodPut, http.StatusMethodNotAllowed, false},
		{http.MethodDelete, http.StatusMethodNotAllowed, false},
	}
	for _, tc := range tests {
		t.Run(tc.method, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, "/.well-known/jwks.json", nil))
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d", rec.Code, tc.status)
			}
			if tc.status != http.StatusOK {
				if got := rec.Header().Get("Allow"); got != "GET, HEAD" {
					t.Fatalf("Allow = %q", got)
				}
				return
			}
			hdr := rec.Header()
			if hdr.Get("Content-Type") != "application/json" || !strings.Contains(hdr.Get("Cache-Control"), "max-age=300") || hdr.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("headers = %v", hdr)
			}
			if tc.wantBody {
				checkPublicJWKS(t, rec.Body.Bytes(), "enc-new", "enc-old")
			} else if rec.Body.Len() != 0 {
				t.Fatal("HEAD returned a body")
			}
		})
	}
}

func TestNewKeyringValidation(t *testing.T) {
	good := testKey("enc-new")
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ec := ecKey(t)
	with := func(mut func(*jose.JSONWebKey)) jose.JSONWebKey {
		k := good
		mut(&k)
		return k
	}
	tests := map[string][]jose.JSONWebKey{
		"no keys":       nil,
		"public only":   {with(func(k *jose.JSONWebKey) { *k = k.Public() })},
		"EC key":        {with(func(k *jose.JSONWebKey) { k.Key = ec })},
		"1024-bit":      {with(func(k *jose.JSONWebKey) { k.Key = small })},
		"empty kid":     {with(func(k *jose.JSONWebKey) { k.KeyID = "" })},
		"duplicate kid": {good, with(func(k *jose.JSONWebKey) { k.Key = testKey("enc-old").Key })},
		"use sig":       {with(func(k *jose.JSONWebKey) { k.Use = "sig" })},
		"alg RSA1_5":    {with(func(k *jose.JSONWebKey) { k.Algorithm = "RSA1_5" })},
	}
	for name, keys := range tests {
		if _, err := NewKeyring(keys...); err == nil {
			t.Errorf("%s: NewKeyring succeeded", name)
		}
	}
	if _, err := GenerateKey("k", 1024); err == nil {
		t.Error("GenerateKey(1024) succeeded")
	}
	if _, err := GenerateKey("", 2048); err == nil {
		t.Error("GenerateKey with empty kid succeeded")
	}
}

func TestParseKeyring(t *testing.T) {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{testKey("enc-new"), testKey("enc-old")}}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseKeyring(b)
	if err != nil {
		t.Fatal(err)
	}
	if r.CurrentKID() != "enc-new" || len(r.PublicJWKS().Keys) != 2 {
		t.Fatalf("order not kept: current %q", r.CurrentKID())
	}
	single, err := json.Marshal(testKey("enc-old"))
	if err != nil {
		t.Fatal(err)
	}
	if r, err := ParseKeyring(single); err != nil || r.CurrentKID() != "enc-old" {
		t.Fatalf("single JWK: %v", err)
	}
	// A published (public) JWKS is not a keyring, and errors never echo input.
	pub, _ := json.Marshal(r.PublicJWKS())
	for _, in := range [][]byte{pub, []byte(`{"keys":[]}`), []byte("not json SECRET"), []byte(`{"keys":null}`)} {
		_, err := ParseKeyring(in)
		if err == nil {
			t.Fatalf("ParseKeyring(%.30s) succeeded", in)
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Fatalf("error echoes input: %v", err)
		}
	}
}

func TestLoadOrCreateKeyring(t *testing.T) {
	old := devKeyBits
	devKeyBits = 2048 // keep 3072-bit generation out of the test run
	t.Cleanup(func() { devKeyBits = old })

	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "jwe-keys.json")
	r1, err := LoadOrCreateKeyring(path)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^enc-\d{8}-[0-9a-f]{8}$`).MatchString(r1.CurrentKID()) {
		t.Fatalf("kid = %q", r1.CurrentKID())
	}
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s mode = %v, want %v", filepath.Base(p), fi.Mode().Perm(), want)
		}
	}
	r2, err := LoadOrCreateKeyring(path)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := r1.Seal([]byte(canary))
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := r2.Open(tok); err != nil || string(pt) != canary || r2.CurrentKID() != r1.CurrentKID() {
		t.Fatalf("reloaded ring differs: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temp files left behind: %d entries", len(entries))
	}
}

func TestLoadOrCreateKeyringConcurrent(t *testing.T) {
	old := devKeyBits
	devKeyBits = 2048
	t.Cleanup(func() { devKeyBits = old })

	path := filepath.Join(t.TempDir(), "jwe-keys.json")
	const n = 4
	kids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r, err := LoadOrCreateKeyring(path)
			if err != nil {
				t.Error(err)
				return
			}
			kids[i] = r.CurrentKID()
		})
	}
	wg.Wait()
	for _, k := range kids[1:] {
		if k != kids[0] {
			t.Fatalf("concurrent creators disagree: %v", kids)
		}
	}
}

func TestDefaultDevKeySize(t *testing.T) {
	if devKeyBits != 3072 {
		t.Fatalf("devKeyBits = %d, want 3072", devKeyBits)
	}
}
