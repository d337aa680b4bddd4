package aggregate

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/events"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// SyncRecords returns the sync records of many credentials in one query,
// keyed by credentials id.
func (s *Service) SyncRecords(ctx context.Context, credsIDs []string) (map[string][]models.SyncRecord, error) {
	return s.st.SyncRecords(ctx, credsIDs)
}

// LinkCredentials links new credentials of provider for userID (who must
// exist) by a code the provider's own UI handed the frontend. delayed is
// true, with nil credentials, when the provider holds the credentials back
// for now: link with the same code again later. Linking credentials that
// are already stored returns them when they belong to userID, and
// apperr.ErrConflict otherwise.
func (s *Service) LinkCredentials(ctx context.Context, userID string, p models.Provider, code string) (c *models.Credentials, delayed bool, err error) {
	linker, err := provider.As[provider.Linker](s.reg, p, "linking by code")
	if err != nil {
		return nil, false, err
	}
	link, err := linker.Link(ctx, code)
	if errors.Is(err, provider.ErrLinkDelayed) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	// The code is spent: from here on the handle must not be lost, even if
	// this request is cancelled.
	c, err = s.AttachCredentials(context.WithoutCancel(ctx), userID, p, link)
	return c, false, err
}

// AttachCredentials stores credentials the provider already knows by
// link.Ref (from a link, or created directly in a sandbox) for userID. It
// is idempotent for the same user; a handle linked to another user gives
// apperr.ErrConflict. The handle is stored first, in its own transaction,
// so a status call that fails afterwards loses nothing: the credentials
// then stay pending until the status is fetched.
func (s *Service) AttachCredentials(ctx context.Context, userID string, p models.Provider, link *provider.Link) (*models.Credentials, error) {
	existing, err := s.st.CredentialsByProviderRef(ctx, p, link.Ref)
	switch {
	case err == nil:
		return ownedBy(existing, userID)
	case !errors.Is(err, apperr.ErrNotFound):
		return nil, err
	}
	c := &models.Credentials{ID: uuid.NewString(), UserID: userID, Provider: p, ProviderRef: link.Ref,
		ProviderState: link.State, Pending: true, RequiredActions: models.StringList{}}
	if err := s.newCredentials(ctx, c, link.ExternalID, nil); err != nil {
		if !errors.Is(err, apperr.ErrConflict) {
			return nil, err
		}
		// Linked concurrently by another request: same rule as above.
		if existing, err = s.st.CredentialsByProviderRef(ctx, p, link.Ref); err != nil {
			return nil, err
		}
		return ownedBy(existing, userID)
	}
	if err := s.ensure(ctx, c, models.ProductCredentialsStatus, modeForce); err != nil {
		s.log.WarnContext(ctx, "status of new credentials", "credentials", c.ID, "error", err.Error())
	}
	return s.st.Credentials(ctx, c.ID)
}

// AttachCredentialsWith records the login of link as new credentials of
// userID and runs then in the same transaction, so what the caller
// records about the link (an upload's login) commits with it or not at
// all. It makes no provider call: the status job fetches the status. A
// login already known runs then in a transaction of its own.
func (s *Service) AttachCredentialsWith(ctx context.Context, userID string, p models.Provider, link *provider.Link,
	then func(tx *store.Store, c *models.Credentials) error) (*models.Credentials, error) {
	c := &models.Credentials{ID: uuid.NewString(), UserID: userID, Provider: p, ProviderRef: link.Ref,
		ProviderState: link.State, Pending: true, RequiredActions: models.StringList{}}
	err := s.newCredentials(ctx, c, link.ExternalID, then)
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, apperr.ErrConflict) {
		return nil, err
	}
	existing, err := s.st.CredentialsByProviderRef(ctx, p, link.Ref)
	if err != nil {
		return nil, err
	}
	if existing, err = ownedBy(existing, userID); err != nil {
		return nil, err
	}
	return existing, s.st.Tx(ctx, func(tx *store.Store) error { return then(tx, existing) })
}

