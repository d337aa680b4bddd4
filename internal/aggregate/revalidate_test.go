package aggregate_test

import (
	"sync"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// swrOpts turn stale-while-revalidate on for an hour past the TTL. The
// fetch budget is longer than any test, so a read that returns before the
// provider answers can only have been served by revalidation.
func swrOpts() aggregate.Options {
	return aggregate.Options{DefaultRevalidateWindow: time.Hour, FetchBudget: time.Hour}
}

// expiredAccounts links credentials, caches their accounts, edits one
// cached account (so a refresh shows: it restores the upstream alias),
// and lets the TTL run out by past. It returns the edited account's id.
func expiredAccounts(e *env, past time.Duration) (*models.Credentials, string) {
	e.t.Helper()
	c := e.link(userA, "testbank", "")
	e.ensure(c, models.ProductAccounts)
	var acct models.Account
	check(e.t, e.db.Gorm.Where("credentials_id = ?", c.ID).Order("provider_id").First(&acct).Error)
	check(e.t, e.db.Gorm.Model(&acct).UpdateColumn("alias", "edited").Error)
	e.clock.Advance(aggregate.DefaultTTL + past)
	return c, acct.ID
}

// alias reads an account's alias from the cache.
func (e *env) alias(id string) string {
	e.t.Helper()
	var a models.Account
	check(e.t, e.db.Gorm.Where("id = ?", id).Take(&a).Error)
	if a.Alias == nil {
		return ""
	}
	return *a.Alias
}

// awaitAttempt waits until product p has been attempted at the current
// (frozen) test time: the background refresh has ended, one way or the
// other. The deadline only guards against hanging.
func (e *env) awaitAttempt(c *models.Credentials, p models.Product) *models.SyncRecord {
	e.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		rec := e.syncRecord(c, p)
		if !rec.AttemptedAt.Before(e.clock.Now()) {
			return rec
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("the refresh of %s never ended: %+v", p, rec)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRevalidateServesCachedAtOnce: an expired product within its window
// is read from the cache without waiting for the provider (whose answer
// is held until after the read) and without an error; one refresh runs
// in the background, and its rows show on the next read.
func TestRevalidateServesCachedAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		g := newGate(pathAccount)
		e := newEnv(t, db, envOpts{agg: swrOpts(), wrap: g.wrap})
		t.Cleanup(g.open) // never leave a request held behind a failure
		c, acct := expiredAccounts(e, time.Minute)
		fetchedAt := *e.syncRecord(c, models.ProductAccounts).FetchedAt
		g.arm()

		if err := e.svc.Ensure(e.ctx, c, models.ProductAccounts); err != nil {
			t.Fatalf("a revalidated read is an error: %v", err)
		}
		if got := e.alias(acct); got != "edited" {
			t.Fatalf("the reader's rows changed before the provider answered: alias %q", got)
		}
		if rec := e.syncRecord(c, models.ProductAccounts); !rec.FetchedAt.Equal(fetchedAt) || rec.Status != "ok" {
			t.Fatalf("the record no longer dates the cached rows: %+v", rec)
		}
		g.awaitHeld(t, pathAccount) // the refresh is under way

		g.open()
		e.awaitAttempt(c, models.ProductAccounts)
		if err := e.svc.Ensure(e.ctx, c, models.ProductAccounts); err != nil {
			t.Fatal(err)
		}
		if got := e.alias(acct); got == "edited" {
			t.Fatal("the refreshed rows do not show on the next read")
		}
		if n := g.count(pathAccount); n != 1 {
			t.Fatalf("%d provider calls, want 1", n)
		}
	})
}

