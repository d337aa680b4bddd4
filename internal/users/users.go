// Package users knows who is calling: it turns the request's principal into
// the viewer and keeps the users table in step with the tokens seen.
package users

import (
	"context"
	"sync"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/store"
)

// Viewer is the authenticated caller as the API presents it.
type Viewer struct {
	ID    string
	Roles []auth.Role
}

// touchEvery is how often a user's visit is written. The users table needs
// the row to exist and a rough last-seen time; writing it on every query
// cost a write transaction (serialising SQLite writers) and a statement
// per `me`.
const touchEvery = time.Minute

// maxTouched bounds the memory of recent visits; past it, entries older
// than touchEvery are dropped.
const maxTouched = 10_000

// Service answers questions about the caller.
type Service struct {
	store *store.Store
	now   func() time.Time

	mu      sync.Mutex
	touched map[string]time.Time // user id -> last write of last_seen_at
}

// New returns a Service over st.
func New(st *store.Store) *Service {
	return NewWithClock(st, func() time.Time { return time.Now().UTC() })
}

// NewWithClock is New with the clock given (tests).
func NewWithClock(st *store.Store, now func() time.Time) *Service {
	return &Service{store: st, now: now, touched: map[string]time.Time{}}
}

// Me returns the caller and records the visit, creating the user row on the
// first request so later data can reference its owner.
func (s *Service) Me(ctx context.Context) (*Viewer, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return nil, apperr.ErrUnauthenticated
	}
	if err := s.touch(ctx, p.UserID); err != nil {
		return nil, err
	}
	return &Viewer{ID: p.UserID, Roles: p.Roles}, nil
}

// touch records a visit unless this process recorded one for the user less
// than touchEvery ago. Per process: several replicas each write once per
// interval, which is still rare.
func (s *Service) touch(ctx context.Context, id string) error {
	now := s.now()
	s.mu.Lock()
	last, ok := s.touched[id]
	s.mu.Unlock()
	if ok && now.Sub(last) < touchEvery {
		return nil
	}
	if err := s.store.TouchUser(ctx, id, now); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.touched) >= maxTouched {
		for u, t := range s.touched {
			if now.Sub(t) >= touchEvery {
				delete(s.touched, u)
			}
		}
	}
	s.touched[id] = now
	return nil
}
