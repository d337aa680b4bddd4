package aggregate

import (
	"context"
	"time"

	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// leasePoll is how often a replica waiting for another's fetch looks at
// the sync record.
const leasePoll = 50 * time.Millisecond

// acrossReplicas runs fetch for (creds, p) once across the replicas sharing
// a PostgreSQL database: the replica that takes the lease fetches; the
// others wait until its sync record shows an attempt newer than their
// wait, and share its outcome (fresh data, or the failure) instead of
// calling the provider again. A crashed holder's lease expires after
// FetchTimeout. SQLite serves one process, whose single-flight suffices.
func (s *Service) acrossReplicas(ctx context.Context, creds *models.Credentials, p models.Product, key string, fetch func() error) error {
	if s.st.Dialect() != "postgres" {
		return fetch()
	}
	waitStart := s.now()
	for {
		held, err := s.st.AcquireLease(ctx, key, s.opts.Instance, s.now(), s.opts.FetchTimeout)
		if err != nil {
			return err
		}
		if held {
			defer func() { _ = s.st.ReleaseLease(context.WithoutCancel(ctx), key, s.opts.Instance) }()
			return fetch()
		}
		if done, err := s.fetchedElsewhere(ctx, creds, p, waitStart); done || err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(leasePoll):
		}
	}
}

// fetchedElsewhere reports whether another replica finished the fetch
// since waitStart, with its outcome as this caller's.
func (s *Service) fetchedElsewhere(ctx context.Context, creds *models.Credentials, p models.Product, waitStart time.Time) (bool, error) {
	rec, err := s.syncRecord(ctx, creds.ID, p)
	if err != nil || rec == nil || rec.AttemptedAt.Before(waitStart) {
		return false, err
	}
	if rec.Status != store.SyncError {
		return true, nil
	}
	return true, s.staleError(p, rec, rec.ErrorCode, errFetchedElsewhere)
}
