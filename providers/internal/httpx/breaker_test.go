package httpx

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// clock is a manual fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// call makes one call through b with outcome o and reports whether b let
// it through.
func call(t *testing.T, b *Breaker, o Outcome) bool {
	t.Helper()
	done, err := b.Allow()
	if err != nil {
		if !errors.Is(err, ErrCircuitOpen) {
			t.Fatalf("Allow: %v", err)
		}
		return false
	}
	done(o)
	return true
}

func calls(t *testing.T, b *Breaker, o Outcome, n int) {
	t.Helper()
	for i := range n {
		if !call(t, b, o) {
			t.Fatalf("call %d refused, state %v", i+1, b.State())
		}
	}
}

// waitState polls b until it reports want: the breaker runs on the wall
// clock, so the tests use short timeouts and wait them out.
func waitState(t *testing.T, b *Breaker, want BreakerState) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for b.State() != want {
		if time.Now().After(deadline) {
			t.Fatalf("state %v, want %v", b.State(), want)
		}
		time.Sleep(time.Millisecond)
	}
}

// shortOpen trips after the default thresholds and probes after a few
// milliseconds, so the half-open tests wait little.
var shortOpen = BreakerConfig{OpenTimeout: 20 * time.Millisecond}

func TestBreakerOpensAfterMoreThanFiveConsecutiveFailures(t *testing.T) {
	b := NewBreaker(BreakerConfig{OpenTimeout: time.Hour})
	calls(t, b, Failure, 5)
	if b.State() != StateClosed {
		t.Fatalf("open after 5 failures, want closed until the 6th")
	}
	calls(t, b, Failure, 1)
	if b.State() != StateOpen {
		t.Fatalf("state %v after 6 failures, want open", b.State())
	}
	if call(t, b, Success) {
		t.Error("open breaker let a call through")
	}
}

func TestBreakerSuccessResetsConsecutiveCount(t *testing.T) {
	b := NewBreaker(BreakerConfig{})
	calls(t, b, Failure, 5)
	calls(t, b, Success, 1)
	calls(t, b, Failure, 5) // 11 calls: below MinCalls, streak 5
	if b.State() != StateClosed {
		t.Fatalf("state %v; a success must reset the streak", b.State())
	}
}

func TestBreakerRatioNeedsMinCalls(t *testing.T) {
	b := NewBreaker(BreakerConfig{})
	calls(t, b, Success, 1)
	for range 9 {
		calls(t, b, Failure, 1)
		calls(t, b, Success, 1)
	} // 19 calls, 9 failures
	if b.State() != StateClosed {
		t.Fatalf("state %v below MinCalls", b.State())
	}
	calls(t, b, Failure, 1) // 20 calls, 10 failures: 50 %
	if b.State() != StateOpen {
		t.Fatalf("state %v at 10/20 failures, want open", b.State())
	}
}

func TestBreakerRatioBelowThresholdStaysClosed(t *testing.T) {
	b := NewBreaker(BreakerConfig{})
	for range 30 { // 1 failure in 3: 33 %
		calls(t, b, Success, 2)
		calls(t, b, Failure, 1)
	}
	if b.State() != StateClosed {
		t.Fatalf("state %v at 33 %% failures", b.State())
	}
}

func TestBreakerWindowForgetsOldCalls(t *testing.T) {
	const window = 100 * time.Millisecond
	b := NewBreaker(BreakerConfig{Window: window})
	for range 4 {
		calls(t, b, Failure, 4)
		calls(t, b, Success, 1)
	} // 16 failures of 20 calls, but...
	time.Sleep(window + 2*window/windowBuckets) // ...they leave the window
	calls(t, b, Success, 1)
	calls(t, b, Failure, 1)
	if b.State() != StateClosed {
		t.Fatalf("state %v: calls older than the window still counted", b.State())
	}
}

