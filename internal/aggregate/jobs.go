package aggregate

import (
	"context"
	"errors"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Background work the service enqueues in the transaction of the change
// that needs it (store.EnqueueJob) and that internal/jobs runs, once, even
// across a crash. Each job is idempotent: running it twice changes nothing
// the first run did not.

// EraseJob asks the provider to delete an erased connection upstream,
// retried with backoff until the provider confirms.
type EraseJob struct {
	ErasureID string `json:"erasure_id" river:"unique"`
	// NotBefore leaves the first attempt to the request that erased
	// (it tries once at once); the job is the retry.
	NotBefore time.Time `json:"not_before"`
}

// Kind implements river.JobArgs.
func (EraseJob) Kind() string { return "erase_upstream" }

// FinishLinkJob fetches the status of newly linked credentials: the
// handle is committed first, so a crash or a failing status call after a
// spent link code loses nothing.
type FinishLinkJob struct {
	CredentialsID string `json:"credentials_id" river:"unique"`
	// NotBefore leaves the status to the linking request first; the job is
	// the safety net for when that request dies.
	NotBefore time.Time `json:"not_before"`
}

// Kind implements river.JobArgs.
func (FinishLinkJob) Kind() string { return "finish_link" }

// RefreshJob makes the status and every product ever fetched of one
// credentials fresh again, where their TTL has run out.
type RefreshJob struct {
	CredentialsID string `json:"credentials_id"`
}

// Kind implements river.JobArgs.
func (RefreshJob) Kind() string { return "refresh_credentials" }

// ErrRetryLater asks the job runner to try a job again later.
var ErrRetryLater = errors.New("aggregate: retry later")

// Erase runs one attempt of an EraseJob. It returns ErrRetryLater (wrapped)
// while the provider has not confirmed, and nil once it has, or when the
// erasure was already confirmed.
func (s *Service) Erase(ctx context.Context, job EraseJob) error {
	e, err := s.st.Erasure(ctx, job.ErasureID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if e.UpstreamConfirmedAt != nil || s.deleteUpstream(ctx, e) {
		return nil
	}
	return ErrRetryLater
}

// FinishLink runs a FinishLinkJob: the status, unless it is already fresh.
func (s *Service) FinishLink(ctx context.Context, job FinishLinkJob) error {
	return s.refreshIfStale(ctx, job.CredentialsID, false)
}

// Refresh runs a RefreshJob.
func (s *Service) Refresh(ctx context.Context, job RefreshJob) error {
	return s.refreshIfStale(ctx, job.CredentialsID, true)
}

// refreshIfStale makes the status fresh and, with products, every product
// that was ever fetched; fresh ones cost nothing. Provider failures are
// recorded in the sync records and are not the job's failure: the next
// sweep tries again.
func (s *Service) refreshIfStale(ctx context.Context, credsID string, products bool) error {
	c, err := s.st.Credentials(ctx, credsID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil // deleted since
	}
	if err != nil {
		return err
	}
	if err := s.ensureJob(ctx, c, models.ProductCredentialsStatus); err != nil || !products {
		return err
	}
	recs, err := s.st.SyncRecords(ctx, []string{c.ID})
	if err != nil {
		return err
	}
	for _, r := range recs[c.ID] {
		if r.Product == models.ProductCredentialsStatus {
			continue
		}
		if err := s.ensureJob(ctx, c, r.Product); err != nil {
			return err
		}
	}
	return nil
}

// ensureJob is Ensure for a job: a stale result is recorded, not an error.
func (s *Service) ensureJob(ctx context.Context, c *models.Credentials, p models.Product) error {
	err := s.ensure(ctx, c, p, modeJob)
	var stale *StaleError
	if errors.As(err, &stale) {
		return nil
	}
	return err
}

// Sweep batch sizes: a sweep enqueues at most this many jobs of a kind.
const sweepBatch = 1000

// Sweep enqueues the periodic work: a refresh of the credentials of users
// seen within active (so their next read is fresh), a status check of
// credentials still pending (what a missed webhook would have finished),
// and a retry of every due erasure whose job was lost. Jobs are unique, so
// sweeping again before they ran enqueues nothing new.
func (s *Service) Sweep(ctx context.Context, active time.Duration) error {
	now := s.now()
	ids, err := s.st.ActiveCredentials(ctx, now.Add(-active), sweepBatch)
	if err != nil {
		return err
	}
	pending, err := s.st.PendingCredentials(ctx, sweepBatch)
	if err != nil {
		return err
	}
	due, err := s.st.DueErasures(ctx, now, sweepBatch)
	if err != nil {
		return err
	}
	return s.st.Tx(ctx, func(tx *store.Store) error {
		for _, id := range append(ids, pending...) {
			if err := tx.EnqueueJob(ctx, RefreshJob{}.Kind(), RefreshJob{CredentialsID: id}); err != nil {
				return err
			}
		}
		for _, e := range due {
			if err := tx.EnqueueJob(ctx, EraseJob{}.Kind(), EraseJob{ErasureID: e.ID}); err != nil {
				return err
			}
		}
		return nil
	})
}
