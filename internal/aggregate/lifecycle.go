package aggregate

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// refreshOrder lists the products parents first, so a refresh links each
// child to its freshly written parents.
var refreshOrder = []models.Product{
	models.ProductAccounts, models.ProductTransactions,
	models.ProductPortfolios, models.ProductInvestments, models.ProductInvTxns,
	models.ProductLiabilities, models.ProductLiabTxns,
	models.ProductCards, models.ProductCardTxns,
	models.ProductIdentity, models.ProductHolders, models.ProductMifid,
}

// SyncRecords returns the sync records of many credentials in one query,
// keyed by credentials id.
func (s *Service) SyncRecords(ctx context.Context, credsIDs []string) (map[string][]models.SyncRecord, error) {
	return s.st.SyncRecords(ctx, credsIDs)
}

// LinkCredentials exchanges a provider link code and stores the new
// credentials for userID (who must exist). delayed is true, with nil
// credentials, when the provider holds the credentials back for now:
// exchange the same code again later. Linking credentials that are
// already stored returns them when they belong to userID, and
// apperr.ErrConflict otherwise.
func (s *Service) LinkCredentials(ctx context.Context, userID string, provider models.Provider, code string) (c *models.Credentials, delayed bool, err error) {
	prov, err := s.provider(provider)
	if err != nil {
		return nil, false, err
	}
	link, err := prov.ExchangeLinkCode(ctx, code)
	if errors.Is(err, ErrLinkDelayed) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	c, err = s.AttachCredentials(ctx, userID, provider, link.Ref, link.ExternalID)
	return c, false, err
}

// AttachCredentials stores credentials the provider already knows by ref
// (from a link exchange, or created directly in a sandbox) for userID, with
// their current status. It is idempotent for the same user; ref linked to
// another user gives apperr.ErrConflict.
func (s *Service) AttachCredentials(ctx context.Context, userID string, provider models.Provider, ref, externalID string) (*models.Credentials, error) {
	existing, err := s.st.CredentialsByProviderRef(ctx, provider, ref)
	switch {
	case err == nil:
		return ownedBy(existing, userID)
	case !errors.Is(err, apperr.ErrNotFound):
		return nil, err
	}
	prov, err := s.provider(provider)
	if err != nil {
		return nil, err
	}
	c := &models.Credentials{ID: uuid.NewString(), UserID: userID, Provider: provider, ProviderRef: ref}
	st, err := prov.Status(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := s.newCredentials(ctx, c, st, externalID); err != nil {
		if !errors.Is(err, apperr.ErrConflict) {
			return nil, err
		}
		// Linked concurrently by another request: same rule as above.
		if existing, err = s.st.CredentialsByProviderRef(ctx, provider, ref); err != nil {
			return nil, err
		}
		return ownedBy(existing, userID)
	}
	return c, nil
}

// newCredentials fills c from the provider status and inserts it with its
// status sync record.
func (s *Service) newCredentials(ctx context.Context, c *models.Credentials, st *Status, externalID string) error {
	now := s.now()
	c.EntityID, c.EntityName = st.EntityID, s.entityName(ctx, c.Provider, st.EntityID)
	c.CreatedAt, c.UpdatedAt = now, now
	if externalID != "" {
		c.ExternalID = &externalID
	}
	if err := applyStatus(c, st); err != nil {
		return err
	}
	status := store.SyncOK
	if st.Pending {
		status = store.SyncPending
	}
	return s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateCredentials(ctx, c); err != nil {
			return err
		}
		return tx.PutSyncRecord(ctx, &models.SyncRecord{CredentialsID: c.ID,
			Product: models.ProductCredentialsStatus, Status: status, FetchedAt: &now, AttemptedAt: now})
	})
}

func ownedBy(c *models.Credentials, userID string) (*models.Credentials, error) {
	if c.UserID != userID {
		return nil, apperr.Conflictf("these credentials are already linked to another user")
	}
	return c, nil
}

// RefreshCredentials fetches the status and every product that was ever
// fetched for creds now, ignoring TTLs. A failed status is returned as is;
// failed products come back joined (as StaleErrors) after the others ran.
func (s *Service) RefreshCredentials(ctx context.Context, creds *models.Credentials) error {
	if err := s.ensure(ctx, creds, models.ProductCredentialsStatus, true); err != nil {
		return err
	}
	recs, err := s.st.SyncRecords(ctx, []string{creds.ID})
	if err != nil {
		return err
	}
	synced := map[models.Product]bool{}
	for _, r := range recs[creds.ID] {
		synced[r.Product] = true
	}
	var errs []error
	for _, p := range refreshOrder {
		if !synced[p] {
			continue
		}
		if err := s.ensure(ctx, creds, p, true); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ForceFlow starts flow ("sca", "reset" or "transaction") for creds and
// returns the token the user's provider UI needs. The status is refreshed
// right after, since forcing changes it (and stops automatic updates).
func (s *Service) ForceFlow(ctx context.Context, creds *models.Credentials, flow string) (string, error) {
	f := Flow(flow)
	if f != FlowSCA && f != FlowReset && f != FlowTransaction {
		return "", apperr.Invalid("flow must be sca, reset or transaction")
	}
	prov, err := s.provider(creds.Provider)
	if err != nil {
		return "", err
	}
	token, err := prov.ForceFlow(ctx, creds, f)
	if err != nil {
		return "", err
	}
	if err := s.ensure(ctx, creds, models.ProductCredentialsStatus, true); err != nil {
		s.log.WarnContext(ctx, "status refresh after forced flow", "credentials", creds.ID, "error", err.Error())
	}
	return token, nil
}

// DeleteCredentials erases a connection: every cached row goes at once,
// in one transaction that also records the erasure, and the provider is
// asked to delete it upstream. When the provider cannot be reached the
// erasure stays pending and RetryErasures asks again until it confirms, so
// a provider outage never keeps a user's data here. It reports whether
// the provider has confirmed.
func (s *Service) DeleteCredentials(ctx context.Context, creds *models.Credentials) (bool, error) {
	if _, err := s.provider(creds.Provider); err != nil {
		return false, err
	}
	now := s.now()
	e := &models.Erasure{ID: uuid.NewString(), Provider: creds.Provider, ProviderRef: creds.ProviderRef,
		RequestedAt: now, PurgedAt: now, NextAttemptAt: now}
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteCredentials(ctx, creds.ID); err != nil {
			return err
		}
		return tx.CreateErasure(ctx, e)
	})
	if errors.Is(err, apperr.ErrNotFound) {
		return false, nil // erased by a concurrent call, which owns the upstream delete
	}
	if err != nil {
		return false, err
	}
	return s.deleteUpstream(ctx, e), nil
}
