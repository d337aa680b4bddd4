package store

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/fingraph/fingraph/models"
)

// TxnFilter narrows transaction lists; every set condition must hold.
//
// Text matches a substring of the description (the shop of card
// movements), case-insensitively for every script, not only ASCII:
// "nómina" finds "NÓMINA" and "ÄRZTE" finds "Ärzte", on SQLite and
// PostgreSQL alike. Both sides are lower-cased character by character
// (Unicode simple case mapping, see textFold) before a LIKE whose % and _
// are escaped, so they match themselves. Accents are NOT folded: "nomina"
// does not find "nómina", nor "nómina" "nomina"; nor are multi-letter
// foldings applied ("strasse" does not find "STRAßE").
type TxnFilter struct {
	From, To    *models.Date
	MinAmount   *decimal.Decimal
	MaxAmount   *decimal.Decimal
	Text        *string
	Category    *string
	table       string
	textColumn  string
	hasCategory bool
}

// apply adds the filter to a query over alias t. Amount bounds compare
// numerically, whatever the scale of either side: PostgreSQL columns are
// numeric; SQLite keeps money as TEXT, so it casts both sides (exact
// enough for a filter bound; stored values stay exact; see amountBound).
// lower is the lower-casing SQL function of the text condition, a format
// with one %s (textFold).
func (f *TxnFilter) apply(db *gorm.DB, dialect, lower string) *gorm.DB {
	if f == nil {
		return db
	}
	if f.From != nil {
		db = db.Where("t.operation_date >= ?", f.From.String())
	}
	if f.To != nil {
		db = db.Where("t.operation_date <= ?", f.To.String())
	}
	if f.MinAmount != nil {
		db = db.Where(amountBound(dialect, ">=", *f.MinAmount))
	}
	if f.MaxAmount != nil {
		db = db.Where(amountBound(dialect, "<=", *f.MaxAmount))
	}
	if f.Text != nil && *f.Text != "" && f.textColumn != "" {
		if dialect == "sqlite" {
			db = f.searchIndex(db, *f.Text)
		}
		db = db.Where(fmt.Sprintf(lower, "t."+f.textColumn)+" LIKE "+fmt.Sprintf(lower, "?")+" ESCAPE '\\'",
			"%"+escapeLike(*f.Text)+"%")
	}
	if f.Category != nil && *f.Category != "" && f.hasCategory {
		db = db.Where("t.category = ?", *f.Category)
	}
	return db
}

// amountBound is the condition "amount op bound". On SQLite the bound is
// written into the SQL as CAST('…' AS REAL), not bound as a parameter:
// the planner reads a literal's value (STAT4) and so sees how few rows a
// bound keeps, which tells it to walk the amount index (00014) rather
// than the whole parent in date order; a parameter inside CAST hides the
// value. The conversion is the one CAST(? AS REAL) did, and the text is a
// decimal's String(), only digits, '-' and '.', so nothing can escape the
// quotes. PostgreSQL plans with the parameter's value anyway.
func amountBound(dialect, op string, bound decimal.Decimal) clause.Expr {
	if dialect == "sqlite" {
		return clause.Expr{SQL: fmt.Sprintf("CAST(t.amount AS REAL) %s CAST('%s' AS REAL)", op, bound.String())}
	}
	return clause.Expr{SQL: "t.amount " + op + " CAST(? AS numeric)", Vars: []any{bound.String()}}
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// bounded reports whether f bounds amounts or text, the conditions an
// index other than the parent's page order serves.
func (f *TxnFilter) bounded() bool {
	return f.MinAmount != nil || f.MaxAmount != nil || (f.Text != nil && *f.Text != "" && f.textColumn != "")
}

// on returns a copy of f for table, whose free text lives in col.
func (f *TxnFilter) on(table, col string, hasCategory bool) *TxnFilter {
	if f == nil {
		return nil
	}
	c := *f
	c.table, c.textColumn, c.hasCategory = table, col, hasCategory
	return &c
}
