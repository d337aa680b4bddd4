package graph

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
)

// CodeRateLimited is the extensions.code of a throttled operation; the
// HTTP transport answers it with 429 and Retry-After.
const CodeRateLimited = apperr.CodeRateLimited

// Budget is a per-user leaky bucket of query cost: each operation spends
// its estimated cost; the bucket refills at Rate points per second up to
// Burst. Per process: with several replicas each holds its own buckets.
type Budget struct {
	Burst float64
	Rate  float64
	Now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	points float64
	at     time.Time
}

// NewBudget returns a budget, or nil (unlimited) when rate is 0.
func NewBudget(burst, rate float64) *Budget {
	if rate <= 0 {
		return nil
	}
	return &Budget{Burst: burst, Rate: rate, Now: time.Now, buckets: map[string]*bucket{}}
}

// charge spends cost from the caller's bucket, or returns RATE_LIMITED
// with the seconds until enough points are back.
func (b *Budget) charge(ctx context.Context, cost int) *gqlerror.Error {
	if b == nil {
		return nil
	}
	p, ok := auth.FromContext(ctx)
	if !ok {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.Now()
	bk := b.buckets[p.UserID]
	if bk == nil {
		b.prune(now)
		bk = &bucket{points: b.Burst, at: now}
		b.buckets[p.UserID] = bk
	}
	bk.points = math.Min(b.Burst, bk.points+now.Sub(bk.at).Seconds()*b.Rate)
	bk.at = now
	need := math.Max(1, float64(cost))
	if bk.points >= need {
		bk.points -= need
		return nil
	}
	wait := int(math.Ceil((need - bk.points) / b.Rate))
	err := limitError(CodeRateLimited, "rate limit exceeded: retry in %d s", wait)
	err.Extensions["retryAfter"] = wait
	return err
}

// maxBuckets bounds memory: beyond it, buckets that have refilled (and so
// carry no state worth keeping) are dropped.
const maxBuckets = 100_000

func (b *Budget) prune(now time.Time) {
	if len(b.buckets) < maxBuckets {
		return
	}
	for id, bk := range b.buckets {
		if bk.points+now.Sub(bk.at).Seconds()*b.Rate >= b.Burst {
			delete(b.buckets, id)
		}
	}
}
