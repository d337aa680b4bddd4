package aggregate_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/models"
)

// A replica's claim on a fetch is short and renewed while the fetch runs:
// another replica cannot take it mid-fetch even after several LeaseTTLs,
// yet a replica killed mid-fetch (which renews nothing) would hold the
// others up for one LeaseTTL, not a whole FetchTimeout. Once the fetch
// ends the lease is released. PostgreSQL only: leases coordinate
// replicas, and SQLite serves one process.
func TestFetchLeaseRenewedWhileFetching(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		if db.Dialect != "postgres" {
			t.Skip("leases coordinate replicas sharing PostgreSQL")
		}
		const ttl = 300 * time.Millisecond
		release, blocked := make(chan struct{}), make(chan struct{})
		var once sync.Once
		e := newEnv(t, db, envOpts{agg: aggregate.Options{LeaseTTL: ttl},
			wrap: func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == pathAccount {
						once.Do(func() { close(blocked) })
						<-release
					}
					next.ServeHTTP(w, r)
				})
			}})
		c := e.link(userA, "testbank", "")
		done := make(chan error, 1)
		go func() { done <- e.svc.Ensure(e.ctx, c, models.ProductAccounts) }()
		select {
		case <-blocked:
		case <-time.After(20 * time.Second):
			close(release)
			t.Fatal("the fetch never reached the provider")
		}
		key := c.ID + "/" + string(models.ProductAccounts)
		for range 3 {
			// Past the lease's expiry on the service's clock; the holder's
			// renewals (every ttl/3 of real time) must move it along.
			e.clock.Advance(2 * ttl)
			time.Sleep(ttl)
			held, err := e.st.AcquireLease(e.ctx, key, "other-replica", e.clock.Now(), ttl)
			if err != nil || held {
				close(release)
				t.Fatalf("another replica took the lease mid-fetch (held %v, err %v)", held, err)
			}
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatalf("Ensure: %v", err)
		}
		var n int64
		check(t, db.Gorm.Model(&models.FetchLease{}).Where("key = ?", key).Count(&n).Error)
		if n != 0 {
			t.Fatalf("%d leases left after the fetch", n)
		}
	})
}
