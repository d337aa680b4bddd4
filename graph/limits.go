package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/fingraph/fingraph/internal/store"
)

// Limits bound what one operation may ask for. Every check runs on the
// parsed document before any resolver, so a rejected operation costs no
// database or provider work.
type Limits struct {
	MaxDepth      int // field nesting; introspection is exempt
	MaxAliases    int
	MaxDirectives int
	MaxCost       int
}

// Error codes of rejected operations.
const (
	CodeTooDeep          = "QUERY_TOO_DEEP"
	CodeTooManyAliases   = "TOO_MANY_ALIASES"
	CodeTooManyDirective = "TOO_MANY_DIRECTIVES"
	CodeTooComplex       = "QUERY_TOO_COMPLEX"
)

// Measure is what the limits see of one operation.
type Measure struct {
	Depth, Aliases, Directives, Cost int
}

// measure walks the selected operation. Cost estimates the objects the
// operation can return: each object field costs 1 plus its children, and a
// list field with first/last multiplies its children by the page size it
// asks for (the default page size when it asks for none); scalars are free.
func measure(rc *graphql.OperationContext) Measure {
	w := walker{vars: rc.Variables, seen: map[string]bool{}}
	if rc.Operation != nil {
		w.m.Directives += len(rc.Operation.Directives)
		w.m.Cost = w.selections(rc.Operation.SelectionSet, 1)
	}
	return w.m
}

type walker struct {
	vars map[string]any
	seen map[string]bool
	m    Measure
}

func (w *walker) selections(set ast.SelectionSet, depth int) int {
	cost := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			cost += w.field(s, depth)
		case *ast.InlineFragment:
			w.m.Directives += len(s.Directives)
			cost += w.selections(s.SelectionSet, depth)
		case *ast.FragmentSpread:
			w.m.Directives += len(s.Directives)
			if s.Definition != nil && !w.seen[s.Name] {
				w.seen[s.Name] = true
				cost += w.selections(s.Definition.SelectionSet, depth)
				delete(w.seen, s.Name)
			}
		}
	}
	return cost
}

func (w *walker) field(f *ast.Field, depth int) int {
	w.m.Directives += len(f.Directives)
	if f.Alias != "" && f.Alias != f.Name {
		w.m.Aliases++
	}
	if strings.HasPrefix(f.Name, "__") {
		return 0 // introspection and __typename: exempt from depth and cost
	}
	if depth > w.m.Depth {
		w.m.Depth = depth
	}
	if len(f.SelectionSet) == 0 {
		return 0
	}
	return w.pageSize(f) * (1 + w.selections(f.SelectionSet, depth+1))
}

// pageSize is the multiplier of list fields that page with first/last.
func (w *walker) pageSize(f *ast.Field) int {
	if f.Definition == nil || (f.Definition.Arguments.ForName("first") == nil && f.Definition.Arguments.ForName("last") == nil) {
		return 1
	}
	args := f.ArgumentMap(w.vars)
	for _, name := range []string{"first", "last"} {
		if n, ok := asInt(args[name]); ok && n > 0 {
			return n
		}
	}
	return store.DefaultPageSize
}

func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case int64:
		return int(n), true
	case int:
		return n, true
	case int32:
		return int(n), true
	}
	return 0, false
}

// check returns the first limit m exceeds, as a request error.
func (l Limits) check(m Measure) *gqlerror.Error {
	switch {
	case l.MaxDepth > 0 && m.Depth > l.MaxDepth:
		return limitError(CodeTooDeep, "the query is nested %d levels deep; the limit is %d", m.Depth, l.MaxDepth)
	case l.MaxAliases > 0 && m.Aliases > l.MaxAliases:
		return limitError(CodeTooManyAliases, "the query uses %d aliases; the limit is %d", m.Aliases, l.MaxAliases)
	case l.MaxDirectives > 0 && m.Directives > l.MaxDirectives:
		return limitError(CodeTooManyDirective, "the query uses %d directives; the limit is %d", m.Directives, l.MaxDirectives)
	case l.MaxCost > 0 && m.Cost > l.MaxCost:
		return limitError(CodeTooComplex, "the query may return about %d objects; the limit is %d: pass smaller first/last values", m.Cost, l.MaxCost)
	}
	return nil
}

func limitError(code, format string, args ...any) *gqlerror.Error {
	err := &gqlerror.Error{Message: fmt.Sprintf(format, args...)}
	errcode.Set(err, code)
	return err
}

// limitsExtension enforces Limits and charges the caller's rate budget.
type limitsExtension struct {
	limits Limits
	budget *Budget
}

var (
	_ graphql.HandlerExtension        = limitsExtension{}
	_ graphql.OperationContextMutator = limitsExtension{}
	_ graphql.ResponseInterceptor     = limitsExtension{}
)

func (limitsExtension) ExtensionName() string { return "QueryLimits" }

func (limitsExtension) Validate(graphql.ExecutableSchema) error { return nil }

const costStatsKey = "fingraph.cost"

func (e limitsExtension) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	m := measure(rc)
	if err := e.limits.check(m); err != nil {
		return err
	}
	rc.Stats.SetExtension(costStatsKey, m.Cost)
	return e.budget.charge(ctx, m.Cost)
}

// InterceptResponse reports the operation's cost in extensions.cost.
func (e limitsExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	// Free operations ({ __typename }, introspection) report nothing, so
	// the simplest answers stay exactly the data.
	cost, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(costStatsKey).(int)
	if !ok || cost == 0 {
		return resp
	}
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["cost"] = map[string]any{"requested": cost, "limit": e.limits.MaxCost}
	return resp
}
