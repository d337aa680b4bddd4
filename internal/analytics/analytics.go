// Package analytics answers the analysts' aggregates over every user's
// cached data and the admins' access trail. Every method checks the role
// (analysts and admins read, users get FORBIDDEN) and records the read in
// the access trail; the sums come exact from the store (one grouped
// statement each, over rollups kept with the data where they fit) and are
// given at least their currency's minor units here.
package analytics

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/access"
	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Namespace is the GraphQL Analytics object: it carries nothing, each of
// its fields is a resolver calling the Service.
type Namespace struct{}

// Service answers the aggregates. It is safe for concurrent use.
type Service struct {
	// read is where aggregates read: a read replica when one is configured
	// (DATABASE_READ_URL), else the primary. The trail is written to and
	// read from the primary, where it is current.
	read, primary *store.Store
	now           func() time.Time
}

// New returns a Service over the primary database and the store its
// aggregates read (the primary again when there is no replica).
func New(primary, read *store.Store) *Service {
	return &Service{read: read, primary: primary, now: time.Now}
}

// CanRead returns FORBIDDEN unless the caller is an analyst or an admin.
func CanRead(ctx context.Context) error {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return apperr.ErrUnauthenticated
	}
	if !p.Has(auth.RoleAnalyst) && !p.Has(auth.RoleAdmin) {
		return fmt.Errorf("analytics: read by %s: %w", p.UserID, apperr.ErrForbidden)
	}
	return nil
}

// Open checks the caller may read aggregates: the analytics field itself,
// so a user is refused once, before any aggregate runs.
func (s *Service) Open(ctx context.Context) (*Namespace, error) {
	if err := CanRead(ctx); err != nil {
		return nil, err
	}
	return &Namespace{}, nil
}

// aggregate checks the role and records one trail entry for every user.
func aggregate(ctx context.Context) error {
	if err := CanRead(ctx); err != nil {
		return err
	}
	access.ViewedAll(ctx)
	return nil
}

// TransactionTotal is one group of transaction totals, its institution
// named.
type TransactionTotal struct {
	store.TxnTotal
	InstitutionName string
}

// TransactionTotals counts and sums account transactions per currency and
// the dimensions of q, sorted by every dimension.
func (s *Service) TransactionTotals(ctx context.Context, q store.TxnTotalsQuery) ([]TransactionTotal, error) {
	if err := aggregate(ctx); err != nil {
		return nil, err
	}
	if q.MinAmount != nil && q.MaxAmount != nil && q.MinAmount.GreaterThan(*q.MaxAmount) {
		return nil, apperr.Invalid("minAmount is greater than maxAmount")
	}
	rows, err := s.read.TransactionTotals(ctx, q)
	if err != nil {
		return nil, err
	}
	names, err := s.institutionNames(ctx, rows)
	if err != nil {
		return nil, err
	}
	out := make([]TransactionTotal, len(rows))
	for i, r := range rows {
		r.Total = minorUnits(r.Total, r.Currency)
		out[i] = TransactionTotal{TxnTotal: r}
		if r.Institution != nil && r.Provider != nil {
			out[i].InstitutionName = names[[2]string{string(*r.Provider), *r.Institution}].Name
		}
	}
	slices.SortFunc(out, func(a, b TransactionTotal) int { return strings.Compare(sortKey(a), sortKey(b)) })
	return out, nil
}

// institutionNames looks the names up only when totals are grouped by
// institution.
func (s *Service) institutionNames(ctx context.Context, rows []store.TxnTotal) (map[[2]string]store.Institution, error) {
	if !slices.ContainsFunc(rows, func(r store.TxnTotal) bool { return r.Institution != nil }) {
		return nil, nil
	}
	return s.read.Institutions(ctx)
}

// sortKey orders totals by period, then the other dimensions, then
// currency, so a chart reads them in order.
func sortKey(t TransactionTotal) string {
	var b strings.Builder
	if t.Period != nil {
		b.WriteString(t.Period.String())
	}
	for _, s := range []*string{t.Category, (*string)(t.Provider), t.Institution, t.Direction} {
		b.WriteString("\x00")
		if s != nil {
			b.WriteString(*s)
		}
	}
	return b.String() + "\x00" + t.Currency
}

// minorUnits gives a total at least its currency's minor units: a sum of
// whole amounts (-100) reads -100.00 in EUR. Larger scales are kept.
func minorUnits(d decimal.Decimal, currency string) decimal.Decimal {
	if units, ok := models.MinorUnits(currency); ok {
		return models.WithScaleAtLeast(d, units)
	}
	return d
}
