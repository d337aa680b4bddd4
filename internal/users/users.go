// Package users knows who is calling: it turns the request's principal into
// the viewer and keeps the users table in step with the tokens seen.
package users

import (
	"context"
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

// Service answers questions about the caller.
type Service struct {
	store *store.Store
	now   func() time.Time
}

// New returns a Service over st.
func New(st *store.Store) *Service {
	return &Service{store: st, now: func() time.Time { return time.Now().UTC() }}
}

// Me returns the caller and records the visit, creating the user row on the
// first request so later data can reference its owner.
func (s *Service) Me(ctx context.Context) (*Viewer, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return nil, apperr.ErrUnauthenticated
	}
	if _, err := s.store.TouchUser(ctx, p.UserID, s.now()); err != nil {
		return nil, err
	}
	return &Viewer{ID: p.UserID, Roles: p.Roles}, nil
}
