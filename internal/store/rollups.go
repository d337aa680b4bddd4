package store

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"github.com/fingraph/fingraph/models"
)

// The transaction rollups (table transaction_rollups, migration 00013)
// hold, per credentials, month, category, currency and direction, the
// count and exact sum of the account transactions: the analysts'
// aggregates read them instead of every transaction. They are rewritten
// in the transaction that writes a credentials' transactions or accounts
// (an account dropped by the provider takes its transactions with it), so
// they always agree with the rows; deleting the credentials cascades.

// fracDigits is the precision of a rollup's integer fraction column
// (total_frac is the fraction times 10^fracDigits): ten decimals, the
// scale money columns had before 00012. A sum with more decimals is still
// exact in total, and the readers fall back to it (see sumRows).
const fracDigits = 10

// rollupTxn is what a rollup needs of one transaction.
type rollupTxn struct {
	date     models.Date
	category *string
	currency string
	amount   decimal.Decimal
}

// refreshRollups recomputes the rollups of credsID from its stored
// transactions. ReplaceAccounts calls it: deleting an account cascades to
// its transactions without passing through ReplaceAccountTransactions.
func refreshRollups(ctx context.Context, db *gorm.DB, w WriteScope) error {
	rows, err := db.WithContext(ctx).Table("account_transactions").
		Select("operation_date", "category", "currency", "amount").
		Where("credentials_id = ?", w.CredentialsID).Rows()
	if err != nil {
		return wrap(err, "read transactions for rollups")
	}
	defer rows.Close()
	var txns []rollupTxn
	for rows.Next() {
		var t rollupTxn
		if err := rows.Scan(&t.date, &t.category, &t.currency, &t.amount); err != nil {
			return wrap(err, "scan transactions for rollups")
		}
		txns = append(txns, t)
	}
	if err := rows.Err(); err != nil {
		return wrap(err, "read transactions for rollups")
	}
	return writeRollups(ctx, db, w, txns)
}

// rollupTxns maps written transactions to what rollups need.
func rollupTxns(rows []models.AccountTransaction) []rollupTxn {
	out := make([]rollupTxn, len(rows))
	for i := range rows {
		r := &rows[i]
		out[i] = rollupTxn{date: r.OperationDate, category: r.Category, currency: r.Currency, amount: r.Amount}
	}
	return out
}

// writeRollups makes the rollups of w.CredentialsID those of txns. A
// refresh that changed no total writes nothing, so unchanged data stays a
// true no-op, as replaceRows keeps it for the rows themselves.
func writeRollups(ctx context.Context, db *gorm.DB, w WriteScope, txns []rollupTxn) error {
	var creds models.Credentials
	err := db.WithContext(ctx).Select("id", "provider", "entity_id").Where("id = ?", w.CredentialsID).Take(&creds).Error
	if err != nil {
		return wrap(err, "rollups: credentials %s", w.CredentialsID)
	}
	want := buildRollups(&creds, w.UserID, txns)
	var have []models.TxnRollup
	if err := db.WithContext(ctx).Where("credentials_id = ?", w.CredentialsID).Find(&have).Error; err != nil {
		return wrap(err, "read rollups")
	}
	if sameRollups(have, want) {
		return nil
	}
	if err := lockGlobalRollups(ctx, db); err != nil {
		return err
	}
	if err := db.WithContext(ctx).Where("credentials_id = ?", w.CredentialsID).Delete(&models.TxnRollup{}).Error; err != nil {
		return wrap(err, "delete rollups")
	}
	if len(want) == 0 {
		return nil
	}
	return wrap(db.WithContext(ctx).CreateInBatches(want, max(1, maxBinds(db)/13)).Error, "insert rollups")
}

// buildRollups groups txns by month, category, currency and direction.
// Each total keeps the largest scale of its amounts (decimal.Add), as a
// SUM of PostgreSQL numerics does.
func buildRollups(c *models.Credentials, userID string, txns []rollupTxn) []models.TxnRollup {
	type key struct{ month, category, currency, direction string }
	byKey := map[key]*models.TxnRollup{}
	for _, t := range txns {
		k := key{month: monthOf(t.date).String(), currency: t.currency, direction: models.DirectionIn}
		if t.category != nil {
			k.category = *t.category
		}
		if t.amount.IsNegative() {
			k.direction = models.DirectionOut
		}
		r := byKey[k]
		if r == nil {
			r = &models.TxnRollup{CredentialsID: c.ID, UserID: userID, Provider: c.Provider, InstitutionID: c.EntityID,
				Month: monthOf(t.date), Category: k.category, Currency: k.currency, Direction: k.direction, Total: decimal.Zero}
			byKey[k] = r
		}
		r.TxnCount++
		r.Total = r.Total.Add(t.amount)
	}
	out := make([]models.TxnRollup, 0, len(byKey))
	for _, r := range byKey {
		r.TotalInt, r.TotalFrac, r.TotalScale = splitDecimal(r.Total)
		out = append(out, *r)
	}
	slices.SortFunc(out, compareRollups)
	return out
}

