package aggregate_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

func TestEnsureFreshThenStale(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductAccounts)
		if n := e.sim.Requests(pathAccount); n != 1 {
			t.Fatalf("cold Ensure: %d upstream calls, want 1", n)
		}
		first := e.syncRecord(c, models.ProductAccounts)
		if first.Status != "ok" || first.FetchedAt == nil || e.count(&models.Account{}, c.ID) == 0 {
			t.Fatalf("after cold Ensure: record %+v, %d accounts", first, e.count(&models.Account{}, c.ID))
		}

		e.clock.Advance(aggregate.DefaultTTL - time.Second)
		e.ensure(c, models.ProductAccounts)
		if n := e.sim.Requests(pathAccount); n != 1 {
			t.Fatalf("fresh Ensure called upstream (%d calls)", n)
		}

		e.clock.Advance(2 * time.Second)
		e.ensure(c, models.ProductAccounts)
		if n := e.sim.Requests(pathAccount); n != 2 {
			t.Fatalf("stale Ensure: %d upstream calls, want 2", n)
		}
		if got := e.syncRecord(c, models.ProductAccounts).FetchedAt; !got.After(*first.FetchedAt) {
			t.Errorf("fetched_at not advanced: %v -> %v", first.FetchedAt, got)
		}
	})
}

func TestEnsurePerProductTTL(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{agg: aggregate.Options{
			TTL: map[models.Product]time.Duration{models.ProductAccounts: time.Minute}}})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductAccounts, models.ProductIdentity)
		e.clock.Advance(2 * time.Minute)
		e.ensure(c, models.ProductAccounts, models.ProductIdentity)
		if a, i := e.sim.Requests(pathAccount), e.sim.Requests("/v0/bank/credentials/auth"); a != 2 || i != 1 {
			t.Fatalf("account calls %d (want 2, TTL 1 min), identity calls %d (want 1, default TTL)", a, i)
		}
	})
}

func TestEnsurePending(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{sim: flankssim.Options{ExtractionDelay: time.Hour}})
		c := e.link(userA, "testbank", "")
		if !c.Pending {
			t.Fatalf("new credentials should be pending upstream")
		}
		e.ensure(c, models.ProductAccounts) // pending is not an error
		rec := e.syncRecord(c, models.ProductAccounts)
		if rec.Status != "pending" || rec.FetchedAt != nil || e.count(&models.Account{}, c.ID) != 0 {
			t.Fatalf("pending record %+v", rec)
		}
		e.ensure(c, models.ProductAccounts)
		if n := e.sim.Requests(pathAccount); n != 1 {
			t.Fatalf("pending product asked again within PendingRetry (%d calls)", n)
		}
		e.clock.Advance(time.Hour)
		e.ensure(c, models.ProductAccounts)
		if rec := e.syncRecord(c, models.ProductAccounts); rec.Status != "ok" || e.count(&models.Account{}, c.ID) == 0 {
			t.Fatalf("after the extraction: %+v", rec)
		}
	})
}

func TestEnsureProviderDownServesStale(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductAccounts)
		fetched := *e.syncRecord(c, models.ProductAccounts).FetchedAt
		accounts := e.count(&models.Account{}, c.ID)

		e.clock.Advance(time.Hour)
		check(t, e.sim.InjectFault(pathAccount, flankssim.Fault{Kind: flankssim.FaultServerError, Status: 503}))
		err := e.svc.Ensure(e.ctx, c, models.ProductAccounts)
		se := staleErr(t, err)
		ext := se.Extensions()
		if ext["stale"] != true || ext["fetchedAt"] != fetched.UTC().Format(time.RFC3339) || se.Expired {
			t.Fatalf("extensions %v, expired %v", ext, se.Expired)
		}
		if !errors.Is(err, apperr.ErrUpstreamUnavailable) || !errors.Is(err, flanks.ErrUpstream) {
			t.Errorf("error should match ErrUpstreamUnavailable and the provider sentinel: %v", err)
		}
		if code := apperr.Code(err); code != apperr.CodeUpstreamUnavailable {
			t.Errorf("code %s", code)
		}
		if n := e.count(&models.Account{}, c.ID); n != accounts {
			t.Errorf("cached rows changed on failure: %d -> %d", accounts, n)
		}
		rec := e.syncRecord(c, models.ProductAccounts)
		if rec.Status != "error" || rec.ErrorCode != provider.CodeUnavailable || !rec.FetchedAt.Equal(fetched) {
			t.Errorf("record after failure %+v", rec)
		}

		// Past the stale bound the error says so; the data is still there.
		e.clock.Advance(aggregate.DefaultStaleBound)
		check(t, e.sim.InjectFault(pathAccount, flankssim.Fault{Kind: flankssim.FaultServerError}))
		se = staleErr(t, e.svc.Ensure(e.ctx, c, models.ProductAccounts))
		if !se.Expired || se.Extensions()["expired"] != true || se.Extensions()["stale"] != true {
			t.Errorf("past the bound: expired %v, extensions %v", se.Expired, se.Extensions())
		}
	})
}

