package flanks

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

const (
	testClientID     = "client-id-1"
	testClientSecret = "cl13nt-s3cr3t-value"
	testKID          = "enc-2026-01"
)

// testKey is the simulated Flanks JWE key pair, generated once.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// fakeClock is the injected clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// testEnv is one client wired to one httptest server.
type testEnv struct {
	client *Client
	mux    *http.ServeMux
	server *httptest.Server
	clock  *fakeClock

	tokenCalls atomic.Int32
	expiresIn  atomic.Int64
	jwksCalls  atomic.Int32
	jwksKID    atomic.Value // string
	tokenBody  atomic.Value // []byte: last /v0/token plaintext
	tokenCT    atomic.Value // string: last /v0/token Content-Type

	mu     sync.Mutex
	sleeps []time.Duration
}

func (e *testEnv) recordedSleeps() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.sleeps...)
}

// setup returns a client and the mux of its test server (go-github style).
// /v0/token answers tok-1, tok-2, ... with expires_in 3600.
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux) {
	t.Helper()
	e := newTestEnv(t, opts...)
	return e.client, e.mux
}

func newTestEnv(t *testing.T, opts ...Option) *testEnv {
	t.Helper()
	e := newTestEnvWithMux(t, http.NewServeMux(), opts...)
	e.mux.HandleFunc("/v0/token", e.handleToken(t))
	return e
}

// newTestEnvWithMux leaves /v0/token to the test.
func newTestEnvWithMux(t *testing.T, mux *http.ServeMux, opts ...Option) *testEnv {
	t.Helper()
	e := &testEnv{mux: mux, clock: &fakeClock{t: time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)}}
	e.expiresIn.Store(3600)
	e.jwksKID.Store(testKID)
	e.server = httptest.NewServer(e.mux)
	t.Cleanup(e.server.Close)
	e.mux.HandleFunc("/.well-known/jwks.json", e.handleJWKS)
	all := append([]Option{WithClientCredentials(testClientID, testClientSecret)}, opts...)
	c, err := NewClient(e.server.URL, all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	c.now = e.clock.Now
	c.jitter = func(n int64) int64 { return n - 1 } // always the ceiling
	c.sleep = func(ctx context.Context, d time.Duration) error {
		e.mu.Lock()
		e.sleeps = append(e.sleeps, d)
		e.mu.Unlock()
		return ctx.Err()
	}
	e.client = c
	return e
}

// jwksURL is the test server's JWKS.
func (e *testEnv) jwksURL() string { return e.server.URL + "/.well-known/jwks.json" }

// newJWEEnv enables JWE against the test server's JWKS.
func newJWEEnv(t *testing.T, enc ContentEncryption, opts ...Option) *testEnv {
	t.Helper()
	e := newTestEnv(t, opts...)
	if err := WithJWE(JWEConfig{JWKSURL: e.jwksURL(), Enc: enc})(e.client); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *testEnv) handleToken(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			t.Errorf("token: method %s, want POST", r.Method)
		}
		var body tokenRequest
		raw := readBody(t, r)
		e.tokenBody.Store(raw)
		e.tokenCT.Store(r.Header.Get("Content-Type"))
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("token body: %v", err)
		}
		if body.ClientID != testClientID || body.ClientSecret != testClientSecret {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"error": "Invalid credentials"}`)
			return
		}
		n := e.tokenCalls.Add(1)
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"access_token": "tok-%d", "expires_in": %d, "token_type": "Bearer", "scope": "read write aggregation"}`, n, e.expiresIn.Load()))
	}
}

func (e *testEnv) handleJWKS(w http.ResponseWriter, _ *http.Request) {
	e.jwksCalls.Add(1)
	kid, _ := e.jwksKID.Load().(string)
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &testKey().PublicKey, KeyID: kid, Algorithm: string(jose.RSA_OAEP_256), Use: "enc"},
	}}
	b, _ := json.Marshal(set)
	// An EC key first: clients must skip keys they cannot use.
	b = bytes.Replace(b, []byte(`"keys":[`), []byte(`"keys":[{"kty":"EC","crv":"P-256","kid":"ec-1","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},`), 1)
	writeJSON(w, http.StatusOK, string(b))
}

// readBody returns the request's JSON plaintext, decrypting a JWE body
// with the test key and checking its protected header (kid testKID).
func readBody(t *testing.T, r *http.Request) []byte {
	t.Helper()
	pt, hdr := readJWE(t, r)
	if hdr != nil && hdr.KeyID != testKID {
		t.Errorf("JWE kid = %q, want %q", hdr.KeyID, testKID)
	}
	return pt
}

// readJWE returns the plaintext and, for a JWE body, its protected header,
// checking alg RSA-OAEP-256 and typ JWE.
func readJWE(t *testing.T, r *http.Request) ([]byte, *jose.Header) {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	if r.Header.Get("Content-Type") != "application/jose" {
		return b, nil
	}
	obj, err := jose.ParseEncryptedCompact(string(b), []jose.KeyAlgorithm{jose.RSA_OAEP_256},
		[]jose.ContentEncryption{jose.A256CBC_HS512, jose.A256GCM})
	if err != nil {
		t.Errorf("parse JWE: %v", err)
		return nil, nil
	}
	if obj.Header.Algorithm != string(jose.RSA_OAEP_256) {
		t.Errorf("JWE alg = %q", obj.Header.Algorithm)
	}
	if typ := obj.Header.ExtraHeaders[jose.HeaderType]; typ != "JWE" {
		t.Errorf("JWE typ = %v, want JWE", typ)
	}
	pt, err := obj.Decrypt(testKey())
	if err != nil {
		t.Errorf("decrypt JWE: %v", err)
	}
	return pt, &obj.Header
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// assertJSONEqual compares two JSON documents semantically (numbers kept
// as text).
func assertJSONEqual(t *testing.T, got []byte, want string) {
	t.Helper()
	g, err1 := decodeAny(got)
	w, err2 := decodeAny([]byte(want))
	if err1 != nil || err2 != nil {
		t.Fatalf("invalid JSON: got %q (%v), want %q (%v)", got, err1, want, err2)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body mismatch:\n got  %s\n want %s", got, want)
	}
}

func decodeAny(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// assertNoSecrets fails when an error text leaks a secret.
func assertNoSecrets(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	for _, s := range append(secrets, testClientSecret) {
		if s != "" && bytes.Contains([]byte(msg), []byte(s)) {
			t.Errorf("error %q leaks secret %q", msg, s)
		}
	}
}
