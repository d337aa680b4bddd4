package aggregate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/events"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Ensure makes product p of creds fresh in the cache: a no-op without any
// provider call while its sync record is fresh, otherwise one fetch per
// (credentials, product) however many callers ask at once. It returns nil
// when the data is fresh or the provider is still extracting it (the sync
// record then says pending), and a *StaleError when the provider failed:
// the cached rows, if any, remain and should still be shown.
// ProductCredentialsStatus refreshes the credentials row itself.
//
// Cached rows past their TTL but within the product's revalidate window
// (Options.RevalidateWindow) whose last fetch succeeded are served at
// once: Ensure returns nil and one refresh runs in the background.
func (s *Service) Ensure(ctx context.Context, creds *models.Credentials, p models.Product) error {
	return s.served(p, s.ensure(ctx, creds, p, modeRead))
}

// UpdateStatus makes the provider-reported state of creds (pending,
// blocked, SCA/reset required, per-product flags, last update) fresh, with
// the TTL of ProductCredentialsStatus.
func (s *Service) UpdateStatus(ctx context.Context, creds *models.Credentials) error {
	return s.served(models.ProductCredentialsStatus, s.ensure(ctx, creds, models.ProductCredentialsStatus, modeRead))
}

// mode is how a caller of ensure waits for a refresh.
type mode uint8

const (
	// modeJob waits for the refresh, or at most FetchBudget when rows are
	// cached: then it gets them marked stale and the refresh goes on.
	modeJob mode = iota
	// modeRead is a reader: modeJob, except that rows within their
	// revalidate window are served at once while the refresh runs in the
	// background.
	modeRead
	// modeWait waits for the refresh to end: a background refresh, and
	// the parent a child's rows are linked to.
	modeWait
	// modeForce skips the freshness check of p (not of its parent) and
	// waits.
	modeForce
)

// ensure is Ensure for a caller waiting as m says.
func (s *Service) ensure(ctx context.Context, creds *models.Credentials, p models.Product, m mode) error {
	info, known := models.LookupProduct(p)
	if !known && p != models.ProductCredentialsStatus {
		return apperr.Invalid("unknown product %q", p)
	}
	if known && !s.serves(creds.Provider, p) {
		return nil // a product the provider has not: empty, not an error
	}
	var rec *models.SyncRecord
	if m != modeForce {
		var err error
		if rec, err = s.syncRecord(ctx, creds.ID, p); err != nil {
			return err
		}
		if s.fresh(rec) {
			s.opts.Observer.FreshHit(p)
			return nil
		}
		if s.recentFailure(rec) {
			return s.staleError(p, rec, rec.ErrorCode, errRecentFailure)
		}
		if m == modeRead && s.revalidates(rec) {
			s.revalidate(ctx, creds, p)
			return nil
		}
	}
	if err := s.parentFailure(ctx, creds, info.Parent); err != nil {
		return s.parentFailed(ctx, creds, p, err)
	}
	if m == modeWait {
		rec = nil // no fetch budget: this caller waits for the end
	}
	if wf := s.wholeFetcher(ctx, creds, p); wf != nil && m != modeForce {
		return s.wholeFlight(ctx, creds, p, wf, rec)
	}
	return s.flight(ctx, creds, p, m == modeForce, rec)
}

// recentFailure reports a fetch that failed within FailureMemory: readers
// share that failure instead of asking the provider again at once.
func (s *Service) recentFailure(rec *models.SyncRecord) bool {
	return rec != nil && rec.Status == store.SyncError && s.now().Sub(rec.AttemptedAt) < s.opts.FailureMemory
}

// bundled reports whether fetching product q of provider p fetches all of
// p's products (provider.Bundler); the status is always on its own.
func (s *Service) bundled(p models.Provider, q models.Product) bool {
	prov, err := s.reg.Get(p)
	return err == nil && q != models.ProductCredentialsStatus && provider.Bundles(prov)
}

// serves reports whether provider p offers product q (an unconfigured
// provider "serves" everything: fetching then reports it unavailable).
func (s *Service) serves(p models.Provider, q models.Product) bool {
	prov, err := s.reg.Get(p)
	return err != nil || provider.Serves(prov, q)
}

// Serves is serves for callers that list products (status, refresh).
func (s *Service) Serves(p models.Provider, q models.Product) bool { return s.serves(p, q) }

// syncRecord reads one sync record; never synced is (nil, nil).
func (s *Service) syncRecord(ctx context.Context, credsID string, p models.Product) (*models.SyncRecord, error) {
	rec, err := s.st.SyncRecord(ctx, credsID, p)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, nil
	}
	return rec, err
}

