package analytics

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Balances sums balances per product type and currency, sorted.
func (s *Service) Balances(ctx context.Context, f store.AnalyticsFilter) ([]store.BalanceTotal, error) {
	if err := aggregate(ctx); err != nil {
		return nil, err
	}
	rows, err := s.read.BalanceTotals(ctx, f)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		rows[i].Total = minorUnits(rows[i].Total, rows[i].Currency)
	}
	slices.SortFunc(rows, func(a, b store.BalanceTotal) int {
		return cmp.Or(cmp.Compare(a.Product, b.Product), cmp.Compare(a.Currency, b.Currency))
	})
	return rows, nil
}

// NetPosition is the net position of every user together in one currency.
type NetPosition struct {
	Currency                            string
	Cash, Investments, Liabilities, Net decimal.Decimal
}

// NetPositions is cash (accounts) plus investments minus liabilities per
// currency, as each user's summary computes it, over every user.
func (s *Service) NetPositions(ctx context.Context, f store.AnalyticsFilter) ([]NetPosition, error) {
	rows, err := s.Balances(ctx, f)
	if err != nil {
		return nil, err
	}
	byCur := map[string]*NetPosition{}
	var out []*NetPosition
	for _, r := range rows {
		if r.Product == models.ProductCards {
			continue // a card's available balance is not a position
		}
		n := byCur[r.Currency]
		if n == nil {
			n = &NetPosition{Currency: r.Currency}
			byCur[r.Currency] = n
			out = append(out, n)
		}
		switch r.Product {
		case models.ProductAccounts:
			n.Cash = r.Total
		case models.ProductInvestments:
			n.Investments = r.Total
		case models.ProductLiabilities:
			n.Liabilities = r.Total
		}
	}
	res := make([]NetPosition, len(out))
	for i, n := range out {
		n.Net = n.Cash.Add(n.Investments).Sub(n.Liabilities)
		for _, d := range []*decimal.Decimal{&n.Cash, &n.Investments, &n.Liabilities, &n.Net} {
			*d = minorUnits(*d, n.Currency)
		}
		res[i] = *n
	}
	slices.SortFunc(res, func(a, b NetPosition) int { return cmp.Compare(a.Currency, b.Currency) })
	return res, nil
}

// OtherKind is the kind of an investment its adapter did not map.
const OtherKind = "OTHER"

// InvestmentExposure sums investment values per kind and currency;
// unmapped kinds count as OtherKind.
func (s *Service) InvestmentExposure(ctx context.Context, f store.AnalyticsFilter) ([]store.ExposureTotal, error) {
	if err := aggregate(ctx); err != nil {
		return nil, err
	}
	rows, err := s.read.InvestmentExposure(ctx, f)
	if err != nil {
		return nil, err
	}
	var out []store.ExposureTotal
	for _, r := range rows {
		if r.Kind == nil {
			other := OtherKind
			r.Kind = &other
		}
		i := slices.IndexFunc(out, func(e store.ExposureTotal) bool { return *e.Kind == *r.Kind && e.Currency == r.Currency })
		if i < 0 {
			out = append(out, r)
			continue
		}
		out[i].Count += r.Count
		out[i].Total = out[i].Total.Add(r.Total)
	}
	for i := range out {
		out[i].Total = minorUnits(out[i].Total, out[i].Currency)
	}
	slices.SortFunc(out, func(a, b store.ExposureTotal) int {
		return cmp.Or(cmp.Compare(*a.Kind, *b.Kind), cmp.Compare(a.Currency, b.Currency))
	})
	return out, nil
}

// CredentialsHealth counts credentials per provider and state, sorted.
func (s *Service) CredentialsHealth(ctx context.Context, f store.AnalyticsFilter) ([]store.CredentialsCount, error) {
	if err := aggregate(ctx); err != nil {
		return nil, err
	}
	rows, err := s.read.CredentialsHealth(ctx, f)
	slices.SortFunc(rows, func(a, b store.CredentialsCount) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.State, b.State))
	})
	return rows, err
}

// DefaultFailureWindow is the period of SyncFailures without one.
const DefaultFailureWindow = 30 * 24 * time.Hour

// SyncFailures counts the products whose last fetch failed with its last
// attempt in [from, to) (nil: the last DefaultFailureWindow, until now).
func (s *Service) SyncFailures(ctx context.Context, f store.AnalyticsFilter, from, to *time.Time) ([]store.SyncFailure, error) {
	if err := aggregate(ctx); err != nil {
		return nil, err
	}
	end := s.now()
	if to != nil {
		end = *to
	}
	start := end.Add(-DefaultFailureWindow)
	if from != nil {
		start = *from
	}
	rows, err := s.read.SyncFailures(ctx, f, start, end)
	slices.SortFunc(rows, func(a, b store.SyncFailure) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Product, b.Product), cmp.Compare(a.ErrorCode, b.ErrorCode))
	})
	return rows, err
}
