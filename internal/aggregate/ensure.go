package aggregate

import (
	"context"
	"errors"
	"fmt"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// parentOf lists the product each child product's rows point at. The
// parent is made fresh first so the child's foreign keys resolve.
var parentOf = map[models.Product]models.Product{
	models.ProductTransactions: models.ProductAccounts,
	models.ProductInvestments:  models.ProductPortfolios,
	models.ProductInvTxns:      models.ProductInvestments,
	models.ProductLiabTxns:     models.ProductLiabilities,
	models.ProductCardTxns:     models.ProductCards,
}

// knownProducts are the products Ensure accepts.
var knownProducts = map[models.Product]bool{
	models.ProductAccounts: true, models.ProductTransactions: true, models.ProductPortfolios: true,
	models.ProductInvestments: true, models.ProductInvTxns: true, models.ProductLiabilities: true,
	models.ProductLiabTxns: true, models.ProductCards: true, models.ProductCardTxns: true,
	models.ProductIdentity: true, models.ProductHolders: true, models.ProductMifid: true,
	models.ProductCredentialsStatus: true,
}

// Ensure makes product p of creds fresh in the cache: a no-op without any
// provider call while its sync record is fresh, otherwise one fetch per
// (credentials, product) however many callers ask at once. It returns nil
// when the data is fresh or the provider is still extracting it (the sync
// record then says pending), and a *StaleError when the provider failed:
// the cached rows, if any, remain and should still be shown.
// ProductCredentialsStatus refreshes the credentials row itself.
func (s *Service) Ensure(ctx context.Context, creds *models.Credentials, p models.Product) error {
	return s.ensure(ctx, creds, p, false)
}

// UpdateStatus makes the provider-reported state of creds (pending,
// blocked, SCA/reset required, per-product flags, last update) fresh, with
// the TTL of ProductCredentialsStatus.
func (s *Service) UpdateStatus(ctx context.Context, creds *models.Credentials) error {
	return s.ensure(ctx, creds, models.ProductCredentialsStatus, false)
}

// ensure is Ensure; force skips the freshness check of p (not of its
// parent).
func (s *Service) ensure(ctx context.Context, creds *models.Credentials, p models.Product, force bool) error {
	if !knownProducts[p] {
		return apperr.Invalid("unknown product %q", p)
	}
	if !force {
		rec, err := s.syncRecord(ctx, creds.ID, p)
		if err != nil {
			return err
		}
		if s.fresh(rec) {
			return nil
		}
	}
	if parent, ok := parentOf[p]; ok {
		if err := s.ensure(ctx, creds, parent, false); err != nil {
			return s.parentFailed(ctx, creds, p, err)
		}
	}
	return s.flight(ctx, creds, p, force)
}

// syncRecord reads one sync record; never synced is (nil, nil).
func (s *Service) syncRecord(ctx context.Context, credsID string, p models.Product) (*models.SyncRecord, error) {
	rec, err := s.st.SyncRecord(ctx, credsID, p)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, nil
	}
	return rec, err
}

// parentFailed turns a parent's failure into the child's StaleError: the
// child is not fetched, since its rows could not be linked.
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
func (s *Service) flight(ctx context.Context, creds *models.Credentials, p models.Product, force bool) error {
	key := creds.ID + "/" + string(p)
	if force {
		key += "/force"
	}
	c := *creds // the flight must not share the caller's struct
	ch := s.flights.DoChan(key, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.FetchTimeout)
		defer cancel()
		return nil, s.sync(fctx, &c, p, force)
	})
	select {
	case r := <-ch:
		return r.Err
	case <-ctx.Done():
		return ctx.Err()
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
	prov, err := s.provider(creds.Provider)
	if err != nil {
		return err
	}
	if p == models.ProductCredentialsStatus {
		return s.syncStatus(ctx, prov, creds, rec)
	}
	rows, err := prov.Fetch(ctx, creds, p)
	if err != nil {
		return s.failed(ctx, creds, p, rec, err)
	}
	return s.save(ctx, creds, p, rows)
}

