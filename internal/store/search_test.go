package store_test

import (
	"context"
	"testing"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/store"
)

// TestTextIndexFollowsWrites checks that the text index sees every write:
// a refresh that changes a description moves the row from the old text to
// the new, and a refresh that drops rows removes them (on SQLite the FTS5
// index is kept by triggers; a stale entry would hide or resurrect rows).
func TestTextIndexFollowsWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, st := context.Background(), store.New(db.Gorm)
		w := writeFixture(t, st)
		found := func(text string) int {
			res, err := st.AccountTransactionsByUser(ctx, store.ListRequest{Parents: []string{w.UserID},
				Scope: store.Scope{UserID: w.UserID}, Filter: &store.TxnFilter{Text: ptr(text)},
				Page: page(t, ptr[int32](100), nil, nil, nil), Total: true})
			wcheck(t, err)
			return res[w.UserID].TotalCount
		}
		write := func(n int, desc string) {
			_, err := st.ReplaceAccountTransactions(ctx, w, txns(n, desc))
			wcheck(t, err)
		}
		write(3, "Alpha Café")
		if got := found("ALPHA CAFÉ"); got != 3 {
			t.Fatalf("after insert: %d rows, want 3", got)
		}
		write(3, "Ωmega Store")
		if a, o := found("alpha"), found("ωMEGA"); a != 0 || o != 3 {
			t.Fatalf("after update: alpha %d, omega %d, want 0 and 3", a, o)
		}
		write(1, "Ωmega Store")
		if got := found("omega store"[1:]); got != 1 {
			t.Fatalf("after delete: %d rows, want 1", got)
		}
	})
}
