package httpx

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// ErrBulkheadFull reports a call refused because the provider already has
// the maximum number of calls in flight and of calls waiting for a slot.
var ErrBulkheadFull = errors.New("httpx: bulkhead full")

// Default bulkhead sizes (reliability.md goal 19).
const (
	DefaultMaxInFlight = 10
	DefaultMaxQueue    = 5
)

// Bulkhead bounds the calls in flight to one provider, so a slow provider
// ties up at most MaxInFlight connections and MaxQueue waiting goroutines
// instead of every request goroutine of the server. It is safe for
// concurrent use; a nil *Bulkhead admits every call.
type Bulkhead struct {
	slots    chan struct{} // one element per call in flight
	maxQueue int64
	queued   atomic.Int64
}

// NewBulkhead returns a bulkhead of maxInFlight slots and a waiting queue of
// maxQueue; values <= 0 take the defaults.
func NewBulkhead(maxInFlight, maxQueue int) *Bulkhead {
	if maxInFlight <= 0 {
		maxInFlight = DefaultMaxInFlight
	}
	if maxQueue <= 0 {
		maxQueue = DefaultMaxQueue
	}
	return &Bulkhead{slots: make(chan struct{}, maxInFlight), maxQueue: int64(maxQueue)}
}

// InFlight returns how many slots are taken.
func (b *Bulkhead) InFlight() int {
	if b == nil {
		return 0
	}
	return len(b.slots)
}

// Queued returns how many calls wait for a slot.
func (b *Bulkhead) Queued() int {
	if b == nil {
		return 0
	}
	return int(b.queued.Load())
}

// Acquire takes a slot, waiting in the queue while all are taken. It fails
// at once with ErrBulkheadFull when the queue is full too, and with
// ctx.Err() when ctx ends while waiting. On success the caller must call
// release once the call is over; extra calls to release are no-ops.
func (b *Bulkhead) Acquire(ctx context.Context) (release func(), err error) {
	if b == nil {
		return func() {}, nil
	}
	select {
	case b.slots <- struct{}{}:
		return b.releaser(), nil
	default:
	}
	if !b.enqueue() {
		return nil, ErrBulkheadFull
	}
	defer b.queued.Add(-1)
	// A freed slot goes straight to the longest-blocked sender on the
	// channel, so newcomers cannot jump the queue.
	select {
	case b.slots <- struct{}{}:
		return b.releaser(), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// enqueue reserves a place in the waiting queue, or reports it is full.
func (b *Bulkhead) enqueue() bool {
	for {
		q := b.queued.Load()
		if q >= b.maxQueue {
			return false
		}
		if b.queued.CompareAndSwap(q, q+1) {
			return true
		}
	}
}

func (b *Bulkhead) releaser() func() {
	var once sync.Once
	return func() { once.Do(func() { <-b.slots }) }
}
