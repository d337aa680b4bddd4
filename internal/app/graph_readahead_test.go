package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fingraph/fingraph/graph/generated"
)

// accountLists selects, on an Account, several transaction lists whose
// arguments differ in every way read-ahead must keep apart: direction,
// cursor, totals, edges, and a filter (never read ahead).
const accountLists = `id
	newest: transactions(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id amount } } }
	oldest: transactions(last: 2) { pageInfo { hasPreviousPage startCursor } nodes { id operationDate } }
	filtered: transactions(first: 2, filter: {minAmount: "0"}) { nodes { id amount } }
	account: transactions(first: 1) { nodes { account { id iban } } }`

// TestReadAheadMatchesLazyReads: lists that a parent page reads ahead for
// all its rows (finance.Child) give every account exactly what the same
// lists give when the account is reached alone through node(id:), where
// nothing is read ahead.
//
// Every field of Account is selected too: account pages are scanned
// straight into the structs (store listSpec.direct), by-id reads through
// GORM, and both must give the same values on either database.
func TestReadAheadMatchesLazyReads(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	fields := accountLists + " " + strings.Join(selections(schema, schema.Types["Account"]), " ")
	// Every list and count of Account at once costs more than the default
	// limit allows one query; the limit is not what this test is about.
	env := map[string]string{"FINGRAPH_RATE_PER_SECOND": "0", "FINGRAPH_MAX_COST": "50000"}
	eachDB(t, env, func(t *testing.T, s *testServer) {
		q := `{ me { credentials(first: 5) { nodes { accounts(first: 10) { nodes { ` + fields + ` } } } } } }`
		s.mustGQL(t, s.token, q, nil, nil) // fetch everything into the cache
		var d struct {
			Me struct {
				Credentials struct {
					Nodes []struct {
						Accounts struct{ Nodes []map[string]json.RawMessage }
					}
				}
			}
		}
		s.mustGQL(t, s.token, q, nil, &d)
		seen := 0
		for _, c := range d.Me.Credentials.Nodes {
			for _, listed := range c.Accounts.Nodes {
				var id string
				_ = json.Unmarshal(listed["id"], &id)
				var alone struct{ Node map[string]json.RawMessage }
				s.mustGQL(t, s.token, `query($id: ID!) { node(id: $id) { ... on Account { `+fields+` } } }`,
					map[string]any{"id": id}, &alone)
				if len(alone.Node) < 10 {
					t.Fatalf("node(id:) answered %d fields", len(alone.Node))
				}
				for name, want := range alone.Node {
					if string(listed[name]) != string(want) {
						t.Fatalf("account %s, %s: listed %s, alone %s", id, name, listed[name], want)
					}
				}
				seen++
			}
		}
		if seen < 2 {
			t.Fatalf("compared %d accounts, want several", seen)
		}
	})
}

// TestReadAheadStatements: on a warm cache the nested query costs
// four statements, whatever the timing: the credentials page, their sync
// records, the accounts of all of them and the transactions of all those
// accounts (me writes the user's visit at most once a minute). Each level is read ahead by the level above, so no level waits
// for a batching window or can be split in two by a slow scheduler.
func TestReadAheadStatements(t *testing.T) {
	eachDB(t, map[string]string{"FINGRAPH_RATE_PER_SECOND": "0"}, func(t *testing.T, s *testServer) {
		s.link(t, s.token, "testbank", "") // a third credentials
		const q = `{ me { credentials(first: 9) { nodes { id accounts(first: 10) { nodes { id iban balance
			transactions(first: 50) { nodes { id amount operationDate description } } } } } } } }`
		s.mustGQL(t, s.token, q, nil, nil) // warm the cache
		n := countStatements(t, s)
		for range 3 {
			before := n.Load()
			s.mustGQL(t, s.token, q, nil, nil)
			if got := n.Load() - before; got != 4 {
				t.Fatalf("statements: %d, want 4", got)
			}
		}
	})
}
