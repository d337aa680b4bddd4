package aggregate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// codePolling marks a pending sync record whose fetch a PollJob finishes:
// readers then leave the provider alone until the job is done, instead of
// asking again every PendingRetry.
const codePolling = "polling"

// DefaultPollInterval is how often a PollJob asks when the provider gives
// no hint (Flinks: every 10 s).
const DefaultPollInterval = 10 * time.Second

// pollHold bounds how long a polled product counts as fresh without news
// from its job (a lost job must not freeze a product for ever).
const pollHold = time.Hour

// PollJob finishes a fetch the provider answered Pending, by polling.
type PollJob struct {
	CredentialsID string    `json:"credentials_id" river:"unique"`
	Since         time.Time `json:"since"`
}

// Kind implements river.JobArgs.
func (PollJob) Kind() string { return "poll_fetch" }

// StillPending asks the job runner to poll again after After.
type StillPending struct{ After time.Duration }

// Error implements error.
func (e *StillPending) Error() string {
	return fmt.Sprintf("aggregate: still pending; poll again in %s", e.After)
}

// pending records a Pending fetch: product p (with a bundling provider,
// every product) pending, the adapter's new state, and, for a Poller, the
// job that polls until the data is there, all in one transaction.
func (s *Service) pending(ctx context.Context, creds *models.Credentials, p models.Product, rec *models.SyncRecord, pend *provider.Pending) error {
	prov, err := s.reg.Get(creds.Provider)
	if err != nil {
		return err
	}
	_, polls := prov.(provider.Poller)
	code := provider.CodePending
	if polls {
		code = codePolling
	}
	next, err := s.pendingRecords(ctx, prov, creds, p, rec, code)
	if err != nil {
		return err
	}
	now := s.now()
	return s.st.Tx(ctx, func(tx *store.Store) error {
		for i := range next {
			if err := tx.PutSyncRecord(ctx, &next[i]); err != nil {
				return err
			}
		}
		if err := s.saveState(ctx, tx, creds, pend.State); err != nil {
			return err
		}
		if !polls {
			return nil
		}
		return tx.EnqueueJob(ctx, PollJob{}.Kind(), PollJob{CredentialsID: creds.ID, Since: now})
	})
}

// pendingRecords are the pending sync records of a Pending fetch of p,
// each keeping when its product was last fetched.
func (s *Service) pendingRecords(ctx context.Context, prov provider.Provider, creds *models.Credentials, p models.Product, rec *models.SyncRecord, code string) ([]models.SyncRecord, error) {
	products := []models.Product{p}
	if lister, ok := prov.(provider.ProductLister); ok && provider.Bundles(prov) {
		products = lister.Products()
	}
	recs, err := s.st.SyncRecords(ctx, []string{creds.ID})
	if err != nil {
		return nil, err
	}
	fetched := map[models.Product]*time.Time{}
	for _, r := range recs[creds.ID] {
		fetched[r.Product] = r.FetchedAt
	}
	if rec != nil {
		fetched[p] = rec.FetchedAt
	}
	now := s.now()
	out := make([]models.SyncRecord, 0, len(products))
	for _, q := range products {
		out = append(out, models.SyncRecord{CredentialsID: creds.ID, Product: q, Status: store.SyncPending,
			ErrorCode: code, AttemptedAt: now, FetchedAt: fetched[q]})
	}
	return out, nil
}

// Poll runs one PollJob attempt. It returns *StillPending while the
// provider is not done, and nil once the data is stored or the poll failed
// (the failure is recorded on the pending products).
func (s *Service) Poll(ctx context.Context, job PollJob) error {
	creds, err := s.st.Credentials(ctx, job.CredentialsID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil // deleted meanwhile
	}
	if err != nil {
		return err
	}
	poller, err := provider.As[provider.Poller](s.reg, creds.Provider, "polling")
	if err != nil {
		return nil
	}
	rows, err := poller.Poll(ctx, creds)
	var pend *provider.Pending
	switch {
	case errors.As(err, &pend):
		if err := s.st.Tx(ctx, func(tx *store.Store) error { return s.saveState(ctx, tx, creds, pend.State) }); err != nil {
			return err
		}
		after := pend.RetryAfter
		if after <= 0 {
			after = DefaultPollInterval
		}
		return &StillPending{After: after}
	case err != nil:
		return s.pollFailed(ctx, creds, err)
	}
	if len(rows.Products) == 0 {
		return fmt.Errorf("aggregate: poll of %s returned no product", creds.ID)
	}
	if err := s.save(ctx, creds, rows.Products[0], rows); err != nil || rows.Status != nil {
		return err // with rows.Status, the status was saved with the rows
	}
	return s.statusAfterData(ctx, creds.ID)
}

// statusAfterData refreshes the status of credentials whose data just
// arrived (it may no longer be pending), from the state just saved; a
// provider failure leaves it to a job.
func (s *Service) statusAfterData(ctx context.Context, id string) error {
	creds, err := s.st.Credentials(ctx, id)
	if err != nil {
		return err
	}
	err = s.ensure(ctx, creds, models.ProductCredentialsStatus, modeForce)
	var stale *StaleError
	if errors.As(err, &stale) {
		return s.ensureJob(ctx, creds, models.ProductCredentialsStatus)
	}
	return err
}

// pollFailed records a failed poll on every product still pending.
func (s *Service) pollFailed(ctx context.Context, creds *models.Credentials, cause error) error {
	recs, err := s.st.SyncRecords(ctx, []string{creds.ID})
	if err != nil {
		return err
	}
	for i := range recs[creds.ID] {
		rec := recs[creds.ID][i]
		if rec.Status == store.SyncPending {
			_ = s.failed(ctx, creds, rec.Product, &rec, cause)
		}
	}
	return nil
}

// SaveDelivery stores the rows a webhook delivery brought for the
// credentials whose handle is ref, as a fetch would, and refreshes their
// status. Credentials not linked (yet) give ErrRetryLater: a delivery may
// arrive before the link that creates them commits.
func (s *Service) SaveDelivery(ctx context.Context, p models.Provider, d *provider.Delivery) error {
	creds, err := s.st.CredentialsByProviderRef(ctx, p, d.Ref)
	if errors.Is(err, apperr.ErrNotFound) {
		return fmt.Errorf("aggregate: a %s delivery for unknown credentials: %w", p, ErrRetryLater)
	}
	if err != nil || d.Rows == nil || len(d.Rows.Products) == 0 {
		return err
	}
	if err := s.save(ctx, creds, d.Rows.Products[0], d.Rows); err != nil || d.Rows.Status != nil {
		return err
	}
	return s.statusAfterData(ctx, creds.ID)
}
