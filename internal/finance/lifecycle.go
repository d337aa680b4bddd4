package finance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/provider"
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

// LinkCredentials links credentials of provider p, owned by the caller, by
// the code the provider's own UI handed the frontend (sent in plaintext or
// as a JWE to our published key). delayed reports that the provider holds
// the credentials back for now: link with the same code again later.
func (s *Service) LinkCredentials(ctx context.Context, p models.Provider, code string) (c *models.Credentials, delayed bool, err error) {
	caller, ok := auth.FromContext(ctx)
	if !ok {
		return nil, false, apperr.ErrUnauthenticated
	}
	if _, err := writer(ctx, caller.UserID); err != nil {
		return nil, false, err
	}
	if code, err = s.reveal(code); err != nil {
		return nil, false, err
	}
	if code == "" {
		return nil, false, apperr.Invalid("code must not be empty")
	}
	if err := s.store.TouchUser(ctx, caller.UserID, time.Now().UTC()); err != nil {
		return nil, false, err
	}
	return s.agg.LinkCredentials(ctx, caller.UserID, p, code)
}

// LinkLegacyCode serves the deprecated exchangeLinkCode, which predates
// other providers: it links through the provider configured as the legacy
// linker.
func (s *Service) LinkLegacyCode(ctx context.Context, code string) (*models.Credentials, bool, error) {
	if s.legacyLinker == "" {
		return nil, false, &apperr.Error{Kind: apperr.ErrUnsupported, Public: "use linkCredentials"}
	}
	return s.LinkCredentials(ctx, s.legacyLinker, code)
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

// StartAction starts a flow needing the user (provider.Action) and returns
// what the provider's UI needs; id is global.
func (s *Service) StartAction(ctx context.Context, id string, action provider.Action) (string, error) {
	c, err := s.writable(ctx, id)
	if err != nil {
		return "", err
	}
	return s.agg.StartAction(ctx, c, string(action))
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
func (s *Service) Entities(ctx context.Context, p models.Provider) ([]provider.Entity, error) {
	if _, err := scopeOf(ctx); err != nil {
		return nil, err
	}
	return s.agg.Entities(ctx, p)
}
