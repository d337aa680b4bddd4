package users

import (
	"context"
	"fmt"

	"github.com/fingraph/fingraph/internal/access"
	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/store"
)

// readsEveryone returns FORBIDDEN unless the caller is an analyst or an
// admin.
func readsEveryone(ctx context.Context) error {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return apperr.ErrUnauthenticated
	}
	if !p.Has(auth.RoleAnalyst) && !p.Has(auth.RoleAdmin) {
		return fmt.Errorf("users: read of other users by %s: %w", p.UserID, apperr.ErrForbidden)
	}
	return nil
}

// List pages every user by id, with their credentials counted per
// provider and state, for analysts and admins. Each listed user is
// recorded in the access trail.
func (s *Service) List(ctx context.Context, f store.UserFilter, p store.Page, withTotal bool) (*store.Conn[store.UserRow], error) {
	if err := readsEveryone(ctx); err != nil {
		return nil, err
	}
	if p.Backward || p.Before != nil {
		return nil, apperr.Invalid("the users list pages forward only (first, after)")
	}
	c, err := s.store.Users(ctx, f, p, withTotal)
	if err != nil {
		return nil, err
	}
	for _, r := range c.Rows {
		access.Viewed(ctx, r.ID)
	}
	return c, nil
}

// View returns the viewer of user id for an analyst or an admin: the same
// object `me` is, so its fields read that user's data (they read the id
// from the object, never from the token). Roles come with tokens and are
// unknown here: none. An unknown id is NOT_FOUND.
func (s *Service) View(ctx context.Context, id string) (*Viewer, error) {
	if err := readsEveryone(ctx); err != nil {
		return nil, err
	}
	if _, err := s.store.User(ctx, id); err != nil {
		return nil, err
	}
	access.Viewed(ctx, id)
	return &Viewer{ID: id}, nil
}
