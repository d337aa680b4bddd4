package benchkit_test

import (
	"context"
	"testing"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/benchkit"
)

func open(t *testing.T, env map[string]string) *benchkit.Env {
	t.Helper()
	e, err := benchkit.Open(context.Background(), benchkit.Options{Dir: t.TempDir(), Env: env})
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
func TestBaselinesMatchServerOnAwkwardText(t *testing.T) {
	ctx := context.Background()
	// A short history keeps the test quick.
	e := open(t, map[string]string{"FINGRAPH_SANDBOX_HISTORY_DAYS": "30"})
	n, err := benchkit.SeedNested(ctx, e, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.App.DB.SQL.ExecContext(ctx, `UPDATE account_transactions
		SET description = ?, amount = '-12.50'
		WHERE id IN (SELECT id FROM account_transactions WHERE user_id = ? ORDER BY operation_date DESC, id DESC LIMIT 3)`,
		"A&B <b>\"quoted\"</b> back\\slash\ttab\nnew\u2028line Pérez €", app.DemoUserID)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Check(ctx); err != nil {
		t.Fatal(err)
	}
}
