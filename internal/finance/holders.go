package finance

import (
	"context"

	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// HolderProductID returns the global ID of the account, card, portfolio or
// liability a holder belongs to, or nil when fingraph has not fetched it.
// Lookups of all holders in a response are batched.
func (s *Service) HolderProductID(ctx context.Context, h *models.Holder) (*string, error) {
	ref := store.ProductRef{CredentialsID: h.CredentialsID, ProviderID: h.ProviderProductID}
	n, err := optionalNode(loadersFrom(ctx).productRefs.Load(ctx, ref))
	if err != nil || n == nil {
		return nil, err
	}
	id := GlobalID(n)
	return &id, nil
}

func optionalNode(n models.Node, err error) (models.Node, error) {
	n, err = found(n, err)
	if isNotFound(err) {
		return nil, nil
	}
	return n, err
}
