package app_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/logging"
	"github.com/fingraph/fingraph/migrations"
)

// lockedBuffer is a log sink the server's goroutines may share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestTracingOneQuery: one GraphQL query that makes a provider fetch is
// one trace with the HTTP, GraphQL, SQL and provider spans, the log lines
// of the request carry its trace, and no span holds the query's text,
// variables or literals.
func TestTracingOneQuery(t *testing.T) {
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			exp := tracetest.NewInMemoryExporter()
			var logs lockedBuffer
			s := newServerLogging(t, d, map[string]string{"FINGRAPH_CACHE_TTLS": "accounts=1ns"},
				logging.New(&logs, "info"), app.WithSpanExporter(exp))
			exp.Reset()
			const canary = "s3cr3t-canary"
			s.gql(t, s.token, accountsQuery, map[string]any{"unused": canary}, nil)
			root := findSpan(t, exp, "HTTP POST /graphql")
			trace := root.SpanContext.TraceID()
			names := map[string]bool{}
			for _, sp := range exp.GetSpans() {
				if sp.SpanContext.TraceID() == trace {
					names[sp.Name] = true
				}
			}
			for _, want := range []struct{ what, prefix string }{
				{"GraphQL operation", "nameless-operation"}, {"resolver", "Query/me"},
				{"SQL", "select "}, {"provider call", "flanks POST"},
			} {
				if !anyPrefix(names, want.prefix) {
					t.Errorf("no %s span (%q) in the query's trace: %v", want.what, want.prefix, keys(names))
				}
			}
			s.gql(t, s.token, `{ node(id: "`+canary+`-literal") { id } }`, nil, nil)
			for _, sp := range exp.GetSpans() {
				b, _ := json.Marshal([]any{sp.Name, sp.Attributes, sp.Events, sp.Status})
				if strings.Contains(string(b), canary) || strings.Contains(string(b), s.token) {
					t.Errorf("span %q exports a secret: %s", sp.Name, b)
				}
			}
			checkLogTrace(t, logs.String(), trace.String())
			findSpan(t, exp, "job sweep") // the sweep runs at start, in a span of its own
		})
	}
}

// checkLogTrace finds the access log line of the traced request: it
// carries the request ID and the trace ID.
func checkLogTrace(t *testing.T, logs, traceID string) {
	t.Helper()
	for _, line := range strings.Split(logs, "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil || rec["msg"] != "http request" || rec["trace_id"] != traceID {
			continue
		}
		if rec["request_id"] == nil || rec["span_id"] == nil {
			t.Errorf("access log without request or span id: %s", line)
		}
		return
	}
	t.Errorf("no access log line with trace %s in:\n%s", traceID, logs)
}

func findSpan(t *testing.T, exp *tracetest.InMemoryExporter, name string) tracetest.SpanStub {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, sp := range exp.GetSpans() {
			if sp.Name == name {
				return sp
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no span %q", name)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func anyPrefix(names map[string]bool, prefix string) bool {
	for n := range names {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
