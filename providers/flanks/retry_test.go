package flanks

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"
)

func TestLinkExchangeNeverRetried(t *testing.T) {
	for _, status := range []int{500, 503, 429, 408} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			e := newTestEnv(t)
			s := serveScript(t, e.mux, "/v0/platform/link", reply{status, `{"error": "try later"}`, map[string]string{"Retry-After": "1"}})
			_, err := e.client.ExchangeLinkCode(context.Background(), "lc-1")
			if err == nil {
				t.Fatal("want error")
			}
			if n := s.hits.Load(); n != 1 {
				t.Errorf("link exchange sent %d times, want exactly 1", n)
			}
			assertNoSecrets(t, err, "lc-1")
		})
	}
}

func TestLinkExchangePending(t *testing.T) {
	e := newTestEnv(t)
	s := serveScript(t, e.mux, "/v0/platform/link", reply{http.StatusAccepted, `{"message": "Credentials token will be available soon"}`, nil})
	x, err := e.client.ExchangeLinkCode(context.Background(), "lc-1")
	if !errors.Is(err, ErrLinkPending) || x != nil {
		t.Fatalf("got %v, %v; want ErrLinkPending", x, err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusAccepted || apiErr.Message == "" {
		t.Errorf("APIError = %+v", apiErr)
	}
	if s.hits.Load() != 1 {
		t.Errorf("hits = %d", s.hits.Load())
	}
}

func TestLinkExchangeReauthOn401(t *testing.T) {
	// A 401 means the code was not looked at, so resending with a fresh
	// token is safe even for the one-use exchange.
	e := newTestEnv(t)
	s := serveScript(t, e.mux, "/v0/platform/link",
		reply{401, `{"error": "Not authenticated"}`, nil},
		reply{200, fixture(t, "link_exchange.json"), nil})
	if _, err := e.client.ExchangeLinkCode(context.Background(), "lc-1"); err != nil {
		t.Fatal(err)
	}
	if s.hits.Load() != 2 {
		t.Errorf("hits = %d, want 2", s.hits.Load())
	}
}

func TestBackoffDelays(t *testing.T) {
	e := newTestEnv(t)
	serveScript(t, e.mux, accountsPath, reply{500, ``, nil})
	_ = listAccounts(e.client)
	// The injected jitter draws the ceiling: base*2^n.
	if got, want := e.recordedSleeps(), []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}; !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps = %v, want %v", got, want)
	}
}

func TestBackoffFullJitterRange(t *testing.T) {
	e := newTestEnv(t)
	e.client.jitter = func(int64) int64 { return 0 }
	serveScript(t, e.mux, accountsPath, reply{500, ``, nil})
	_ = listAccounts(e.client)
	if got, want := e.recordedSleeps(), []time.Duration{0, 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps = %v, want %v", got, want)
	}
}

func TestWithRetryPolicy(t *testing.T) {
	e := newTestEnv(t, WithRetry(RetryPolicy{MaxAttempts: 2, BaseDelay: 10 * time.Millisecond, MaxDelay: 15 * time.Millisecond}))
	s := serveScript(t, e.mux, accountsPath, reply{503, ``, nil})
	_ = listAccounts(e.client)
	if s.hits.Load() != 2 {
		t.Errorf("hits = %d, want 2", s.hits.Load())
	}
	if got, want := e.recordedSleeps(), []time.Duration{10 * time.Millisecond}; !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps = %v, want %v", got, want)
	}

	e = newTestEnv(t, WithRetry(RetryPolicy{MaxAttempts: 1}))
	s = serveScript(t, e.mux, accountsPath, reply{503, ``, nil})
	_ = listAccounts(e.client)
	if s.hits.Load() != 1 {
		t.Errorf("hits = %d with retries off, want 1", s.hits.Load())
	}
}

func TestStopsWhenContextDone(t *testing.T) {
	e := newTestEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.client.sleep = func(ctx context.Context, _ time.Duration) error {
		cancel() // the caller gives up during the backoff
		return ctx.Err()
	}
	s := serveScript(t, e.mux, accountsPath, reply{503, ``, nil})
	_, err := e.client.ListAccounts(ctx, aggReq)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrUpstream) {
		t.Fatalf("err = %v", err)
	}
	if s.hits.Load() != 1 {
		t.Errorf("hits = %d, want 1", s.hits.Load())
	}
}

func TestIdempotentMethodsRetried(t *testing.T) {
	tests := []struct {
		name, path string
		call       func(*Client) error
	}{
		{"PUT status", "/v0/bank/credentials/status", func(c *Client) error {
			_, err := c.UpdateCredentialsStatus(context.Background(), "ct-1", ForceReset)
			return err
		}},
		{"DELETE credentials", "/v0/bank/credentials", func(c *Client) error {
			_, err := c.DeleteCredentials(context.Background(), "ct-1")
			return err
		}},
		{"GET entities", "/v0/bank/available", func(c *Client) error {
			_, err := c.ListEntities(context.Background())
			return err
		}},
		{"POST list", "/v0/bank/credentials/list", func(c *Client) error {
			_, err := c.ListCredentialsPage(context.Background(), 1)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			var mu sync.Mutex
			var bodies []string
			e.mux.HandleFunc(tt.path, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				bodies = append(bodies, string(readBody(t, r)))
				mu.Unlock()
				writeJSON(w, http.StatusBadGateway, ``)
			})
			if err := tt.call(e.client); !errors.Is(err, ErrUpstream) {
				t.Fatalf("err = %v", err)
			}
			if len(bodies) != 3 {
				t.Fatalf("attempts = %d, want 3", len(bodies))
			}
			if bodies[0] != bodies[1] || bodies[1] != bodies[2] {
				t.Errorf("body changed across retries: %q", bodies)
			}
		})
	}
}

func TestPerAttemptTimeoutRetried(t *testing.T) {
	e := newTestEnv(t, WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
	var mu sync.Mutex
	hits := 0
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // runs before the server closes
	e.mux.HandleFunc(accountsPath, func(w http.ResponseWriter, r *http.Request) {
		readBody(t, r) // lets the server notice the client hanging up
		mu.Lock()
		hits++
		first := hits == 1
		mu.Unlock()
		if first {
			select { // black hole until the client gives up
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		writeJSON(w, 200, `[]`)
	})
	if err := listAccounts(e.client); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if hits != 2 {
		t.Errorf("hits = %d, want 2", hits)
	}
}