func TestBreakerStaysOpenUntilTheTimeout(t *testing.T) {
	b := NewBreaker(BreakerConfig{OpenTimeout: time.Hour})
	calls(t, b, Failure, 6)
	for range 3 {
		if call(t, b, Success) {
			t.Fatal("let a call through before the open timeout")
		}
	}
	if b.State() != StateOpen {
		t.Fatalf("state %v", b.State())
	}
}

func TestBreakerHalfOpenSuccessCloses(t *testing.T) {
	b := NewBreaker(shortOpen)
	calls(t, b, Failure, 6)
	waitState(t, b, StateHalfOpen)
	done, err := b.Allow()
	if err != nil {
		t.Fatalf("trial refused: %v", err)
	}
	if _, err := b.Allow(); !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("second call during the trial: %v, want ErrCircuitOpen", err)
	}
	done(Success)
	if b.State() != StateClosed {
		t.Fatalf("state %v after a successful trial", b.State())
	}
	calls(t, b, Failure, 5) // a fresh streak: the old failures are gone
	if b.State() != StateClosed {
		t.Fatalf("state %v: counters not reset on close", b.State())
	}
}

func TestBreakerHalfOpenFailureReopens(t *testing.T) {
	b := NewBreaker(shortOpen)
	calls(t, b, Failure, 6)
	waitState(t, b, StateHalfOpen)
	calls(t, b, Failure, 1) // the trial fails
	reopened := time.Now()
	st, let := b.State(), call(t, b, Success)
	if time.Since(reopened) >= shortOpen.OpenTimeout {
		t.Skip("too slow to observe the re-opened breaker within its timeout")
	}
	if st != StateOpen || let {
		t.Fatalf("state %v, call let through %v: a failed trial must re-open for a full timeout", st, let)
	}
}

func TestBreakerIgnoredTrialFreesTheSlot(t *testing.T) {
	b := NewBreaker(shortOpen)
	calls(t, b, Failure, 6)
	waitState(t, b, StateHalfOpen)
	calls(t, b, Ignored, 1) // the caller cancelled its trial
	if b.State() != StateHalfOpen {
		t.Fatalf("state %v after an ignored trial", b.State())
	}
	calls(t, b, Success, 1)
	if b.State() != StateClosed {
		t.Fatalf("state %v", b.State())
	}
}

func TestBreakerIgnoredNotCounted(t *testing.T) {
	b := NewBreaker(BreakerConfig{})
	calls(t, b, Ignored, 100)
	calls(t, b, Failure, 5)
	if b.State() != StateClosed {
		t.Fatalf("state %v", b.State())
	}
}

func TestBreakerDropsStaleReports(t *testing.T) {
	b := NewBreaker(BreakerConfig{OpenTimeout: time.Hour})
	slow, err := b.Allow() // started while closed
	if err != nil {
		t.Fatal(err)
	}
	calls(t, b, Failure, 6)
	slow(Success) // finishes after the breaker opened
	if b.State() != StateOpen {
		t.Fatalf("state %v: a call from before the trip closed the breaker", b.State())
	}
}

func TestBreakerReportsOnce(t *testing.T) {
	b := NewBreaker(BreakerConfig{})
	for range 6 {
		done, err := b.Allow()
		if err != nil {
			t.Fatal(err)
		}
		done(Success)
		done(Failure) // a second report is dropped
	}
	if b.State() != StateClosed {
		t.Fatalf("state %v: extra reports counted", b.State())
	}
}

func TestBreakerNilAllowsEverything(t *testing.T) {
	var b *Breaker
	calls(t, b, Failure, 100)
	if b.State() != StateClosed {
		t.Fatal("nil breaker not closed")
	}
}

func TestFailureStatus(t *testing.T) {
	for code, want := range map[int]bool{200: false, 400: false, 401: false, 404: false, 408: true,
		425: false, 429: true, 500: true, 501: true, 503: true} {
		if got := FailureStatus(code); got != want {
			t.Errorf("FailureStatus(%d) = %v, want %v", code, got, want)
		}
	}
}
