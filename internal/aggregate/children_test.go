package aggregate_test

import (
	"testing"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/models"
)

// TestEnsureChildBesideParent: a cold child is asked for while its parent
// (and grandparent) are: all three requests are at the provider at once,
// none answered, so the child did not wait for its parents' answers. The
// rows arrive linked.
func TestEnsureChildBesideParent(t *testing.T) {
	const (
		portfolios = "/v0/bank/credentials/portfolio"
		invs       = "/v0/bank/credentials/investment"
		invTxns    = "/v0/bank/credentials/investment/transaction"
	)
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		g := newGate(portfolios, invs, invTxns)
		e := newEnv(t, db, envOpts{wrap: g.wrap})
		t.Cleanup(g.open)
		c := e.link(userA, "testbank", "")
		g.arm()
		done := make(chan error, 1)
		go func() { done <- e.svc.Ensure(e.ctx, c, models.ProductInvTxns) }()
		for _, p := range []string{portfolios, invs, invTxns} {
			g.awaitHeld(t, p)
		}
		g.open()
		check(t, <-done)
		for _, p := range []string{portfolios, invs, invTxns} {
			if n := g.count(p); n != 1 {
				t.Errorf("%s: %d calls, want 1", p, n)
			}
		}
		for table, col := range map[string]string{"investments": "portfolio_id", "investment_transactions": "investment_id"} {
			var total, orphans int64
			check(t, db.Gorm.Table(table).Where("credentials_id = ?", c.ID).Count(&total).Error)
			check(t, db.Gorm.Table(table).Where("credentials_id = ? AND "+col+" IS NULL", c.ID).Count(&orphans).Error)
			if total == 0 || orphans != 0 {
				t.Errorf("%s: %d rows, %d without %s", table, total, orphans, col)
			}
		}
	})
}

// TestEnsureChildSavedAfterParent: a child whose rows arrived first is
// saved only once its parent's rows are: no reader sees a child without
// its parent, and every account transaction finds its account.
func TestEnsureChildSavedAfterParent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		g := newGate(pathAccount)
		e := newEnv(t, db, envOpts{wrap: g.wrap})
		t.Cleanup(g.open)
		c := e.link(userA, "testbank", "")
		g.arm()
		done := make(chan error, 1)
		go func() { done <- e.svc.Ensure(e.ctx, c, models.ProductTransactions) }()
		g.awaitHeld(t, pathAccount)
		awaitServed(t, e, pathData) // the child's rows are here, the parent's held
		if n := e.count(&models.AccountTransaction{}, c.ID); n != 0 {
			t.Fatalf("%d transactions visible before their accounts", n)
		}
		g.open()
		check(t, <-done)
		var total, linked int64
		check(t, db.Gorm.Model(&models.AccountTransaction{}).Where("credentials_id = ?", c.ID).Count(&total).Error)
		check(t, db.Gorm.Model(&models.AccountTransaction{}).
			Where("credentials_id = ? AND account_id IN (?)", c.ID,
				db.Gorm.Model(&models.Account{}).Select("id").Where("credentials_id = ?", c.ID)).Count(&linked).Error)
		if total == 0 || linked != total {
			t.Fatalf("%d transactions, %d with their account", total, linked)
		}
	})
}

// awaitServed waits until the simulator has answered a request on path.
func awaitServed(t *testing.T, e *env, path string) {
	t.Helper()
	waitFor(t, func() bool { return e.sim.Requests(path) > 0 })
}
