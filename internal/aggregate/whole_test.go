package aggregate_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

const pathAll = "/v0/bank/credentials/all"

const pathInvestments = "/v0/bank/credentials/investment"

// productPaths are the Flanks endpoints of the products /credentials/all
// answers.
var productPaths = map[models.Product]string{
	models.ProductAccounts: pathAccount, models.ProductTransactions: pathData,
	models.ProductPortfolios: "/v0/bank/credentials/portfolio", models.ProductInvestments: "/v0/bank/credentials/investment",
	models.ProductInvTxns: "/v0/bank/credentials/investment/transaction", models.ProductLiabilities: "/v0/bank/credentials/liability",
	models.ProductLiabTxns: "/v0/bank/credentials/liability/transaction", models.ProductCards: "/v0/bank/credentials/card",
	models.ProductCardTxns: "/v0/bank/credentials/card/transaction", models.ProductIdentity: "/v0/bank/credentials/auth",
}

// ensureAt runs Ensure for every product at once, as a query's resolvers
// do, and returns each product's error.
func (e *env) ensureAt(ctx context.Context, c *models.Credentials, products []models.Product) map[models.Product]error {
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := map[models.Product]error{}
	for _, p := range products {
		wg.Go(func() {
			err := e.svc.Ensure(ctx, c, p)
			mu.Lock()
			errs[p] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	return errs
}

func wholeSet() []models.Product {
	out := make([]models.Product, 0, len(productPaths))
	for p := range productPaths {
		out = append(out, p)
	}
	return out
}

// A query needing every product of cold credentials costs one
// /credentials/all call, and nothing of the ten endpoints it replaces.
func TestPlanFetchesWholeConnectionOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		before := e.sim.RequestCounts()
		ctx := aggregate.WithPlan(e.ctx, wholeSet())
		for p, err := range e.ensureAt(ctx, c, wholeSet()) {
			if err != nil {
				t.Errorf("Ensure(%s): %v", p, err)
			}
		}
		after := e.sim.RequestCounts()
		if n := after[pathAll] - before[pathAll]; n != 1 {
			t.Errorf("/credentials/all called %d times, want 1", n)
		}
		for p, path := range productPaths {
			if n := after[path] - before[path]; n != 0 {
				t.Errorf("%s (%s) called %d times beside /credentials/all", path, p, n)
			}
			if r := e.syncRecord(c, p); r.Status != store.SyncOK || r.FetchedAt == nil {
				t.Errorf("%s sync record %+v", p, r)
			}
		}
		var n int64
		check(t, db.Gorm.Model(&models.InvestmentTransaction{}).Where("credentials_id = ? AND investment_id IS NOT NULL", c.ID).Count(&n).Error)
		if n == 0 {
			t.Error("no investment transaction linked to its investment")
		}
	})
}

// A query that needs few products keeps one call per product: the whole
// connection would send far more than it reads.
func TestPlanOfFewProductsFetchesEach(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		before := e.sim.RequestCounts()
		few := []models.Product{models.ProductAccounts, models.ProductTransactions}
		for _, err := range e.ensureAt(aggregate.WithPlan(e.ctx, few), c, few) {
			check(t, err)
		}
		after := e.sim.RequestCounts()
		if after[pathAll] != before[pathAll] || after[pathAccount]-before[pathAccount] != 1 || after[pathData]-before[pathData] != 1 {
			t.Fatalf("calls: all %d, account %d, data %d", after[pathAll]-before[pathAll],
				after[pathAccount]-before[pathAccount], after[pathData]-before[pathData])
		}
	})
}

// WholeFetchMin moves the threshold: at 2, a query needing two products
// already costs one whole-connection call instead of their two endpoints.
func TestWholeFetchMinIsHonoured(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{agg: aggregate.Options{WholeFetchMin: 2}})
		c := e.link(userA, "testbank", "")
		before := e.sim.RequestCounts()
		few := []models.Product{models.ProductAccounts, models.ProductTransactions}
		for _, err := range e.ensureAt(aggregate.WithPlan(e.ctx, few), c, few) {
			check(t, err)
		}
		after := e.sim.RequestCounts()
		if after[pathAll]-before[pathAll] != 1 || after[pathAccount] != before[pathAccount] || after[pathData] != before[pathData] {
			t.Fatalf("calls: all %d, account %d, data %d; want one whole call", after[pathAll]-before[pathAll],
				after[pathAccount]-before[pathAccount], after[pathData]-before[pathData])
		}
	})
}

