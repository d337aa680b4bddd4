package app_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/faultproxy"
	"github.com/fingraph/fingraph/migrations"
)

// dbFaultQuery reads only the database (no provider field).
const dbFaultQuery = `{"query":"{ me { credentials(first: 5) { totalCount nodes { id } } } }"}`

// dbFaultAnswer bounds how long the server may take to answer while its
// database is down or slow: a clear error soon, not a hang.
const dbFaultAnswer = 5 * time.Second

// dbLeaks are internals no response may show while the database fails.
var dbLeaks = []string{"sql", "sqlstate", "database", "gorm", "pgx", "postgres", "dial tcp", "connection refused",
	"unexpected eof", "127.0.0.1", ".go:", "goroutine", "deadline", "search_path"}

// TestFaultDatabase: PostgreSQL behind a Toxiproxy. While it is down,
// slow or resetting connections, /graphql answers a clear error soon (503
// SERVICE_UNAVAILABLE with Retry-After; TIMEOUT when merely slow) without
// internals, /readyz says not ready and nothing panics; within 30 s of
// the fault's end the server is ready and answering again.
func TestFaultDatabase(t *testing.T) {
	t.Parallel()
	proxy, url := faultproxy.Front(t, "postgres", dbtest.PostgresSchemaURL(t))
	logs := &syncBuffer{}
	// River and GORM log every failed statement while the database is
	// away: keep them for a failure's report instead of the test output.
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelError}))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server logs:\n%s", logs.String())
		}
	})
	// A request deadline under the slow fault's latency, so a slow
	// database ends the request instead of holding it.
	s := newServerLogging(t, migrations.Postgres, map[string]string{"DATABASE_URL": url, "FINGRAPH_REQUEST_TIMEOUT": "2s"}, logger)
	s.waitDBHealthy(t)
	faults := []struct {
		name    string
		start   func()
		timeout bool // a TIMEOUT answer is right too: the database is there, only slow
	}{
		{"down", proxy.Down, false},
		{"slow", func() { proxy.Latency(3 * time.Second) }, true},
		{"reset", proxy.ResetPeer, false},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			f.start()
			healed := false
			defer func() { // a failed check must not leave the fault on for the next case
				if !healed {
					proxy.Heal()
				}
			}()
			s.checkDBUnavailable(t, f.timeout)
			proxy.Heal()
			healed = true
			s.waitDBHealthy(t)
		})
	}
	if strings.Contains(strings.ToLower(logs.String()), "panic") {
		t.Fatal("the server panicked (logs below)")
	}
}

// dbAnswer is one answer to dbFaultQuery.
type dbAnswer struct {
	response
	code string // of the first error
}

// dbRead sends dbFaultQuery and checks it was answered in time and
// without internals.
func (s *testServer) dbRead(t *testing.T) dbAnswer {
	t.Helper()
	start := time.Now()
	res := s.do(t, "POST", "/graphql", dbFaultQuery, s.authed(nil))
	if took := time.Since(start); took > dbFaultAnswer {
		t.Errorf("answered after %s, want within %s", took, dbFaultAnswer)
	}
	for _, l := range dbLeaks {
		if strings.Contains(strings.ToLower(res.body), l) {
			t.Errorf("the answer leaks %q: %s", l, res.body)
		}
	}
	var body struct{ Errors []gqlError }
	_ = json.Unmarshal([]byte(res.body), &body)
	a := dbAnswer{response: res}
	if len(body.Errors) > 0 {
		a.code = code(body.Errors[0])
	}
	return a
}

// checkDBUnavailable checks what clients see while the database fails.
func (s *testServer) checkDBUnavailable(t *testing.T, timeoutOK bool) {
	t.Helper()
	a := s.dbRead(t)
	switch {
	case a.code == "SERVICE_UNAVAILABLE" && a.status == http.StatusServiceUnavailable && a.header.Get("Retry-After") != "":
	case a.code == "TIMEOUT" && timeoutOK:
	default:
		t.Errorf("graphql while the database fails: %d Retry-After %q %s", a.status, a.header.Get("Retry-After"), a.body)
	}
	if r := s.do(t, "GET", "/readyz", "", nil); r.status != http.StatusServiceUnavailable || strings.Contains(r.body, "sql") {
		t.Errorf("readyz while the database fails: %d %s", r.status, r.body)
	}
}

// waitDBHealthy polls until /readyz is ready and a database read answers
// without errors, failing after faultRecovery.
func (s *testServer) waitDBHealthy(t *testing.T) {
	t.Helper()
	start := time.Now()
	for {
		ready := s.do(t, "GET", "/readyz", "", nil)
		res := s.do(t, "POST", "/graphql", dbFaultQuery, s.authed(nil))
		if ready.status == http.StatusOK && res.status == http.StatusOK && !strings.Contains(res.body, `"errors"`) {
			t.Logf("healthy %s after the fault ended", time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > faultRecovery {
			t.Fatalf("not healthy %s after the fault ended: readyz %d, graphql %d %s",
				faultRecovery, ready.status, res.status, res.body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
