package store

import (
	"context"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/models"
)

// Analysts' aggregates over every user's cached data. Each is one grouped
// statement (aggregate.go): sums are exact decimals, and every group is in
// one currency. Transaction totals read the monthly rollups (rollups.go)
// whenever the question fits them, and the transactions themselves
// otherwise (see TxnTotalsQuery.rolledUp).

// TxnDim is a dimension transaction totals may be grouped by, besides the
// currency, which always is.
type TxnDim string

// The dimensions, in the order a total lists them.
const (
	DimPeriod      TxnDim = "period"
	DimCategory    TxnDim = "category"
	DimProvider    TxnDim = "provider"
	DimInstitution TxnDim = "institution" // implies DimProvider: institution ids are per provider
	DimDirection   TxnDim = "direction"
)

var dimOrder = []TxnDim{DimPeriod, DimCategory, DimProvider, DimInstitution, DimDirection}

// Period is the length of DimPeriod's buckets, each named by its first
// day (weeks start on Monday).
type Period string

// The periods.
const (
	PeriodDay   Period = "day"
	PeriodWeek  Period = "week"
	PeriodMonth Period = "month"
)

// AnalyticsFilter narrows aggregates to the credentials of one provider
// and/or one institution.
type AnalyticsFilter struct {
	Provider    *models.Provider
	Institution *string
}

// TxnTotalsQuery asks for account transaction totals. Every set condition
// must hold; To is inclusive.
type TxnTotalsQuery struct {
	GroupBy []TxnDim
	Period  Period // of DimPeriod; default month
	AnalyticsFilter
	From, To             *models.Date
	MinAmount, MaxAmount *decimal.Decimal
	Category             *string
	Direction            string // models.DirectionIn, DirectionOut or "" for both
}

// TxnTotal is one group of transaction totals. A dimension not grouped
// by is nil; so is the category of uncategorised transactions.
type TxnTotal struct {
	Currency    string
	Period      *models.Date
	Category    *string
	Provider    *models.Provider
	Institution *string
	Direction   *string
	Count       int64
	Total       decimal.Decimal
}

// dims returns the grouped dimensions, each once, in dimOrder.
func (q TxnTotalsQuery) dims() []TxnDim {
	var out []TxnDim
	for _, d := range dimOrder {
		if slices.Contains(q.GroupBy, d) || (d == DimProvider && slices.Contains(q.GroupBy, DimInstitution)) {
			out = append(out, d)
		}
	}
	return out
}

// rolledUp reports whether the monthly rollups answer q: no amount bounds
// (a rollup sums whole months of a category), months as the only period,
// and a date range of whole months.
func (q TxnTotalsQuery) rolledUp() bool {
	if q.MinAmount != nil || q.MaxAmount != nil {
		return false
	}
	if slices.Contains(q.GroupBy, DimPeriod) && q.Period != PeriodMonth && q.Period != "" {
		return false
	}
	return (q.From == nil || q.From.Day() == 1) && (q.To == nil || q.To.AddDate(0, 0, 1).Day() == 1)
}

// txnSource is where transaction totals come from: SQL for each dimension
// and condition.
type txnSource struct {
	from, join                                string
	currency, category, provider, institution string
	direction, period, date                   string
	// amount and bound compare amounts with a bound (base table only).
	amount, bound string
	directionIs   func(dir string) (string, []any)
	money         moneyCols
}

// TransactionTotals counts and sums account transactions per currency and
// the dimensions of q.
func (s *Store) TransactionTotals(ctx context.Context, q TxnTotalsQuery) ([]TxnTotal, error) {
	dims := q.dims()
	var spec aggSpec
	switch {
	case !q.rolledUp():
		spec = s.txnBase(q.Period).spec(q, dims)
	case s.Dialect() == "sqlite":
		spec = s.txnGlobalRollups().spec(q, dims)
		// A group finer than ten decimals cannot be put together from
		// the global level's integers: the per-credentials rollups keep
		// each total's text.
		fine := s.txnRollups(dims).spec(q, dims)
		spec.fine = &fine
	default:
		spec = s.txnGlobalRollups().spec(q, dims)
	}
	rows, err := s.aggregate(ctx, spec)
	if err != nil {
		return nil, err
	}
	out := make([]TxnTotal, len(rows))
	for i, r := range rows {
		out[i] = TxnTotal{Currency: deref(r.Dims[0]), Count: r.Count, Total: r.Total}
		for j, d := range dims {
			out[i].set(d, r.Dims[j+1])
		}
	}
	return out, nil
}

// spec is the grouped aggregate of q over src.
func (src txnSource) spec(q TxnTotalsQuery, dims []TxnDim) aggSpec {
	spec := aggSpec{from: src.from, dims: []string{src.currency}, money: src.money}
	needJoin := q.Provider != nil || q.Institution != nil
	for _, d := range dims {
		spec.dims = append(spec.dims, src.column(d))
		needJoin = needJoin || d == DimProvider
	}
	if needJoin {
		spec.from += src.join
	}
	src.conditions(&spec, q)
	return spec
}

