package finance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/models"
)

// writer returns the caller when they may change data owned by ownerID.
// Analysts read everything but write nothing.
func writer(ctx context.Context, ownerID string) (*auth.Principal, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return nil, apperr.ErrUnauthenticated
	}
	if !p.CanWrite(ownerID) {
		return nil, fmt.Errorf("finance: write by %s: %w", p.UserID, apperr.ErrForbidden)
	}
	return p, nil
}

// writable loads, by global ID, credentials the caller may change.
func (s *Service) writable(ctx context.Context, id string) (*models.Credentials, error) {
	typ, key, err := ParseGlobalID(id)
	if err != nil {
		return nil, err
	}
	if typ != "Credentials" {
		return nil, fmt.Errorf("finance: %s is not a credentials id: %w", typ, apperr.ErrNotFound)
	}
	c, err := s.credentialsOf(ctx, key)
	if err != nil {
		return nil, err
	}
	if _, err := writer(ctx, c.UserID); err != nil {
		return nil, err
	}
	return c, nil
}

// LinkCredentials exchanges a Flanks Link code for credentials owned by
// the caller. delayed reports the provider's 202: exchange again later.
func (s *Service) LinkCredentials(ctx context.Context, code string) (c *models.Credentials, delayed bool, err error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return nil, false, apperr.ErrUnauthenticated
	}
	if _, err := writer(ctx, p.UserID); err != nil {
		return nil, false, err
	}
	if code, err = s.reveal(code); err != nil {
		return nil, false, err
	}
	if code == "" {
		return nil, false, apperr.Invalid("code must not be empty")
	}
	if err := s.store.TouchUser(ctx, p.UserID, time.Now().UTC()); err != nil {
		return nil, false, err
	}
	return s.agg.LinkCredentials(ctx, p.UserID, models.ProviderFlanks, code)
}

// Refresh fetches status and every cached product now; id is global.
func (s *Service) Refresh(ctx context.Context, id string) (*models.Credentials, error) {
	c, err := s.writable(ctx, id)
	if err != nil {
		return nil, err
	}
	// Products that fail to refresh keep their cached rows: report them
	// next to the refreshed credentials instead of failing the mutation.
	var stale *aggregate.StaleError
	warn := s.agg.RefreshCredentials(ctx, c)
	if warn != nil && !errors.As(warn, &stale) {
		return nil, warn
	}
	loadersFrom(ctx).credentials.Clear(c.ID)
	fresh, err := s.credentialsOf(ctx, c.ID)
	return fresh, partial(err, warn)
}

// ForceFlow starts a provider flow needing the user and returns its token;
// id is global.
func (s *Service) ForceFlow(ctx context.Context, id, flow string) (string, error) {
	c, err := s.writable(ctx, id)
	if err != nil {
		return "", err
	}
	return s.agg.ForceFlow(ctx, c, flow)
}

// Delete erases every cached row of the credentials and has them deleted
// upstream; it reports whether the provider has confirmed yet (it is asked
// again until it does). id is global.
func (s *Service) Delete(ctx context.Context, id string) (bool, error) {
	c, err := s.writable(ctx, id)
	if err != nil {
		return false, err
	}
	return s.agg.DeleteCredentials(ctx, c)
}

// Entities lists the institutions reachable through a provider.
func (s *Service) Entities(ctx context.Context, p models.Provider) ([]aggregate.Entity, error) {
	if _, err := scopeOf(ctx); err != nil {
		return nil, err
	}
	return s.agg.Entities(ctx, p)
}