// TestRevalidateOneRefreshForManyReaders: 100 concurrent readers of an
// expired product all return before the provider answers, and the
// provider is asked once. On PostgreSQL the readers are split across two
// replicas (two services on one database), whose lease makes it once
// across both.
func TestRevalidateOneRefreshForManyReaders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		g := newGate(pathAccount)
		e := newEnv(t, db, envOpts{agg: swrOpts(), wrap: g.wrap})
		t.Cleanup(g.open) // never leave a request held behind a failure
		c, _ := expiredAccounts(e, time.Minute)
		services := []*aggregate.Service{e.svc}
		if e.st.Dialect() == "postgres" {
			o := swrOpts()
			o.Now, o.Instance = e.clock.Now, "replica-b"
			services = append(services, aggregate.New(e.st, provider.NewRegistry(e.flank), o))
		}
		g.arm()

		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for i := range 100 {
			svc := services[i%len(services)]
			wg.Go(func() {
				cc := *c
				errs <- svc.Ensure(e.ctx, &cc, models.ProductAccounts)
			})
		}
		wg.Wait() // every reader returned; the provider has not answered
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("a revalidated read is an error: %v", err)
			}
		}
		g.awaitHeld(t, pathAccount)
		g.open()
		e.awaitAttempt(c, models.ProductAccounts)
		if rec := e.syncRecord(c, models.ProductAccounts); rec.Status != "ok" || !rec.FetchedAt.Equal(e.clock.Now()) {
			t.Fatalf("after the refresh: %+v", rec)
		}
		if n := g.count(pathAccount); n != 1 {
			t.Fatalf("%d provider calls for 100 readers, want 1", n)
		}
	})
}

// TestRevalidateWaitsOutsideTheWindow: past the TTL plus the window, or
// with the window off (0, by default or for the product), the reader
// waits for the refresh as before and gets the new rows.
func TestRevalidateWaitsOutsideTheWindow(t *testing.T) {
	tests := []struct {
		name string
		opts aggregate.Options
		past time.Duration // past the TTL
	}{
		{"beyond the window", aggregate.Options{DefaultRevalidateWindow: time.Hour}, 2 * time.Hour},
		{"window off", aggregate.Options{}, time.Minute},
		{"window off for the product", aggregate.Options{DefaultRevalidateWindow: time.Hour,
			RevalidateWindow: map[models.Product]time.Duration{models.ProductAccounts: 0}}, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *database.DB) {
				g := newGate(pathAccount)
				o := tt.opts
				o.FetchBudget = time.Hour
				e := newEnv(t, db, envOpts{agg: o, wrap: g.wrap})
				t.Cleanup(g.open)
				c, acct := expiredAccounts(e, tt.past)
				g.arm()

				done := make(chan error, 1)
				go func() { done <- e.svc.Ensure(e.ctx, c, models.ProductAccounts) }()
				g.awaitHeld(t, pathAccount)
				select {
				case err := <-done:
					t.Fatalf("the read returned before the provider answered: %v", err)
				default:
				}
				g.open()
				check(t, <-done)
				if got := e.alias(acct); got == "edited" {
					t.Fatal("the reader waited but the rows are the old ones")
				}
			})
		})
	}
}

// TestRevalidateFailureReportedLater: a revalidated read is not an
// error even when its refresh fails; the reads after the failure get the
// cached rows with the usual stale error.
func TestRevalidateFailureReportedLater(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{agg: swrOpts()})
		c, _ := expiredAccounts(e, time.Minute)
		check(t, e.sim.InjectFault(pathAccount, flankssim.Fault{Kind: flankssim.FaultServerError, Status: 503, Times: 100}))
		if err := e.svc.Ensure(e.ctx, c, models.ProductAccounts); err != nil {
			t.Fatalf("a revalidated read is an error: %v", err)
		}
		if rec := e.awaitAttempt(c, models.ProductAccounts); rec.Status != "error" {
			t.Fatalf("the failed refresh is not recorded: %+v", rec)
		}
		se := staleErr(t, e.svc.Ensure(e.ctx, c, models.ProductAccounts))
		if !se.Stale() || se.Code != provider.CodeUnavailable {
			t.Fatalf("after the failed refresh: %+v", se)
		}
	})
}