// parentFailed turns a parent's failure into the child's StaleError: the
// child's rows are not saved, since they could not be linked.
func (s *Service) parentFailed(ctx context.Context, creds *models.Credentials, p models.Product, err error) error {
	var pe *StaleError
	if !errors.As(err, &pe) {
		return err // a database or context error
	}
	rec, rerr := s.syncRecord(ctx, creds.ID, p)
	if rerr != nil {
		return rerr
	}
	return s.staleError(p, rec, pe.Code, pe.Cause)
}

// flight runs sync once per key at a time and lets every caller wait for
// it until their own context ends. The fetch runs detached from the first
// caller's cancellation, bounded by FetchTimeout, because the others
// share its result.
//
// A reader with cached rows (rec) waits at most FetchBudget: then it gets
// them marked stale, and the fetch still completes for the next reader.
func (s *Service) flight(ctx context.Context, creds *models.Credentials, p models.Product, force bool, rec *models.SyncRecord) error {
	key := creds.ID + "/" + string(p)
	if s.bundled(creds.Provider, p) { // one fetch brings every product
		key = creds.ID + "/bundle"
	}
	if force {
		key += "/force"
	}
	c := *creds // the flight must not share the caller's struct
	ch := s.flights.DoChan(key, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.FetchTimeout)
		defer cancel()
		return nil, s.acrossReplicas(fctx, &c, p, key, func() error { return s.sync(fctx, &c, p, force) })
	})
	_, err := s.await(ctx, ch, p, rec)
	return err
}

