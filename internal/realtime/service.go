// Package realtime turns the change events of internal/events into
// GraphQL subscription streams. An event carries keys only; each payload
// is read through the finance service with the subscriber's rights and
// fresh loaders, so a stream shows what a query would show at that moment
// and nothing of another user. Streams end when the subscriber's token
// expires, and each user may hold only so many at once.
package realtime

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/events"
	"github.com/fingraph/fingraph/internal/finance"
	"github.com/fingraph/fingraph/models"
)

// Options bound what one user may hold open; zero values take defaults.
type Options struct {
	// MaxSubscriptions per user, across transports (default 50).
	MaxSubscriptions int
	// MaxConnections per user: open WebSocket connections (default 10).
	MaxConnections int
}

// Service serves subscriptions. It is safe for concurrent use.
type Service struct {
	bus  *events.Bus
	fin  *finance.Service
	opts Options

	mu    sync.Mutex
	subs  map[string]int // open subscriptions by user
	conns map[string]int // open WebSocket connections by user
}

// New returns a Service over the events of bus.
func New(bus *events.Bus, fin *finance.Service, o Options) *Service {
	if o.MaxSubscriptions <= 0 {
		o.MaxSubscriptions = 50
	}
	if o.MaxConnections <= 0 {
		o.MaxConnections = 10
	}
	return &Service{bus: bus, fin: fin, opts: o, subs: map[string]int{}, conns: map[string]int{}}
}

// SyncCompleted is one product of a credentials that is now fresh.
type SyncCompleted struct {
	Credentials *models.Credentials
	Product     models.Product
	At          time.Time
}

// credentialsKinds are the events that change what credentialsUpdated shows.
var credentialsKinds = map[events.Kind]bool{events.StatusChanged: true, events.ProductSynced: true,
	events.ProductFailed: true, events.CredentialsDeleted: true}

// CredentialsUpdated streams the credentials of global id each time their
// status or a product's sync state changes, until they are deleted.
func (s *Service) CredentialsUpdated(ctx context.Context, id string) (<-chan *models.Credentials, error) {
	c, err := s.credentials(ctx, id)
	if err != nil {
		return nil, err
	}
	filter := func(e events.Event) bool { return e.CredentialsID == c.ID && credentialsKinds[e.Kind] }
	return stream(ctx, s, filter, func(ctx context.Context, e events.Event) (*models.Credentials, bool, error) {
		if e.Kind == events.CredentialsDeleted {
			return nil, true, nil
		}
		v, err := s.fin.Credentials(ctx, c.ID)
		return v, false, err
	})
}

// SyncCompletedFor streams, for the caller's own credentials, each
// product that has just been fetched.
func (s *Service) SyncCompletedFor(ctx context.Context) (<-chan *SyncCompleted, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return nil, apperr.ErrUnauthenticated
	}
	filter := func(e events.Event) bool { return e.Kind == events.ProductSynced && e.UserID == p.UserID }
	return stream(ctx, s, filter, func(ctx context.Context, e events.Event) (*SyncCompleted, bool, error) {
		if e.Kind == events.Resync {
			return nil, false, nil // nothing precise to say: skipped
		}
		c, err := s.fin.Credentials(ctx, e.CredentialsID)
		if err != nil {
			return nil, false, nil // deleted meanwhile
		}
		return &SyncCompleted{Credentials: c, Product: e.Product, At: e.At}, false, nil
	})
}

// OnboardingSessionUpdated streams the onboarding session of global id
// each time it moves, until it ends.
func (s *Service) OnboardingSessionUpdated(ctx context.Context, id string) (<-chan *models.OnboardingSession, error) {
	o, err := nodeOf[*models.OnboardingSession](ctx, s.fin, id)
	if err != nil {
		return nil, err
	}
	filter := func(e events.Event) bool { return e.Kind == events.OnboardingChanged && e.SessionID == o.ID }
	return stream(ctx, s, filter, func(ctx context.Context, _ events.Event) (*models.OnboardingSession, bool, error) {
		v, err := nodeOf[*models.OnboardingSession](ctx, s.fin, id)
		if err != nil {
			return nil, true, err
		}
		return v, v.State.Terminal(), nil
	})
}

