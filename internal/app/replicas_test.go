package app_test

import (
	"sync"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/events"
	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// twoReplicas starts two servers on one PostgreSQL database and one data
// directory (the same keys), in front of one Flanks simulator.
func twoReplicas(t *testing.T) (a, b *testServer, sim *flankssim.Server) {
	t.Helper()
	sim, url := flankssim.NewTestServer(t, flankssim.Options{Seed: 11, HistoryDays: 30, Latency: 100 * time.Millisecond})
	env := map[string]string{
		"DATABASE_URL": dbtest.PostgresSchemaURL(t), "FINGRAPH_DATA_DIR": t.TempDir(),
		"FLANKS_BASE_URL": url, "FLANKS_CLIENT_ID": flankssim.DefaultClientID,
		"FLANKS_CLIENT_SECRET": flankssim.DefaultClientSecret,
	}
	return newServer(t, migrations.Postgres, env), newServer(t, migrations.Postgres, env), sim
}

// TestReplicasFetchOnce: 50 concurrent cold queries split across two
// replicas make one upstream call, and both answer with the data.
func TestReplicasFetchOnce(t *testing.T) {
	a, b, sim := twoReplicas(t)
	token := a.tokenFor(t, "rita")
	lr, err := sim.CompleteLink(flankssim.LinkCompletion{Bank: "testbank"})
	check(t, err)
	a.mustGQL(t, token, `mutation($c: String!) { linkCredentials(provider: FLANKS, code: $c) { status } }`,
		map[string]any{"c": lr.Code}, nil)
	const path = "/v0/bank/credentials/account"
	before := sim.Requests(path)
	var wg sync.WaitGroup
	counts := make([]int, 50)
	for i := range counts {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			var out struct {
				Me struct{ Accounts struct{ TotalCount int } }
			}
			r := s.gql(t, token, `{ me { accounts { totalCount } } }`, nil, &out)
			if len(r.Errors) > 0 {
				t.Errorf("query %d: %+v", i, r.Errors)
			}
			counts[i] = out.Me.Accounts.TotalCount
		})
	}
	wg.Wait()
	if n := sim.Requests(path) - before; n != 1 {
		t.Fatalf("%d upstream account calls for 50 cold queries on two replicas, want 1", n)
	}
	for i, c := range counts {
		if c == 0 || c != counts[0] {
			t.Fatalf("query %d saw %d accounts, query 0 saw %d", i, c, counts[0])
		}
	}
}

// TestEventsReachOtherReplica: a change made through one replica is an
// event on the other's bus, after the commit, with its keys.
func TestEventsReachOtherReplica(t *testing.T) {
	a, b, sim := twoReplicas(t)
	sub := b.app.Events.Subscribe(nil, 0)
	defer sub.Close()
	own := a.app.Events.Subscribe(func(e events.Event) bool { return e.Kind == events.CredentialsCreated }, 0)
	defer own.Close()
	token := a.tokenFor(t, "sam")
	lr, err := sim.CompleteLink(flankssim.LinkCompletion{Bank: "testbank"})
	check(t, err)
	var out struct {
		LinkCredentials struct{ Credentials struct{ ID string } }
	}
	a.mustGQL(t, token, `mutation($c: String!) { linkCredentials(provider: FLANKS, code: $c) { credentials { id } } }`,
		map[string]any{"c": lr.Code}, &out)
	a.mustGQL(t, token, `{ me { accounts { totalCount } } }`, nil, nil)
	want := map[events.Kind]bool{events.CredentialsCreated: false, events.StatusChanged: false, events.ProductSynced: false}
	deadline := time.After(10 * time.Second)
	for missing := len(want); missing > 0; {
		select {
		case e := <-sub.C:
			if e.Origin != a.app.Instance || e.UserID != "sam" || e.CredentialsID == "" {
				t.Fatalf("event %+v: want origin %s, user sam, a credentials id", e, a.app.Instance)
			}
			if seen, ok := want[e.Kind]; ok && !seen {
				want[e.Kind] = true
				missing--
			}
		case <-deadline:
			t.Fatalf("events seen on the other replica: %v", want)
		}
	}
	// The publishing replica got its own event once, not again through
	// the database.
	time.Sleep(300 * time.Millisecond)
	if n := len(own.C); n != 1 {
		t.Fatalf("the publishing replica saw %d credentials.created events, want 1", n)
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
