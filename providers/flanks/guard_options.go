package flanks

import (
	"errors"
	"time"

	"github.com/fingraph/fingraph/providers/guard"
	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// BreakerPolicy tunes the client's circuit breaker (reliability.md goal
// 19). Zero fields take the defaults. While the breaker is open, calls fail
// at once, without a network call, with an error matching both
// ErrCircuitOpen and ErrUpstream.
type BreakerPolicy struct {
	// Disabled turns the breaker off.
	Disabled bool
	// MaxConsecutiveFailures: the breaker opens when more attempts than
	// this fail in a row. Default 5.
	MaxConsecutiveFailures int
	// MinCalls and FailureRatio: the breaker also opens when at least
	// FailureRatio of at least MinCalls attempts in Window failed.
	// Defaults 20 and 0.5.
	MinCalls     int
	FailureRatio float64
	// Window is the rolling window of the ratio rule. Default 10 s.
	Window time.Duration
	// OpenTimeout is how long the breaker stays open before it lets one
	// trial call through. Default 5 s.
	OpenTimeout time.Duration
}

func (p BreakerPolicy) config() httpx.BreakerConfig {
	return httpx.BreakerConfig{
		MaxConsecutiveFailures: p.MaxConsecutiveFailures, MinCalls: p.MinCalls,
		FailureRatio: p.FailureRatio, Window: p.Window, OpenTimeout: p.OpenTimeout,
	}
}

// WithBreaker sets the circuit breaker policy.
func WithBreaker(p BreakerPolicy) Option {
	return func(c *Client) error {
		if p.MaxConsecutiveFailures < 0 || p.MinCalls < 0 || p.Window < 0 || p.OpenTimeout < 0 {
			return errors.New("flanks: negative breaker threshold")
		}
		if p.FailureRatio < 0 || p.FailureRatio > 1 {
			return errors.New("flanks: breaker failure ratio must be between 0 and 1")
		}
		c.policies.breaker = p
		return nil
	}
}

// BulkheadPolicy bounds the client's concurrent calls to Flanks
// (reliability.md goal 19). Zero fields take the defaults. A call that
// finds every slot and queue place taken fails at once with an error
// matching both ErrBulkheadFull and ErrUpstream.
type BulkheadPolicy struct {
	// Disabled turns the bulkhead off.
	Disabled bool
	// MaxInFlight bounds the requests on the wire. Default 10.
	MaxInFlight int
	// MaxQueue bounds the calls waiting for a slot. Default 5.
	MaxQueue int
}

// WithBulkhead sets the bulkhead policy.
func WithBulkhead(p BulkheadPolicy) Option {
	return func(c *Client) error {
		if p.MaxInFlight < 0 || p.MaxQueue < 0 {
			return errors.New("flanks: negative bulkhead size")
		}
		c.policies.bulkhead = p
		return nil
	}
}

// RetryBudgetPolicy bounds retries to a share of calls (reliability.md
// goal 18): each call deposits Ratio tokens, each retry spends one, and
// MinPerSecond tokens accrue per second up to Max, the starting balance.
// Zero fields take the defaults (0.1, 3, 10). The token request is exempt:
// it is single-flighted, so it cannot multiply load, and every caller waits
// on it. The one-use link exchange is never retried anyway.
type RetryBudgetPolicy struct {
	// Disabled turns the budget off; RetryPolicy alone then bounds retries.
	Disabled     bool
	Ratio        float64
	MinPerSecond float64
	Max          float64
}

func (p RetryBudgetPolicy) config(now func() time.Time) httpx.RetryBudgetConfig {
	return httpx.RetryBudgetConfig{Ratio: p.Ratio, MinPerSecond: p.MinPerSecond, Max: p.Max, Now: now}
}

// WithRetryBudget sets the retry budget policy.
func WithRetryBudget(p RetryBudgetPolicy) Option {
	return func(c *Client) error {
		if p.Ratio < 0 || p.MinPerSecond < 0 || p.Max < 0 {
			return errors.New("flanks: negative retry budget")
		}
		c.policies.budget = p
		return nil
	}
}

// WithRateLimit bounds the requests sent to Flanks (per process; retries
// and token requests included). The zero policy sets no limit.
func WithRateLimit(p guard.RateLimitPolicy) Option {
	return func(c *Client) error {
		if p.PerSecond < 0 || p.Burst < 0 {
			return errors.New("flanks: negative rate limit")
		}
		c.policies.rateLimit = p
		return nil
	}
}

// WithObserver reports every call, retry and the state of the guards to
// obs (the server's metrics), under the name "flanks".
func WithObserver(obs guard.Observer) Option {
	return func(c *Client) error {
		c.observer = obs
		return nil
	}
}

// Sentinels of the guards, re-exported so callers outside the providers
// tree (which cannot import providers/internal) can match them.
var (
	// ErrCircuitOpen: the breaker is open; no request was sent.
	ErrCircuitOpen = httpx.ErrCircuitOpen
	// ErrBulkheadFull: too many calls in flight and waiting; no request
	// was sent.
	ErrBulkheadFull = httpx.ErrBulkheadFull
	// ErrOutboundRateLimited: the client's own rate limit (WithRateLimit)
	// would have made the call wait past its deadline; no request was
	// sent. (ErrRateLimited is Flanks answering 429.)
	ErrOutboundRateLimited = httpx.ErrRateLimited
)
