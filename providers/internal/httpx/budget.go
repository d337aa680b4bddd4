package httpx

import (
	"sync"
	"time"
)

// Default retry budget (reliability.md goal 18; Google SRE's 10 % per
// client, with a floor as in Finagle's minRetriesPerSec).
const (
	DefaultRetryRatio       = 0.1
	DefaultMinRetriesPerSec = 3.0
	DefaultRetryBudgetMax   = 10.0
)

// RetryBudgetConfig tunes a RetryBudget. Zero fields take the defaults.
type RetryBudgetConfig struct {
	// Ratio is the tokens each call deposits: the share of calls that may
	// be retried under sustained load. Default 0.1.
	Ratio float64
	// MinPerSecond is the floor: tokens added per second of wall time, so
	// a quiet client, whose few calls deposit almost nothing, can still
	// retry. Default 3.
	MinPerSecond float64
	// Max caps the balance, and is the starting balance. It bounds the
	// burst of retries a long healthy period can bank for the next outage.
	// Default 10.
	Max float64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (c RetryBudgetConfig) withDefaults() RetryBudgetConfig {
	if c.Ratio <= 0 {
		c.Ratio = DefaultRetryRatio
	}
	if c.MinPerSecond <= 0 {
		c.MinPerSecond = DefaultMinRetriesPerSec
	}
	if c.Max <= 0 {
		c.Max = DefaultRetryBudgetMax
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// RetryBudget limits retries to a share of calls, token-bucket style (Envoy
// retry budgets, Finagle RetryBudget): each call deposits Ratio tokens, each
// retry withdraws one, and MinPerSecond tokens trickle in with time. Over
// any period, retries <= Ratio*calls + MinPerSecond*seconds + Max, so when a
// provider fails every call, retries add at most ~10 % load instead of
// tripling it. It is safe for concurrent use; a nil *RetryBudget allows
// every retry.
type RetryBudget struct {
	cfg RetryBudgetConfig

	mu      sync.Mutex
	balance float64
	last    time.Time // when the floor was last credited
}

// NewRetryBudget returns a full budget, so a new client can retry at once.
func NewRetryBudget(cfg RetryBudgetConfig) *RetryBudget {
	cfg = cfg.withDefaults()
	return &RetryBudget{cfg: cfg, balance: cfg.Max, last: cfg.Now()}
}

// Deposit records one call (not one attempt): call it once per call.
func (b *RetryBudget) Deposit() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	b.balance = min(b.cfg.Max, b.balance+b.cfg.Ratio)
}

// Withdraw takes the token of one retry and reports whether the retry may
// go ahead; false means the budget is spent and the call must fail now.
func (b *RetryBudget) Withdraw() bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill()
	if b.balance < 1 {
		return false
	}
	b.balance--
	return true
}

// refill credits the floor for the time since the last operation. A clock
// that moves backwards (a fake one) credits nothing.
func (b *RetryBudget) refill() {
	now := b.cfg.Now()
	if d := now.Sub(b.last); d > 0 {
		b.balance = min(b.cfg.Max, b.balance+d.Seconds()*b.cfg.MinPerSecond)
		b.last = now
	}
}
