package store_test

import (
	"context"
	"testing"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/store"
)

// TestTotalCountIsCapped checks totalCount against plain COUNT(*): exact
// below store.CountCap, and CountCap marked inexact above it, per parent
// in one batched call, for a parent's list and a user's.
func TestTotalCountIsCapped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		seedPlans(t, db, 2*store.CountCap+10) // a0 (u0's only account): CountCap+5 rows
		st, ctx := store.New(db.Gorm), context.Background()
		p := page(t, ptr[int32](1), nil, nil, nil)
		res, err := st.AccountTransactionsByAccount(ctx, store.ListRequest{Parents: []string{"a0", "a1", "a4"},
			Scope: store.Scope{All: true}, Page: p, Total: true})
		must(t, err)
		for _, a := range []string{"a0", "a1", "a4"} {
			n := countRows(t, db, "account_id", a)
			want, exact := min(n, store.CountCap), n <= store.CountCap
			if c := res[a]; c.TotalCount != want || c.TotalCountIsExact != exact {
				t.Errorf("%s: totalCount %d exact %v, want %d %v (%d rows)", a, c.TotalCount, c.TotalCountIsExact, want, exact, n)
			}
		}
		if n := countRows(t, db, "account_id", "a0"); n <= store.CountCap {
			t.Fatalf("a0 holds %d rows: the cap is not exercised", n)
		}
		byUser, err := st.AccountTransactionsByUser(ctx, store.ListRequest{Parents: []string{"u0"},
			Scope: store.Scope{UserID: "u0"}, Page: p, Total: true})
		must(t, err)
		if c := byUser["u0"]; c.TotalCount != store.CountCap || c.TotalCountIsExact {
			t.Errorf("u0: totalCount %d exact %v, want %d false", c.TotalCount, c.TotalCountIsExact, store.CountCap)
		}
	})
}

func countRows(t *testing.T, db *database.DB, col, parent string) int {
	t.Helper()
	var n int
	must(t, db.Gorm.Raw("SELECT COUNT(*) FROM account_transactions WHERE "+col+" = ?", parent).Scan(&n).Error)
	return n
}
