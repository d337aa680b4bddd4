package graph

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/fingraph/fingraph/graph/generated"
)

var fuzzSchema = sync.OnceValue(func() *ast.Schema {
	return generated.NewExecutableSchema(generated.Config{}).Schema()
})

// maxFuzzQuery keeps one execution fast: validation is superlinear.
const maxFuzzQuery = 1 << 10

func FuzzMeasure(f *testing.F) {
	seeds := [][2]string{
		{`{ me { id } }`, ``},
		{`{ __typename }`, ``},
		{`{ __schema { types { name fields { name } } } }`, ``},
		{`query { me { accounts(first: 100) { nodes { transactions(last: 100) { nodes { amount } } } } } }`, ``},
		{`query Q($n: Int) { me { credentials(first: $n) { nodes { id accounts { totalCount } } } } }`, `{"n": 100}`},
		{`query Q($n: Int) { me { credentials(first: $n) { nodes { id } } } }`, `{"n": 2147483647}`},
		{`query Q($n: Int) { me { credentials(first: $n) { nodes { id } } } }`, `{"n": 1e10}`},
		{`query Q($ids: [ID!]!) { nodes(ids: $ids) { id ... on Account { transactions(first: 100) { nodes { id } } } } }`, `{"ids": ["a", "b", "c"]}`},
		{`{ nodes(ids: "one") { id } }`, ``},
		{`{ a: me { id } b: me { id } c: me { id } }`, ``},
		{`{ me @include(if: true) { ... on Viewer @skip(if: false) { id } ...V } } fragment V on Viewer { roles }`, ``},
		{`query ($f: TransactionFilter) { me { transactions(filter: $f, first: 5) { nodes { amount } } } }`, `{"f": {"minAmount": "1e99", "from": "2024-02-30", "text": "x"}}`},
		{`query ($f: TransactionFilter) { me { transactions(filter: $f) { nodes { id } } } }`, `{"f": {"minAmount": 1.5, "category": null}}`},
		{`{ me { transactions(filter: {text: "a\u0000b"}, first: 2147483648) { totalCount } } }`, ``},
		{`{ entities(provider: FLANKS) { id } }`, ``},
		{`query ($p: Provider!) { entities(provider: $p) { id } }`, `{"p": "NOPE"}`},
		{`{ me { credentials(first: 100) { nodes { accounts(first: 100) { nodes { transactions(first: 100) { nodes { id } } } } } } } }`, ``},
		{`mutation { __typename }`, ``},
		{`{ me { ...A } } fragment A on Viewer { ...B ...B } fragment B on Viewer { accounts(first: 100) { nodes { id } } }`, ``},
		{`{ me { id`, ``},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	// Fragments spread twice per level: the written-out document doubles
	// per fragment, which measure must not walk (22 fit in maxFuzzQuery).
	f.Add(fragmentChain(22), "")
	f.Add(`{ me { ...A ...A @skip(if: false) } } fragment A on Viewer { x: id ...B ...B } fragment B on Viewer { y: accounts(first: 3) { nodes { id } } }`, "")
	f.Fuzz(func(t *testing.T, query, vars string) {
		if len(query) > maxFuzzQuery || len(vars) > maxFuzzQuery {
			return
		}
		schema := fuzzSchema()
		doc, err := parser.ParseQuery(&ast.Source{Input: query})
		if err != nil {
			return
		}
		if errs := validator.Validate(schema, doc); len(errs) > 0 {
			return
		}
		var raw map[string]any
		if vars != "" {
			dec := json.NewDecoder(strings.NewReader(vars))
			dec.UseNumber() // as gqlhttp decodes variables
			if dec.Decode(&raw) != nil {
				raw = nil
			}
		}
		for _, op := range doc.Operations {
			coerced, err := validator.VariableValues(schema, op, raw)
			if err != nil {
				continue // gqlgen answers these before any extension runs
			}
			m := measure(&graphql.OperationContext{Operation: op, Variables: coerced}, schema)
			// Walking each fragment once measures what writing out every
			// spread does, when that is small enough to compare.
			if want, ok := naiveMeasure(op, coerced, 1<<12); ok && !sameMeasure(m, want) {
				t.Fatalf("measure = %+v, written out %+v", m, want)
			}
			if m.Cost < 0 || m.Cost > costCeiling {
				t.Fatalf("cost %d outside [0, %d]", m.Cost, costCeiling)
			}
			if m.Depth < 0 || m.Aliases < 0 || m.Directives < 0 {
				t.Fatalf("negative measure %+v", m)
			}
			if m.BadInput != nil {
				if code, _ := m.BadInput.Extensions["code"].(string); code != "BAD_USER_INPUT" {
					t.Fatalf("BadInput has code %v", m.BadInput.Extensions["code"])
				}
			}
			// A limit of the measured values accepts the operation; one
			// below refuses it.
			l := Limits{MaxDepth: m.Depth, MaxAliases: m.Aliases, MaxDirectives: m.Directives, MaxCost: m.Cost}
			if err := l.check(m); err != nil {
				t.Fatalf("limits equal to the measure refused it: %v", err)
			}
			if m.Cost > 1 {
				if err := (Limits{MaxCost: m.Cost - 1}).check(m); err == nil {
					t.Fatalf("cost %d passed a limit of %d", m.Cost, m.Cost-1)
				}
			}
		}
	})
}

// sameMeasure compares measures, BadInput by message.
func sameMeasure(a, b Measure) bool {
	msg := func(m Measure) string {
		if m.BadInput == nil {
			return ""
		}
		return m.BadInput.Message
	}
	ma, mb := msg(a), msg(b)
	a.BadInput, b.BadInput = nil, nil
	return a == b && ma == mb
}
