package httpx

import (
	"errors"
	"net/http"
	"sync"
	"time"
)

// ErrCircuitOpen reports a call refused without touching the network
// because the provider's circuit breaker is open (or half-open with its one
// trial call already in flight).
var ErrCircuitOpen = errors.New("httpx: circuit breaker open")

// Default breaker thresholds (reliability.md goal 19, after Hystrix and
// gobreaker): open after more than 5 consecutive failures, or at >= 50 %
// failures over >= 20 calls in a rolling 10 s window; probe after 5 s.
const (
	DefaultMaxConsecutiveFailures = 5
	DefaultMinCalls               = 20
	DefaultFailureRatio           = 0.5
	DefaultWindow                 = 10 * time.Second
	DefaultOpenTimeout            = 5 * time.Second
)

// Outcome is what a caller reports about one call a Breaker let through.
type Outcome int

const (
	// Success: the upstream answered, including 4xx errors that are the
	// caller's fault; they say the provider is up.
	Success Outcome = iota
	// Failure: a transport error, 5xx, 408 or 429.
	Failure
	// Ignored: the call says nothing about the upstream (the caller
	// cancelled it, or it never left the process). It is not counted, and
	// it frees a half-open trial for the next caller.
	Ignored
)

// FailureStatus reports whether a response status counts as a breaker
// failure: 5xx, 408 and 429 mean the provider is down or overloaded, while
// other 4xx are our own mistakes and must not cut off healthy traffic.
func FailureStatus(code int) bool {
	return code >= 500 || code == http.StatusRequestTimeout || code == http.StatusTooManyRequests
}

// BreakerState is the state of a Breaker.
type BreakerState int

// The breaker states.
const (
	StateClosed BreakerState = iota
	StateOpen
	StateHalfOpen
)

// String implements fmt.Stringer.
func (s BreakerState) String() string {
	switch s {
	case StateClosed:
		return "closed"
	case StateOpen:
		return "open"
	default:
		return "half-open"
	}
}

// BreakerConfig tunes a Breaker. Zero fields take the defaults above.
type BreakerConfig struct {
	// MaxConsecutiveFailures: the breaker opens when consecutive failures
	// exceed it.
	MaxConsecutiveFailures int
	// MinCalls is the number of calls in Window below which the failure
	// ratio is not trusted.
	MinCalls int
	// FailureRatio opens the breaker when failures/calls in Window reach it.
	FailureRatio float64
	// Window is the rolling window of the ratio rule.
	Window time.Duration
	// OpenTimeout is how long the breaker stays open before one trial.
	OpenTimeout time.Duration
	// Now is the clock; nil means time.Now. Tests inject a fake one.
	Now func() time.Time
}

func (c BreakerConfig) withDefaults() BreakerConfig {
	if c.MaxConsecutiveFailures <= 0 {
		c.MaxConsecutiveFailures = DefaultMaxConsecutiveFailures
	}
	if c.MinCalls <= 0 {
		c.MinCalls = DefaultMinCalls
	}
	if c.FailureRatio <= 0 {
		c.FailureRatio = DefaultFailureRatio
	}
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.OpenTimeout <= 0 {
		c.OpenTimeout = DefaultOpenTimeout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Breaker is a closed/open/half-open circuit breaker for one provider. It
// is safe for concurrent use; a nil *Breaker lets every call through.
//
// Closed: calls go through and their outcomes are counted. Open: every call
// fails fast with ErrCircuitOpen, so a dead provider costs no sockets,
// goroutines or latency. Half-open (OpenTimeout after opening): exactly one
// trial call goes through; its success closes the breaker, its failure
// opens it again.
type Breaker struct {
	cfg BreakerConfig

	mu          sync.Mutex
	state       BreakerState
	gen         uint64 // bumped on every state change, to drop stale reports
	consecutive int
	window      rollingCounts
	openedAt    time.Time
	trial       bool // the half-open trial is in flight
}

// NewBreaker returns a closed breaker.
func NewBreaker(cfg BreakerConfig) *Breaker {
	cfg = cfg.withDefaults()
	return &Breaker{cfg: cfg, window: newRollingCounts(cfg.Window)}
}

// State returns the current state; an open breaker past its timeout reports
// half-open, as the next Allow would.
func (b *Breaker) State() BreakerState {
	if b == nil {
		return StateClosed
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == StateOpen && b.cfg.Now().Sub(b.openedAt) >= b.cfg.OpenTimeout {
		return StateHalfOpen
	}
	return b.state
}

// Allow asks to make one call. When the breaker refuses, it returns
// ErrCircuitOpen and the caller must not call. Otherwise the caller must
// report the call's outcome through done, exactly once.
func (b *Breaker) Allow() (done func(Outcome), err error) {
	if b == nil {
		return func(Outcome) {}, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case StateOpen:
		if b.cfg.Now().Sub(b.openedAt) < b.cfg.OpenTimeout {
			return nil, ErrCircuitOpen
		}
		b.setState(StateHalfOpen)
		fallthrough
	case StateHalfOpen:
		if b.trial {
			return nil, ErrCircuitOpen
		}
		b.trial = true
	}
	gen := b.gen
	var once sync.Once
	return func(o Outcome) { once.Do(func() { b.report(gen, o) }) }, nil
}

// report records an outcome of a call allowed in generation gen. Reports
// from an earlier generation are dropped: a slow call started before the
// breaker opened must not close it, and one started before it closed must
// not count against the fresh closed period.
func (b *Breaker) report(gen uint64, o Outcome) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if gen != b.gen || o == Ignored {
		if gen == b.gen && b.state == StateHalfOpen {
			b.trial = false // let the next caller probe instead
		}
		return
	}
	if b.state == StateHalfOpen {
		if o == Success {
			b.setState(StateClosed)
		} else {
			b.setState(StateOpen)
		}
		return
	}
	b.recordClosed(o == Failure)
}

// recordClosed counts one outcome in the closed state and trips the breaker
// when a rule is met. The rules are checked on failures only, so a success
// never opens the breaker.
func (b *Breaker) recordClosed(failed bool) {
	now := b.cfg.Now()
	b.window.add(now, failed)
	if !failed {
		b.consecutive = 0
		return
	}
	b.consecutive++
	calls, failures := b.window.totals(now)
	if b.consecutive > b.cfg.MaxConsecutiveFailures ||
		(calls >= b.cfg.MinCalls && float64(failures) >= b.cfg.FailureRatio*float64(calls)) {
		b.setState(StateOpen)
	}
}

// setState moves to s and starts a new generation with fresh counters.
func (b *Breaker) setState(s BreakerState) {
	b.state = s
	b.gen++
	b.trial = false
	b.consecutive = 0
	b.window.reset()
	if s == StateOpen {
		b.openedAt = b.cfg.Now()
	}
}
