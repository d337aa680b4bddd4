// Package events tells the rest of the server, and the other replicas,
// what changed: credentials created, their status changed, a product
// synced or failed, credentials deleted, an onboarding session changed.
// Events carry keys only (ids, product names), never data: a listener
// reads the current state through the usual scoped services.
//
// An event is published inside the transaction of the change. Once it
// commits, the event goes to this process's subscribers and, on
// PostgreSQL, through NOTIFY (delivered only on commit) to every replica
// listening. A rolled-back change publishes nothing. Notifications sent
// while a replica's listener is reconnecting are lost: it then raises
// Resync, so subscribers refetch what they show.
package events

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/fingraph/fingraph/models"
)

// Kind names what happened.
type Kind string

// The kinds of events.
const (
	CredentialsCreated Kind = "credentials.created"
	StatusChanged      Kind = "credentials.status"
	ProductSynced      Kind = "product.synced"
	ProductFailed      Kind = "product.failed"
	CredentialsDeleted Kind = "credentials.deleted"
	OnboardingChanged  Kind = "onboarding.changed"
	// Resync: events may have been missed (a listener reconnected).
	Resync Kind = "resync"
)

// Event is one change, by keys.
type Event struct {
	Kind          Kind           `json:"k"`
	UserID        string         `json:"u,omitempty"`
	CredentialsID string         `json:"c,omitempty"`
	Product       models.Product `json:"p,omitempty"`
	SessionID     string         `json:"s,omitempty"`
	At            time.Time      `json:"t"`
	// Origin is the replica that published it.
	Origin string `json:"o,omitempty"`
}

// DefaultBuffer is a subscription's buffer: a subscriber that falls this
// far behind loses events (and is told so by Dropped).
const DefaultBuffer = 256

// Bus delivers events to this process's subscribers. It never blocks a
// publisher: a full subscriber misses the event and its Dropped count
// grows. It is safe for concurrent use.
type Bus struct {
	mu   sync.RWMutex
	next int
	subs map[int]*Subscription
}

// NewBus returns an empty bus.
func NewBus() *Bus { return &Bus{subs: map[int]*Subscription{}} }

// Subscription is one subscriber's stream.
type Subscription struct {
	// C receives the events that pass the filter.
	C       <-chan Event
	c       chan Event
	filter  func(Event) bool
	dropped atomic.Int64
	cancel  func()
}

// Dropped counts events lost because the subscriber was too slow.
func (s *Subscription) Dropped() int64 { return s.dropped.Load() }

// Close ends the subscription; C is closed.
func (s *Subscription) Close() { s.cancel() }

// Subscribe starts a subscription to the events filter accepts (nil: all),
// with a buffer of size buffer (0: DefaultBuffer). Resync always passes.
func (b *Bus) Subscribe(filter func(Event) bool, buffer int) *Subscription {
	if buffer <= 0 {
		buffer = DefaultBuffer
	}
	c := make(chan Event, buffer)
	sub := &Subscription{C: c, c: c, filter: filter}
	b.mu.Lock()
	id := b.next
	b.next++
	b.subs[id] = sub
	b.mu.Unlock()
	var once sync.Once
	sub.cancel = func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, id)
			b.mu.Unlock()
			close(c)
		})
	}
	return sub
}

// Dispatch hands e to every matching subscriber.
func (b *Bus) Dispatch(e Event) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, s := range b.subs {
		if e.Kind != Resync && s.filter != nil && !s.filter(e) {
			continue
		}
		select {
		case s.c <- e:
		default:
			s.dropped.Add(1)
		}
	}
}

// Subscribers returns how many subscriptions are open.
func (b *Bus) Subscribers() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.subs)
}