// monthOf is the first day of d's month.
func monthOf(d models.Date) models.Date {
	y, m, _ := d.Date()
	return models.Date{Time: time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)}
}

// splitDecimal returns d's integer part, its fraction times 10^fracDigits
// (both truncated toward zero, so both carry d's sign) and its scale. The
// fraction is exact when the scale is at most fracDigits.
func splitDecimal(d decimal.Decimal) (whole, frac int64, scale int32) {
	w := d.Truncate(0)
	return w.IntPart(), d.Sub(w).Shift(fracDigits).Truncate(0).IntPart(), models.Scale(d)
}

func compareRollups(a, b models.TxnRollup) int {
	return cmp.Or(a.Month.Compare(b.Month.Time), cmp.Compare(a.Category, b.Category),
		cmp.Compare(a.Currency, b.Currency), cmp.Compare(a.Direction, b.Direction))
}

// sameRollups reports whether two sets of rollups hold the same rows,
// totals compared with their scale.
func sameRollups(have, want []models.TxnRollup) bool {
	if len(have) != len(want) {
		return false
	}
	slices.SortFunc(have, compareRollups)
	for i := range have {
		h, w := have[i], want[i]
		if compareRollups(h, w) != 0 || h.TxnCount != w.TxnCount || h.InstitutionID != w.InstitutionID ||
			models.DecimalText(h.Total) != models.DecimalText(w.Total) {
			return false
		}
	}
	return true
}

// renameRollupInstitution keeps the rollups' copy of the credentials'
// institution in step when its status names another one. The rename
// moves totals between groups of the global level, so it takes the
// rollups' lock; it is checked first, since a status almost never names
// another institution.
func renameRollupInstitution(ctx context.Context, db *gorm.DB, c *models.Credentials) error {
	var n int64
	err := db.WithContext(ctx).Model(&models.TxnRollup{}).
		Where("credentials_id = ? AND institution_id <> ?", c.ID, c.EntityID).Limit(1).Count(&n).Error
	if err != nil || n == 0 {
		return wrap(err, "rollups: institution of %s", c.ID)
	}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockGlobalRollups(ctx, tx); err != nil {
			return err
		}
		return tx.Model(&models.TxnRollup{}).Where("credentials_id = ? AND institution_id <> ?", c.ID, c.EntityID).
			UpdateColumn("institution_id", c.EntityID).Error
	})
	return wrap(err, "rollups: institution of %s", c.ID)
}

// globalRollupsLock is the PostgreSQL advisory lock key of the rollups
// across users (an arbitrary constant: "fgru").
const globalRollupsLock = 0x66677275

// lockGlobalRollups takes, on PostgreSQL, a lock held until the
// transaction ends, before a change to the per-credentials rollups: their
// triggers (migration 00016) update rows of the global level that every
// user shares, and two transactions updating them in different orders
// would deadlock. SQLite has one writer at a time.
func lockGlobalRollups(ctx context.Context, db *gorm.DB) error {
	if db.Dialector.Name() != "postgres" {
		return nil
	}
	return wrap(db.WithContext(ctx).Exec("SELECT pg_advisory_xact_lock(?)", globalRollupsLock).Error, "lock rollups")
}

// BackfillRollups computes the rollups of every credentials that has
// account transactions but no rollups: data cached before the rollups
// existed (migration 00013). It returns how many it computed; on a
// database already rolled up it costs one query.
func (s *Store) BackfillRollups(ctx context.Context) (int, error) {
	type missing struct{ ID, UserID string }
	var todo []missing
	err := s.db.WithContext(ctx).Table("credentials AS c").Select("c.id, c.user_id").
		Where("NOT EXISTS (SELECT 1 FROM transaction_rollups r WHERE r.credentials_id = c.id)").
		Where("EXISTS (SELECT 1 FROM account_transactions t WHERE t.credentials_id = c.id)").
		Order("c.id").Scan(&todo).Error
	if err != nil {
		return 0, wrap(err, "BackfillRollups")
	}
	for _, m := range todo {
		err := s.Tx(ctx, func(tx *Store) error {
			return refreshRollups(ctx, tx.db, WriteScope{CredentialsID: m.ID, UserID: m.UserID})
		})
		if err != nil {
			return 0, err
		}
	}
	return len(todo), nil
}
