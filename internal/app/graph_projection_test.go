package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/fingraph/fingraph/graph/generated"
)

// projectedLists are the node types whose lists read only the columns a
// query selects (graph/projection.go), with a query reaching a page of
// each and the path to its nodes.
var projectedLists = []struct {
	typ   string
	query string
	path  []string
}{
	{"AccountTransaction", `{ me { transactions(first: 100) { nodes { %s } } } }`,
		[]string{"me", "transactions", "nodes"}},
	{"InvestmentTransaction", `{ me { credentials(first: 3) { nodes { investments(first: 20) { nodes { transactions(first: 20) { nodes { %s } } } } } } } }`,
		[]string{"me", "credentials", "nodes", "investments", "nodes", "transactions", "nodes"}},
	{"LiabilityTransaction", `{ me { credentials(first: 3) { nodes { liabilities(first: 10) { nodes { transactions(first: 50) { nodes { %s } } } } } } } }`,
		[]string{"me", "credentials", "nodes", "liabilities", "nodes", "transactions", "nodes"}},
	// Only cash withdrawals carry a commission (0 or a fee).
	{"CardTransaction", `{ me { credentials(first: 3) { nodes { cards(first: 10) { nodes { transactions(first: 50, filter: {text: "CAJERO"}) { nodes { %s } } } } } } } }`,
		[]string{"me", "credentials", "nodes", "cards", "nodes", "transactions", "nodes"}},
}

// neverSent are fields the simulator leaves null on every node, with the
// column the test fills in after the first read so that the comparison
// below still proves the projection reads it.
var neverSent = map[string]struct{ table, column string }{
	// The seed's /data objects have no productDescription (only the Ruby
	// client's spec does), so the simulator sends none.
	"AccountTransaction.productDescription": {"account_transactions", "product_description"},
	// The simulator sends no order id on cash movements, and pairs only
	// movements between two of the user's accounts, rare in a page.
	"AccountTransaction.orderId":              {"account_transactions", "order_id"},
	"AccountTransaction.pairTransactionId":    {"account_transactions", "pair_transaction_id"},
	"InvestmentTransaction.pairTransactionId": {"investment_transactions", "pair_transaction_id"},
}

// TestProjectedListsMatchFullReads: a list asking for one field at a time,
// so that it reads only that field's columns, gives every node exactly the
// value that nodes(ids:), which reads whole rows, gives it with every
// field selected. A field whose columns the projection misses comes back
// zero or null here, on either database.
func TestProjectedListsMatchFullReads(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	// One user sends every query: the per-user rate limit is not under test.
	eachDB(t, map[string]string{"FINGRAPH_RATE_PER_SECOND": "0"}, func(t *testing.T, s *testServer) {
		for _, l := range projectedLists {
			t.Run(l.typ, func(t *testing.T) {
				fields := selections(schema, schema.Types[l.typ])
				listed := nodesByID(t, s, fmt.Sprintf(l.query, "id"), l.path) // also fetches into the cache
				if len(listed) < 2 {
					t.Fatalf("want a page of %s, got %d nodes", l.typ, len(listed))
				}
				fillNeverSent(t, s, l.typ)
				full := wholeRows(t, s, l.typ, fields, listed)
				for _, f := range fields {
					name := strings.Fields(f)[0]
					nullable := !schema.Types[l.typ].Fields.ForName(name).Type.NonNull
					seen := false
					for id, got := range nodesByID(t, s, fmt.Sprintf(l.query, "id "+f), l.path) {
						want := full[id]
						if want == nil {
							t.Fatalf("%s: node %s missing from nodes(ids:)", name, id)
						}
						if string(got[name]) != string(want[name]) {
							t.Fatalf("%s of %s: listed %s, whole row %s", name, id, got[name], want[name])
						}
						seen = seen || !unread(want[name], nullable)
					}
					if !seen {
						t.Errorf("%s.%s is empty on every node: the comparison proves nothing", l.typ, name)
					}
				}
			})
		}
	})
}

// fillNeverSent sets the columns of neverSent fields of typ on every row.
func fillNeverSent(t *testing.T, s *testServer, typ string) {
	t.Helper()
	for key, c := range neverSent {
		if strings.HasPrefix(key, typ+".") {
			if err := s.app.DB.Gorm.Table(c.table).Where("1 = 1").Update(c.column, "filled by the test").Error; err != nil {
				t.Fatal(err)
			}
		}
	}
}

// wholeRows reads the nodes of ids through nodes(ids:), by id.
func wholeRows(t *testing.T, s *testServer, typ string, fields []string, ids map[string]map[string]json.RawMessage) map[string]map[string]json.RawMessage {
	t.Helper()
	var all []string
	for id := range ids {
		all = append(all, id)
	}
	q := fmt.Sprintf(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on %s { id %s } } }`, typ, strings.Join(fields, " "))
	out := map[string]map[string]json.RawMessage{}
	for start := 0; start < len(all); start += 100 {
		var d struct{ Nodes []map[string]json.RawMessage }
		s.mustGQL(t, s.token, q, map[string]any{"ids": all[start:min(start+100, len(all))]}, &d)
		for _, n := range d.Nodes {
			var id string
			_ = json.Unmarshal(n["id"], &id)
			out[id] = n
		}
	}
	return out
}

// unread reports whether v is what a field shows when its columns were not
// read: null when the field is nullable, else its type's zero value.
func unread(v json.RawMessage, nullable bool) bool {
	if nullable {
		return string(v) == "null"
	}
	switch string(v) {
	case "null", `""`, `"0"`, `"0001-01-01"`, "[]":
		return true
	}
	return false
}

// selections selects every field of def: scalars by name, objects with
// their scalar fields.
func selections(schema *ast.Schema, def *ast.Definition) []string {
	var out []string
	for _, f := range def.Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		sub := schema.Types[f.Type.Name()]
		if sub.Kind != ast.Object {
			out = append(out, f.Name)
			continue
		}
		var inner []string
		for _, sf := range sub.Fields {
			if k := schema.Types[sf.Type.Name()].Kind; (k == ast.Scalar || k == ast.Enum) && len(sf.Arguments) == 0 {
				inner = append(inner, sf.Name)
			}
		}
		out = append(out, f.Name+" { "+strings.Join(inner, " ")+" }")
	}
	return out
}

// nodesByID runs query and returns the nodes at path, by id, each field
// kept as raw JSON.
func nodesByID(t *testing.T, s *testServer, query string, path []string) map[string]map[string]json.RawMessage {
	t.Helper()
	var data map[string]json.RawMessage
	s.mustGQL(t, s.token, query, nil, &data)
	level := []json.RawMessage{mustMarshal(t, data)}
	for _, key := range path {
		var next []json.RawMessage
		for _, raw := range level {
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(raw, &obj); err != nil {
				t.Fatalf("at %s: %v", key, err)
			}
			var items []json.RawMessage
			if json.Unmarshal(obj[key], &items) != nil {
				items = []json.RawMessage{obj[key]}
			}
			next = append(next, items...)
		}
		level = next
	}
	out := map[string]map[string]json.RawMessage{}
	for _, raw := range level {
		var node map[string]json.RawMessage
		if err := json.Unmarshal(raw, &node); err != nil {
			t.Fatal(err)
		}
		var id string
		_ = json.Unmarshal(node["id"], &id)
		out[id] = node
	}
	return out
}

func mustMarshal(t *testing.T, v any) json.RawMessage {
	t.Helper()
	// Without HTML escaping: json.Marshal would rewrite "&" in the raw
	// values as \u0026, which the other side of the comparison keeps.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(buf.Bytes())
}