func TestEnsureProviderDownCold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		check(t, e.sim.InjectFault(pathAccount, flankssim.Fault{Kind: flankssim.FaultRateLimit, RetryAfter: 30}))
		se := staleErr(t, e.svc.Ensure(e.ctx, c, models.ProductAccounts))
		ext := se.Extensions()
		if ext["stale"] != false || ext["fetchedAt"] != nil || se.Code != provider.CodeRateLimited {
			t.Fatalf("cold failure: %v, code %s", ext, se.Code)
		}
		if !errors.Is(se, flanks.ErrRateLimited) {
			t.Errorf("cause not kept: %v", se)
		}
	})
}

func TestEnsureBlockedCredentialsIsUpstreamError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "INVALID_CREDENTIALS")
		if !c.Blocked || !c.ResetRequired {
			t.Fatalf("status not mapped: blocked %v reset %v", c.Blocked, c.ResetRequired)
		}
		err := e.svc.Ensure(e.ctx, c, models.ProductAccounts)
		se := staleErr(t, err)
		code, msg, _ := apperr.Classify(err)
		if se.Code != provider.CodeCredentials || code != apperr.CodeUpstreamUnavailable || msg == "" ||
			!errors.Is(err, flanks.ErrCredentials) {
			t.Fatalf("blocked: code %s/%s message %q", se.Code, code, msg)
		}
	})
}

func TestEnsureIdempotentUpsert(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		e.ensure(c, allProducts...)
		before := snapshot(t, e, c.ID)
		e.clock.Advance(time.Hour)
		check(t, e.svc.RefreshCredentials(e.ctx, c))
		after := snapshot(t, e, c.ID)
		if len(before) == 0 || len(before) != len(after) {
			t.Fatalf("row count changed: %d -> %d", len(before), len(after))
		}
		for k, v := range before {
			if after[k] != v {
				t.Fatalf("row %s changed on an identical refresh: %s -> %s", k, v, after[k])
			}
		}

		// A row that differs from upstream is updated in place.
		var acct models.Account
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Order("provider_id").First(&acct).Error)
		check(t, db.Gorm.Model(&acct).UpdateColumn("alias", "edited").Error) // keeps updated_at
		e.clock.Advance(time.Hour)
		check(t, e.svc.RefreshCredentials(e.ctx, c))
		var again models.Account
		check(t, db.Gorm.Where("id = ?", acct.ID).Take(&again).Error)
		if again.Alias == nil || *again.Alias == "edited" || !again.UpdatedAt.After(acct.UpdatedAt) ||
			!again.CreatedAt.Equal(acct.CreatedAt) {
			t.Fatalf("changed row not restored in place: %+v", again)
		}
	})
}

