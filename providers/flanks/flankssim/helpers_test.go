package flankssim

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

// testKeys returns one RSA key shared by all tests: generating a key per test is slow
// under -race.
func testKeys(t testing.TB) []jose.JSONWebKey {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		if testKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return []jose.JSONWebKey{{Key: testKey, KeyID: "test-kid-1"}}
}

// fakeClock is an injectable clock that only moves when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 14, 10, 30, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// sim is a running simulator, its clock and an authenticated client.
type sim struct {
	t     *testing.T
	srv   *Server
	base  string
	clock *fakeClock
	token string
}

// newSim starts a simulator with a fake clock and shared keys, and gets a token.
func newSim(t *testing.T, opts Options) *sim {
	t.Helper()
	clock := newClock()
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	if opts.JWEKeys == nil {
		opts.JWEKeys = testKeys(t)
	}
	srv, base := NewTestServer(t, opts)
	s := &sim{t: t, srv: srv, base: base, clock: clock}
	s.token = s.getToken()
	return s
}

func (s *sim) getToken() string {
	s.t.Helper()
	status, body, _ := s.do(http.MethodPost, "/v0/token", map[string]any{
		"client_id": s.srv.opts.ClientID, "client_secret": s.srv.opts.ClientSecret, "grant_type": "client_credentials",
	}, "")
	if status != http.StatusOK {
		s.t.Fatalf("token: %d %s", status, body)
	}
	return decodeObject(s.t, body)["access_token"].(string)
}

// do sends body as JSON (or as-is when it is a string) with the bearer token, if any.
func (s *sim) do(method, path string, body any, bearer string) (int, []byte, http.Header) {
	s.t.Helper()
	var r io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
	case string:
		r, ct = strings.NewReader(b), "application/jose"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.base+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", ct)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp.StatusCode, raw, resp.Header
}

// post is an authenticated POST that must answer want.
func (s *sim) post(path string, body any, want int) []byte {
	s.t.Helper()
	return s.call(http.MethodPost, path, body, want)
}

func (s *sim) call(method, path string, body any, want int) []byte {
	s.t.Helper()
	status, raw, _ := s.do(method, path, body, s.token)
	if status != want {
		s.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	return raw
}

// create makes credentials directly and returns the token.
func (s *sim) create(bank, externalID, password string) string {
	s.t.Helper()
	tok, err := s.srv.CreateCredentials(bank, externalID, password)
	if err != nil {
		s.t.Fatal(err)
	}
	return tok
}

func decodeObject(t testing.TB, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode object: %v: %.300s", err, raw)
	}
	return m
}

func decodeList(t testing.TB, raw []byte) []map[string]any {
	t.Helper()
	var l []map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&l); err != nil {
		t.Fatalf("decode list: %v: %.300s", err, raw)
	}
	return l
}

// keysOf returns the sorted keys of m.
func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
