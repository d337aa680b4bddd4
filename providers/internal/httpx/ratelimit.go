package httpx

import (
	"context"
	"errors"
	"math"
	"time"

	"golang.org/x/time/rate"
)

// ErrRateLimited reports a call not sent because the provider's outbound
// rate limit would have made it wait past its deadline.
var ErrRateLimited = errors.New("httpx: outbound rate limit reached")

// RateLimiter spaces one provider's requests to at most a steady rate with
// a burst (a golang.org/x/time/rate token bucket), so a busy server stays
// within the provider's quota instead of collecting 429s. Every attempt,
// retries included, takes a token; Retry-After answers are still honoured
// by the caller on top. It is per process: with several replicas, divide
// the provider's quota by their number. It is safe for concurrent use; a
// nil *RateLimiter never waits.
type RateLimiter struct {
	lim *rate.Limiter
}

// NewRateLimiter returns a limiter of perSecond requests per second with a
// burst of burst (<= 0: perSecond rounded up, at least 1), or nil, no
// limit, when perSecond <= 0.
func NewRateLimiter(perSecond float64, burst int) *RateLimiter {
	if perSecond <= 0 {
		return nil
	}
	if burst <= 0 {
		burst = max(1, int(math.Ceil(perSecond)))
	}
	return &RateLimiter{lim: rate.NewLimiter(rate.Limit(perSecond), burst)}
}

// Wait takes one token at now (the client's clock, which tests fake),
// sleeping through sleep until it is due. It
// takes nothing and fails at once with ErrRateLimited when the wait would
// outlast ctx's deadline, and with ctx's error when ctx ends while
// waiting.
func (l *RateLimiter) Wait(ctx context.Context, now time.Time, sleep func(context.Context, time.Duration) error) error {
	if l == nil {
		return nil
	}
	r := l.lim.ReserveN(now, 1)
	if !r.OK() {
		return ErrRateLimited
	}
	d := r.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	if rem, ok := Remaining(ctx, time.Now()); ok && d >= rem { // deadlines are on the wall clock
		r.CancelAt(now)
		return ErrRateLimited
	}
	if err := sleep(ctx, d); err != nil {
		r.CancelAt(now)
		return err
	}
	return nil
}