// snapshot maps table/provider key to "id created_at updated_at" for every
// row of the credentials.
func snapshot(t *testing.T, e *env, credsID string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range ownedTables(t, e.db) {
		table := tableName(t, e.db, m)
		if table == "sync_records" {
			continue
		}
		rows, err := e.db.Gorm.Table(table).Where("credentials_id = ?", credsID).Rows()
		check(t, err)
		for rows.Next() {
			var r map[string]any
			check(t, e.db.Gorm.ScanRows(rows, &r))
			key := table + "/" + str(r["provider_id"]) + str(r["provider_product_id"]) + str(r["name"])
			out[key] = str(r["id"]) + " " + str(r["created_at"]) + " " + str(r["updated_at"])
		}
		check(t, rows.Close())
	}
	return out
}

func TestEnsureDeletesRowsGoneUpstream(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductTransactions)
		accounts, txns := e.count(&models.Account{}, c.ID), e.count(&models.AccountTransaction{}, c.ID)
		now := e.clock.Now()
		ghost := models.Account{ID: "ghost", CredentialsID: c.ID, UserID: userA, ProviderID: "closed-account",
			Currency: "EUR", CreatedAt: now, UpdatedAt: now}
		check(t, db.Gorm.Create(&ghost).Error)
		check(t, db.Gorm.Create(&models.AccountTransaction{ID: "ghost-txn", CredentialsID: c.ID, UserID: userA,
			AccountID: "ghost", ProviderID: "old-txn", Currency: "EUR", OperationDate: models.DateOf(now),
			CreatedAt: now, UpdatedAt: now}).Error)

		check(t, e.svc.RefreshCredentials(e.ctx, c))
		if a, tx := e.count(&models.Account{}, c.ID), e.count(&models.AccountTransaction{}, c.ID); a != accounts || tx != txns {
			t.Fatalf("rows gone upstream kept: accounts %d (want %d), transactions %d (want %d)", a, accounts, tx, txns)
		}
	})
}

func TestEnsureConcurrentColdFetchesOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{sim: flankssim.Options{Latency: 50 * time.Millisecond}})
		c := e.link(userA, "testbank", "")
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for range 100 {
			wg.Go(func() {
				cc := *c // each request has its own copy
				errs <- e.svc.Ensure(e.ctx, &cc, models.ProductTransactions)
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			check(t, err)
		}
		if a, d := e.sim.Requests(pathAccount), e.sim.Requests(pathData); a != 1 || d != 1 {
			t.Fatalf("100 concurrent cold Ensure: %d account and %d transaction calls, want 1 and 1", a, d)
		}
	})
}

func TestEnsureParentsFirstAndLinks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductInvTxns, models.ProductTransactions, models.ProductCardTxns, models.ProductLiabTxns)
		for _, p := range []string{"portfolio", "investment", "investment/transaction", "account", "data",
			"card", "card/transaction", "liability", "liability/transaction"} {
			if n := e.sim.Requests("/v0/bank/credentials/" + p); n != 1 {
				t.Errorf("%s: %d calls, want 1", p, n)
			}
		}
		unlinked := map[string]string{
			"investments": "portfolio_id", "investment_transactions": "investment_id",
			"card_transactions": "card_id", "liability_transactions": "liability_id",
		}
		for table, col := range unlinked {
			var total, orphans int64
			check(t, db.Gorm.Table(table).Where("credentials_id = ?", c.ID).Count(&total).Error)
			check(t, db.Gorm.Table(table).Where("credentials_id = ? AND "+col+" IS NULL", c.ID).Count(&orphans).Error)
			if total == 0 || orphans != 0 {
				t.Errorf("%s: %d rows, %d without %s", table, total, orphans, col)
			}
		}
	})
}

// TestEnsureParentFailureSkipsChild: the child is asked for beside its
// parent, but when the parent fails its rows are not saved (they could
// not be linked), and the child reports the parent's failure.
func TestEnsureParentFailureSkipsChild(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		check(t, e.sim.InjectFault(pathAccount, flankssim.Fault{Kind: flankssim.FaultServerError}))
		se := staleErr(t, e.svc.Ensure(e.ctx, c, models.ProductTransactions))
		if se.Product != models.ProductTransactions || se.Stale() || se.Code != provider.CodeUnavailable {
			t.Fatalf("product %s stale %v code %s", se.Product, se.Stale(), se.Code)
		}
		if n := e.count(&models.AccountTransaction{}, c.ID); n != 0 {
			t.Fatalf("%d child rows saved without their parent", n)
		}
		if _, err := e.st.SyncRecord(e.ctx, c.ID, models.ProductTransactions); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("the child reads as synced: %v", err)
		}
		// Within the failure memory the child does not ask again either.
		before := e.sim.Requests(pathData)
		staleErr(t, e.svc.Ensure(e.ctx, c, models.ProductTransactions))
		if n := e.sim.Requests(pathData) - before; n != 0 {
			t.Fatalf("%d child calls while its parent's failure is remembered", n)
		}
	})
}

