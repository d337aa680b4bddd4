package graph

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// fragmentChain is `{ me { ...F0 } }` with n fragments, each selecting id
// and spreading the next one twice: the written-out document doubles per
// fragment. The last one pages accounts, so the chain has a cost.
func fragmentChain(n int) string {
	var b strings.Builder
	b.WriteString("{ me { ...F0 } }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Viewer { id ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Viewer { accounts(first: 100) { totalCount } }\n", n)
	return b.String()
}

// parseValid parses and validates query against the schema.
func parseValid(t testing.TB, query string) *ast.QueryDocument {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatal(err)
	}
	if errs := validator.Validate(fuzzSchema(), doc); len(errs) > 0 {
		t.Fatal(errs)
	}
	return doc
}

// selectionCount is the number of selections written in doc, fragments
// counted once.
func selectionCount(doc *ast.QueryDocument) int {
	var count func(ast.SelectionSet) int
	count = func(set ast.SelectionSet) int {
		n := len(set)
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				n += count(s.SelectionSet)
			case *ast.InlineFragment:
				n += count(s.SelectionSet)
			}
		}
		return n
	}
	n := 0
	for _, op := range doc.Operations {
		n += count(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		n += count(f.SelectionSet)
	}
	return n
}

// TestMeasureFragmentChain is the regression test of a 1 KB query whose
// fragments expand to 2^n copies: measure walked every copy (seconds at 22
// fragments, doubling per fragment) before any limit was checked. Each
// fragment must be walked once, and the operation still refused for cost.
func TestMeasureFragmentChain(t *testing.T) {
	for _, n := range []int{6, 22, 40} {
		ok := t.Run(fmt.Sprint(n), func(t *testing.T) {
			doc := parseValid(t, fragmentChain(n))
			w := newWalker(nil, fuzzSchema())
			m := w.operation(doc.Operations[0])
			if limit := selectionCount(doc); w.visited > limit {
				t.Fatalf("walked %d selections of a document holding %d", w.visited, limit)
			}
			// me (1) + 2^n copies of accounts(first: 100) { totalCount },
			// 100 each plus the count.
			want := min(1+(100+countCost)<<n, costCeiling)
			if m.Cost != want || m.Depth != 3 || m.Aliases != 0 || m.Directives != 0 || m.BadInput != nil {
				t.Fatalf("measure = %+v, want cost %d, depth 3", m, want)
			}
			e := &limitsExtension{limits: Limits{MaxCost: 1_000_000}, schema: fuzzSchema()}
			if n > 6 {
				err := e.MutateOperationContext(context.Background(), opContext(doc.Operations[0], nil))
				if err == nil || err.Extensions["code"] != CodeTooComplex {
					t.Fatalf("cost %d passed a limit of 1000000: %v", m.Cost, err)
				}
			}
		})
		if !ok {
			return // a longer chain would only take longer to fail
		}
	}
}

// TestMeasureFragmentsCountPerSpread checks that a fragment walked once
// still counts its aliases, directives and depth at every spread, each
// at the depth of that spread.
func TestMeasureFragmentsCountPerSpread(t *testing.T) {
	doc := parseValid(t, `
		query { me { ...A accounts(first: 2) { nodes { ...B } } } }
		fragment A on Viewer { x: id ...B2 ...B2 @skip(if: false) }
		fragment B2 on Viewer { y: id credentials(first: 3) @include(if: true) { nodes { id } } }
		fragment B on Account { z: id transactions(first: 5) { nodes { id } } }`)
	m := newWalker(nil, fuzzSchema()).operation(doc.Operations[0])
	want, _ := naiveMeasure(doc.Operations[0], nil, 1000)
	if !sameMeasure(m, want) {
		t.Fatalf("measure = %+v, written out %+v", m, want)
	}
	// me: 1 + A: 2 × credentials(first: 3) × (1 + nodes 1)
	// + accounts(first: 2) × (1 + nodes: 1 + B: transactions(first: 5) × (1 + nodes 1)).
	if m.Cost != 1+2*3*2+2*(1+1+5*2) || m.Depth != 6 || m.Aliases != 4 || m.Directives != 3 {
		t.Fatalf("measure = %+v", m)
	}
}

// TestMeasureBadInputInFragment checks a bad argument is found inside a
// fragment spread more than once, and in one spread after another.
func TestMeasureBadInputInFragment(t *testing.T) {
	doc := parseValid(t, `
		query { me { ...A ...A ...B } }
		fragment A on Viewer { accounts(first: 2) { totalCount } }
		fragment B on Viewer { transactions(first: 2147483648) { totalCount } }`)
	m := measure(opContext(doc.Operations[0], nil), fuzzSchema())
	if m.BadInput == nil || !strings.Contains(m.BadInput.Message, `"first"`) {
		t.Fatalf("BadInput = %v", m.BadInput)
	}
	if want, _ := naiveMeasure(doc.Operations[0], nil, 1000); m.Cost != want.Cost || m.BadInput.Message != want.BadInput.Message {
		t.Fatalf("cost %d, written out %d", m.Cost, want.Cost)
	}
}

func opContext(op *ast.OperationDefinition, vars map[string]any) *graphql.OperationContext {
	return &graphql.OperationContext{Operation: op, Variables: vars}
}

// naiveMeasure measures op the way measure did before it kept fragment
// measures: writing out every spread. ok is false when that takes more
// than budget selections.
func naiveMeasure(op *ast.OperationDefinition, vars map[string]any, budget int) (m Measure, ok bool) {
	n := &naive{walker: newWalker(vars, fuzzSchema()), seen: map[string]bool{}, budget: budget}
	n.m.Directives = len(op.Directives)
	n.m.Cost = n.selections(op.SelectionSet, 1)
	return n.m, n.budget >= 0
}

// naive is the walker of naiveMeasure. It borrows the argument checks and
// multipliers of walker, and nothing of its fragment handling.
type naive struct {
	*walker
	seen   map[string]bool
	budget int
}

func (n *naive) selections(set ast.SelectionSet, depth int) int {
	cost := 0
	for _, sel := range set {
		if n.budget--; n.budget < 0 {
			return cost
		}
		switch s := sel.(type) {
		case *ast.Field:
			cost = satAdd(cost, n.field(s, depth))
		case *ast.InlineFragment:
			n.m.Directives += len(s.Directives)
			cost = satAdd(cost, n.selections(s.SelectionSet, depth))
		case *ast.FragmentSpread:
			n.m.Directives += len(s.Directives)
			if s.Definition != nil && !n.seen[s.Name] {
				n.seen[s.Name] = true
				cost = satAdd(cost, n.selections(s.Definition.SelectionSet, depth))
				delete(n.seen, s.Name)
			}
		}
	}
	return cost
}

func (n *naive) field(f *ast.Field, depth int) int {
	n.m.Directives += len(f.Directives)
	if f.Alias != "" && f.Alias != f.Name {
		n.m.Aliases++
	}
	if strings.HasPrefix(f.Name, "__") {
		return 0
	}
	n.m.Depth = max(n.m.Depth, depth)
	n.checkArguments(f)
	if len(f.SelectionSet) == 0 {
		return 0
	}
	return satAdd(satMul(n.multiplier(f), satAdd(1, n.selections(f.SelectionSet, depth+1))), n.workCost(f))
}

// BenchmarkMeasureFragmentChain measures the 40-fragment chain.
func BenchmarkMeasureFragmentChain(b *testing.B) {
	op := parseValid(b, fragmentChain(40)).Operations[0]
	for b.Loop() {
		_ = measure(opContext(op, nil), fuzzSchema())
	}
}
