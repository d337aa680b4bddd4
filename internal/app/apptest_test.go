package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/providers/flinks/flinksadapter"
)

// testServer is a fully wired fingraph on a private database.
type testServer struct {
	*httptest.Server
	app   *app.App
	token string
	// statements counts the SQL statements of HTTP requests
	// (countStatements).
	statements *atomic.Int64
}

// newServer builds the app from a development config, overridden by env.
func newServer(t *testing.T, d migrations.Dialect, env map[string]string) *testServer {
	t.Helper()
	// Unexpected errors reach stderr: they explain an INTERNAL in a failure.
	return newServerLogging(t, d, env, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
}

// newServerLogging is newServer with the app's logger chosen by the test.
func newServerLogging(t *testing.T, d migrations.Dialect, env map[string]string, logger *slog.Logger, opts ...app.Option) *testServer {
	t.Helper()
	// A long operation deadline: cold fetches of thousands of rows run
	// slowly under the race detector.
	// A quarter of history keeps every product populated (the busiest
	// accounts still page over hundreds of rows) at a fraction of the
	// cost of the demo's two years, which matters under -race.
	// The demo user gets Flanks connections only, which most tests read as
	// "the demo data"; the Flinks tests ask for theirs.
	// The fetch budget follows: a refresh of thousands of rows under -race
	// must not turn into a stale read in tests that expect fresh data.
	// The sandbox's extra users (analysts' views) are seeded by the tests
	// about them only.
	// Stale-while-revalidate is off: tests that expire a TTL expect the
	// read to wait for its refresh; the tests about revalidation turn it on.
	vars := map[string]string{"FINGRAPH_DATA_DIR": t.TempDir(), "FINGRAPH_REQUEST_TIMEOUT": "2m", "FINGRAPH_FETCH_BUDGET": "90s",
		"FINGRAPH_SANDBOX_HISTORY_DAYS": "90", "FINGRAPH_SANDBOX_DEMO": "flanks", "FINGRAPH_SANDBOX_USERS": "0",
		"FINGRAPH_REVALIDATE_WINDOW": "0"}
	if d == migrations.Postgres {
		vars["DATABASE_URL"] = dbtest.PostgresSchemaURL(t)
	}
	for k, v := range env {
		vars[k] = v
	}
	if d, err := time.ParseDuration(vars["FINGRAPH_REQUEST_TIMEOUT"]); err == nil && env["FINGRAPH_FETCH_BUDGET"] == "" && d <= 90*time.Second {
		vars["FINGRAPH_FETCH_BUDGET"] = (d / 2).String() // a short deadline under test
	}
	cfg, err := config.Load(func(k string) string { return vars[k] }, app.Sections())
	if err != nil {
		t.Fatal(err)
	}
	statements := new(atomic.Int64)
	a, err := app.New(context.Background(), cfg, logger, append(opts, statementCounter(statements))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	// The Flinks simulator delivers its webhooks to this server, as an
	// integrator registers its endpoint in Flinks' dashboard.
	if sim := flinksadapter.SimServer(a.Sandbox); sim != nil {
		sim.Server().SetWebhook(srv.URL+"/webhooks/flinks", []byte(sim.WebhookSecret()))
	}
	return &testServer{Server: srv, app: a, token: a.DemoToken, statements: statements}
}

// eachDB runs fn against a server on SQLite and on PostgreSQL.
func eachDB(t *testing.T, env map[string]string, fn func(t *testing.T, s *testServer)) {
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		t.Run(string(d), func(t *testing.T) { fn(t, newServer(t, d, env)) })
	}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (s *testServer) do(t *testing.T, method, path, body string, headers map[string]string) response {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// authed returns the headers of an authenticated JSON POST plus extra.
func (s *testServer) authed(extra map[string]string) map[string]string {
	h := map[string]string{"Authorization": "Bearer " + s.token, "Content-Type": "application/json"}
	for k, v := range extra {
		h[k] = v
	}
	return h
}