func TestEnsureRejectsUnknownProduct(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		if err := e.svc.Ensure(e.ctx, c, "bogus"); !errors.Is(err, apperr.ErrInvalidInput) {
			t.Fatalf("unknown product: %v", err)
		}
	})
}

func TestUpstreamBodyNeverInErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		canary := "4111111111111111 canary-body"
		e := newEnv(t, db, envOpts{wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == pathAccount {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusInternalServerError)
					_, _ = w.Write([]byte(`{"error":"` + canary + `"}`))
					return
				}
				next.ServeHTTP(w, r)
			})
		}})
		c := e.link(userA, "testbank", "")
		err := e.svc.Ensure(e.ctx, c, models.ProductAccounts)
		staleErr(t, err)
		_, msg, _ := apperr.Classify(err)
		for _, s := range []string{err.Error(), msg} {
			if strings.Contains(s, "canary") || strings.Contains(s, c.ProviderRef) {
				t.Fatalf("upstream body or credentials token leaked: %q", s)
			}
		}
	})
}

// TestEnsureRemembersAFailureBriefly: readers right after a failed fetch
// share it (and the cached rows) without asking the provider again; after
// FailureMemory they ask again.
func TestEnsureRemembersAFailureBriefly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{agg: aggregate.Options{FailureMemory: 10 * time.Second}})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductAccounts)
		e.clock.Advance(time.Hour)
		check(t, e.sim.InjectFault(pathAccount, flankssim.Fault{Kind: flankssim.FaultServerError, Status: 503, Times: 100}))
		before := e.sim.Requests(pathAccount)
		for range 5 {
			if se := staleErr(t, e.svc.Ensure(e.ctx, c, models.ProductAccounts)); !se.Stale() {
				t.Fatal("the cached rows are not served")
			}
		}
		if n := e.sim.Requests(pathAccount) - before; n != 1 {
			t.Fatalf("%d upstream calls for 5 reads within the failure memory", n)
		}
		e.clock.Advance(11 * time.Second)
		staleErr(t, e.svc.Ensure(e.ctx, c, models.ProductAccounts))
		if n := e.sim.Requests(pathAccount) - before; n != 2 {
			t.Fatalf("%d upstream calls; the provider should be asked again after the memory", n)
		}
	})
}

// TestEnsureSlowProviderServesCache: with cached rows, a reader waits at
// most FetchBudget for a hanging provider, then gets the rows marked
// stale; the refresh completes in the background.
func TestEnsureSlowProviderServesCache(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{agg: aggregate.Options{FetchBudget: 100 * time.Millisecond}})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductAccounts)
		e.clock.Advance(time.Hour)
		e.sim.SetLatency(time.Second)
		se := staleErr(t, e.svc.Ensure(e.ctx, c, models.ProductAccounts))
		if !se.Stale() || se.Code != provider.CodeTimeout {
			t.Fatalf("a slow refresh: %+v", se)
		}
		deadline := time.Now().Add(10 * time.Second)
		for e.syncRecord(c, models.ProductAccounts).FetchedAt.Before(e.clock.Now()) {
			if time.Now().After(deadline) {
				t.Fatal("the background refresh never finished")
			}
			time.Sleep(50 * time.Millisecond)
		}
		e.sim.SetLatency(0)
		if err := e.svc.Ensure(e.ctx, c, models.ProductAccounts); err != nil {
			t.Fatalf("after the refresh: %v", err)
		}
	})
}
