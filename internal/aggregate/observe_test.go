package aggregate_test

import (
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// cacheLog is an aggregate.Observer counting what it saw.
type cacheLog struct {
	mu     sync.Mutex
	counts map[string]int
}

func (l *cacheLog) add(k string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts == nil {
		l.counts = map[string]int{}
	}
	l.counts[k]++
}

func (l *cacheLog) FreshHit(p models.Product)          { l.add("hit " + string(p)) }
func (l *cacheLog) Fetched(p models.Product, r string) { l.add("fetch " + string(p) + " " + r) }
func (l *cacheLog) StaleServed(p models.Product)       { l.add("stale " + string(p)) }
func (l *cacheLog) get(k string) int                   { l.mu.Lock(); defer l.mu.Unlock(); return l.counts[k] }
func (l *cacheLog) String() string                     { return fmt.Sprint(l.sorted()) }
func (l *cacheLog) sorted() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for k, n := range l.counts {
		out = append(out, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(out)
	return out
}

// TestObserverCountsHitsFetchesAndStaleReads: a cold read fetches, a
// fresh one is a hit, and a failed refresh is a fetch error served stale.
func TestObserverCountsHitsFetchesAndStaleReads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		log := &cacheLog{}
		e := newEnv(t, db, envOpts{agg: aggregate.Options{Observer: log}})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductAccounts)
		e.ensure(c, models.ProductAccounts)
		if !e.svc.Fresh(e.syncRecord(c, models.ProductAccounts)) {
			t.Fatal("not fresh")
		}
		e.clock.Advance(time.Hour)
		check(t, e.sim.InjectFault(pathAccount, flankssim.Fault{Kind: flankssim.FaultServerError, Status: 503}))
		staleErr(t, e.svc.Ensure(e.ctx, c, models.ProductAccounts))
		for k, want := range map[string]int{"fetch accounts ok": 1, "hit accounts": 2, "fetch accounts error": 1,
			"stale accounts": 1} {
			if got := log.get(k); got != want {
				t.Errorf("%s = %d, want %d (all: %v)", k, got, want, log)
			}
		}
	})
}
