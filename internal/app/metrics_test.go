package app_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// metricsEnv serves /metrics on a free loopback port, and lets the
// accounts product go stale at once (every read fetches it) while the
// status stays fresh (its reads are cache hits). The workload sends its
// queries back to back: the per-user rate limit is off.
var metricsEnv = map[string]string{"FINGRAPH_METRICS_ADDR": "127.0.0.1:0", "FINGRAPH_CACHE_TTLS": "accounts=1ns",
	"FINGRAPH_RATE_PER_SECOND": "0"}

// scrape is one /metrics answer: series ("name{labels}") to value, and
// the family names with their types.
type scrape struct {
	series   map[string]float64
	families map[string]string
	text     string
}

func scrapeMetrics(t *testing.T, s *testServer) scrape {
	t.Helper()
	if s.app.MetricsAddr == "" {
		t.Fatal("no metrics listener")
	}
	res, err := http.Get("http://" + s.app.MetricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d %v", res.StatusCode, err)
	}
	out := scrape{series: map[string]float64{}, families: map[string]string{}, text: string(b)}
	sc := bufio.NewScanner(strings.NewReader(out.text))
	for sc.Scan() {
		line := sc.Text()
		if f, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, typ, _ := strings.Cut(f, " ")
			out.families[name] = typ
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad sample %q", line)
		}
		out.series[line[:i]] = v
	}
	return out
}

// sum adds the series of family name whose labels include every pair in
// labels (`provider="flanks"`).
func (s scrape) sum(name string, labels ...string) float64 {
	total := 0.0
	for k, v := range s.series {
		fam, rest, _ := strings.Cut(k, "{")
		if fam != name {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(rest, l)
		}
		if ok {
			total += v
		}
	}
	return total
}

// has reports whether any series of family name exists.
func (s scrape) has(name string) bool {
	for k := range s.series {
		if fam, _, _ := strings.Cut(k, "{"); fam == name {
			return true
		}
	}
	return false
}

// TestMetricsAfterWorkload scrapes /metrics on its own listener after a
// scripted workload (queries, a bad query, a provider failure served
// stale, webhooks) and checks each family moved, that the labels hold
// nothing of the users, and that the dashboard and alert rules in deploy/
// only name metrics that exist.
func TestMetricsAfterWorkload(t *testing.T) {
	eachDB(t, metricsEnv, func(t *testing.T, s *testServer) {
		if r := s.do(t, "GET", "/metrics", "", nil); r.status != http.StatusNotFound {
			t.Fatalf("the public listener serves /metrics: %d", r.status)
		}
		before := scrapeMetrics(t, s)
		ids := runWorkload(t, s)
		after := waitForJobRuns(t, s)
		for _, c := range []struct {
			name   string
			labels []string
		}{
			{"fingraph_http_requests_total", []string{`route="/graphql"`, `method="POST"`, `status_class="2xx"`}},
			{"fingraph_http_request_duration_seconds_count", []string{`route="/graphql"`}},
			{"fingraph_graphql_operations_total", []string{`operation="other"`, `type="query"`, `result="ok"`}},
			{"fingraph_graphql_operations_total", []string{`result="error"`}},
			{"fingraph_graphql_errors_total", []string{`code="UPSTREAM_UNAVAILABLE"`}},
			{"fingraph_graphql_errors_total", []string{`code="GRAPHQL_VALIDATION_FAILED"`}},
			{"fingraph_graphql_operation_duration_seconds_count", nil},
			{"fingraph_provider_calls_total", []string{`provider="flanks"`, `outcome="ok"`}},
			{"fingraph_provider_calls_total", []string{`provider="flanks"`, `outcome="server_error"`}},
			{"fingraph_provider_retries_total", []string{`provider="flanks"`}},
			{"fingraph_provider_call_duration_seconds_count", []string{`provider="flanks"`}},
			{"fingraph_cache_fresh_hits_total", nil},
			{"fingraph_cache_fetches_total", []string{`product="accounts"`, `result="ok"`}},
			{"fingraph_cache_fetches_total", []string{`product="accounts"`, `result="error"`}},
			{"fingraph_cache_stale_served_total", []string{`product="accounts"`}},
			{"fingraph_webhooks_total", []string{`provider="flinks"`, `result="rejected_signature"`}},
			{"fingraph_webhooks_total", []string{`provider="other"`, `result="unknown_provider"`}},
		} {
			if b, a := before.sum(c.name, c.labels...), after.sum(c.name, c.labels...); a <= b {
				t.Errorf("%s%v did not move: %v -> %v", c.name, c.labels, b, a)
			}
		}
		for _, name := range []string{"fingraph_provider_breaker_state", "fingraph_provider_bulkhead_in_flight",
			"fingraph_provider_bulkhead_queued", "fingraph_jobs", "fingraph_jobs_oldest_available_age_seconds",
			"fingraph_subscriptions_open", "fingraph_websocket_connections_open", "go_sql_open_connections",
			"fingraph_job_runs_total", "process_cpu_seconds_total"} {
			if !after.has(name) {
				t.Errorf("no %s", name)
			}
		}
		if n := after.sum("fingraph_jobs_stats_errors_total"); n != 0 || after.sum("fingraph_jobs") == 0 {
			t.Errorf("the job queue was not counted: %v errors, %v jobs", n, after.sum("fingraph_jobs"))
		}
		if after.sum("fingraph_provider_breaker_state", `provider="flanks"`) != 1 {
			t.Errorf("breaker gauge not one-hot: %v", after.sum("fingraph_provider_breaker_state", `provider="flanks"`))
		}
		for _, secret := range append(ids, "demo-user", s.token, "nosuch-4111") {
			if strings.Contains(after.text, secret) {
				t.Errorf("a label holds %q", secret)
			}
		}
		checkDeployReferences(t, after)
	})
}

