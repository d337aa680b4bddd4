// Package guard holds the public knobs of the per-provider protections of
// reliability.md goals 18 and 19 (circuit breaker, bulkhead, retry budget
// and retry policy) and of the outbound rate limit, so the server's
// configuration can tune any provider client with one value, and the
// hooks through which the server observes the clients (Observer, Hooks).
// The machinery itself lives in providers/internal/httpx, which code
// outside the providers tree cannot import; this package is its public
// face.
package guard

import (
	"errors"
	"time"

	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// Sentinels of calls the guards refused to send, for errors.Is outside the
// providers tree.
var (
	// ErrCircuitOpen: the provider's breaker is open; nothing was sent.
	ErrCircuitOpen = httpx.ErrCircuitOpen
	// ErrBulkheadFull: too many calls in flight and waiting; nothing was
	// sent.
	ErrBulkheadFull = httpx.ErrBulkheadFull
	// ErrRateLimited: the outbound rate limit would have made the call
	// wait past its deadline; nothing was sent.
	ErrRateLimited = httpx.ErrRateLimited
)

// Policy tunes one provider client's guards. The zero value gives the
// defaults of reliability.md.
type Policy struct {
	Breaker   BreakerPolicy
	Bulkhead  BulkheadPolicy
	Budget    RetryBudgetPolicy
	Retry     RetryPolicy
	RateLimit RateLimitPolicy
}

// BreakerPolicy tunes the circuit breaker. Zero fields take the defaults:
// open after more than 5 consecutive failures, or when at least half of at
// least 20 calls in 10 s failed; let one trial call through after 5 s.
type BreakerPolicy struct {
	Disabled               bool
	MaxConsecutiveFailures int
	MinCalls               int
	FailureRatio           float64
	Window                 time.Duration
	OpenTimeout            time.Duration
}

// BulkheadPolicy bounds the calls in flight (default 10) and waiting
// (default 5); a call finding both full is refused at once.
type BulkheadPolicy struct {
	Disabled    bool
	MaxInFlight int
	MaxQueue    int
}

// RetryBudgetPolicy keeps retries to a share of calls: each call deposits
// Ratio tokens (default 0.1), each retry spends one, MinPerSecond tokens
// (default 3) accrue per second up to Max (default 10).
type RetryBudgetPolicy struct {
	Disabled     bool
	Ratio        float64
	MinPerSecond float64
	Max          float64
}

// RetryPolicy bounds one call's attempts: MaxAttempts (default 3, the
// first included), full-jitter backoff from BaseDelay (100 ms) capped at
// MaxDelay (2 s), and the longest Retry-After worth waiting for
// (MaxRetryAfter, 30 s).
type RetryPolicy struct {
	MaxAttempts   int
	BaseDelay     time.Duration
	MaxDelay      time.Duration
	MaxRetryAfter time.Duration
}

// RateLimitPolicy bounds the requests sent to the provider: at most
// PerSecond on average, Burst at once (default PerSecond rounded up).
// Zero PerSecond, the default, sets no limit. Retries take tokens too; a
// call that would wait for one past its deadline is refused with
// ErrRateLimited. The limit is per process.
type RateLimitPolicy struct {
	PerSecond float64
	Burst     int
}

// Validate rejects negative sizes and ratios outside [0, 1].
func (p Policy) Validate() error {
	b, h, r, t := p.Breaker, p.Bulkhead, p.Budget, p.Retry
	if p.RateLimit.PerSecond < 0 || p.RateLimit.Burst < 0 {
		return errors.New("guard: negative rate limit")
	}
	switch {
	case b.MaxConsecutiveFailures < 0, b.MinCalls < 0, b.Window < 0, b.OpenTimeout < 0:
		return errors.New("guard: negative breaker threshold")
	case b.FailureRatio < 0, b.FailureRatio > 1:
		return errors.New("guard: breaker failure ratio must be between 0 and 1")
	case h.MaxInFlight < 0, h.MaxQueue < 0:
		return errors.New("guard: negative bulkhead size")
	case r.Ratio < 0, r.MinPerSecond < 0, r.Max < 0:
		return errors.New("guard: negative retry budget")
	case t.MaxAttempts < 0, t.BaseDelay < 0, t.MaxDelay < 0, t.MaxRetryAfter < 0:
		return errors.New("guard: negative retry policy value")
	}
	return nil
}

// Guards builds the guards; the retry budget runs on the clock now (nil:
// time.Now), the breaker on the wall clock.
func (p Policy) Guards(now func() time.Time) httpx.Guards {
	g := httpx.Guards{Limiter: httpx.NewRateLimiter(p.RateLimit.PerSecond, p.RateLimit.Burst)}
	if !p.Breaker.Disabled {
		b := p.Breaker
		g.Breaker = httpx.NewBreaker(httpx.BreakerConfig{MaxConsecutiveFailures: b.MaxConsecutiveFailures,
			MinCalls: b.MinCalls, FailureRatio: b.FailureRatio, Window: b.Window, OpenTimeout: b.OpenTimeout})
	}
	if !p.Bulkhead.Disabled {
		g.Bulkhead = httpx.NewBulkhead(p.Bulkhead.MaxInFlight, p.Bulkhead.MaxQueue)
	}
	if !p.Budget.Disabled {
		r := p.Budget
		g.Budget = httpx.NewRetryBudget(httpx.RetryBudgetConfig{Ratio: r.Ratio, MinPerSecond: r.MinPerSecond, Max: r.Max, Now: now})
	}
	return g
}

// RetryPolicy returns the httpx form of the retry policy.
func (p Policy) RetryPolicy() httpx.RetryPolicy {
	r := p.Retry
	return httpx.RetryPolicy{MaxAttempts: r.MaxAttempts, BaseDelay: r.BaseDelay, MaxDelay: r.MaxDelay, MaxRetryAfter: r.MaxRetryAfter}
}