// credentials loads the caller-visible credentials of a global id.
func (s *Service) credentials(ctx context.Context, id string) (*models.Credentials, error) {
	return nodeOf[*models.Credentials](ctx, s.fin, id)
}

// nodeOf resolves a global id to a T the caller may see; any other id is
// NOT_FOUND, as for node(id:).
func nodeOf[T models.Node](ctx context.Context, fin *finance.Service, id string) (T, error) {
	var zero T
	n, err := fin.Node(fin.WithLoaders(ctx), id)
	if err != nil {
		return zero, err
	}
	v, ok := n.(T)
	if !ok {
		return zero, fmt.Errorf("realtime: %s is not the right type: %w", id, apperr.ErrNotFound)
	}
	return v, nil
}

// loadFunc reads the payload of an event; end closes the stream after it
// (with no payload when v is nil).
type loadFunc[T any] func(ctx context.Context, e events.Event) (v T, end bool, err error)

// stream subscribes to the bus and turns matching events into payloads
// until ctx ends, the token expires, load says end, or fails.
func stream[T any](ctx context.Context, s *Service, filter func(events.Event) bool, load loadFunc[*T]) (<-chan *T, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return nil, apperr.ErrUnauthenticated
	}
	release, err := s.acquire(s.subs, p.UserID, s.opts.MaxSubscriptions, "subscriptions")
	if err != nil {
		return nil, err
	}
	sub := s.bus.Subscribe(filter, 0)
	out := make(chan *T, 1)
	go func() {
		defer release()
		defer sub.Close()
		defer close(out)
		expired := expiry(p)
		for {
			select {
			case <-ctx.Done():
				return
			case <-expired:
				return
			case e, open := <-sub.C:
				if !open || !deliver(ctx, s, e, load, out) {
					return
				}
			}
		}
	}()
	return out, nil
}

// deliver loads and sends one payload; false ends the stream.
func deliver[T any](ctx context.Context, s *Service, e events.Event, load loadFunc[*T], out chan<- *T) bool {
	v, end, err := load(s.fin.WithLoaders(ctx), e)
	if err != nil {
		return false
	}
	if v != nil {
		select {
		case out <- v:
		case <-ctx.Done():
			return false
		}
	}
	return !end
}

// expiry fires when the principal's token expires (never without one).
func expiry(p *auth.Principal) <-chan time.Time {
	if p.ExpiresAt.IsZero() {
		return nil
	}
	return time.After(time.Until(p.ExpiresAt))
}

// ErrTooMany is returned when a user holds too many streams.
var ErrTooMany = errors.New("too many open streams")

// acquire takes one of a user's slots in counts, or refuses.
func (s *Service) acquire(counts map[string]int, user string, limit int, what string) (release func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if counts[user] >= limit {
		return nil, &apperr.Error{Kind: apperr.ErrRateLimited, Public: fmt.Sprintf("at most %d open %s per user", limit, what),
			Err: ErrTooMany}
	}
	counts[user]++
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if counts[user]--; counts[user] <= 0 {
				delete(counts, user)
			}
		})
	}, nil
}

// Open returns the streams open on this replica: subscriptions (all
// transports) and WebSocket connections, for metrics.
func (s *Service) Open() (subscriptions, connections int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.subs {
		subscriptions += n
	}
	for _, n := range s.conns {
		connections += n
	}
	return subscriptions, connections
}

// Connect admits one WebSocket connection of the principal in ctx; call
// release when it closes.
func (s *Service) Connect(ctx context.Context) (release func(), err error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return nil, apperr.ErrUnauthenticated
	}
	return s.acquire(s.conns, p.UserID, s.opts.MaxConnections, "connections")
}
