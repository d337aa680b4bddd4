package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/models"
)

// faultReadQuery reads every credentials' accounts: with the rig's
// zero TTL, each read asks every provider again.
const faultReadQuery = `{ me { credentials(first: 5) { nodes { provider accounts(first: 1) { totalCount } } } } }`

// providerRead is what one read said of one provider's credentials.
type providerRead struct {
	accounts int
	errs     []gqlError
}

// read runs faultReadQuery and sorts its accounts and errors by provider;
// an error that no credentials owns fails the test.
func (r *faultRig) read(t *testing.T) map[models.Provider]providerRead {
	t.Helper()
	var d struct {
		Me struct {
			Credentials struct {
				Nodes []struct {
					Provider string
					Accounts struct{ TotalCount int }
				}
			}
		}
	}
	res := r.gql(t, r.token, faultReadQuery, nil, &d)
	nodes := d.Me.Credentials.Nodes
	out := map[models.Provider]providerRead{}
	for _, n := range nodes {
		p := models.Provider(strings.ToLower(n.Provider))
		pr := out[p]
		pr.accounts += n.Accounts.TotalCount
		out[p] = pr
	}
	for _, e := range res.Errors {
		// The path of a field error under a credentials is
		// [me, credentials, nodes, i, ...].
		i, ok := -1, len(e.Path) > 3
		if ok {
			f, isNum := e.Path[3].(float64)
			i, ok = int(f), isNum && int(f) < len(nodes)
		}
		if !ok {
			t.Fatalf("an error outside any credentials: %+v", e)
		}
		p := models.Provider(strings.ToLower(nodes[i].Provider))
		pr := out[p]
		pr.errs = append(pr.errs, e)
		out[p] = pr
	}
	return out
}

// readFresh reads once all is healthy: every provider answers, with
// accounts and without errors. It returns the accounts per provider.
func (r *faultRig) readFresh(t *testing.T) map[models.Provider]int {
	t.Helper()
	warm := map[models.Provider]int{}
	got := r.read(t)
	for _, p := range faultProviders {
		if got[p].accounts == 0 || len(got[p].errs) > 0 {
			t.Fatalf("%s before any fault: %+v", p, got[p])
		}
		warm[p] = got[p].accounts
	}
	return warm
}

// checkStale reads during a fault of provider down: its cached accounts
// are served, flagged by UPSTREAM_UNAVAILABLE errors saying stale and
// when they were fetched; every other provider answers fresh.
func (r *faultRig) checkStale(t *testing.T, down models.Provider, warm map[models.Provider]int) {
	t.Helper()
	got := r.read(t)
	for _, p := range faultProviders {
		g := got[p]
		if g.accounts != warm[p] {
			t.Errorf("%s: %d accounts served, want the %d cached", p, g.accounts, warm[p])
		}
		if p != down {
			if len(g.errs) > 0 {
				t.Errorf("%s, not at fault, answered with errors: %+v", p, g.errs)
			}
			continue
		}
		if len(g.errs) == 0 {
			t.Errorf("%s at fault: stale accounts served without an error", p)
		}
		for _, e := range g.errs {
			checkStaleError(t, e)
		}
	}
}

// checkStaleError checks one error of a stale read: the code, stale, and
// a fetchedAt in the past.
func checkStaleError(t *testing.T, e gqlError) {
	t.Helper()
	at, _ := e.Extensions["fetchedAt"].(string)
	fetched, err := time.Parse(time.RFC3339Nano, at)
	if code(e) != "UPSTREAM_UNAVAILABLE" || e.Extensions["stale"] != true || err != nil || fetched.After(time.Now()) {
		t.Errorf("stale read error: %+v", e)
	}
}

// waitFresh polls until provider p answers without errors and with its
// accounts, failing after faultRecovery. Other providers must stay fresh
// all along.
func (r *faultRig) waitFresh(t *testing.T, p models.Provider, warm map[models.Provider]int) {
	t.Helper()
	start := time.Now()
	for {
		got := r.read(t)
		for _, q := range faultProviders {
			if q != p && len(got[q].errs) > 0 {
				t.Fatalf("%s failed while %s recovered: %+v", q, p, got[q].errs)
			}
		}
		if len(got[p].errs) == 0 && got[p].accounts == warm[p] {
			t.Logf("%s fresh again %s after the fault ended", p, time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > faultRecovery {
			t.Fatalf("%s still failing %s after the fault ended: %+v", p, faultRecovery, got[p])
		}
		time.Sleep(200 * time.Millisecond)
	}
}
