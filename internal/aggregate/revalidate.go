package aggregate

import (
	"context"
	"errors"
	"time"

	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Stale-while-revalidate: a product past its TTL whose last fetch
// succeeded is served from the cache at once, without an error, while one
// refresh runs in the background (as HTTP's stale-while-revalidate). The
// data is not an upstream failure, only older than the TTL; its age is in
// the sync record (fetchedAt), and the refresh announces itself like any
// fetch (events.ProductSynced). Only rows past the TTL plus the product's
// window, products never fetched, and products whose last fetch failed
// or was invalidated make the reader wait, within FetchBudget as before,
// so a failing refresh is reported to the reads that follow it.

// revalidates reports whether a reader of rec's product may have the
// cached rows at once while a background refresh runs.
func (s *Service) revalidates(rec *models.SyncRecord) bool {
	if rec == nil || rec.Status != store.SyncOK || rec.ErrorCode == store.CodeStale || rec.FetchedAt == nil {
		return false
	}
	w := s.revalidateWindow(rec.Product)
	return w > 0 && s.now().Sub(*rec.FetchedAt) < s.ttl(rec.Product)+w
}

// revalidateWindow is how long past its TTL product p is served while it
// is refreshed; 0 means never.
func (s *Service) revalidateWindow(p models.Product) time.Duration {
	if d, ok := s.opts.RevalidateWindow[p]; ok {
		return d
	}
	return s.opts.DefaultRevalidateWindow
}

// revalidate starts the refresh of product p of creds in the background
// and returns at once. Readers arriving while it runs join it instead of
// starting another (the fetch inside is the usual flight, under the
// lease across replicas), so any number of readers cost one provider
// call. It outlives the reader's request, bounded by FetchTimeout; its
// failure is recorded in the sync record like any other fetch's.
func (s *Service) revalidate(ctx context.Context, creds *models.Credentials, p models.Product) {
	c := *creds // the refresh must not share the caller's struct
	s.flights.DoChan("revalidate/"+creds.ID+"/"+string(p), func() (any, error) {
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.FetchTimeout)
		defer cancel()
		err := s.ensure(bctx, &c, p, modeWait)
		var stale *StaleError
		if err != nil && !errors.As(err, &stale) { // provider failures are already logged
			s.log.WarnContext(bctx, "background refresh", "credentials", c.ID, "product", p, "error", err.Error())
		}
		return nil, err
	})
}
