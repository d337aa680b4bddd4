package httpx

import (
	"context"
	"errors"
	"testing"
	"time"
)

// fakeSleep advances clk instead of sleeping and logs the delays.
type fakeSleep struct {
	clk    *clock
	delays []time.Duration
}

func (f *fakeSleep) sleep(_ context.Context, d time.Duration) error {
	f.delays = append(f.delays, d)
	f.clk.Advance(d)
	return nil
}

func TestRateLimiterSpacesCallsAfterTheBurst(t *testing.T) {
	clk := newClock()
	s := &fakeSleep{clk: clk}
	l := NewRateLimiter(2, 0) // 2/s, burst 2
	for range 4 {
		if err := l.Wait(context.Background(), clk.Now(), s.sleep); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{500 * time.Millisecond, 500 * time.Millisecond}
	if len(s.delays) != len(want) || s.delays[0] != want[0] || s.delays[1] != want[1] {
		t.Fatalf("waits %v, want %v (the burst goes at once)", s.delays, want)
	}
}

func TestRateLimiterRefusesAWaitPastTheDeadline(t *testing.T) {
	clk := newClock()
	s := &fakeSleep{clk: clk}
	l := NewRateLimiter(0.1, 1) // one call per 10 s
	if err := l.Wait(context.Background(), clk.Now(), s.sleep); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := l.Wait(ctx, clk.Now(), s.sleep); !errors.Is(err, ErrRateLimited) {
		t.Fatalf("Wait = %v, want ErrRateLimited", err)
	}
	if len(s.delays) != 0 {
		t.Fatalf("slept %v before refusing", s.delays)
	}
	clk.Advance(10 * time.Second) // the refused call took no token
	if err := l.Wait(context.Background(), clk.Now(), s.sleep); err != nil || len(s.delays) != 0 {
		t.Fatalf("Wait = %v after %v", err, s.delays)
	}
}

func TestRateLimiterNilAndOff(t *testing.T) {
	if NewRateLimiter(0, 5) != nil {
		t.Fatal("a zero rate built a limiter")
	}
	var l *RateLimiter
	if err := l.Wait(context.Background(), time.Now(), Sleep); err != nil {
		t.Fatal(err)
	}
}

func TestCallerRefusesWhenRateLimitOutlastsTheDeadline(t *testing.T) {
	srv, n := scripted(t, nil, 200)
	c := newTestCaller(&sleepLog{})
	clk := newClock()
	c.Now = clk.Now
	c.Guards.Limiter = NewRateLimiter(0.01, 1)
	c.Guards.Breaker = NewBreaker(BreakerConfig{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.Do(ctx, get(srv.URL, true)); err != nil {
		t.Fatal(err)
	}
	_, err := c.Do(ctx, get(srv.URL, true))
	var refused *RefusedError
	if !errors.As(err, &refused) || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("Do = %v; want a RefusedError matching ErrRateLimited", err)
	}
	if n.Load() != 1 {
		t.Fatalf("%d calls reached the server; want 1", n.Load())
	}
	if c.Guards.Breaker.State() != StateClosed {
		t.Fatal("a local refusal counted against the provider")
	}
}
