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
// calling the provider again. The holder renews its lease while it
// fetches, so a holder killed mid-fetch blocks the others for at most
// LeaseTTL. SQLite serves one process, whose single-flight suffices.
func (s *Service) acrossReplicas(ctx context.Context, creds *models.Credentials, p models.Product, key string, fetch func() error) error {
	if s.st.Dialect() != "postgres" {
		return fetch()
	}
	waitStart := s.now()
	for {
		held, err := s.st.AcquireLease(ctx, key, s.opts.Instance, s.now(), s.opts.LeaseTTL)
		if err != nil {
			return err
		}
		if held {
			stop := s.renewLease(ctx, key)
			defer func() {
				stop()
				_ = s.st.ReleaseLease(context.WithoutCancel(ctx), key, s.opts.Instance)
			}()
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

// renewLease extends this replica's lease on key every third of LeaseTTL
// until the returned stop is called; stop waits for the renewer to end. A
// renewal that fails (the database is unreachable, or the lease lapsed and
// another replica took it) is only logged: at worst two replicas fetch
// the same product, and each writes it whole in its own transaction.
func (s *Service) renewLease(ctx context.Context, key string) (stop func()) {
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(s.opts.LeaseTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				held, err := s.st.AcquireLease(ctx, key, s.opts.Instance, s.now(), s.opts.LeaseTTL)
				if err == nil && !held {
					s.log.WarnContext(ctx, "fetch lease taken by another replica", "lease", key)
				}
			}
		}
	}()
	return func() {
		close(done)
		<-exited
	}
}
