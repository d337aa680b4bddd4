package flankssim

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// The vectors in testdata/jwe-vector were made by panva/jose on Node (gen.mjs), so these
// tests prove interoperability with a JWE implementation other than go-jose.
const vectorToken = "6f1c2a9e-0c4b-4d7e-9a53-1b2c3d4e5f60"

func vectorKey(t *testing.T) jose.JSONWebKey {
	t.Helper()
	raw, err := os.ReadFile("testdata/jwe-vector/private.jwk.json")
	if err != nil {
		t.Fatal(err)
	}
	var k jose.JSONWebKey
	if err := json.Unmarshal(raw, &k); err != nil {
		t.Fatal(err)
	}
	if k.KeyID != "jwe-vector-2026-01" || k.IsPublic() {
		t.Fatalf("unexpected vector key %q public=%v", k.KeyID, k.IsPublic())
	}
	return k
}

func readVector(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile("testdata/jwe-vector/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(raw))
}

func TestJWE_NodeVectors(t *testing.T) {
	s := newSim(t, Options{Seed: 1, JWEKeys: []jose.JSONWebKey{vectorKey(t)}})
	if _, err := s.srv.AddCredentials(NewCredentials{Token: vectorToken, Bank: "testbank"}); err != nil {
		t.Fatal(err)
	}
	st := decodeObject(t, s.post(credentialsPath+"status", readVector(t, "a256cbc-hs512.jwe"), 200))
	if st["name"] != "testbank" {
		t.Errorf("A256CBC-HS512 vector: status %v", st)
	}
	accts := decodeList(t, s.post(credentialsPath+"account", readVector(t, "a256gcm.jwe"), 200))
	if len(accts) == 0 {
		t.Error("A256GCM vector: no accounts")
	}
}

func TestJWE_JWKS(t *testing.T) {
	s := newSim(t, Options{Seed: 1, JWEKeys: []jose.JSONWebKey{vectorKey(t)}})
	status, raw, _ := s.do(http.MethodGet, "/.well-known/jwks.json", nil, "")
	if status != 200 {
		t.Fatalf("jwks: %d", status)
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(raw, &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("jwks %s: %v", raw, err)
	}
	k := set.Keys[0]
	if k["kid"] != "jwe-vector-2026-01" || k["use"] != "enc" || k["alg"] != "RSA-OAEP-256" || k["kty"] != "RSA" {
		t.Errorf("jwk %v", k)
	}
	if _, private := k["d"]; private {
		t.Error("JWKS leaks the private exponent")
	}
}

func TestJWE_DefaultKeyIsGenerated(t *testing.T) {
	srv, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	set := srv.JWKS()
	if len(set.Keys) != 1 || set.Keys[0].KeyID != defaultKID || !set.Keys[0].IsPublic() {
		t.Errorf("default JWKS %+v", set.Keys)
	}
}

// seal encrypts body with go-jose for the rejection cases.
func seal(t *testing.T, alg jose.KeyAlgorithm, enc jose.ContentEncryption, key any, kid string, opts *jose.EncrypterOptions) string {
	t.Helper()
	e, err := jose.NewEncrypter(enc, jose.Recipient{Algorithm: alg, Key: key, KeyID: kid}, opts)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := e.Encrypt([]byte(`{"credentials_token":"` + vectorToken + `"}`))
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestJWE_Rejections(t *testing.T) {
	vk := vectorKey(t)
	s := newSim(t, Options{Seed: 1, JWEKeys: []jose.JSONWebKey{vk}})
	if _, err := s.srv.AddCredentials(NewCredentials{Token: vectorToken, Bank: "testbank"}); err != nil {
		t.Fatal(err)
	}
	pub := &vk.Key.(*rsa.PrivateKey).PublicKey
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sym := make([]byte, 32)
	good := seal(t, jose.RSA_OAEP_256, jose.A256GCM, pub, vk.KeyID, nil)
	tests := []struct {
		name, token, want string
	}{
		{"unknown kid", seal(t, jose.RSA_OAEP_256, jose.A256GCM, pub, "nope", nil), "kid"},
		{"missing kid", seal(t, jose.RSA_OAEP_256, jose.A256GCM, pub, "", nil), "kid"},
		{"right kid, wrong key", seal(t, jose.RSA_OAEP_256, jose.A256GCM, &other.PublicKey, vk.KeyID, nil), "decryption failed"},
		{"RSA-OAEP (SHA-1)", seal(t, jose.RSA_OAEP, jose.A256CBC_HS512, pub, vk.KeyID, nil), "alg"},
		{"RSA1_5", seal(t, jose.RSA1_5, jose.A256GCM, pub, vk.KeyID, nil), "alg"},
		{"dir", seal(t, jose.DIRECT, jose.A256GCM, sym, vk.KeyID, nil), "alg"},
		{"A128GCM", seal(t, jose.RSA_OAEP_256, jose.A128GCM, pub, vk.KeyID, nil), "enc"},
		{"zip DEF", seal(t, jose.RSA_OAEP_256, jose.A256GCM, pub, vk.KeyID, &jose.EncrypterOptions{Compression: jose.DEFLATE}), "zip"},
		{"garbage", "not.a.jwe", "Invalid JWE"},
		{"five garbage parts", "a.b.c.d.e", "Invalid JWE"},
		{"tampered", good[:len(good)-4] + "AAAA", "Invalid JWE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := s.post(credentialsPath+"status", tt.token, 400)
			msg, _ := decodeObject(t, raw)["error"].(string)
			if !strings.HasPrefix(msg, "Invalid JWE") || !strings.Contains(msg, tt.want) {
				t.Errorf("error %q, want it to mention %q", msg, tt.want)
			}
		})
	}
	s.post(credentialsPath+"status", good, 200)
}

func TestJWE_TokenRequest(t *testing.T) {
	vk := vectorKey(t)
	s := newSim(t, Options{Seed: 1, JWEKeys: []jose.JSONWebKey{vk}})
	e, err := jose.NewEncrypter(jose.A256CBC_HS512, jose.Recipient{Algorithm: jose.RSA_OAEP_256,
		Key: &vk.Key.(*rsa.PrivateKey).PublicKey, KeyID: vk.KeyID}, (&jose.EncrypterOptions{}).WithType("JWE"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := e.Encrypt(mustJSON(t, map[string]any{"client_id": DefaultClientID, "client_secret": DefaultClientSecret}))
	if err != nil {
		t.Fatal(err)
	}
	compact, _ := obj.CompactSerialize()
	status, raw, _ := s.do(http.MethodPost, "/v0/token", compact, "")
	if status != 200 || decodeObject(t, raw)["token_type"] != "Bearer" {
		t.Errorf("JWE token request: %d %s", status, raw)
	}
}

func TestNew_RejectsBadKeys(t *testing.T) {
	tests := []jose.JSONWebKey{
		{Key: []byte("secret"), KeyID: "sym"},
		{Key: testKeys(t)[0].Key},
	}
	for _, k := range tests {
		if _, err := New(Options{JWEKeys: []jose.JSONWebKey{k}}); err == nil {
			t.Errorf("key %q accepted", k.KeyID)
		}
	}
	dup := testKeys(t)[0]
	if _, err := New(Options{JWEKeys: []jose.JSONWebKey{dup, dup}}); err == nil {
		t.Error("duplicate kid accepted")
	}
	if _, err := New(Options{JWEKeys: testKeys(t), ErrorRate: 2}); err == nil {
		t.Error("ErrorRate 2 accepted")
	}
}
