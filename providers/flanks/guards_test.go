package flanks

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/guard"
	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// roomyBulkhead lets tests that fire tens of concurrent calls at an instant
// server, to test token and key sharing, queue them all instead of
// shedding the ones beyond the default 10 in flight + 5 queued.
var roomyBulkhead = WithBulkhead(BulkheadPolicy{MaxQueue: 100})

// statusServer answers accountsPath with the status in *status and counts
// the requests (serveScript's channel would fill up in the long tests).
type statusServer struct {
	status atomic.Int32
	hits   atomic.Int32
}

func serveStatus(e *testEnv, status int) *statusServer {
	s := &statusServer{}
	s.status.Store(int32(status))
	e.mux.HandleFunc(accountsPath, func(w http.ResponseWriter, _ *http.Request) {
		s.hits.Add(1)
		code := int(s.status.Load())
		body := `[]`
		if code/100 != 2 {
			body = `{"error": "unavailable"}`
		}
		writeJSON(w, code, body)
	})
	return s
}

// wantRefused checks err is a local refusal matching sentinel and
// ErrUpstream, the sentinel the server maps to UPSTREAM_UNAVAILABLE.
func wantRefused(t *testing.T, err, sentinel error) {
	t.Helper()
	if !errors.Is(err, sentinel) || !errors.Is(err, ErrUpstream) {
		t.Fatalf("err = %v, want %v and ErrUpstream", err, sentinel)
	}
	if !errors.Is(err, httpx.ErrCircuitOpen) && !errors.Is(err, httpx.ErrBulkheadFull) && !errors.Is(err, httpx.ErrRateLimited) {
		t.Fatalf("err = %v does not match the httpx sentinels", err)
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		t.Errorf("refusal is an *APIError (status %d): nothing was answered", apiErr.StatusCode)
	}
}

func TestBreakerOpensAfterSixConsecutive503s(t *testing.T) {
	e := newTestEnv(t)
	s := serveStatus(e, http.StatusServiceUnavailable)
	for range 2 { // 2 calls x 3 attempts = 6 consecutive 503s
		if err := listAccounts(e.client); !errors.Is(err, ErrUpstream) {
			t.Fatalf("err = %v", err)
		}
	}
	if n := s.hits.Load(); n != 6 {
		t.Fatalf("%d requests, want 6", n)
	}
	tokens := e.tokenCalls.Load()
	wantRefused(t, listAccounts(e.client), ErrCircuitOpen)
	if n := s.hits.Load(); n != 6 {
		t.Errorf("open breaker sent %d requests, want 0", n-6)
	}
	if e.tokenCalls.Load() != tokens {
		t.Error("open breaker fetched a token")
	}
}

// shortOpen makes the breaker probe after a few milliseconds: it runs on
// the wall clock (gobreaker), so the half-open tests wait its timeout out.
var shortOpen = WithBreaker(BreakerPolicy{OpenTimeout: 30 * time.Millisecond})

// tripThenHalfOpen makes 6 failing calls, checks the breaker refuses the
// next one while its timeout runs (when the machine is quick enough to
// tell), and waits until it lets a trial through.
func tripThenHalfOpen(t *testing.T, e *testEnv) {
	t.Helper()
	for range 6 {
		_ = listAccounts(e.client)
	}
	opened := time.Now()
	err := listAccounts(e.client)
	if time.Since(opened) < 30*time.Millisecond {
		wantRefused(t, err, ErrCircuitOpen)
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.client.guards.breaker.State() != httpx.StateHalfOpen {
		if time.Now().After(deadline) {
			t.Fatalf("breaker %v, want half-open after its timeout", e.client.guards.breaker.State())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestBreakerHalfOpenTrialClosesOnSuccess(t *testing.T) {
	e := newTestEnv(t, WithRetry(RetryPolicy{MaxAttempts: 1}), shortOpen)
	s := serveStatus(e, http.StatusBadGateway)
	tripThenHalfOpen(t, e)
	s.status.Store(http.StatusOK)
	if err := listAccounts(e.client); err != nil {
		t.Fatalf("trial call: %v", err)
	}
	if n := s.hits.Load(); n != 7 {
		t.Fatalf("%d requests, want 6 + 1 trial", n)
	}
	if st := e.client.guards.breaker.State(); st != httpx.StateClosed {
		t.Fatalf("breaker %v after a successful trial", st)
	}
	for range 3 {
		if err := listAccounts(e.client); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBreakerHalfOpenTrialFailureReopens(t *testing.T) {
	e := newTestEnv(t, WithRetry(RetryPolicy{MaxAttempts: 1}), shortOpen)
	s := serveStatus(e, http.StatusServiceUnavailable)
	tripThenHalfOpen(t, e)
	if err := listAccounts(e.client); !errors.Is(err, ErrUpstream) || errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("trial: %v, want the upstream's 503", err)
	}
	reopened := time.Now()
	err := listAccounts(e.client)
	if time.Since(reopened) >= 30*time.Millisecond {
		t.Skip("too slow to observe the re-opened breaker within its timeout")
	}
	wantRefused(t, err, ErrCircuitOpen)
	if n := s.hits.Load(); n != 7 {
		t.Errorf("%d requests, want 6 + 1 trial", n)
	}
}

func TestBreakerIgnoresClientErrors(t *testing.T) {
	e := newTestEnv(t)
	s := serveStatus(e, http.StatusBadRequest)
	for range 10 {
		_ = listAccounts(e.client)
	}
	if err := listAccounts(e.client); errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("400s opened the breaker: %v", err)
	}
	if n := s.hits.Load(); n != 11 {
		t.Errorf("%d requests, want 11", n)
	}
}

func TestBreakerIgnoresCallerCancellation(t *testing.T) {
	e := newTestEnv(t)
	arrived := make(chan struct{})
	var hits atomic.Int32
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) }) // registered after the server's Close: runs first
	e.mux.HandleFunc(accountsPath, func(w http.ResponseWriter, r *http.Request) {
		readBody(t, r) // the server notices a gone client only once the body is read
		if hits.Add(1) <= 6 {
			arrived <- struct{}{}
			select { // hang until the caller gives up
			case <-r.Context().Done():
			case <-stop:
			}
			return
		}
		writeJSON(w, http.StatusOK, `[]`)
	})
	for range 6 {
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-arrived; cancel() }()
		if _, err := e.client.ListAccounts(ctx, aggReq); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	}
	if err := listAccounts(e.client); err != nil {
		t.Fatalf("after 6 cancelled calls: %v", err)
	}
}

