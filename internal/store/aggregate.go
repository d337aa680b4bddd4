package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Grouped aggregates over money, summed exactly on both databases:
//
//   - PostgreSQL keeps money as numeric, whose SUM is exact and keeps the
//     largest scale of its terms: the sum is read back as text.
//   - SQLite keeps money as TEXT, and its SUM would convert every value to
//     a double. Each value is split into integers instead (its integer
//     part, its fraction times 10^fracDigits, its scale: stored columns of
//     the rollups, string arithmetic on other tables), which SQLite sums
//     exactly in 64 bits, and the parts are put together here. A group
//     holding a value with more than fracDigits decimals cannot be split
//     exactly: the query then reads the values themselves and sums them in
//     Go (never the case for money seen so far, and still exact).
//
// Currencies are never added together: every aggregate groups by currency.

// aggSpec is one grouped aggregate: the rows of from that match where,
// grouped by dims, counted, and their money summed.
type aggSpec struct {
	from  string
	dims  []string // SQL expressions giving text or NULL
	where []string
	args  []any
	money moneyCols
	// fine, when set, is what SQLite reads instead when a group is finer
	// than fracDigits decimals and from keeps no exact money text.
	fine *aggSpec
}

// moneyCols says how an aggregate counts rows and sums their money.
type moneyCols struct {
	count  string    // the SQL count: COUNT(*), or SUM of a stored count
	weight string    // what one row counts for, when summed in Go
	col    string    // the money column
	split  [3]string // SQLite: col's integer part, fraction × 10^fracDigits, scale
}

// rowMoney sums a money column of plain rows (one row, one item).
func rowMoney(col string) moneyCols {
	return moneyCols{count: "COUNT(*)", weight: "1", col: col, split: textSplit(col)}
}

// textSplit is the SQLite arithmetic splitting the decimal text in col
// ("-12.50", "3", "0.125") into its integer part, its fraction times
// 10^fracDigits, both with the value's sign, and its scale.
func textSplit(col string) [3]string {
	dot := fmt.Sprintf("instr(%s, '.')", col)
	whole := fmt.Sprintf("CAST(CASE WHEN %[2]s > 0 THEN substr(%[1]s, 1, %[2]s - 1) ELSE %[1]s END AS INTEGER)", col, dot)
	frac := fmt.Sprintf("(CASE WHEN substr(%[1]s, 1, 1) = '-' THEN -1 ELSE 1 END) * "+
		"CAST(substr(CASE WHEN %[2]s > 0 THEN substr(%[1]s, %[2]s + 1) ELSE '' END || '%[3]s', 1, %[4]d) AS INTEGER)",
		col, dot, strings.Repeat("0", fracDigits), fracDigits)
	scale := fmt.Sprintf("CASE WHEN %[2]s > 0 THEN length(%[1]s) - %[2]s ELSE 0 END", col, dot)
	return [3]string{whole, frac, scale}
}

// AggRow is one group of an aggregate: its dimension values (nil for
// NULL) in the order asked, how many items it holds and their sum.
type AggRow struct {
	Dims  []*string
	Count int64
	Total decimal.Decimal
}

// aggregate runs q.
func (s *Store) aggregate(ctx context.Context, q aggSpec) ([]AggRow, error) {
	if s.Dialect() == "postgres" {
		return s.aggregateSQL(ctx, q, []string{"(" + q.money.count + ")::bigint", "SUM(" + q.money.col + ")::text"}, scanSum)
	}
	m := q.money
	var tooFine bool
	rows, err := s.aggregateSQL(ctx, q, []string{m.count, "SUM(" + m.split[0] + ")", "SUM(" + m.split[1] + ")", "MAX(" + m.split[2] + ")"},
		func(scan func(...any) error, r *AggRow) error {
			var whole, frac int64
			var scale int32
			if err := scan(&r.Count, &whole, &frac, &scale); err != nil {
				return err
			}
			tooFine = tooFine || scale > fracDigits
			r.Total = decimal.New(whole, 0).Add(decimal.New(frac, -fracDigits)).Round(scale)
			return nil
		})
	if err != nil || !tooFine {
		return rows, err
	}
	if q.fine != nil {
		return s.aggregateInGo(ctx, *q.fine)
	}
	return s.aggregateInGo(ctx, q)
}

