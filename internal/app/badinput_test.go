package app_test

import (
	"encoding/base64"
	"log/slog"
	"strings"
	"testing"

	"github.com/fingraph/fingraph/migrations"
)

// canary marks the client's values: none may reach a log line.
const canary = "CANARYv4lue"

// TestBadInputIsAClientError: every malformed value a client can send
// answers BAD_USER_INPUT with a short message, before or instead of any
// database work, and logs nothing at ERROR and nothing of the value.
func TestBadInputIsAClientError(t *testing.T) {
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		t.Run(string(d), func(t *testing.T) { testBadInput(t, d) })
	}
}

func testBadInput(t *testing.T, d migrations.Dialect) {
	logs := &syncBuffer{}
	s := newServerLogging(t, d, nil, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})))
	var me struct {
		Me struct {
			Accounts struct{ Nodes []struct{ ID string } }
		}
	}
	s.mustGQL(t, s.token, `{ me { accounts(first: 1) { nodes { id } } } }`, nil, &me)
	acct := me.Me.Accounts.Nodes[0].ID
	big := strings.Repeat(canary, 20_000) // 220 KB
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"s":"` + canary + `","i":"x"}`))
	nul := base64.RawURLEncoding.EncodeToString([]byte(`{"s":"2024-01-01","i":"a\u0000` + canary + `"}`))
	txq := `query($id: ID!, $f: TransactionFilter, $after: String) { node(id: $id) { ... on Account {
	  transactions(filter: $f, first: 5, after: $after) { totalCount nodes { id } } } } }`
	tests := []struct {
		name  string
		query string
		vars  map[string]any
	}{
		{"decimal literal", `query($id: ID!) { node(id: $id) { ... on Account { transactions(filter: {minAmount: "` + canary + `"}) { totalCount } } } }`, map[string]any{"id": acct}},
		{"decimal float literal", `query($id: ID!) { node(id: $id) { ... on Account { transactions(filter: {minAmount: 1.5}) { totalCount } } } }`, map[string]any{"id": acct}},
		{"decimal variable", txq, map[string]any{"id": acct, "f": map[string]any{"maxAmount": canary}}},
		{"huge decimal variable", txq, map[string]any{"id": acct, "f": map[string]any{"maxAmount": big}}},
		{"date literal", `query($id: ID!) { node(id: $id) { ... on Account { transactions(filter: {from: "2024-13-45` + canary + `"}) { totalCount } } } }`, map[string]any{"id": acct}},
		{"date variable", txq, map[string]any{"id": acct, "f": map[string]any{"to": canary}}},
		{"lower-case enum variable", `query($p: Provider!) { entities(provider: $p) { id } }`, map[string]any{"p": "flanks"}},
		{"long text filter", txq, map[string]any{"id": acct, "f": map[string]any{"text": big}}},
		{"NUL in text filter", txq, map[string]any{"id": acct, "f": map[string]any{"text": "a\x00" + canary}}},
		{"forged cursor", txq, map[string]any{"id": acct, "after": forged}},
		{"garbage cursor", txq, map[string]any{"id": acct, "after": canary + "!!"}},
		{"cursor with a NUL", txq, map[string]any{"id": acct, "after": nul}},
		{"garbage id", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": canary}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(logs.String())
			r := s.gql(t, s.token, tt.query, tt.vars, nil)
			if tt.name == "garbage id" {
				if len(r.Errors) == 0 || (code(r.Errors[0]) != "BAD_USER_INPUT" && code(r.Errors[0]) != "NOT_FOUND") {
					t.Fatalf("errors %+v", r.Errors)
				}
			} else if len(r.Errors) == 0 || code(r.Errors[0]) != "BAD_USER_INPUT" {
				t.Fatalf("want BAD_USER_INPUT, got %+v", r.Errors)
			}
			for _, e := range r.Errors {
				if len(e.Message) > 300 {
					t.Errorf("a %d-byte error message", len(e.Message))
				}
			}
			added := logs.String()[before:]
			if strings.Contains(added, canary) || strings.Contains(added, `"level":"ERROR"`) {
				t.Errorf("logs after a bad input: %.500s", added)
			}
		})
	}
}
