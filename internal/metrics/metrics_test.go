package metrics

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/guard"
)

func newMetrics(t *testing.T) (*Metrics, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	return New(reg, Options{Providers: []string{"flanks", "flinks"}}), reg
}

func TestHTTPLabelsAreBounded(t *testing.T) {
	m, _ := newMetrics(t)
	m.ObserveRequest("/graphql", http.MethodPost, 200, 10*time.Millisecond, false)
	m.ObserveRequest("", "BREW", 0, time.Millisecond, false)
	m.ObserveRequest("/graphql", http.MethodGet, 101, time.Hour, true) // a WebSocket: counted, not timed
	for _, c := range []struct {
		labels []string
		want   float64
	}{
		{[]string{"/graphql", "POST", "2xx"}, 1},
		{[]string{"unmatched", "OTHER", "2xx"}, 1},
		{[]string{"/graphql", "GET", "1xx"}, 1},
	} {
		if got := testutil.ToFloat64(m.httpRequests.WithLabelValues(c.labels...)); got != c.want {
			t.Errorf("requests %v = %v, want %v", c.labels, got, c.want)
		}
	}
	if n := testutil.CollectAndCount(m.httpDuration); n != 2 {
		t.Errorf("%d duration series, want 2 (streams are not timed)", n)
	}
}

func TestWebhookProviderFromThePathIsChecked(t *testing.T) {
	m, _ := newMetrics(t)
	m.ObserveWebhook("flinks", "rejected_signature")
	m.ObserveWebhook("../../etc/4111111111111111", "accepted")
	m.ObserveWebhook("flanks", "something new")
	if got := testutil.ToFloat64(m.webhooks.WithLabelValues("flinks", "rejected_signature")); got != 1 {
		t.Errorf("flinks rejected = %v", got)
	}
	if got := testutil.ToFloat64(m.webhooks.WithLabelValues("other", "accepted")); got != 1 {
		t.Errorf("unknown provider not folded into other: %v", got)
	}
	if got := testutil.ToFloat64(m.webhooks.WithLabelValues("flanks", "other")); got != 1 {
		t.Errorf("unknown result not folded into other: %v", got)
	}
	// The known providers' series exist from the start, at zero.
	if got := testutil.ToFloat64(m.webhooks.WithLabelValues("flanks", "rejected_signature")); got != 0 {
		t.Errorf("flanks rejected = %v", got)
	}
}

func TestProviderObserver(t *testing.T) {
	m, _ := newMetrics(t)
	obs := m.Providers()
	state := guard.GuardsState{Breaker: "open", InFlight: 3, Queued: 1}
	obs.Watch("flanks", func() guard.GuardsState { return state })
	obs.Call("flanks", "server_error", 2*time.Second)
	obs.Call("flanks", "circuit_open", 0)
	obs.Retry("flanks")
	if got := testutil.ToFloat64(m.providerCalls.WithLabelValues("flanks", "server_error")); got != 1 {
		t.Errorf("server_error calls = %v", got)
	}
	if got := testutil.ToFloat64(m.providerCalls.WithLabelValues("flanks", "ok")); got != 0 {
		t.Errorf("ok calls = %v", got)
	}
	if n := testutil.CollectAndCount(m.providerDuration); n != 1 {
		t.Errorf("%d duration series", n)
	}
	want := `
# HELP fingraph_provider_breaker_state 1 for the state the provider's circuit breaker is in (closed, open, half-open), 0 for the others.
# TYPE fingraph_provider_breaker_state gauge
fingraph_provider_breaker_state{provider="flanks",state="closed"} 0
fingraph_provider_breaker_state{provider="flanks",state="half-open"} 0
fingraph_provider_breaker_state{provider="flanks",state="open"} 1
# HELP fingraph_provider_bulkhead_in_flight Provider calls on the wire (bulkhead slots taken).
# TYPE fingraph_provider_bulkhead_in_flight gauge
fingraph_provider_bulkhead_in_flight{provider="flanks"} 3
# HELP fingraph_provider_bulkhead_queued Provider calls waiting for a bulkhead slot.
# TYPE fingraph_provider_bulkhead_queued gauge
fingraph_provider_bulkhead_queued{provider="flanks"} 1
`
	if err := testutil.CollectAndCompare(m.guards, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	state = guard.GuardsState{Breaker: "closed"} // read on every scrape
	if err := testutil.CollectAndCompare(m.guards, strings.NewReader(strings.NewReplacer(
		`state="closed"} 0`, `state="closed"} 1`, `state="open"} 1`, `state="open"} 0`,
		`{provider="flanks"} 3`, `{provider="flanks"} 0`, `{provider="flanks"} 1`, `{provider="flanks"} 0`).Replace(want)),
	); err != nil {
		t.Error(err)
	}
}

func TestCacheObserver(t *testing.T) {
	m, _ := newMetrics(t)
	c := m.Cache()
	c.FreshHit(models.ProductAccounts)
	c.Fetched(models.ProductAccounts, "error")
	c.StaleServed(models.ProductAccounts)
	for name, got := range map[string]float64{
		"hits":  testutil.ToFloat64(m.cacheHits.WithLabelValues("accounts")),
		"fetch": testutil.ToFloat64(m.cacheFetches.WithLabelValues("accounts", "error")),
		"stale": testutil.ToFloat64(m.cacheStale.WithLabelValues("accounts")),
	} {
		if got != 1 {
			t.Errorf("%s = %v", name, got)
		}
	}
}

func TestJobs(t *testing.T) {
	m, reg := newMetrics(t)
	fail := false
	m.WatchJobs(func(context.Context) (JobCounts, error) {
		if fail {
			return JobCounts{}, errors.New("database down")
		}
		return JobCounts{ByState: map[string]int64{"available": 4, "running": 1, "unknown_state": 9},
			OldestAvailable: 90 * time.Second}, nil
	})
	m.JobDone("sweep", "failed", time.Second)
	got := scrape(t, m)
	for _, line := range []string{`fingraph_jobs{state="available"} 4`, `fingraph_jobs{state="discarded"} 0`,
		`fingraph_jobs_oldest_available_age_seconds 90`, `fingraph_job_runs_total{kind="sweep",outcome="failed"} 1`} {
		if !strings.Contains(got, line+"\n") {
			t.Errorf("scrape lacks %q", line)
		}
	}
	if strings.Contains(got, "unknown_state") {
		t.Error("a state outside River's list became a series")
	}
	fail = true
	got = scrape(t, m)
	if strings.Contains(got, "fingraph_jobs{") || !strings.Contains(got, "fingraph_jobs_stats_errors_total 1\n") {
		t.Errorf("a failed count: %s", grep(got, "fingraph_jobs"))
	}
	if _, err := reg.Gather(); err != nil {
		t.Fatal(err)
	}
}

func TestStreams(t *testing.T) {
	m, _ := newMetrics(t)
	m.WatchStreams(func() (int, int) { return 3, 2 })
	got := scrape(t, m)
	for _, line := range []string{"fingraph_subscriptions_open 3", "fingraph_websocket_connections_open 2"} {
		if !strings.Contains(got, line+"\n") {
			t.Errorf("scrape lacks %q", line)
		}
	}
}

// scrape fetches the handler's text output.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// grep keeps the lines of s that contain substr.
func grep(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