// newCredentials inserts c, pending and without a status yet, with the
// job that fetches its status should this request not get to it, and
// runs then (when set) in the same transaction.
func (s *Service) newCredentials(ctx context.Context, c *models.Credentials, externalID string,
	then func(tx *store.Store, c *models.Credentials) error) error {
	now := s.now()
	c.CreatedAt, c.UpdatedAt = now, now
	if externalID != "" {
		c.ExternalID = &externalID
	}
	return s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateCredentials(ctx, c); err != nil {
			return err
		}
		finish := FinishLinkJob{CredentialsID: c.ID, NotBefore: now.Add(s.opts.FinishLinkDelay)}
		if err := tx.EnqueueJob(ctx, finish.Kind(), finish); err != nil {
			return err
		}
		if then != nil {
			if err := then(tx, c); err != nil {
				return err
			}
		}
		return s.publish(ctx, tx, events.CredentialsCreated, c, "")
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
	if err := s.ensure(ctx, creds, models.ProductCredentialsStatus, modeForce); err != nil {
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
	for _, d := range models.DataProducts() {
		if !synced[d.Product] {
			continue
		}
		if err := s.ensure(ctx, creds, d.Product, modeForce); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			errs = append(errs, err)
		}
		if s.bundled(creds.Provider, d.Product) {
			break // that one fetch brought (or failed) every product
		}
	}
	return errors.Join(errs...)
}

// StartAction starts a flow that needs the user (provider.Action: "sca",
// "reset", "reconsent", "history") for creds and returns the token the
// provider's UI needs. The status is refreshed right after, since starting
// a flow changes it.
func (s *Service) StartAction(ctx context.Context, creds *models.Credentials, action string) (string, error) {
	starter, err := provider.As[provider.ActionStarter](s.reg, creds.Provider, "user flows")
	if err != nil {
		return "", err
	}
	a := provider.Action(action)
	if !slices.Contains(starter.Actions(), a) {
		return "", &apperr.Error{Kind: apperr.ErrUnsupported,
			Public: fmt.Sprintf("the provider %q has no %s flow", creds.Provider, action)}
	}
	token, err := starter.StartAction(ctx, creds, a)
	if err != nil {
		return "", err
	}
	if err := s.ensure(ctx, creds, models.ProductCredentialsStatus, modeForce); err != nil {
		s.log.WarnContext(ctx, "status refresh after a user flow", "credentials", creds.ID, "error", err.Error())
	}
	return token, nil
}

// DeleteCredentials erases a connection: every cached row goes at once,
// in one transaction that also records the erasure, and the provider is
// asked to delete it upstream. When the provider cannot be reached the
// erasure stays pending and an EraseJob asks again until it confirms, so
// a provider outage never keeps a user's data here. It reports whether
// the provider has confirmed.
func (s *Service) DeleteCredentials(ctx context.Context, creds *models.Credentials) (bool, error) {
	now := s.now()
	e := &models.Erasure{ID: uuid.NewString(), Provider: creds.Provider, ProviderRef: creds.ProviderRef,
		ProviderState: creds.ProviderState, RequestedAt: now, PurgedAt: now, NextAttemptAt: now}
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DeleteCredentials(ctx, creds.ID); err != nil {
			return err
		}
		if err := tx.CreateErasure(ctx, e); err != nil {
			return err
		}
		retry := EraseJob{ErasureID: e.ID, NotBefore: now.Add(ErasureDelay(0))}
		if err := tx.EnqueueJob(ctx, retry.Kind(), retry); err != nil {
			return err
		}
		return s.publish(ctx, tx, events.CredentialsDeleted, creds, "")
	})
	if errors.Is(err, apperr.ErrNotFound) {
		return false, nil // erased by a concurrent call, which owns the upstream delete
	}
	if err != nil {
		return false, err
	}
	return s.deleteUpstream(ctx, e), nil
}