func TestBreakerDisabled(t *testing.T) {
	e := newTestEnv(t, WithRetry(RetryPolicy{MaxAttempts: 1}), WithBreaker(BreakerPolicy{Disabled: true}))
	s := serveStatus(e, http.StatusServiceUnavailable)
	for range 20 {
		_ = listAccounts(e.client)
	}
	if n := s.hits.Load(); n != 20 {
		t.Errorf("%d requests, want 20", n)
	}
}

// slowServer holds every request until release is closed and tracks the
// peak number of requests in progress.
type slowServer struct {
	release        chan struct{}
	once           sync.Once
	mu             sync.Mutex
	inFlight, peak int
}

func serveSlow(t *testing.T, e *testEnv) *slowServer {
	s := &slowServer{release: make(chan struct{})}
	t.Cleanup(s.open) // a failed test must not leave handlers blocking the server's Close
	e.mux.HandleFunc(accountsPath, func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		s.inFlight++
		s.peak = max(s.peak, s.inFlight)
		s.mu.Unlock()
		<-s.release
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, `[]`)
	})
	return s
}

func (s *slowServer) open() { s.once.Do(func() { close(s.release) }) }

func (s *slowServer) current() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

func TestBulkheadBoundsInFlightRequests(t *testing.T) {
	e := newTestEnv(t)
	s := serveSlow(t, e)
	if _, err := e.client.token(context.Background()); err != nil {
		t.Fatal(err)
	}
	const calls = 20
	var (
		wg      sync.WaitGroup
		refused atomic.Int32
		ok      atomic.Int32
	)
	for range calls {
		wg.Go(func() {
			err := listAccounts(e.client)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, ErrBulkheadFull):
				wantRefused(t, err, ErrBulkheadFull)
				refused.Add(1)
			default:
				t.Errorf("err = %v", err)
			}
		})
	}
	// 10 calls reach the server, 5 wait, and the other 5 fail fast.
	want := calls - httpx.DefaultMaxInFlight - httpx.DefaultMaxQueue
	for i := 0; s.current() < httpx.DefaultMaxInFlight || int(refused.Load()) < want; i++ {
		if i == 10_000 {
			t.Fatalf("in flight %d, refused %d", s.current(), refused.Load())
		}
		time.Sleep(100 * time.Microsecond)
	}
	s.open()
	wg.Wait()
	if s.peak != httpx.DefaultMaxInFlight {
		t.Errorf("peak %d requests in flight at the server, want %d", s.peak, httpx.DefaultMaxInFlight)
	}
	if int(refused.Load()) != want || int(ok.Load()) != calls-want {
		t.Errorf("%d refused, %d served; want %d and %d", refused.Load(), ok.Load(), want, calls-want)
	}
}

func TestBulkheadSlotFreeDuringBackoff(t *testing.T) {
	e := newTestEnv(t)
	serveScript(t, e.mux, accountsPath, reply{503, ``, nil}, reply{200, `[]`, nil})
	held := -1
	e.client.sleep = func(ctx context.Context, _ time.Duration) error {
		held = e.client.guards.bulkhead.InFlight()
		return nil
	}
	if err := listAccounts(e.client); err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Errorf("%d slots held during the backoff sleep, want 0", held)
	}
}

