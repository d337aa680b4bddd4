// Package finance answers the financial graph's reads and lifecycle
// mutations for the GraphQL layer: each method makes the data it needs
// fresh through the aggregate service (lazy fetch into the cache), then
// reads it through per-request loaders, always within the caller's scope.
package finance

import (
	"context"
	"errors"
	"fmt"

	"github.com/vikstrous/dataloadgen"
	"golang.org/x/sync/errgroup"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/jwe"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Service is the read and lifecycle API of the financial graph.
type Service struct {
	store  *store.Store
	agg    *aggregate.Service
	opener Opener
	// legacyLinker is the provider the deprecated exchangeLinkCode links
	// through ("" when none).
	legacyLinker models.Provider
}

// Opener decrypts end-to-end encrypted values (compact JWE) that clients
// send instead of plaintext secrets.
type Opener interface {
	Open(token string) ([]byte, error)
}

// New returns a Service; opener may be nil when end-to-end encryption is
// off, in which case encrypted inputs are refused. legacyLinker names the
// provider of the deprecated exchangeLinkCode ("" for none).
func New(st *store.Store, agg *aggregate.Service, opener Opener, legacyLinker models.Provider) *Service {
	return &Service{store: st, agg: agg, opener: opener, legacyLinker: legacyLinker}
}

// reveal returns a sensitive input in plaintext: as is, or decrypted when
// the client sent it as a JWE. The plaintext is only handed on to the
// provider: never logged, never stored, and failures say nothing about why.
func (s *Service) reveal(v string) (string, error) {
	if !jwe.IsJWE(v) {
		return v, nil
	}
	if s.opener == nil {
		return "", apperr.Invalid("encrypted values are not accepted by this server")
	}
	b, err := s.opener.Open(v)
	if err != nil {
		return "", apperr.Invalid("the encrypted value could not be decrypted")
	}
	return string(b), nil
}

// Partial marks a result that is usable but incomplete: cached data served
// while the provider failed, or nothing yet because it failed. The GraphQL
// layer returns the data and reports Err as a non-fatal error.
type Partial struct{ Err error }

func (p *Partial) Error() string { return p.Err.Error() }

// Unwrap exposes the cause (a *aggregate.StaleError, usually).
func (p *Partial) Unwrap() error { return p.Err }

// partial combines a load result with the warnings of making it fresh.
func partial(err error, warnings ...error) error {
	if err != nil {
		return err
	}
	if w := errors.Join(warnings...); w != nil {
		return &Partial{Err: w}
	}
	return nil
}

func scopeOf(ctx context.Context) (store.Scope, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return store.Scope{}, apperr.ErrUnauthenticated
	}
	return store.Scope{UserID: p.UserID, All: p.Has(auth.RoleAnalyst) || p.Has(auth.RoleAdmin)}, nil
}

// found maps a loader miss to the domain sentinel: an id the caller may
// not see and an unknown id give the same NOT_FOUND.
func found[T any](v T, err error) (T, error) {
	if errors.Is(err, dataloadgen.ErrNotFound) {
		var zero T
		return zero, fmt.Errorf("finance: %w", apperr.ErrNotFound)
	}
	return v, err
}

// ensureAll makes products fresh for every credentials of the user, each
// (credentials, product) in parallel. The user's credentials are read once
// per request, however many fields of `me` fan out.
func (s *Service) ensureAll(ctx context.Context, userID string, products ...models.Product) error {
	creds, err := loadersFrom(ctx).userCredentials(ctx, s.store, userID)
	if err != nil {
		return err
	}
	warns := make([]error, len(creds)*len(products))
	var g errgroup.Group
	for i := range creds {
		for j, p := range products {
			g.Go(func() error { warns[i*len(products)+j] = s.ensure(ctx, &creds[i], p); return nil })
		}
	}
	_ = g.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errors.Join(warns...)
}

// credentialsOf loads the credentials a child object belongs to.
func (s *Service) credentialsOf(ctx context.Context, id string) (*models.Credentials, error) {
	return found(loadersFrom(ctx).credentials.Load(ctx, id))
}
