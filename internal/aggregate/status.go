package aggregate

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/fingraph/fingraph/internal/events"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// syncStatus fetches the provider's status of creds and writes it to the
// credentials row with its sync record, in one transaction. While the
// provider is still extracting, the record says pending so the status is
// asked again after PendingRetry rather than after the full TTL.
func (s *Service) syncStatus(ctx context.Context, prov provider.Provider, creds *models.Credentials, rec *models.SyncRecord) error {
	st, err := prov.Status(ctx, creds)
	s.fetched(models.ProductCredentialsStatus, err)
	if err != nil {
		return s.failed(ctx, creds, models.ProductCredentialsStatus, rec, err)
	}
	next, err := s.statusRow(ctx, creds, st)
	if err != nil {
		return err
	}
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		if newer, err := statusMovedOn(ctx, tx, creds); err != nil || newer {
			return err
		}
		if err := s.saveState(ctx, tx, creds, st.State); err != nil {
			return err
		}
		return s.writeStatus(ctx, tx, next, st.Pending)
	})
	if err != nil {
		return fmt.Errorf("aggregate: save status: %w", err)
	}
	return nil
}

// statusMovedOn reports whether the stored credentials changed after creds
// was read: a job saved data with its status meanwhile (a poll that ended
// an extraction, say). A status computed from the older row (and its
// older provider state) must not overwrite that one: it would set a
// finished connection back to pending, and save the stale state. Nothing
// is recorded then, so the next read asks again from the new row.
func statusMovedOn(ctx context.Context, tx *store.Store, creds *models.Credentials) (bool, error) {
	cur, err := tx.Credentials(ctx, creds.ID)
	if err != nil {
		return false, err
	}
	return cur.UpdatedAt.After(creds.UpdatedAt), nil
}

// statusRow is creds with the provider status st applied (and the
// institution's name, which may take a provider call: never inside a
// transaction).
func (s *Service) statusRow(ctx context.Context, creds *models.Credentials, st *provider.Status) (*models.Credentials, error) {
	next := *creds
	if err := applyStatus(&next, st); err != nil {
		return nil, err
	}
	if st.EntityID != "" && (st.EntityID != creds.EntityID || creds.EntityName == creds.EntityID) {
		next.EntityID, next.EntityName = st.EntityID, s.entityName(ctx, creds.Provider, st.EntityID)
	}
	next.UpdatedAt = s.now()
	return &next, nil
}

// writeStatus stores a status row with its sync record (pending while the
// provider still extracts, so it is asked again after PendingRetry) and
// announces it, in tx.
func (s *Service) writeStatus(ctx context.Context, tx *store.Store, next *models.Credentials, pending bool) error {
	if err := tx.UpdateCredentialsStatus(ctx, next); err != nil {
		return err
	}
	status, now := store.SyncOK, next.UpdatedAt
	if pending {
		status = store.SyncPending
	}
	if err := tx.PutSyncRecord(ctx, &models.SyncRecord{CredentialsID: next.ID,
		Product: models.ProductCredentialsStatus, Status: status, FetchedAt: &now, AttemptedAt: now}); err != nil {
		return err
	}
	return s.publish(ctx, tx, events.StatusChanged, next, "")
}

// applyStatus copies a provider status onto credentials columns.
func applyStatus(c *models.Credentials, st *provider.Status) error {
	c.Pending, c.Blocked = st.Pending, st.Blocked
	c.RequiredActions = make(models.StringList, 0, len(st.Actions))
	for _, a := range st.Actions {
		c.RequiredActions = append(c.RequiredActions, string(a))
	}
	c.SCARequired, c.ResetRequired = st.Needs(provider.ActionSCA), st.Needs(provider.ActionReset)
	c.LastUpdateAt, c.ProviderCreatedAt = st.LastUpdateAt, st.ProviderCreatedAt
	c.LastTransactionDate = st.LastTransactionDate
	c.ConsentExpiresAt = st.ConsentExpiresAt
	c.ProductStatus = nil
	if len(st.Products) > 0 {
		b, err := json.Marshal(st.Products)
		if err != nil {
			return fmt.Errorf("aggregate: encode product status: %w", err)
		}
		c.ProductStatus = models.JSON(b)
	}
	return nil
}