// scanSum reads a count and a sum read back as text (PostgreSQL).
func scanSum(scan func(...any) error, r *AggRow) error {
	var total string
	if err := scan(&r.Count, &total); err != nil {
		return err
	}
	d, err := decimal.NewFromString(total)
	r.Total = d
	return err
}

// aggregateSQL runs q grouped in SQL with the aggregate columns aggs;
// scan reads them (after the dimensions) into a row.
func (s *Store) aggregateSQL(ctx context.Context, q aggSpec, aggs []string, scan func(func(...any) error, *AggRow) error) ([]AggRow, error) {
	groups := make([]string, len(q.dims))
	for i := range q.dims {
		groups[i] = fmt.Sprint(i + 1)
	}
	stmt := fmt.Sprintf("SELECT %s, %s FROM %s%s GROUP BY %s", strings.Join(q.dims, ", "), strings.Join(aggs, ", "),
		q.from, whereClause(q.where), strings.Join(groups, ", "))
	rows, err := s.db.WithContext(ctx).Raw(stmt, q.args...).Rows()
	if err != nil {
		return nil, wrap(err, "aggregate %s", q.from)
	}
	defer rows.Close()
	var out []AggRow
	for rows.Next() {
		r, dims := newAggRow(len(q.dims))
		err := scan(func(more ...any) error { return rows.Scan(append(dims, more...)...) }, &r)
		if err != nil {
			return nil, wrap(err, "aggregate %s: scan", q.from)
		}
		out = append(out, fillDims(r, dims))
	}
	return out, wrap(rows.Err(), "aggregate %s", q.from)
}

// aggregateInGo runs q by reading the matching rows and summing them
// here: SQLite's fallback for values finer than fracDigits decimals.
func (s *Store) aggregateInGo(ctx context.Context, q aggSpec) ([]AggRow, error) {
	stmt := fmt.Sprintf("SELECT %s, %s, %s FROM %s%s", strings.Join(q.dims, ", "), q.money.weight, q.money.col,
		q.from, whereClause(q.where))
	rows, err := s.db.WithContext(ctx).Raw(stmt, q.args...).Rows()
	if err != nil {
		return nil, wrap(err, "aggregate %s", q.from)
	}
	defer rows.Close()
	byKey := map[string]int{}
	var out []AggRow
	for rows.Next() {
		r, dims := newAggRow(len(q.dims))
		var weight int64
		var amount decimal.Decimal
		if err := rows.Scan(append(dims, &weight, &amount)...); err != nil {
			return nil, wrap(err, "aggregate %s: scan", q.from)
		}
		r = fillDims(r, dims)
		k := dimsKey(r.Dims)
		i, ok := byKey[k]
		if !ok {
			i, byKey[k] = len(out), len(out)
			r.Total = decimal.Zero
			out = append(out, r)
		}
		out[i].Count += weight
		out[i].Total = out[i].Total.Add(amount)
	}
	return out, wrap(rows.Err(), "aggregate %s", q.from)
}

func newAggRow(n int) (AggRow, []any) {
	dims := make([]any, n)
	for i := range dims {
		dims[i] = new(sql.NullString)
	}
	return AggRow{Dims: make([]*string, n)}, dims
}

func fillDims(r AggRow, dims []any) AggRow {
	for i, d := range dims {
		if ns := d.(*sql.NullString); ns.Valid {
			r.Dims[i] = &ns.String
		}
	}
	return r
}

// dimsKey renders dimension values as one map key (NULL differs from "").
func dimsKey(dims []*string) string {
	var b strings.Builder
	for _, d := range dims {
		if d == nil {
			b.WriteString("\x00n")
			continue
		}
		b.WriteString("\x00v")
		b.WriteString(*d)
	}
	return b.String()
}

func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}
