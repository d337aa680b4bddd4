package httpx

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// recorder is an Observer that remembers what it saw.
type recorder struct {
	mu       sync.Mutex
	calls    []string // client/outcome
	retries  int
	watching map[string]func() GuardsState
}

func (r *recorder) Call(client, outcome string, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, client+"/"+outcome)
}

func (r *recorder) Retry(string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retries++
}

func (r *recorder) Watch(client string, state func() GuardsState) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.watching == nil {
		r.watching = map[string]func() GuardsState{}
	}
	r.watching[client] = state
}

func TestCallerReportsCallsAndRetries(t *testing.T) {
	srv, _ := scripted(t, nil, 503, 503, 200)
	rec := &recorder{}
	c := newTestCaller(&sleepLog{})
	c.Name, c.Observer = "acme", rec
	if _, err := c.Do(context.Background(), get(srv.URL, true)); err != nil {
		t.Fatal(err)
	}
	if len(rec.calls) != 1 || rec.calls[0] != "acme/ok" || rec.retries != 2 {
		t.Fatalf("calls %v, retries %d; want one ok call after 2 retries", rec.calls, rec.retries)
	}
}

func TestCallOutcome(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	bg := context.Background()
	tests := []struct {
		ctx    context.Context
		status int
		err    error
		want   string
	}{
		{bg, 200, nil, OutcomeOK},
		{bg, 204, nil, OutcomeOK},
		{bg, 404, nil, OutcomeClientError},
		{bg, 408, nil, OutcomeServerError},
		{bg, 429, nil, OutcomeThrottled},
		{bg, 503, nil, OutcomeServerError},
		{bg, 0, &RefusedError{Label: "x", Cause: ErrCircuitOpen}, OutcomeCircuitOpen},
		{bg, 0, &RefusedError{Label: "x", Cause: ErrBulkheadFull}, OutcomeBulkheadFull},
		{bg, 0, &RefusedError{Label: "x", Cause: ErrRateLimited}, OutcomeRateLimited},
		{bg, 0, &TransportError{Label: "x", Err: context.DeadlineExceeded}, OutcomeTimeout},
		{canceled, 0, &TransportError{Label: "x", Err: context.Canceled}, OutcomeCanceled},
		{bg, 0, &TransportError{Label: "x", Err: errors.New("connection refused")}, OutcomeTransport},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %v", tt.status, tt.err), func(t *testing.T) {
			if got := CallOutcome(tt.ctx, tt.status, tt.err); got != tt.want {
				t.Fatalf("CallOutcome = %q, want %q", got, tt.want)
			}
		})
	}
	for _, o := range Outcomes() {
		if o == "" {
			t.Fatal("empty outcome")
		}
	}
}

func TestGuardsState(t *testing.T) {
	g := Guards{Breaker: NewBreaker(BreakerConfig{MaxConsecutiveFailures: 1, OpenTimeout: time.Hour}), Bulkhead: NewBulkhead(2, 1)}
	release, err := g.Bulkhead.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	for range 2 {
		done, _ := g.Breaker.Allow()
		done(Failure)
	}
	if st := g.State(); st != (GuardsState{Breaker: "open", InFlight: 1}) {
		t.Fatalf("State = %+v", st)
	}
	if st := (Guards{}).State(); st != (GuardsState{Breaker: "closed"}) {
		t.Fatalf("no guards: %+v", st)
	}
}