func TestRetryBudgetBoundsRetries(t *testing.T) {
	const calls = 100
	run := func(t *testing.T, opts ...Option) int {
		// The breaker is off so every call reaches the always-503 server;
		// the clock is frozen, so the budget's floor adds nothing.
		e := newTestEnv(t, append([]Option{WithBreaker(BreakerPolicy{Disabled: true})}, opts...)...)
		s := serveStatus(e, http.StatusServiceUnavailable)
		for range calls {
			if err := listAccounts(e.client); !errors.Is(err, ErrUpstream) {
				t.Fatalf("err = %v", err)
			}
		}
		return int(s.hits.Load()) - calls
	}
	// At most 10 % of calls plus the starting reserve.
	limit := calls/10 + int(httpx.DefaultRetryBudgetMax)
	if retries := run(t); retries > limit || retries < limit-2 {
		t.Errorf("%d retries for %d calls, want about %d (10 %% + reserve)", retries, calls, limit)
	}
	if retries := run(t, WithRetryBudget(RetryBudgetPolicy{Disabled: true})); retries != 2*calls {
		t.Errorf("without a budget: %d retries, want %d", retries, 2*calls)
	}
}

func TestTokenRetryExemptFromBudget(t *testing.T) {
	mux := http.NewServeMux()
	var tokenHits atomic.Int32
	mux.HandleFunc("/v0/token", func(w http.ResponseWriter, _ *http.Request) {
		if tokenHits.Add(1) == 1 {
			writeJSON(w, http.StatusInternalServerError, `{"error": "boom"}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"access_token": "tok-1", "expires_in": 3600}`)
	})
	e := newTestEnvWithMux(t, mux)
	s := serveScript(t, e.mux, accountsPath, reply{200, `[]`, nil}, reply{503, ``, nil})
	for e.client.guards.budget.Withdraw() { // spend the budget
	}
	if err := listAccounts(e.client); err != nil {
		t.Fatalf("token retry refused by the spent budget: %v", err)
	}
	if n := tokenHits.Load(); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
	if err := listAccounts(e.client); !errors.Is(err, ErrUpstream) {
		t.Fatalf("err = %v", err)
	}
	if n := s.hits.Load(); n != 2 {
		t.Errorf("%d account requests, want 2: the 503 must not be retried on a spent budget", n)
	}
}

func TestGuardOptionsValidated(t *testing.T) {
	for name, opt := range map[string]Option{
		"breaker threshold": WithBreaker(BreakerPolicy{MaxConsecutiveFailures: -1}),
		"breaker ratio":     WithBreaker(BreakerPolicy{FailureRatio: 1.5}),
		"bulkhead":          WithBulkhead(BulkheadPolicy{MaxQueue: -1}),
		"budget":            WithRetryBudget(RetryBudgetPolicy{Ratio: -0.1}),
	} {
		if _, err := NewClient("", WithClientCredentials("id", "secret"), opt); err == nil {
			t.Errorf("%s: invalid option accepted", name)
		}
	}
	c, err := NewClient("", WithClientCredentials("id", "secret"), WithBreaker(BreakerPolicy{Disabled: true}),
		WithBulkhead(BulkheadPolicy{Disabled: true}), WithRetryBudget(RetryBudgetPolicy{Disabled: true}))
	if err != nil {
		t.Fatal(err)
	}
	if c.guards != (guards{}) {
		t.Errorf("disabled guards built: %+v", c.guards)
	}
}

// observerLog is a guard.Observer remembering what it saw.
type observerLog struct {
	mu       sync.Mutex
	calls    []string
	retries  int
	watching []string
}

func (o *observerLog) Call(client, outcome string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, client+"/"+outcome)
}

func (o *observerLog) Retry(string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.retries++
}

func (o *observerLog) Watch(client string, state func() guard.GuardsState) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.watching = append(o.watching, client+"/"+state().Breaker)
}

func TestRateLimitRefusesAWaitPastTheDeadline(t *testing.T) {
	obs := &observerLog{}
	e := newTestEnv(t, WithRateLimit(guard.RateLimitPolicy{PerSecond: 0.01, Burst: 1}), WithTimeout(5*time.Second),
		WithObserver(obs))
	s := serveStatus(e, http.StatusOK)
	err := listAccounts(e.client) // the token request takes the only token
	wantRefused(t, err, ErrOutboundRateLimited)
	if s.hits.Load() != 0 {
		t.Fatalf("%d requests past the rate limit", s.hits.Load())
	}
	if st := e.client.guards.breaker.State(); st != httpx.StateClosed {
		t.Fatalf("breaker %v after a local refusal", st)
	}
	want := []string{"flanks/ok", "flanks/rate_limited"}
	if len(obs.calls) != 2 || obs.calls[0] != want[0] || obs.calls[1] != want[1] {
		t.Fatalf("observed %v, want %v", obs.calls, want)
	}
	if len(obs.watching) != 1 || obs.watching[0] != "flanks/closed" {
		t.Fatalf("watching %v", obs.watching)
	}
}

func TestObserverSeesRetries(t *testing.T) {
	obs := &observerLog{}
	e := newTestEnv(t, WithObserver(obs))
	serveStatus(e, http.StatusServiceUnavailable)
	_ = listAccounts(e.client)
	if obs.retries != 2 || obs.calls[len(obs.calls)-1] != "flanks/server_error" {
		t.Fatalf("calls %v, retries %d; want a server_error after 2 retries", obs.calls, obs.retries)
	}
}