// failed records a failed fetch. Pending is not an error: the record says
// pending and callers show what exists. Otherwise the record keeps the
// old fetched_at and the caller gets a StaleError.
func (s *Service) failed(ctx context.Context, creds *models.Credentials, p models.Product, rec *models.SyncRecord, err error) error {
	f := failureOf(err)
	next := models.SyncRecord{CredentialsID: creds.ID, Product: p, Status: store.SyncError,
		ErrorCode: f.Code, AttemptedAt: s.now()}
	if rec != nil {
		next.FetchedAt = rec.FetchedAt
	}
	pending := errors.Is(f.Kind, apperr.ErrPending)
	if pending {
		next.Status = store.SyncPending
	}
	if perr := s.st.PutSyncRecord(ctx, &next); perr != nil {
		s.log.ErrorContext(ctx, "record sync failure", "credentials", creds.ID, "product", p, "error", perr.Error())
	}
	if pending {
		return nil
	}
	s.log.WarnContext(ctx, "provider fetch failed", "credentials", creds.ID, "product", p,
		"code", f.Code, "error", f.Error())
	return s.staleError(p, &next, f.Code, f)
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

// save writes the product's rows and its sync record in one transaction,
// so readers see either the old or the new snapshot, never a mix.
func (s *Service) save(ctx context.Context, creds *models.Credentials, p models.Product, rows *Rows) error {
	now := s.now()
	w := store.WriteScope{CredentialsID: creds.ID, UserID: creds.UserID, At: now}
	var unlinked int
	err := s.st.Tx(ctx, func(tx *store.Store) error {
		var err error
		if unlinked, err = writeRows(ctx, tx, w, p, rows); err != nil {
			return err
		}
		return tx.PutSyncRecord(ctx, &models.SyncRecord{CredentialsID: creds.ID, Product: p,
			Status: store.SyncOK, FetchedAt: &now, AttemptedAt: now})
	})
	if err != nil {
		return fmt.Errorf("aggregate: save %s: %w", p, err)
	}
	if unlinked > 0 {
		s.log.WarnContext(ctx, "rows without a known parent", "credentials", creds.ID, "product", p, "count", unlinked)
	}
	return nil
}

// writeRows dispatches to the store method of product p. It returns how
// many child rows found no parent (dropped for account transactions,
// stored without a link otherwise).
func writeRows(ctx context.Context, tx *store.Store, w store.WriteScope, p models.Product, r *Rows) (int, error) {
	switch p {
	case models.ProductAccounts:
		return 0, tx.ReplaceAccounts(ctx, w, r.Accounts)
	case models.ProductTransactions:
		return tx.ReplaceAccountTransactions(ctx, w, r.Transactions)
	case models.ProductPortfolios:
		return 0, tx.ReplacePortfolios(ctx, w, r.Portfolios)
	case models.ProductInvestments:
		return tx.ReplaceInvestments(ctx, w, r.Investments)
	case models.ProductInvTxns:
		return tx.ReplaceInvestmentTransactions(ctx, w, r.InvestmentTxns)
	case models.ProductLiabilities:
		return 0, tx.ReplaceLiabilities(ctx, w, r.Liabilities)
	case models.ProductLiabTxns:
		return tx.ReplaceLiabilityTransactions(ctx, w, r.LiabilityTxns)
	case models.ProductCards:
		return 0, tx.ReplaceCards(ctx, w, r.Cards)
	case models.ProductCardTxns:
		return tx.ReplaceCardTransactions(ctx, w, r.CardTxns)
	case models.ProductIdentity:
		return 0, tx.ReplaceIdentity(ctx, w, r.Identity)
	case models.ProductHolders:
		return 0, tx.ReplaceHolders(ctx, w, r.Holders)
	case models.ProductMifid:
		return 0, tx.ReplaceMifid(ctx, w, r.Mifid)
	}
	return 0, fmt.Errorf("aggregate: unknown product %q", p)
}
