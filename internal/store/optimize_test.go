package store_test

import (
	"context"
	"testing"

	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/migrations"
)

// TestBulkWriteRefreshesSQLiteStatistics checks that a product write
// inserting many rows leaves planner statistics for its table once the
// transaction commits, and that a small write does not pay for them.
func TestBulkWriteRefreshesSQLiteStatistics(t *testing.T) {
	db := dbtest.Open(t, migrations.SQLite)
	ctx, st := context.Background(), store.New(db.Gorm)
	w := writeFixture(t, st)
	analyzed := func() bool {
		var n int
		wcheck(t, db.SQL.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&n))
		if n == 0 {
			return false
		}
		wcheck(t, db.SQL.QueryRow(`SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'account_transactions'`).Scan(&n))
		return n > 0
	}
	write := func(n int) {
		wcheck(t, st.Tx(ctx, func(tx *store.Store) error {
			_, err := tx.ReplaceAccountTransactions(ctx, w, txns(n, "shop"))
			return err
		}))
	}
	write(10)
	if analyzed() {
		t.Fatal("10 rows analyzed account_transactions")
	}
	write(1500)
	if !analyzed() {
		t.Fatal("1,500 new rows left account_transactions without statistics")
	}
}