// runWorkload drives the server and returns the credentials and account
// ids it saw, which no label may hold.
func runWorkload(t *testing.T, s *testServer) []string {
	t.Helper()
	var d accountsData
	s.mustGQL(t, s.token, accountsQuery, nil, &d)
	s.mustGQL(t, s.token, accountsQuery, nil, &d)
	for range 2 { // fetched, then fresh
		s.mustGQL(t, s.token, `{ me { credentials { nodes { cards(first: 5) { totalCount } } } } }`, nil, nil)
	}
	if r := s.gql(t, s.token, `{ nope }`, nil, nil); len(r.Errors) == 0 {
		t.Fatal("an invalid query passed")
	}
	if err := s.sim().InjectFault(accountsPath, flankssim.Fault{Kind: flankssim.FaultServerError, Times: 1000}); err != nil {
		t.Fatal(err)
	}
	if r := s.gql(t, s.token, accountsQuery, nil, nil); len(r.Errors) == 0 {
		t.Fatal("a failing provider went unnoticed")
	}
	hdr := map[string]string{"Content-Type": "application/json"}
	if r := s.do(t, "POST", "/webhooks/flinks", `{"LoginId":"x"}`, hdr); r.status != http.StatusUnauthorized {
		t.Fatalf("unsigned webhook: %d", r.status)
	}
	if r := s.do(t, "POST", "/webhooks/nosuch-4111", `{}`, hdr); r.status != http.StatusNotFound {
		t.Fatalf("unknown webhook: %d", r.status)
	}
	var ids []string
	for _, c := range d.Me.Credentials.Nodes {
		ids = append(ids, c.ID)
		for _, a := range c.Accounts.Nodes {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) == 0 {
		t.Fatal("no demo data")
	}
	return ids
}

// waitForJobRuns scrapes until a background job (the sweep run at start)
// has been counted.
func waitForJobRuns(t *testing.T, s *testServer) scrape {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		m := scrapeMetrics(t, s)
		if m.has("fingraph_job_runs_total") || time.Now().After(deadline) {
			return m
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// metricName finds the metric names a PromQL expression uses: fingraph's
// own, the pool's (go_sql_*), the runtime's and Prometheus' up.
var metricName = regexp.MustCompile(`\b(fingraph_[a-z0-9_]+|go_[a-z0-9_]+|process_[a-z0-9_]+|up)\b`)

// checkDeployReferences checks that every metric the Grafana dashboard
// and the alert rules name exists in the scrape (a histogram through its
// _bucket, _sum and _count series), and runs promtool on the rules when
// it is installed.
func checkDeployReferences(t *testing.T, m scrape) {
	t.Helper()
	root := filepath.Join("..", "..", "deploy")
	var exprs []string
	dash, err := os.ReadFile(filepath.Join(root, "grafana", "fingraph.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(dash, &d); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	rules, err := os.ReadFile(filepath.Join(root, "prometheus", "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	exprs = append(exprs, string(rules))
	seen := map[string]bool{}
	for _, e := range exprs {
		for _, name := range metricName.FindAllString(e, -1) {
			seen[name] = true
		}
	}
	if len(seen) < 10 {
		t.Fatalf("only %d metrics referenced: %v", len(seen), seen)
	}
	var missing []string
	for name := range seen {
		if name != "up" && !m.exists(name) { // up is Prometheus' own, per scrape target
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("deploy/ names metrics the server does not export: %v", missing)
	}
	if promtool, err := exec.LookPath("promtool"); err == nil {
		out, err := exec.Command(promtool, "check", "rules", filepath.Join(root, "prometheus", "alerts.yml")).CombinedOutput()
		if err != nil {
			t.Errorf("promtool check rules: %v\n%s", err, out)
		}
	} else {
		t.Log("promtool not installed: the rules' syntax is not checked")
	}
}

// exists reports a family, or a histogram's series, by name.
func (s scrape) exists(name string) bool {
	if _, ok := s.families[name]; ok {
		return true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && s.families[base] == "histogram" {
			return true
		}
	}
	return false
}

// TestPprofOnlyWhenAsked checks that Go's profiles are served on the
// metrics listener with FINGRAPH_PPROF, never without it, and never on
// the public API.
func TestPprofOnlyWhenAsked(t *testing.T) {
	get := func(t *testing.T, url string) int {
		t.Helper()
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	off := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_METRICS_ADDR": "127.0.0.1:0"})
	if code := get(t, "http://"+off.app.MetricsAddr+"/debug/pprof/heap"); code != http.StatusNotFound {
		t.Fatalf("profiles served without FINGRAPH_PPROF: %d", code)
	}
	on := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_METRICS_ADDR": "127.0.0.1:0", "FINGRAPH_PPROF": "true"})
	if code := get(t, "http://"+on.app.MetricsAddr+"/debug/pprof/heap?debug=1"); code != http.StatusOK {
		t.Fatalf("heap profile on the metrics listener: %d", code)
	}
	if r := on.do(t, "GET", "/debug/pprof/heap", "", nil); r.status != http.StatusNotFound {
		t.Fatalf("the public listener serves profiles: %d", r.status)
	}
}
