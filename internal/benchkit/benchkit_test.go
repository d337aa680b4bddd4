package benchkit_test

import (
	"context"
	"os"
	"testing"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/benchkit"
	"github.com/fingraph/fingraph/migrations"
)

// open starts the app on SQLite, or on a fresh PostgreSQL database when
// postgres is set (skipped without TEST_DATABASE_URL).
func open(t *testing.T, postgres bool, env map[string]string) *benchkit.Env {
	t.Helper()
	var dbURL string
	if postgres {
		base := os.Getenv("TEST_DATABASE_URL")
		if base == "" {
			t.Skip("TEST_DATABASE_URL not set")
		}
		u, drop, err := benchkit.FreshPostgres(context.Background(), base)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { // registered first, so it runs after e.Close
			if err := drop(); err != nil {
				t.Error(err)
			}
		})
		dbURL = u
	}
	e, err := benchkit.Open(context.Background(), benchkit.Options{Dir: t.TempDir(), DatabaseURL: dbURL, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// The baselines must produce the server's JSON on any text the
// database may hold, not only on the simulator's: HTML characters, the
// JS line separators, quotes, backslashes, control characters and
// non-ASCII, and decimals stored unnormalised.
// It runs on both databases: on PostgreSQL the baselines' placeholders
// are rebound and dates and numerics arrive as other Go types.
func TestBaselinesMatchServerOnAwkwardText(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testBaselinesOnAwkwardText(t, false) })
	t.Run("postgres", func(t *testing.T) { testBaselinesOnAwkwardText(t, true) })
}

func testBaselinesOnAwkwardText(t *testing.T, postgres bool) {
	ctx := context.Background()
	// A short history keeps the test quick.
	e := open(t, postgres, map[string]string{"FINGRAPH_SANDBOX_HISTORY_DAYS": "30"})
	n, err := benchkit.SeedNested(ctx, e, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.App.DB.SQL.ExecContext(ctx, benchkit.Rebind(e.App.DB.Dialect, `UPDATE account_transactions
		SET description = ?, amount = '-12.50'
		WHERE id IN (SELECT id FROM account_transactions WHERE user_id = ? ORDER BY operation_date DESC, id DESC LIMIT 3)`),
		"A&B <b>\"quoted\"</b> back\\slash\ttab\nnew\u2028line Pérez €", app.DemoUserID)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestRebind(t *testing.T) {
	const q = `SELECT a FROM t WHERE b = ? AND c IN (?,?) LIMIT ?`
	if got := benchkit.Rebind(migrations.SQLite, q); got != q {
		t.Errorf("SQLite: %s", got)
	}
	if got, want := benchkit.Rebind(migrations.Postgres, q), `SELECT a FROM t WHERE b = $1 AND c IN ($2,$3) LIMIT $4`; got != want {
		t.Errorf("PostgreSQL: %s, want %s", got, want)
	}
}
