package finance

import (
	"context"
	"errors"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
)

func isNotFound(err error) bool { return errors.Is(err, apperr.ErrNotFound) }

// Credentials loads one credentials visible to the caller.
func (s *Service) Credentials(ctx context.Context, id string) (*models.Credentials, error) {
	return s.credentialsOf(ctx, id)
}

// Account loads one account visible to the caller.
func (s *Service) Account(ctx context.Context, id string) (*models.Account, error) {
	return found(loadersFrom(ctx).accounts.Load(ctx, id))
}

// Portfolio loads a portfolio, nil for a nil id.
func (s *Service) Portfolio(ctx context.Context, id *string) (*models.Portfolio, error) {
	if id == nil {
		return nil, nil
	}
	return optional(loadersFrom(ctx).portfolios.Load(ctx, *id))
}

// Investment loads an investment, nil for a nil id.
func (s *Service) Investment(ctx context.Context, id *string) (*models.Investment, error) {
	if id == nil {
		return nil, nil
	}
	return optional(loadersFrom(ctx).investments.Load(ctx, *id))
}

// Liability loads a liability, nil for a nil id.
func (s *Service) Liability(ctx context.Context, id *string) (*models.Liability, error) {
	if id == nil {
		return nil, nil
	}
	return optional(loadersFrom(ctx).liabilities.Load(ctx, *id))
}

// Card loads a card, nil for a nil id.
func (s *Service) Card(ctx context.Context, id *string) (*models.Card, error) {
	if id == nil {
		return nil, nil
	}
	return optional(loadersFrom(ctx).cards.Load(ctx, *id))
}
