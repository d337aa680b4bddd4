package app_test

import (
	"strings"
	"testing"
)

func TestGraphEntities(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		var d struct {
			Entities []struct {
				ID, Provider, Name  string
				VatNumber           *string
				AlwaysManualRefresh bool
			}
		}
		s.mustGQL(t, s.token, `{ entities(provider: FLANKS) { id provider name vatNumber alwaysManualRefresh } }`, nil, &d)
		ids := map[string]bool{}
		for _, e := range d.Entities {
			ids[e.ID] = true
			if e.Provider != "FLANKS" || e.Name == "" {
				t.Errorf("entity %+v", e)
			}
		}
		if len(d.Entities) < 2 || !ids["testbank"] {
			t.Fatalf("entities %+v", d.Entities)
		}
	})
}

// TestGraphTextFilter: free text matches descriptions case-insensitively.
func TestGraphTextFilter(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		acct := busiestAccount(t, s)
		var all txnPage
		s.mustGQL(t, s.token, txnQuery, map[string]any{"id": acct, "first": 100}, &all)
		word := strings.Fields(all.Node.Transactions.Edges[0].Node.Description)[0]
		var p txnPage
		s.mustGQL(t, s.token, txnQuery, map[string]any{"id": acct, "first": 100, "f": map[string]any{"text": strings.ToLower(word)}}, &p)
		if len(p.Node.Transactions.Edges) == 0 {
			t.Fatalf("text %q matched nothing", word)
		}
		for _, e := range p.Node.Transactions.Edges {
			if !strings.Contains(strings.ToLower(e.Node.Description), strings.ToLower(word)) {
				t.Errorf("%q does not contain %q", e.Node.Description, word)
			}
		}
	})
}