func (t *TxnTotal) set(d TxnDim, v *string) {
	switch d {
	case DimPeriod:
		// "2025-01-01", or from PostgreSQL a date or timestamp scanned as
		// text: "2025-01-01T00:00:00Z".
		if v != nil && len(*v) >= len(time.DateOnly) {
			if p, err := models.ParseDate((*v)[:len(time.DateOnly)]); err == nil {
				t.Period = &p
			}
		}
	case DimCategory:
		// Uncategorised is "" in the rollups (a key column), so it is ""
		// from the transactions too, and nil here.
		if v != nil && *v != "" {
			t.Category = v
		}
	case DimProvider:
		if v != nil {
			p := models.Provider(*v)
			t.Provider = &p
		}
	case DimInstitution:
		t.Institution = v
	case DimDirection:
		t.Direction = v
	}
}

func (src txnSource) column(d TxnDim) string {
	return map[TxnDim]string{DimPeriod: src.period, DimCategory: src.category, DimProvider: src.provider,
		DimInstitution: src.institution, DimDirection: src.direction}[d]
}

// conditions adds q's filters to spec.
func (src txnSource) conditions(spec *aggSpec, q TxnTotalsQuery) {
	add := func(cond string, args ...any) {
		spec.where = append(spec.where, cond)
		spec.args = append(spec.args, args...)
	}
	if q.From != nil {
		add(src.date+" >= ?", q.From.String())
	}
	if q.To != nil {
		add(src.date+" <= ?", q.To.String())
	}
	if q.Provider != nil {
		add(src.provider+" = ?", string(*q.Provider))
	}
	if q.Institution != nil {
		add(src.institution+" = ?", *q.Institution)
	}
	if q.Category != nil {
		add(src.category+" = ?", *q.Category)
	}
	if q.Direction != "" {
		cond, args := src.directionIs(q.Direction)
		add(cond, args...)
	}
	for _, b := range []struct {
		op string
		v  *decimal.Decimal
	}{{">=", q.MinAmount}, {"<=", q.MaxAmount}} {
		if b.v != nil {
			add(src.amount+" "+b.op+" "+src.bound, b.v.String())
		}
	}
}

// txnBase reads account transactions (t) and their credentials (c).
func (s *Store) txnBase(p Period) txnSource {
	src := txnSource{from: "account_transactions AS t", join: " JOIN credentials AS c ON c.id = t.credentials_id",
		currency: "t.currency", category: "COALESCE(t.category, '')", provider: "c.provider", institution: "c.entity_id",
		date: "t.operation_date", amount: "t.amount", bound: "CAST(? AS numeric)", money: rowMoney("t.amount")}
	negative := "t.amount < 0"
	if s.Dialect() == "postgres" {
		// Periods are grouped as dates and formatted after the grouping
		// (see TxnTotal.set): formatting every row first doubled the time.
		// The casts keep the session's time zone out (a date alone would
		// be truncated as a timestamptz).
		src.period = map[Period]string{PeriodDay: "t.operation_date",
			PeriodWeek: "date_trunc('week', t.operation_date::timestamp)::date"}[p]
		if src.period == "" {
			src.period = "date_trunc('month', t.operation_date::timestamp)::date"
		}
	} else {
		// Amount bounds compare as REAL on SQLite, exact enough for a
		// bound (as the transaction filter does); the sums stay exact.
		negative, src.amount, src.bound = "substr(t.amount, 1, 1) = '-'", "CAST(t.amount AS REAL)", "CAST(? AS REAL)"
		src.period = map[Period]string{PeriodDay: "t.operation_date",
			PeriodWeek: "date(t.operation_date, 'weekday 0', '-6 days')"}[p]
		if src.period == "" {
			src.period = "substr(t.operation_date, 1, 8) || '01'"
		}
	}
	src.direction = "CASE WHEN " + negative + " THEN 'out' ELSE 'in' END"
	src.directionIs = func(dir string) (string, []any) {
		if dir == models.DirectionOut {
			return negative, nil
		}
		return "NOT (" + negative + ")", nil
	}
	return src
}

// txnGlobalRollups reads the rollups across users (r, migration 00016):
// per month, category, currency, direction, provider and institution,
// so every rollup question reads a few hundred rows a month however many
// users there are. On SQLite the sums are the integer columns only.
func (s *Store) txnGlobalRollups() txnSource {
	return rollupSource("transaction_rollups_global AS r")
}

