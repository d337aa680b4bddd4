package httpx

import (
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"
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

// windowBuckets is how many buckets the rolling window has (Hystrix uses
// 10): old calls leave the window in steps of Window/10.
const windowBuckets = 10

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
	return c
}

// readyToTrip is the opening rule: too many consecutive failures, or too
// high a failure ratio over enough calls in the window. gobreaker asks it
// on failures only, so a success never opens the breaker. Calls counts
// finished calls (ignored ones excluded), not calls still in flight.
func (c BreakerConfig) readyToTrip(n gobreaker.Counts) bool {
	calls := float64(n.TotalSuccesses) + float64(n.TotalFailures)
	return n.ConsecutiveFailures > uint32(c.MaxConsecutiveFailures) ||
		(calls >= float64(c.MinCalls) && float64(n.TotalFailures) >= c.FailureRatio*calls)
}

// Sentinels an outcome is reported to gobreaker as: it counts errors, so a
// failure is an error, and an ignored call is an excluded one.
var (
	errFailed  = errors.New("httpx: call failed")
	errIgnored = errors.New("httpx: call ignored")
)

// Breaker is a closed/open/half-open circuit breaker for one provider, a
// sony/gobreaker two-step breaker with the thresholds of BreakerConfig. It
// is safe for concurrent use; a nil *Breaker lets every call through.
//
// Closed: calls go through and their outcomes are counted over a rolling
// window. Open: every call fails fast with ErrCircuitOpen, so a dead
// provider costs no sockets, goroutines or latency. Half-open
// (OpenTimeout after opening): exactly one trial call goes through; its
// success closes the breaker, its failure opens it again. Outcomes of
// calls started before a state change are dropped (gobreaker's
// generations), so a slow call from before the trip cannot close it.
//
// The breaker runs on the wall clock: gobreaker has no clock to inject.
type Breaker struct {
	cb *gobreaker.TwoStepCircuitBreaker[struct{}]
}

// NewBreaker returns a closed breaker.
func NewBreaker(cfg BreakerConfig) *Breaker {
	cfg = cfg.withDefaults()
	return &Breaker{cb: gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		MaxRequests:  1,
		Interval:     cfg.Window,
		BucketPeriod: max(cfg.Window/windowBuckets, time.Millisecond),
		Timeout:      cfg.OpenTimeout,
		ReadyToTrip:  cfg.readyToTrip,
		IsExcluded:   func(err error) bool { return errors.Is(err, errIgnored) },
	})}
}

// State returns the current state; an open breaker past its timeout reports
// half-open, as the next Allow would.
func (b *Breaker) State() BreakerState {
	if b == nil {
		return StateClosed
	}
	switch b.cb.State() {
	case gobreaker.StateOpen:
		return StateOpen
	case gobreaker.StateHalfOpen:
		return StateHalfOpen
	}
	return StateClosed
}

// Allow asks to make one call. When the breaker refuses, it returns
// ErrCircuitOpen and the caller must not call. Otherwise the caller must
// report the call's outcome through done, exactly once (later reports are
// dropped).
func (b *Breaker) Allow() (done func(Outcome), err error) {
	if b == nil {
		return func(Outcome) {}, nil
	}
	report, err := b.cb.Allow()
	if err != nil {
		return nil, ErrCircuitOpen // open, or half-open with the trial out
	}
	var once sync.Once
	return func(o Outcome) {
		once.Do(func() {
			switch o {
			case Success:
				report(nil)
			case Failure:
				report(errFailed)
			default:
				report(errIgnored)
			}
		})
	}, nil
}
