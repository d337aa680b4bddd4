package finqware

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/guard"
)

// guardNoRetry is a policy with one attempt per call.
func guardNoRetry() guard.Policy {
	return guard.Policy{Retry: guard.RetryPolicy{MaxAttempts: 1}}
}

func TestBreakerRefusalMatchesGuardSentinel(t *testing.T) {
	p := guardNoRetry()
	p.Breaker.MaxConsecutiveFailures = 1
	p.Breaker.OpenTimeout = 50 * time.Millisecond // the breaker runs on the wall clock
	e := newTestEnv(t, WithGuards(p))
	opened := time.Now()
	var n counter
	e.mux.HandleFunc("/", n.wrap(func(w http.ResponseWriter, r *http.Request) { respond(w, 500, ``) }))
	for range 2 {
		if _, err := e.client.GetAccounts(context.Background(), testCreds); !errors.Is(err, ErrUpstream) {
			t.Fatalf("failing call: %v", err)
		}
	}
	// The breaker is open: calls fail at once, uploads included, and nothing is sent.
	_, err := e.client.GetTransactions(context.Background(), testCreds, nil)
	_, uerr := e.client.UploadStepFile(context.Background(), "st", UploadRequest{Nonce: "n", Body: strings.NewReader("x")})
	if time.Since(opened) >= p.Breaker.OpenTimeout {
		t.Skip("too slow to observe the open breaker within its timeout")
	}
	if !errors.Is(err, guard.ErrCircuitOpen) || !errors.Is(err, ErrUpstream) || errors.Is(err, guard.ErrBulkheadFull) {
		t.Fatalf("refusal: %v", err)
	}
	if !strings.Contains(err.Error(), "POST /transactions/get") {
		t.Errorf("message %q", err)
	}
	if !errors.Is(uerr, guard.ErrCircuitOpen) {
		t.Fatalf("upload refusal: %v", uerr)
	}
	if n.n.Load() != 2 {
		t.Fatalf("%d requests reached the server, want 2", n.n.Load())
	}
	time.Sleep(p.Breaker.OpenTimeout) // one trial goes through
	if _, err := e.client.GetAccounts(context.Background(), testCreds); errors.Is(err, guard.ErrCircuitOpen) {
		t.Fatalf("half-open trial refused: %v", err)
	}
	if n.n.Load() != 3 {
		t.Fatalf("trial not sent: %d", n.n.Load())
	}
}

func TestBulkheadRefusal(t *testing.T) {
	p := guardNoRetry()
	p.Bulkhead = guard.BulkheadPolicy{MaxInFlight: 1, MaxQueue: 1}
	client, mux := setup(t, WithGuards(p))
	arrived := make(chan struct{}, 3)
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) }) // before the server closes
	var n counter
	mux.HandleFunc("/v1/accounts/get", n.wrap(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		respond(w, 200, `[]`)
	}))
	first := make(chan error, 1)
	go func() { // holds the only slot
		_, err := client.GetAccounts(context.Background(), testCreds)
		first <- err
	}()
	<-arrived
	// Two more calls: one takes the only queue place, the other is refused.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	results := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := client.GetAccounts(ctx, testCreds)
			results <- err
		}()
	}
	err := <-results
	if !errors.Is(err, guard.ErrBulkheadFull) || !errors.Is(err, ErrUpstream) {
		t.Fatalf("first answer: %v, want a bulkhead refusal", err)
	}
	cancel() // the queued call gives up without being sent
	if err := <-results; !errors.Is(err, context.Canceled) {
		t.Fatalf("queued call: %v", err)
	}
	once.Do(func() { close(release) })
	if err := <-first; err != nil {
		t.Fatalf("slot holder: %v", err)
	}
	if n.n.Load() != 1 {
		t.Fatalf("%d requests sent, want 1", n.n.Load())
	}
}
