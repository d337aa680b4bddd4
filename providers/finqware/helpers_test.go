package finqware

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testClientID     = "client-id-1"
	testClientSecret = "cl13nt-s3cr3t-value"
	testAppKey       = "app-k3y-value-77"
	testAccessToken  = "acc3ss-t0ken-value-01"
	testCredsID      = "242a5690-1c3e-4e0f-9a21-b4ed02bebd7f"
	testNonce        = "n0nce-value-0123"
	testTempToken    = "t3mp-t0ken-value-9"
)

var testCreds = Credentials{CredentialsID: testCredsID, AccessToken: testAccessToken}

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

// testEnv is one client wired to one httptest server whose mux serves the
// API under /v1.
type testEnv struct {
	client *Client
	mux    *http.ServeMux
	server *httptest.Server
	clock  *fakeClock

	mu     sync.Mutex
	sleeps []time.Duration
}

func (e *testEnv) recordedSleeps() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.sleeps...)
}

// setup returns a client and the mux of its test server (go-github style).
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux) {
	t.Helper()
	e := newTestEnv(t, opts...)
	return e.client, e.mux
}

func newTestEnv(t *testing.T, opts ...Option) *testEnv {
	t.Helper()
	e := &testEnv{mux: http.NewServeMux(), clock: &fakeClock{t: time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)}}
	e.server = httptest.NewServer(e.mux)
	t.Cleanup(e.server.Close)
	all := append([]Option{WithCredentials(testClientID, testClientSecret, testAppKey)}, opts...)
	c, err := NewClient(e.server.URL+"/v1", all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	wire(c, e.clock, func(d time.Duration) {
		e.mu.Lock()
		e.sleeps = append(e.sleeps, d)
		e.mu.Unlock()
	})
	e.client = c
	return e
}

// wire replaces the client's clock, sleep and jitter so no test waits on
// the wall clock: backoffs are recorded and skipped, jitter is the ceiling.
func wire(c *Client, clk *fakeClock, record func(time.Duration)) {
	c.now = clk.Now
	c.caller.Jitter = func(n int64) int64 { return n - 1 }
	c.caller.Sleep = func(ctx context.Context, d time.Duration) error {
		record(d)
		clk.Advance(d)
		return ctx.Err()
	}
}

// assertRequest checks what every Finqware call sends: POST, JSON, the
// headers, and a body equal (as JSON) to want.
func assertRequest(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != http.MethodPost {
		t.Errorf("method %s, want POST", r.Method)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type %q", got)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept %q", got)
	}
	if got := r.Header.Get("User-Agent"); got != defaultUserAgent {
		t.Errorf("User-Agent %q", got)
	}
	if r.Header.Get("Authorization") != "" || r.URL.RawQuery != "" {
		t.Errorf("secrets outside the body: Authorization %q, query %q", r.Header.Get("Authorization"), r.URL.RawQuery)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	assertJSONEqual(t, body, want)
}

func assertJSONEqual(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %s: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body mismatch\n got: %s\nwant: %s", got, want)
	}
}

// respond writes a JSON answer.
func respond(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// counter counts requests to a handler.
type counter struct{ n atomic.Int32 }

func (c *counter) wrap(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c.n.Add(1)
		h(w, r)
	}
}
