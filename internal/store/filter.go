package store

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

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
	textColumn  string
	hasCategory bool
}

// apply adds the filter to a query over alias t. Amount bounds compare
// numerically, whatever the scale of either side: PostgreSQL columns are
// numeric; SQLite keeps money as TEXT, so it casts both sides (exact
// enough for a filter bound; stored values stay exact). lower is the
// lower-casing SQL function of the text condition, a format with one %s
// (textFold).
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
	amount, bound := "t.amount", "CAST(? AS numeric)"
	if dialect == "sqlite" {
		amount, bound = "CAST(t.amount AS REAL)", "CAST(? AS REAL)"
	}
	if f.MinAmount != nil {
		db = db.Where(amount+" >= "+bound, f.MinAmount.String())
	}
	if f.MaxAmount != nil {
		db = db.Where(amount+" <= "+bound, f.MaxAmount.String())
	}
	if f.Text != nil && *f.Text != "" && f.textColumn != "" {
		db = db.Where(fmt.Sprintf(lower, "t."+f.textColumn)+" LIKE "+fmt.Sprintf(lower, "?")+" ESCAPE '\\'",
			"%"+escapeLike(*f.Text)+"%")
	}
	if f.Category != nil && *f.Category != "" && f.hasCategory {
		db = db.Where("t.category = ?", *f.Category)
	}
	return db
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// on returns a copy of f for a table whose free text lives in col.
func (f *TxnFilter) on(col string, hasCategory bool) *TxnFilter {
	if f == nil {
		return nil
	}
	c := *f
	c.textColumn, c.hasCategory = col, hasCategory
	return &c
}
