package app_test

import (
	"errors"
	"math"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/logging"
)

// statementCounter counts the SQL statements GORM sends for HTTP
// requests. Every test server has one, registered before the server
// starts (app.WithDatabaseHook): GORM's callbacks may not be registered
// while background jobs run statements.
func statementCounter(n *atomic.Int64) app.Option {
	// Only statements of HTTP requests count: background jobs (the sweep,
	// the outbox) share the database handle and run on their own clock.
	// Dry runs (GORM rendering a subquery into its parent statement) run
	// the callbacks too but send nothing, so they do not count.
	inc := func(tx *gorm.DB) {
		if !tx.DryRun && logging.RequestID(tx.Statement.Context) != "" {
			n.Add(1)
		}
	}
	return app.WithDatabaseHook(func(db *gorm.DB) error {
		cb := db.Callback()
		return errors.Join(
			cb.Query().After("gorm:query").Register("test:count_query", inc),
			cb.Row().After("gorm:row").Register("test:count_row", inc),
			cb.Raw().After("gorm:raw").Register("test:count_raw", inc))
	})
}

// stmtCount is the number of statements counted since it was taken.
type stmtCount struct {
	total *atomic.Int64
	base  int64
}

// Load returns the statements sent since countStatements.
func (c *stmtCount) Load() int64 { return c.total.Load() - c.base }

// countStatements counts the SQL statements s's requests send from now on.
func countStatements(t *testing.T, s *testServer) *stmtCount {
	t.Helper()
	return &stmtCount{total: s.statements, base: s.statements.Load()}
}

const nested = `query($a: Int, $t: Int) { me { credentials(first: 5) { nodes { id status { pending }
  accounts(first: $a) { totalCount nodes { id balance credentials { id }
    transactions(first: $t) { totalCount nodes { id amount account { id } } } } } } } } }`

// TestGraphStatementsDoNotGrowWithLists: on a warm cache, a nested query
// costs the same number of statements whatever the sizes of its lists —
// per-request loaders batch every level (no N+1).
func TestGraphStatementsDoNotGrowWithLists(t *testing.T) {
	// Rate limiting off: this test spends far more than a user would. Its
	// largest shape (50 accounts' pages of 50, each with its capped count)
	// costs 10,416 with the counts' work, over the default limit.
	eachDB(t, map[string]string{"FINGRAPH_RATE_PER_SECOND": "0", "FINGRAPH_MAX_COST": "20000"}, func(t *testing.T, s *testServer) {
		n := countStatements(t, s)
		// Each list level is read ahead by the level above (finance.Child),
		// so no level depends on a batching window. The fewest statements
		// over a few runs is still taken, in case some other loader splits
		// a batch on a loaded runner. An N+1 adds one statement per account
		// (10) or per transaction page (up to 30) here, and fails.
		run := func(accounts, txns int) int64 {
			vars := map[string]any{"a": accounts, "t": txns}
			s.mustGQL(t, s.token, nested, vars, nil) // warm the cache for this shape
			least := int64(math.MaxInt64)
			for range 5 {
				before := n.Load()
				s.mustGQL(t, s.token, nested, vars, nil)
				least = min(least, n.Load()-before)
			}
			return least
		}
		small := run(1, 1)
		large := run(10, 50)
		if small == 0 || large > small {
			t.Fatalf("statements: %d for 1 account x 1 transaction, %d for 10 x 50", small, large)
		}
		s.link(t, s.token, "testbank", "") // more credentials, accounts and transactions
		if more := run(10, 50); more > small {
			t.Fatalf("statements: %d with more credentials, want %d", more, small)
		}
	})
}

// TestGraphNodesBatched: nodes(ids:) reads each node type in one
// statement, so the statements do not grow with the number of ids; past the page maximum
// it answers a bad-input error instead of working.
func TestGraphNodesBatched(t *testing.T) {
	eachDB(t, map[string]string{"FINGRAPH_RATE_PER_SECOND": "0"}, func(t *testing.T, s *testServer) {
		var d struct {
			Me struct {
				Transactions struct{ Nodes []struct{ ID string } }
			}
		}
		s.mustGQL(t, s.token, `{ me { transactions(first: 100) { nodes { id } } } }`, nil, &d)
		var ids []string
		for _, n := range d.Me.Transactions.Nodes {
			ids = append(ids, n.ID)
		}
		if len(ids) < 100 {
			t.Fatalf("want 100 transactions, got %d", len(ids))
		}
		n := countStatements(t, s)
		const q = `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on AccountTransaction { amount } } }`
		count := func(ids []string) int64 {
			before := n.Load()
			var got struct{ Nodes []*struct{ ID string } }
			s.mustGQL(t, s.token, q, map[string]any{"ids": ids}, &got)
			if len(got.Nodes) != len(ids) || got.Nodes[len(ids)-1] == nil || got.Nodes[len(ids)-1].ID != ids[len(ids)-1] {
				t.Fatalf("nodes answered %d entries for %d ids", len(got.Nodes), len(ids))
			}
			return n.Load() - before
		}
		if few, many := count(ids[:2]), count(ids); few == 0 || many != few {
			t.Fatalf("statements: %d for 2 ids, %d for 100", few, many)
		}
		r := s.gql(t, s.token, q, map[string]any{"ids": append(ids, ids[0])}, nil)
		if len(r.Errors) != 1 || code(r.Errors[0]) != "BAD_USER_INPUT" {
			t.Fatalf("101 ids: %+v", r.Errors)
		}
	})
}
