package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

const (
	testIssuer   = "https://issuer.test/"
	testAudience = "fingraph-api"
)

// t0 is the fixed "now" of every test; no test sleeps or reads the wall clock.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Keys are generated once per test binary.
var (
	rsaKey  = sync.OnceValue(func() *rsa.PrivateKey { return must(rsa.GenerateKey(rand.Reader, 2048)) })
	rsaKey2 = sync.OnceValue(func() *rsa.PrivateKey { return must(rsa.GenerateKey(rand.Reader, 2048)) })
	ecKey   = sync.OnceValue(func() *ecdsa.PrivateKey { return must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)) })
	ecKey2  = sync.OnceValue(func() *ecdsa.PrivateKey { return must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)) })
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// clock is an injectable, manually advanced time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// claims returns valid claims at t0; tests mutate a copy.
func claims() map[string]any {
	return map[string]any{
		"iss": testIssuer,
		"aud": testAudience,
		"sub": "user-1",
		"iat": t0.Unix(),
		"nbf": t0.Unix(),
		"exp": t0.Add(5 * time.Minute).Unix(),
		"jti": "j1",
	}
}

// with returns claims() with overrides; a nil value deletes the claim.
func with(over map[string]any) map[string]any {
	c := claims()
	for k, v := range over {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// sign creates a compact JWS over the JSON claims.
func sign(t testing.TB, alg jose.SignatureAlgorithm, key any, kid string, c map[string]any, opts *jose.SignerOptions) string {
	t.Helper()
	if opts == nil {
		opts = (&jose.SignerOptions{}).WithType("JWT")
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// unsigned forges an alg "none" token.
func unsigned(c map[string]any) string {
	enc := func(v any) string { return base64.RawURLEncoding.EncodeToString(must(json.Marshal(v))) }
	return enc(map[string]string{"alg": "none", "typ": "JWT"}) + "." + enc(c) + "."
}

// pemPublic encodes a public key as a PKIX PEM block.
func pemPublic(pub any) string {
	der := must(x509.MarshalPKIXPublicKey(pub))
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// jwksJSON renders public JWKs labelled for signing.
func jwksJSON(keys map[string]any) []byte {
	set := jose.JSONWebKeySet{}
	for kid, pub := range keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: pub, KeyID: kid, Use: "sig"})
	}
	return must(json.Marshal(set))
}

// jwksServer is an httptest JWKS endpoint whose key set can change and
// which counts fetches.
type jwksServer struct {
	*httptest.Server
	hits   atomic.Int32
	mu     sync.Mutex
	body   []byte
	status int
}

func newJWKSServer(t testing.TB, keys map[string]any) *jwksServer {
	s := &jwksServer{body: jwksJSON(keys), status: http.StatusOK}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		w.WriteHeader(s.status)
		_, _ = w.Write(s.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(status int, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body = status, body
}

// cfg is the production-style config at a given clock.
func cfg(c *clock) JWTConfig {
	return JWTConfig{Issuer: testIssuer, Audience: testAudience, Now: c.Now}
}

// noLeak fails if err's text contains any part of the token.
func noLeak(t *testing.T, err error, token string) {
	t.Helper()
	if err == nil || len(token) < 12 {
		return
	}
	for _, part := range strings.Split(token, ".") {
		if len(part) >= 12 && strings.Contains(err.Error(), part[:12]) {
			t.Fatalf("error leaks token text: %v", err)
		}
	}
}

// ecdsaP384 makes a key on a curve the verifier must refuse.
func ecdsaP384() (*ecdsa.PrivateKey, error) { return ecdsa.GenerateKey(elliptic.P384(), rand.Reader) }
