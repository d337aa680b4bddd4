package aggregate

import (
	"context"

	"github.com/fingraph/fingraph/models"
)

// A child product (account transactions, investments, card, liability and
// investment transactions) is fetched at the same time as its parent, not
// after it: an adapter's Fetch needs only the credentials
// (provider.Provider), and only the links of the child's rows need the
// parent's rows, which the store resolves when the child is saved. So the
// child's flight asks the provider for the child while the parent is made
// fresh, and saves the child once the parent's rows are committed: a cold
// read of a whole credentials costs about one provider round trip, and no
// reader ever sees a child row whose parent is not there yet.

// parentFailure returns the failure of p's parent when it failed within
// FailureMemory: the child is then not fetched, since its rows could not
// be linked, and the provider is not asked again for either.
func (s *Service) parentFailure(ctx context.Context, creds *models.Credentials, parent models.Product) error {
	if parent == "" {
		return nil
	}
	rec, err := s.syncRecord(ctx, creds.ID, parent)
	if err != nil || !s.recentFailure(rec) {
		return err
	}
	return s.staleError(parent, rec, rec.ErrorCode, errRecentFailure)
}

// parentAsync makes the parent of p fresh in the background and returns
// where its outcome arrives; nil when p has no parent to wait for (a
// top-level product, or one whose fetch brings every product at once).
// The parent's own fetch is a flight of its own, shared with its readers.
func (s *Service) parentAsync(ctx context.Context, creds *models.Credentials, p models.Product) <-chan error {
	info, _ := models.LookupProduct(p)
	if info.Parent == "" || s.bundled(creds.Provider, p) {
		return nil
	}
	done := make(chan error, 1) // buffered: nobody reads it when the child failed
	go func() { done <- s.ensure(ctx, creds, info.Parent, modeWait) }()
	return done
}

// awaitParent waits for the outcome of parentAsync (nil: none).
func awaitParent(ctx context.Context, parent <-chan error) error {
	if parent == nil {
		return nil
	}
	select {
	case err := <-parent:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