// A product whose extraction failed upstream is not taken from
// /credentials/all (where it reads as an empty list): its own endpoint
// reports the failure, and the other products come from the whole call.
func TestPlanLeavesFailedProductToItsEndpoint(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "DATA_ERROR_PRODUCT_CARD")
		before := e.sim.RequestCounts()
		errs := e.ensureAt(aggregate.WithPlan(e.ctx, wholeSet()), c, wholeSet())
		after := e.sim.RequestCounts()
		if n := after[pathAll] - before[pathAll]; n != 1 {
			t.Errorf("/credentials/all called %d times", n)
		}
		cards := productPaths[models.ProductCards]
		if n := after[cards] - before[cards]; n != 1 {
			t.Errorf("card endpoint called %d times, want 1 (its own fetch)", n)
		}
		var stale *aggregate.StaleError
		if !errors.As(errs[models.ProductCards], &stale) {
			t.Errorf("cards: %v, want the endpoint's failure", errs[models.ProductCards])
		}
		if errs[models.ProductAccounts] != nil || e.syncRecord(c, models.ProductAccounts).Status != store.SyncOK {
			t.Errorf("accounts: %v", errs[models.ProductAccounts])
		}
	})
}

// A failed whole call fails every product it was to bring, once: no
// product then asks its own endpoint, and the failure is remembered.
func TestPlanWholeFailureIsShared(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		check(t, e.sim.InjectFault(pathAll, flankssim.Fault{Kind: flankssim.FaultServerError, Times: 5}))
		before := e.sim.RequestCounts()
		errs := e.ensureAt(aggregate.WithPlan(e.ctx, wholeSet()), c, wholeSet())
		after := e.sim.RequestCounts()
		if n := after[pathAll] - before[pathAll]; n != 1 {
			t.Errorf("/credentials/all called %d times, want 1", n)
		}
		for p, path := range productPaths {
			var stale *aggregate.StaleError
			if !errors.As(errs[p], &stale) {
				t.Errorf("%s: %v, want a StaleError", p, errs[p])
			}
			if n := after[path] - before[path]; n != 0 {
				t.Errorf("%s called %d times after the whole call failed", path, n)
			}
			if r := e.syncRecord(c, p); r.Status != store.SyncError {
				t.Errorf("%s sync record %+v, want the failure", p, r)
			}
		}
	})
}

// A position that /credentials/all lists without its detail gets it from
// /investment/detail, as on the investments endpoint: what a position
// holds does not depend on which call fetched it.
func TestWholeFetchFillsMissingDetail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{wrap: serve(map[string]string{
			pathAll: `{"accounts":[],"cards":[],"portfolios":[],"liabilities":[],"funds":[
 {"_id":"i-1","name":"A","isin":"ES0000000001","type":"F","amount":1,"balance":1,"currency":"EUR","detail":{"source":"all"},"transactions":[]},
 {"_id":"i-2","name":"B","isin":"ES0000000002","type":"F","amount":1,"balance":1,"currency":"EUR","transactions":[]}]}`,
			"/v0/bank/credentials/investment/detail": `[{"investment_id":"i-2","srri":4}]`,
		})})
		c := e.link(userA, "testbank", "")
		before := e.sim.RequestCounts()
		for p, err := range e.ensureAt(aggregate.WithPlan(e.ctx, wholeSet()), c, wholeSet()) {
			if err != nil {
				t.Errorf("Ensure(%s): %v", p, err)
			}
		}
		// The wrapper answers /credentials/all before the simulator counts
		// it; the investments endpoint, not wrapped, shows which path ran.
		if n := e.sim.RequestCounts()[pathInvestments] - before[pathInvestments]; n != 0 {
			t.Fatalf("the investments endpoint was called %d times: not the whole-connection path", n)
		}
		var invs []models.Investment
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Order("provider_id").Find(&invs).Error)
		want := []string{`{"source":"all"}`, `{"investment_id":"i-2","srri":4}`}
		if len(invs) != len(want) {
			t.Fatalf("%d investments, want %d", len(invs), len(want))
		}
		for i, w := range want {
			if invs[i].Detail == nil || !sameJSON(t, invs[i].Detail, w) {
				t.Errorf("%s detail %s, want %s", invs[i].ProviderID, invs[i].Detail, w)
			}
		}
	})
}
