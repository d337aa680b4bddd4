package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/fingraph/fingraph/migrations"
)

// rejectedWithoutWork runs q and checks it is rejected with code, having
// run no SQL statement and made no provider call: no resolver ran.
func (s *testServer) rejectedWithoutWork(t *testing.T, q, code string) {
	t.Helper()
	n := countStatements(t, s)
	calls := s.sim().Requests("*")
	r := s.gql(t, s.token, q, nil, nil)
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != code {
		t.Fatalf("want %s, got %+v", code, r.Errors)
	}
	if len(r.Data) > 0 && string(r.Data) != "null" {
		t.Errorf("rejected operation returned data: %s", r.Data)
	}
	if n.Load() != 0 || s.sim().Requests("*") != calls {
		t.Errorf("rejected operation did work: %d statements, %d provider calls", n.Load(), s.sim().Requests("*")-calls)
	}
}

func nest(depth int) string {
	// me(1) > credentials(2) > nodes(3) > accounts(4) > nodes(5) > credentials(6) > ...
	q, closing := "me { ", "} "
	levels := []string{"credentials(first: 1) { ", "nodes { ", "accounts(first: 1) { ", "nodes { "}
	d := 1
	for i := 0; d < depth-1; i++ {
		lvl := levels[i%len(levels)]
		if i%len(levels) == 0 && i > 0 {
			lvl = "credentials { "
		}
		q += lvl
		closing += "} "
		d++
	}
	return "{ " + q + "id " + closing + "}"
}

func TestLimits(t *testing.T) {
	env := map[string]string{"FINGRAPH_MAX_DEPTH": "6", "FINGRAPH_MAX_ALIASES": "3", "FINGRAPH_MAX_DIRECTIVES": "4",
		"FINGRAPH_MAX_COST": "120", "FINGRAPH_MAX_TOKENS": "60"}
	s := newServer(t, migrations.SQLite, env)
	s.mustGQL(t, s.token, `{ me { id } }`, nil, nil)
	aliases := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "a%d: __typename ", i)
		}
		return "{ " + b.String() + "}"
	}
	directives := func(n int) string {
		return "{ " + strings.Repeat("__typename @include(if: true) ", n) + "}"
	}
	cost := func(first int) string {
		return fmt.Sprintf(`{ me { accounts(first: %d) { nodes { id } } } }`, first)
	}
	tokens := func(n int) string { // `{` + n-2 names + `}`
		return "{ " + strings.Repeat("__typename ", n-2) + "}"
	}
	tests := []struct {
		name     string
		at, over string
		wantCode string
	}{
		{"depth", nest(6), nest(7), "QUERY_TOO_DEEP"},
		{"aliases", aliases(3), aliases(4), "TOO_MANY_ALIASES"},
		{"directives", directives(4), directives(5), "TOO_MANY_DIRECTIVES"},
		// me costs 1 + accounts; accounts(first: n) costs n x (1 + nodes),
		// nodes { id } costs 1: 2n + 1 in all (graph/limits.go).
		{"cost", cost(59), cost(60), "QUERY_TOO_COMPLEX"},
		{"tokens", tokens(60), tokens(61), "GRAPHQL_PARSE_FAILED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := s.gql(t, s.token, tt.at, nil, nil); len(r.Errors) > 0 {
				t.Fatalf("at the limit: %+v", r.Errors)
			}
			s.rejectedWithoutWork(t, tt.over, tt.wantCode)
		})
	}
}

func TestSuggestionsOffInProduction(t *testing.T) {
	s := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_SUGGESTIONS": "false"})
	r := s.gql(t, s.token, `{ me { rolez } }`, nil, nil)
	if len(r.Errors) == 0 || strings.Contains(r.Errors[0].Message, "Did you mean") {
		t.Fatalf("%+v", r.Errors)
	}
	dev := newServer(t, migrations.SQLite, nil)
	if r := dev.gql(t, dev.token, `{ me { rolez } }`, nil, nil); !strings.Contains(r.Errors[0].Message, "Did you mean") {
		t.Fatalf("development lost suggestions: %+v", r.Errors)
	}
}

// TestRateLimit: over the per-user cost budget, 429 with Retry-After and
// no work; other users are unaffected.
func TestRateLimit(t *testing.T) {
	s := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_MAX_COST": "100", "FINGRAPH_RATE_BURST": "100", "FINGRAPH_RATE_PER_SECOND": "1"})
	q := `{"query":"{ me { accounts(first: 40) { nodes { id } } } }"}`
	s.mustGQL(t, s.token, `{ me { accounts(first: 40) { nodes { id } } } }`, nil, nil) // spends ~82 of 100
	res := s.do(t, "POST", "/graphql", q, s.authed(nil))
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" || !strings.Contains(res.body, `"RATE_LIMITED"`) {
		t.Fatalf("over budget: %d %q %s", res.status, res.header.Get("Retry-After"), res.body)
	}
	other := s.tokenFor(t, "someone-else")
	if r := s.gql(t, other, `{ me { accounts(first: 40) { nodes { id } } } }`, nil, nil); len(r.Errors) > 0 {
		t.Fatalf("another user throttled: %+v", r.Errors)
	}
}

// TestCSRF: credentials are only ever a bearer header, which a browser
// never adds to a cross-site request on its own, and simple (CORS-free)
// content types are refused before anything runs.
func TestCSRF(t *testing.T) {
	s := newServer(t, migrations.SQLite, nil)
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded"} {
		h := s.authed(map[string]string{"Content-Type": ct})
		if res := s.do(t, "POST", "/graphql", `{"query":"{ __typename }"}`, h); res.status != http.StatusUnsupportedMediaType {
			t.Errorf("%s: %d", ct, res.status)
		}
	}
	// Multipart (uploads) is served, but only with a header that needs a
	// CORS preflight.
	h := s.authed(map[string]string{"Content-Type": "multipart/form-data; boundary=x"})
	if res := s.do(t, "POST", "/graphql", "--x--\r\n", h); res.status != http.StatusBadRequest || !strings.Contains(res.body, "Preflight") {
		t.Errorf("multipart without a preflight header: %d %s", res.status, res.body)
	}
	res := s.do(t, "GET", "/graphql?query=%7B__typename%7D", "", map[string]string{"Cookie": "session=abc"})
	if res.status != http.StatusUnauthorized {
		t.Errorf("GET with only a cookie: %d", res.status)
	}
	if res.header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("CORS headers are sent")
	}
}
