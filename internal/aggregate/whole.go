package aggregate

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// planKey carries the products of the operation being served.
type planKey struct{}

// WithPlan returns ctx carrying the products the operation being served
// will read (the caller derives them from its selection before any
// resolver runs). A provider with a whole-connection call
// (provider.WholeFetcher) then answers every cold product of a
// credentials in that one call when the plan needs most of what it
// returns: one round trip instead of one per level of parents and
// children. Without a plan each product is fetched on its own.
func WithPlan(ctx context.Context, products []models.Product) context.Context {
	need := map[models.Product]bool{}
	for _, p := range products {
		for q := p; q != ""; {
			need[q] = true
			info, ok := models.LookupProduct(q)
			if !ok {
				break
			}
			q = info.Parent // a child's fetch needs its parent's rows
		}
	}
	return context.WithValue(ctx, planKey{}, need)
}

// planOf is the products ctx's plan needs (nil without a plan).
func planOf(ctx context.Context) map[models.Product]bool {
	need, _ := ctx.Value(planKey{}).(map[models.Product]bool)
	return need
}

// wholeFetcher returns the provider's whole call when p should come from
// it: the provider has one, it returns p, and at least WholeFetchMin of
// its products are both needed by the operation's plan and due for a
// fetch (not fresh, no failure to share). Counting only those keeps a
// product the whole call did not bring (still extracting, failed), or a
// reader arriving just after the whole call, from asking for the whole
// connection again. Otherwise nil.
func (s *Service) wholeFetcher(ctx context.Context, creds *models.Credentials, p models.Product) provider.WholeFetcher {
	need := planOf(ctx)
	if len(need) == 0 || creds.SealErr != nil {
		return nil
	}
	prov, err := s.reg.Get(creds.Provider)
	if err != nil {
		return nil
	}
	wf, ok := prov.(provider.WholeFetcher)
	if !ok {
		return nil
	}
	whole := wf.WholeProducts()
	if !slices.Contains(whole, p) {
		return nil
	}
	if !s.wholeDue(ctx, creds.ID, whole, need) {
		return nil
	}
	return wf
}

// wholeDue reports whether enough of whole is needed and due.
func (s *Service) wholeDue(ctx context.Context, credsID string, whole []models.Product, need map[models.Product]bool) bool {
	return s.countDue(ctx, credsID, whole, need) >= cmp.Or(max(s.opts.WholeFetchMin, 0), len(whole)/2+1)
}

// countDue counts the products of whole that the plan needs and that are
// due for a fetch. A database error counts none: the reader then fetches
// its product on its own, which reports the error.
func (s *Service) countDue(ctx context.Context, credsID string, whole []models.Product, need map[models.Product]bool) int {
	byProduct, err := s.recordsByProduct(ctx, credsID)
	if err != nil {
		return 0
	}
	n := 0
	for _, q := range whole {
		rec := byProduct[q]
		if need[q] && !s.fresh(rec) && !s.recentFailure(rec) {
			n++
		}
	}
	return n
}

// recordsByProduct reads every sync record of credsID, by product.
func (s *Service) recordsByProduct(ctx context.Context, credsID string) (map[models.Product]*models.SyncRecord, error) {
	recs, err := s.st.SyncRecords(ctx, []string{credsID})
	if err != nil {
		return nil, err
	}
	out := make(map[models.Product]*models.SyncRecord, len(recs[credsID]))
	for i := range recs[credsID] {
		out[recs[credsID][i].Product] = &recs[credsID][i]
	}
	return out, nil
}

// wholeFlight makes p fresh through the provider's whole call, shared by
// every product of the credentials that readers ask for meanwhile (one
// flight per credentials, across replicas too). A product the call did
// not return (still extracting, failed upstream) falls back to its own
// fetch, which reports its state. A failed call fails every product it
// was to bring, as their own fetches would have.
func (s *Service) wholeFlight(ctx context.Context, creds *models.Credentials, p models.Product, wf provider.WholeFetcher, rec *models.SyncRecord) error {
	key := creds.ID + "/whole"
	c := *creds // the flight must not share the caller's struct
	ch := s.flights.DoChan(key, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.FetchTimeout)
		defer cancel()
		var got []models.Product
		err := s.acrossReplicas(fctx, &c, p, key, func() (err error) {
			got, err = s.syncWhole(fctx, &c, wf, planOf(ctx))
			return err
		})
		return got, err
	})
	val, err := s.await(ctx, ch, p, rec)
	var stale *StaleError
	var f *provider.Failure
	switch {
	case errors.As(err, &stale):
		return err
	case errors.As(err, &f):
		// syncWhole recorded it on every product: this reader's share.
		if r, rerr := s.syncRecord(ctx, creds.ID, p); rerr == nil {
			rec = r
		}
		return s.staleError(p, rec, f.Code, f)
	case err != nil:
		return err
	}
	if got, _ := val.([]models.Product); slices.Contains(got, p) {
		return nil
	}
	return s.flight(ctx, creds, p, false, rec)
}

// syncWhole fetches and stores every product the whole call returns, in
// one transaction, and returns them. It first checks again that the whole
// call is due: a flight that just ended may have brought the products
// (its waiters then find them fresh on their own path).
func (s *Service) syncWhole(ctx context.Context, creds *models.Credentials, wf provider.WholeFetcher, need map[models.Product]bool) ([]models.Product, error) {
	if !s.wholeDue(ctx, creds.ID, wf.WholeProducts(), need) {
		return nil, nil
	}
	rows, err := wf.FetchWhole(ctx, creds)
	if err != nil {
		s.failWhole(ctx, creds, wf.WholeProducts(), err)
		return nil, provider.FailureOf(err)
	}
	for _, q := range rows.Products {
		s.fetched(q, nil)
	}
	if len(rows.Products) == 0 {
		return nil, nil
	}
	if err := s.save(ctx, creds, rows.Products[0], rows); err != nil {
		return nil, err
	}
	return rows.Products, nil
}

// failWhole records a failed whole call on each of its products that is
// not fresh (a fresh product keeps serving its rows as fresh), all in one
// transaction: a reader arriving after the flight sees every product
// failed, or none, never some (it would then fetch the others on their
// own), and the failure is logged once.
func (s *Service) failWhole(ctx context.Context, creds *models.Credentials, products []models.Product, err error) {
	f := provider.FailureOf(err)
	s.fetched(products[0], err)
	s.log.WarnContext(ctx, "provider fetch failed", "credentials", creds.ID, "product", "whole",
		"code", f.Code, "error", f.Error())
	byProduct, rerr := s.recordsByProduct(ctx, creds.ID)
	if rerr != nil {
		s.log.ErrorContext(ctx, "record sync failure", "credentials", creds.ID, "error", rerr.Error())
		return
	}
	perr := s.st.Tx(ctx, func(tx *store.Store) error {
		for _, q := range products {
			if s.fresh(byProduct[q]) {
				continue
			}
			next, pending := s.failureRecord(creds, q, byProduct[q], f)
			if err := s.putFailure(ctx, tx, creds, &next, pending); err != nil {
				return err
			}
		}
		return nil
	})
	if perr != nil {
		s.log.ErrorContext(ctx, "record sync failure", "credentials", creds.ID, "error", perr.Error())
	}
}