// await waits for a flight's result: until the flight ends, the caller's
// context ends, or, for a reader with cached rows (rec), FetchBudget
// passes: then the rows are marked stale and the flight goes on.
func (s *Service) await(ctx context.Context, ch <-chan singleflight.Result, p models.Product, rec *models.SyncRecord) (any, error) {
	var budget <-chan time.Time
	if rec != nil && rec.FetchedAt != nil {
		t := time.NewTimer(s.opts.FetchBudget)
		defer t.Stop()
		budget = t.C
	}
	select {
	case r := <-ch:
		return r.Val, r.Err
	case <-budget:
		return nil, s.staleError(p, rec, provider.CodeTimeout, errSlowRefresh)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// sync re-checks freshness in the database (a flight that just ended may
// have refreshed it) and otherwise fetches and stores the product.
func (s *Service) sync(ctx context.Context, creds *models.Credentials, p models.Product, force bool) error {
	rec, err := s.syncRecord(ctx, creds.ID, p)
	if err != nil {
		return err
	}
	if !force && s.fresh(rec) {
		return nil
	}
	if !force && s.recentFailure(rec) { // a fetch that just failed, shared
		return s.staleError(p, rec, rec.ErrorCode, errRecentFailure)
	}
	if creds.SealErr != nil { // this connection only: the others go on
		return s.failed(ctx, creds, p, rec, unreadable(creds.SealErr))
	}
	prov, err := s.reg.Get(creds.Provider)
	if err != nil {
		return err
	}
	if p == models.ProductCredentialsStatus {
		return s.syncStatus(ctx, prov, creds, rec)
	}
	parent := s.parentAsync(ctx, creds, p) // asked at the same time as p
	rows, err := prov.Fetch(ctx, creds, p)
	s.fetched(p, err)
	if err != nil {
		return s.failed(ctx, creds, p, rec, err)
	}
	if err := awaitParent(ctx, parent); err != nil {
		return s.parentFailed(ctx, creds, p, err)
	}
	if err := s.save(ctx, creds, p, rows); err != nil || rows.State == nil || rows.Status != nil {
		return err
	}
	// The provider's state moved (an extraction ended): the status may
	// derive from it, so it follows the data instead of a later sweep.
	return s.statusAfterData(ctx, creds.ID)
}

// failed records a failed fetch. Pending is not an error: the record says
// pending and callers show what exists. Otherwise the record keeps the
// old fetched_at and the caller gets a StaleError.
func (s *Service) failed(ctx context.Context, creds *models.Credentials, p models.Product, rec *models.SyncRecord, err error) error {
	var pend *provider.Pending
	if errors.As(err, &pend) {
		return s.pending(ctx, creds, p, rec, pend)
	}
	serr := s.recordFailure(ctx, creds, p, rec, err)
	if serr == nil {
		return nil
	}
	s.log.WarnContext(ctx, "provider fetch failed", "credentials", creds.ID, "product", p,
		"code", serr.Code, "error", serr.Cause.Error())
	return serr
}

// recordFailure writes the sync record of a failed fetch of p (pending
// when the failure says so) and returns the reader's StaleError, or nil
// for pending.
func (s *Service) recordFailure(ctx context.Context, creds *models.Credentials, p models.Product, rec *models.SyncRecord, err error) *StaleError {
	f := provider.FailureOf(err)
	next, pending := s.failureRecord(creds, p, rec, f)
	perr := s.st.Tx(ctx, func(tx *store.Store) error { return s.putFailure(ctx, tx, creds, &next, pending) })
	if perr != nil {
		s.log.ErrorContext(ctx, "record sync failure", "credentials", creds.ID, "product", p, "error", perr.Error())
	}
	if pending {
		return nil
	}
	return s.staleError(p, &next, f.Code, f)
}

// failureRecord is the sync record of a failed fetch of p, pending when
// the failure says so; it keeps the last successful fetch's time.
func (s *Service) failureRecord(creds *models.Credentials, p models.Product, rec *models.SyncRecord, f *provider.Failure) (models.SyncRecord, bool) {
	next := models.SyncRecord{CredentialsID: creds.ID, Product: p, Status: store.SyncError,
		ErrorCode: f.Code, AttemptedAt: s.now()}
	if rec != nil {
		next.FetchedAt = rec.FetchedAt
	}
	pending := errors.Is(f.Kind, apperr.ErrPending)
	if pending {
		next.Status = store.SyncPending
	}
	return next, pending
}

// putFailure writes a failure record and, unless pending, announces the
// failure.
func (s *Service) putFailure(ctx context.Context, tx *store.Store, creds *models.Credentials, rec *models.SyncRecord, pending bool) error {
	if err := tx.PutSyncRecord(ctx, rec); err != nil || pending {
		return err
	}
	return s.publish(ctx, tx, events.ProductFailed, creds, rec.Product)
}

// staleError builds the StaleError of product p from its sync record.
func (s *Service) staleError(p models.Product, rec *models.SyncRecord, code string, cause error) *StaleError {
	e := &StaleError{Product: p, Code: code, Cause: cause}
	if rec != nil && rec.FetchedAt != nil {
		at := rec.FetchedAt.UTC()
		e.FetchedAt = &at
		e.Expired = s.now().Sub(at) > s.opts.StaleBound
	}
	return e
}

// save writes every product of rows, each with its sync record, and the
// adapter's new state, in one transaction: readers see either the old or
// the new snapshot of all of them, never a mix. p, the product asked for,
// is written even when the adapter forgot to list it.
func (s *Service) save(ctx context.Context, creds *models.Credentials, p models.Product, rows *Rows) error {
	now := s.now()
	w := store.WriteScope{CredentialsID: creds.ID, UserID: creds.UserID, At: now}
	products := rows.Products
	if !rows.Has(p) {
		products = append([]models.Product{p}, products...)
	}
	products = parentsFirst(products)
	var status *models.Credentials
	if rows.Status != nil {
		var err error
		if status, err = s.statusRow(ctx, creds, rows.Status); err != nil {
			return err
		}
	}
	unlinked := map[models.Product]int{}
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		for _, q := range products {
			n, err := writeRows(ctx, tx, w, q, rows)
			if err != nil {
				return err
			}
			unlinked[q] = n
			if err := tx.PutSyncRecord(ctx, &models.SyncRecord{CredentialsID: creds.ID, Product: q,
				Status: store.SyncOK, FetchedAt: &now, AttemptedAt: now}); err != nil {
				return err
			}
			if err := s.publish(ctx, tx, events.ProductSynced, creds, q); err != nil {
				return err
			}
		}
		if err := s.saveState(ctx, tx, creds, rows.State); err != nil || status == nil {
			return err
		}
		return s.writeStatus(ctx, tx, status, rows.Status.Pending)
	})
	if err != nil {
		return fmt.Errorf("aggregate: save %s: %w", p, err)
	}
	for q, n := range unlinked {
		if n > 0 {
			s.log.WarnContext(ctx, "rows without a known parent", "credentials", creds.ID, "product", q, "count", n)
		}
	}
	return nil
}

// saveState stores a new provider state document, when the adapter gave
// one. The status may derive from that state (whether an extraction is
// pending), so the cached status turns stale in the same transaction: no
// reader sees the new data beside the old status for a whole TTL.
func (s *Service) saveState(ctx context.Context, tx *store.Store, creds *models.Credentials, state models.JSON) error {
	if state == nil {
		return nil
	}
	next := *creds
	next.ProviderState = state
	if err := tx.UpdateProviderState(ctx, &next); err != nil {
		return err
	}
	return tx.MarkSyncStale(ctx, creds.ID, models.ProductCredentialsStatus)
}

// unreadable is the failure of a fetch for credentials whose sealed
// provider handle the server cannot open: an operator must restore the
// master key, so clients may retry later.
func unreadable(cause error) *provider.Failure {
	return &provider.Failure{Kind: apperr.ErrServiceUnavailable, Code: provider.CodeUnreadable,
		Public: "the server cannot read its stored secrets of these credentials; try again later", Err: cause}
}