// rollupSource reads a rollup table (r) of either level: both have the
// same dimension and money columns.
func rollupSource(from string) txnSource {
	src := txnSource{from: from, currency: "r.currency", category: "r.category",
		provider: "r.provider", institution: "r.institution_id", direction: "r.direction", period: "r.month",
		date: "r.month",
		money: moneyCols{count: "SUM(r.txn_count)", weight: "r.txn_count", col: "r.total",
			split: [3]string{"r.total_int", "r.total_frac", "r.total_scale"}}}
	src.directionIs = func(dir string) (string, []any) { return "r.direction = ?", []any{dir} }
	return src
}

// txnRollups reads the per-credentials monthly rollups (r). SQLite is told which of its
// covering indexes walks the groups in order (migration 00013): without
// statistics its planner took the month index for institution totals and
// sorted every row.
func (s *Store) txnRollups(dims []TxnDim) txnSource {
	from := "transaction_rollups AS r"
	if s.Dialect() == "sqlite" {
		idx := "transaction_rollups_month_idx"
		if !slices.Contains(dims, DimPeriod) && slices.Contains(dims, DimProvider) {
			idx = "transaction_rollups_institution_idx"
		}
		from += " INDEXED BY " + idx
	}
	return rollupSource(from)
}

// BalanceTotal is the count and sum of one product's balances in one
// currency: accounts, investments and liabilities by their balance, cards
// by their available balance.
type BalanceTotal struct {
	Product  models.Product
	Currency string
	Count    int64
	Total    decimal.Decimal
}

// balanceSources are the tables BalanceTotals sums, in its order.
var balanceSources = []struct {
	product     models.Product
	table, col  string
	onlyWithCol bool
}{
	{models.ProductAccounts, "accounts", "balance", false},
	{models.ProductInvestments, "investments", "balance", false},
	{models.ProductLiabilities, "liabilities", "balance", false},
	{models.ProductCards, "cards", "available_balance", true},
}

// BalanceTotals sums the balances of every product per currency.
func (s *Store) BalanceTotals(ctx context.Context, f AnalyticsFilter) ([]BalanceTotal, error) {
	var out []BalanceTotal
	for _, b := range balanceSources {
		spec := f.spec(b.table, []string{"t.currency"}, rowMoney("t."+b.col))
		if b.onlyWithCol {
			spec.where = append(spec.where, "t."+b.col+" IS NOT NULL", "t.currency IS NOT NULL")
		}
		rows, err := s.aggregate(ctx, spec)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out = append(out, BalanceTotal{Product: b.product, Currency: deref(r.Dims[0]), Count: r.Count, Total: r.Total})
		}
	}
	return out, nil
}

// ExposureTotal is the count and value of one kind of investment in one
// currency.
type ExposureTotal struct {
	Kind     *string // the provider-neutral kind (models.Investment.Kind); nil when unmapped
	Currency string
	Count    int64
	Total    decimal.Decimal
}

// InvestmentExposure sums investment balances per kind and currency.
func (s *Store) InvestmentExposure(ctx context.Context, f AnalyticsFilter) ([]ExposureTotal, error) {
	rows, err := s.aggregate(ctx, f.spec("investments", []string{"t.kind", "t.currency"}, rowMoney("t.balance")))
	if err != nil {
		return nil, err
	}
	out := make([]ExposureTotal, len(rows))
	for i, r := range rows {
		out[i] = ExposureTotal{Kind: r.Dims[0], Currency: deref(r.Dims[1]), Count: r.Count, Total: r.Total}
	}
	return out, nil
}

// spec is an aggregate over table (t), joined to its credentials (c)
// when f filters on them.
func (f AnalyticsFilter) spec(table string, dims []string, money moneyCols) aggSpec {
	spec := aggSpec{from: table + " AS t", dims: dims, money: money}
	if f.Provider == nil && f.Institution == nil {
		return spec
	}
	spec.from += " JOIN credentials AS c ON c.id = t.credentials_id"
	if f.Provider != nil {
		spec.where, spec.args = append(spec.where, "c.provider = ?"), append(spec.args, string(*f.Provider))
	}
	if f.Institution != nil {
		spec.where, spec.args = append(spec.where, "c.entity_id = ?"), append(spec.args, *f.Institution)
	}
	return spec
}

// Institution names an institution of a provider.
type Institution struct {
	Provider models.Provider
	ID, Name string
}

// Institutions returns the institutions of every stored credentials, by
// provider and id (aggregates name the institutions they group by).
func (s *Store) Institutions(ctx context.Context) (map[[2]string]Institution, error) {
	var rows []Institution
	err := s.db.WithContext(ctx).Table("credentials").
		Select("provider, entity_id AS id, MAX(entity_name) AS name").Group("provider, entity_id").Scan(&rows).Error
	if err != nil {
		return nil, wrap(err, "Institutions")
	}
	out := make(map[[2]string]Institution, len(rows))
	for _, r := range rows {
		out[[2]string{string(r.Provider), r.ID}] = r
	}
	return out, nil
}
