package playground_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/fingraph/fingraph/graph"
	"github.com/fingraph/fingraph/internal/playground"
)

// TestDefaultTabsAreValid: every example the playground opens on
// validates against the public schema, so a schema change cannot leave a
// broken example behind.
func TestDefaultTabsAreValid(t *testing.T) {
	schema := graph.PublicSchema()
	for i, tab := range playground.DefaultTabs {
		if _, errs := gqlparser.LoadQuery(schema, tab.Query); len(errs) > 0 {
			t.Errorf("tab %d: %v", i, errs)
		}
	}
	var kinds []ast.Operation
	for _, tab := range playground.DefaultTabs {
		doc, _ := gqlparser.LoadQuery(schema, tab.Query)
		for _, op := range doc.Operations {
			kinds = append(kinds, op.Operation)
		}
	}
	if !strings.Contains(strings.Join(opStrings(kinds), " "), "subscription") {
		t.Error("no example subscription")
	}
}

func opStrings(ops []ast.Operation) []string {
	out := make([]string, len(ops))
	for i, o := range ops {
		out[i] = string(o)
	}
	return out
}

// TestPageOpensOnTheTabs: the served page passes the tabs to GraphiQL.
func TestPageOpensOnTheTabs(t *testing.T) {
	srv := httptest.NewServer(playground.Handler("/graphql", playground.Options{}))
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "defaultTabs: [{") ||
		!strings.Contains(string(b), "subscription Sync") {
		t.Fatalf("page (%d) has no default tabs", res.StatusCode)
	}
}

// TestFetcherGuarded: the page's fetcher is wrapped, once, so a stale
// operation name is dropped before the request (the browser test runs it).
func TestFetcherGuarded(t *testing.T) {
	rec := httptest.NewRecorder()
	playground.Handler("/graphql", playground.Options{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	page := rec.Body.String()
	for _, want := range []string{"const fetcher = keepKnownName(GraphiQL.createFetcher(", "headers: fetcherHeaders }));"} {
		if strings.Count(page, want) != 1 {
			t.Errorf("the page holds %q %d times, want once", want, strings.Count(page, want))
		}
	}
}
