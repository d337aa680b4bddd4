package app_test

import (
	"testing"

	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

const accountsPath = "/v0/bank/credentials/account"

const accountsQuery = `{ me { credentials { nodes { id status { pending products { product sync } } accounts { totalCount nodes { id } } } } } }`

type accountsData struct {
	Me struct {
		Credentials struct {
			Nodes []struct {
				ID     string
				Status struct {
					Pending  bool
					Products []struct{ Product, Sync string }
				}
				Accounts struct {
					TotalCount int
					Nodes      []struct{ ID string }
				}
			}
		}
	}
}

func accountCount(d accountsData) int {
	n := 0
	for _, c := range d.Me.Credentials.Nodes {
		n += c.Accounts.TotalCount
	}
	return n
}

// TestGraphCacheFresh: fresh data is served from the database with no
// provider call.
func TestGraphCacheFresh(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		var first, second accountsData
		s.mustGQL(t, s.token, accountsQuery, nil, &first)
		calls := s.sim().Requests(accountsPath)
		s.mustGQL(t, s.token, accountsQuery, nil, &second)
		if got := s.sim().Requests(accountsPath); got != calls {
			t.Fatalf("fresh cache called the provider: %d -> %d", calls, got)
		}
		if accountCount(first) == 0 || accountCount(first) != accountCount(second) {
			t.Fatalf("accounts %d then %d", accountCount(first), accountCount(second))
		}
	})
}

// TestGraphCacheStale: past the TTL, each credentials' product is fetched
// again exactly once.
func TestGraphCacheStale(t *testing.T) {
	eachDB(t, map[string]string{"FINGRAPH_CACHE_TTL": "1ns"}, func(t *testing.T, s *testServer) {
		var d accountsData
		s.mustGQL(t, s.token, accountsQuery, nil, &d)
		calls := s.sim().Requests(accountsPath)
		s.mustGQL(t, s.token, accountsQuery, nil, &d)
		if got, want := s.sim().Requests(accountsPath), calls+len(d.Me.Credentials.Nodes); got != want {
			t.Fatalf("stale refetch: %d provider calls, want %d", got, want)
		}
	})
}

// TestGraphUpstreamDownWithCache: cached rows are still served, with a
// non-fatal error saying they are stale and when they were fetched.
func TestGraphUpstreamDownWithCache(t *testing.T) {
	eachDB(t, map[string]string{"FINGRAPH_CACHE_TTL": "1ns"}, func(t *testing.T, s *testServer) {
		var warm accountsData
		s.mustGQL(t, s.token, accountsQuery, nil, &warm)
		if err := s.sim().InjectFault(accountsPath, flankssim.Fault{Kind: flankssim.FaultServerError, Times: 1000}); err != nil {
			t.Fatal(err)
		}
		var d accountsData
		r := s.gql(t, s.token, accountsQuery, nil, &d)
		if accountCount(d) != accountCount(warm) {
			t.Fatalf("cached accounts not served: %d, want %d", accountCount(d), accountCount(warm))
		}
		if len(r.Errors) == 0 {
			t.Fatal("stale data served silently")
		}
		for _, e := range r.Errors {
			if code(e) != "UPSTREAM_UNAVAILABLE" || e.Extensions["stale"] != true || e.Extensions["fetchedAt"] == nil {
				t.Errorf("error %+v", e)
			}
		}
	})
}

// TestGraphUpstreamDownCold: with nothing cached, the list is empty, the
// error says so (stale: false) and so does the list itself (syncFailed),
// so a client that skims the errors does not show "no cards"; the rest of
// the response survives, its lists not marked.
func TestGraphUpstreamDownCold(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		if err := s.sim().InjectFault("/v0/bank/credentials/card", flankssim.Fault{Kind: flankssim.FaultServerError, Times: 1000}); err != nil {
			t.Fatal(err)
		}
		var d struct {
			Me struct {
				Credentials struct {
					Nodes []struct {
						ID    string
						Cards struct {
							TotalCount int
							SyncFailed bool
						}
						Accounts struct{ SyncFailed bool }
					}
				}
			}
		}
		r := s.gql(t, s.token, `{ me { credentials { nodes { id cards { totalCount syncFailed } accounts { syncFailed } } } } }`, nil, &d)
		if len(d.Me.Credentials.Nodes) == 0 {
			t.Fatalf("one failing product emptied the response: %s", r.Data)
		}
		for _, c := range d.Me.Credentials.Nodes {
			if c.Cards.TotalCount != 0 {
				t.Errorf("cards %d", c.Cards.TotalCount)
			}
			if !c.Cards.SyncFailed || c.Accounts.SyncFailed {
				t.Errorf("syncFailed: cards %v (want true), accounts %v (want false)", c.Cards.SyncFailed, c.Accounts.SyncFailed)
			}
		}
		if len(r.Errors) == 0 {
			t.Fatal("no error for the failed fetch")
		}
		for _, e := range r.Errors {
			if code(e) != "UPSTREAM_UNAVAILABLE" || e.Extensions["stale"] != false {
				t.Errorf("error %+v", e)
			}
		}
	})
}

// TestGraphPending: credentials still being extracted answer with what
// exists (nothing) plus the pending status, not an error.
func TestGraphPending(t *testing.T) {
	eachDB(t, map[string]string{"FINGRAPH_SANDBOX_EXTRACTION_DELAY": "1h"}, func(t *testing.T, s *testServer) {
		id := s.link(t, s.token, "testbank", "")
		var d struct {
			Node struct {
				Status struct {
					Pending  bool
					Products []struct{ Product, Sync string }
				}
				Accounts struct{ TotalCount int }
			}
		}
		vars := map[string]any{"id": id}
		s.mustGQL(t, s.token, `query($id: ID!) { node(id: $id) { ... on Credentials { accounts { totalCount } } } }`, vars, &d)
		// Status and accounts resolve concurrently; read the status after
		// the fetch attempt so it reports its outcome.
		s.mustGQL(t, s.token, `query($id: ID!) { node(id: $id) { ... on Credentials {
			accounts { totalCount } status { pending products { product sync } } } } }`, vars, &d)
		if !d.Node.Status.Pending || d.Node.Accounts.TotalCount != 0 {
			t.Fatalf("%+v", d.Node)
		}
		for _, p := range d.Node.Status.Products {
			if p.Product == "ACCOUNTS" && p.Sync != "PENDING" {
				t.Errorf("accounts sync = %s, want PENDING", p.Sync)
			}
		}
	})
}
