package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/fingraph/fingraph/graph/scalars"
	"github.com/fingraph/fingraph/internal/apperr"
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
	// BadInput, when set, is an argument no resolver could accept (an Int
	// outside 32 bits): the operation is refused before it runs.
	BadInput *gqlerror.Error
}

// costCeiling is where cost arithmetic saturates: far above any sane
// limit, and far below where int arithmetic would wrap. A wrapped cost
// once turned a huge query negative, cheap and accepted.
const costCeiling = math.MaxInt32

// satAdd and satMul are + and * on costs that stop at costCeiling.
func satAdd(a, b int) int { return min(a+b, costCeiling) }

func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > costCeiling/b {
		return costCeiling
	}
	return min(a*b, costCeiling)
}

// measure walks the selected operation. Cost estimates the objects the
// operation can return: each object field costs 1 plus its children, and a
// list field with first/last multiplies its children by the page size it
// asks for (the default page size when it asks for none), a field taking
// ids by the number of ids; scalars are free. A list's database work
// beyond its objects (a capped totalCount, a filter) is added per list
// (workCost), and the analysts' aggregates cost their scans (scanCosts). Every operand is clamped to
// costCeiling, so no argument can make the sum wrap.
//
// A fragment counts at every spread, but its body is walked only once:
// fragments spreading the next one twice per level make a 1 KB document
// expand to millions of selections, and walking each copy took seconds
// before any limit could refuse the operation.
func measure(rc *graphql.OperationContext, schema *ast.Schema) Measure {
	return newWalker(rc.Variables, schema).operation(rc.Operation)
}

func newWalker(vars map[string]any, schema *ast.Schema) *walker {
	return &walker{vars: vars, schema: schema, fragments: map[string]*fragmentMeasure{}}
}

type walker struct {
	vars   map[string]any
	schema *ast.Schema
	// fragments holds the measure of every fragment walked so far. A nil
	// entry marks a fragment being walked, so a cycle (which validation
	// refuses anyway) stops there instead of recursing forever.
	fragments map[string]*fragmentMeasure
	m         Measure
	visited   int // selections walked: tests bound the work with it
}

// fragmentMeasure is what one spread of a fragment adds to the operation.
// depth is relative: 1 for a field at the top of the fragment, 0 when the
// fragment selects nothing that counts.
type fragmentMeasure struct {
	cost, depth, aliases, directives int
}

// operation measures op (nothing when no operation was selected).
func (w *walker) operation(op *ast.OperationDefinition) Measure {
	if op != nil {
		w.m.Directives = satAdd(w.m.Directives, len(op.Directives))
		w.m.Cost = w.selections(op.SelectionSet, 1)
	}
	return w.m
}

func (w *walker) selections(set ast.SelectionSet, depth int) int {
	cost := 0
	for _, sel := range set {
		w.visited++
		switch s := sel.(type) {
		case *ast.Field:
			cost = satAdd(cost, w.field(s, depth))
		case *ast.InlineFragment:
			w.m.Directives = satAdd(w.m.Directives, len(s.Directives))
			cost = satAdd(cost, w.selections(s.SelectionSet, depth))
		case *ast.FragmentSpread:
			cost = satAdd(cost, w.spread(s, depth))
		}
	}
	return cost
}

// spread adds a fragment spread at depth: the fragment's measure, taken
// from its first walk. Aliases and directives count once per spread, as
// if the fragment were written out at each one; all sums saturate, since
// a chain of fragments multiplies them as it does the cost.
func (w *walker) spread(s *ast.FragmentSpread, depth int) int {
	w.m.Directives = satAdd(w.m.Directives, len(s.Directives))
	if s.Definition == nil {
		return 0
	}
	fm, walked := w.fragments[s.Name]
	if !walked {
		fm = w.fragment(s.Name, s.Definition.SelectionSet)
	}
	if fm == nil {
		return 0 // spread inside itself
	}
	w.m.Aliases = satAdd(w.m.Aliases, fm.aliases)
	w.m.Directives = satAdd(w.m.Directives, fm.directives)
	if fm.depth > 0 {
		w.m.Depth = max(w.m.Depth, depth-1+fm.depth)
	}
	return fm.cost
}

// fragment walks a fragment's body on its own, as if spread at depth 1,
// and keeps its measure. BadInput carries over both ways: the first bad
// argument in walk order is the same one the expanded document has, since
// later spreads only repeat what the first walk saw.
func (w *walker) fragment(name string, set ast.SelectionSet) *fragmentMeasure {
	w.fragments[name] = nil
	outer := w.m
	w.m = Measure{BadInput: outer.BadInput}
	cost := w.selections(set, 1)
	fm := &fragmentMeasure{cost: cost, depth: w.m.Depth, aliases: w.m.Aliases, directives: w.m.Directives}
	outer.BadInput = w.m.BadInput
	w.m = outer
	w.fragments[name] = fm
	return fm
}

func (w *walker) field(f *ast.Field, depth int) int {
	w.m.Directives = satAdd(w.m.Directives, len(f.Directives))
	if f.Alias != "" && f.Alias != f.Name {
		w.m.Aliases = satAdd(w.m.Aliases, 1)
	}
	if strings.HasPrefix(f.Name, "__") {
		return 0 // introspection and __typename: exempt from depth and cost
	}
	if depth > w.m.Depth {
		w.m.Depth = depth
	}
	w.checkArguments(f)
	if len(f.SelectionSet) == 0 {
		return 0
	}
	cost := satMul(w.multiplier(f), satAdd(1, w.selections(f.SelectionSet, depth+1)))
	cost = satAdd(cost, w.workCost(f))
	if f.ObjectDefinition != nil {
		cost = satAdd(cost, scanCosts[f.ObjectDefinition.Name+"."+f.Name])
	}
	return cost
}

// scanCosts are what fields that read many rows to return a few cost on
// top of the objects they return: the analysts' aggregates, each one
// grouped statement over every user's data (see BENCHMARKS.md), and the
// admins' reconciliation. Totals of transactions may read the
// transactions themselves, the others read rollups or small tables. With
// the default budget (20,000 at once, 1,000 a second), a user runs four
// transaction totals a second.
var scanCosts = map[string]int{
	"Analytics.transactionTotals":  250,
	"Analytics.balances":           50,
	"Analytics.netPositions":       50,
	"Analytics.investmentExposure": 50,
	"Analytics.credentialsHealth":  50,
	"Analytics.syncFailures":       50,
	// The admins' reconciliation pages every provider's whole list (one
	// upstream request per page) and reads every stored credentials of
	// each provider: far more than any aggregate, and it spends the
	// provider's rate limit. At this cost an admin runs one every couple
	// of seconds under the default budget, and it leaves room for its
	// objects under the default limit.
	"Query.reconciliation": 2_000,
}

// multiplier is how many objects of f's type one selection of f can
// return: the ids it is given, the page size it asks for (the default page
// size when it pages without asking), or 1.
func (w *walker) multiplier(f *ast.Field) int {
	if f.Definition == nil {
		return 1
	}
	args := f.ArgumentMap(w.vars)
	if f.Definition.Arguments.ForName("ids") != nil {
		if ids, ok := args["ids"].([]any); ok {
			return max(len(ids), 1)
		}
		return 1
	}
	if f.Definition.Arguments.ForName("first") == nil && f.Definition.Arguments.ForName("last") == nil {
		return 1
	}
	for _, name := range []string{"first", "last"} {
		if n, ok := asInt(args[name]); ok && n > 0 {
			return int(min(n, costCeiling))
		}
	}
	return store.DefaultPageSize
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	}
	return 0, false
}

// checkArguments records the first argument of f no resolver could
// accept: an Int outside 32 bits (the parser accepts any 64-bit value), an
// enum value the type does not have (gqlgen maps an unknown enum variable
// to the zero value), or a custom scalar that does not parse. Refusing
// them here, before anything runs, keeps a bad value from failing inside
// a resolver after its siblings did their work, and its message never
// quotes the value.
func (w *walker) checkArguments(f *ast.Field) {
	if w.m.BadInput != nil || f.Definition == nil {
		return
	}
	for _, a := range f.Arguments {
		def := f.Definition.Arguments.ForName(a.Name)
		if def == nil {
			continue
		}
		v, err := a.Value.Value(w.vars)
		if err != nil {
			w.m.BadInput = badInput("argument %q of %q is not a 32-bit integer", a.Name, f.Name)
			return
		}
		if reason := w.invalid(def.Type, v); reason != "" {
			w.m.BadInput = badInput("argument %q of %q: %s", a.Name, f.Name, reason)
			return
		}
	}
}

// scalarChecks parse the custom scalars of the schema.
var scalarChecks = map[string]func(any) error{
	"Decimal":      func(v any) error { _, err := scalars.UnmarshalDecimal(v); return err },
	"Date":         func(v any) error { _, err := scalars.UnmarshalDate(v); return err },
	"CurrencyCode": func(v any) error { _, err := scalars.UnmarshalCurrencyCode(v); return err },
}

// invalid says why v, a value of type t, is unacceptable ("" when it is
// fine), looking into lists and input objects.
func (w *walker) invalid(t *ast.Type, v any) string {
	if v == nil || t == nil {
		return ""
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			return w.invalid(t.Elem, v) // a single value coerced to a list
		}
		for _, e := range list {
			if r := w.invalid(t.Elem, e); r != "" {
				return r
			}
		}
		return ""
	}
	if t.NamedType == "Int" && !fitsInt32(v) {
		return "not a 32-bit integer"
	}
	if str, ok := v.(string); ok && (t.NamedType == "String" || t.NamedType == "ID") {
		return invalidText(str, maxText)
	}
	if check, ok := scalarChecks[t.NamedType]; ok {
		if err := check(v); err != nil {
			_, msg, _ := apperr.Classify(err)
			return msg
		}
		return ""
	}
	if w.schema == nil {
		return ""
	}
	return w.invalidNamed(w.schema.Types[t.NamedType], v)
}

// invalidNamed checks enum membership and input object fields.
func (w *walker) invalidNamed(def *ast.Definition, v any) string {
	switch {
	case def == nil:
		return ""
	case def.Kind == ast.Enum:
		s, _ := v.(string)
		if def.EnumValues.ForName(s) == nil {
			return "not a value of " + def.Name
		}
	case def.Kind == ast.InputObject:
		obj, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		for _, fd := range def.Fields {
			r := w.invalid(fd.Type, obj[fd.Name])
			if limit, ok := textLimits[def.Name+"."+fd.Name]; ok && r == "" {
				str, _ := obj[fd.Name].(string)
				r = invalidText(str, limit)
			}
			if r != "" {
				return fd.Name + ": " + r
			}
		}
	}
	return ""
}

// maxText bounds any String or ID input (the request body cap bounds it
// anyway; this keeps one value from filling it).
const maxText = 64 << 10

// textLimits are tighter bounds of input fields that become SQL patterns:
// SQLite refuses LIKE patterns over 50,000 bytes, and a long pattern costs
// a scan per row for nothing.
var textLimits = map[string]int{
	"TransactionFilter.text":     200,
	"TransactionFilter.category": 200,
}

// invalidText refuses text a database cannot take (NUL, which PostgreSQL
// rejects in text; invalid UTF-8) or longer than limit bytes.
func invalidText(s string, limit int) string {
	switch {
	case len(s) > limit:
		return fmt.Sprintf("longer than %d bytes", limit)
	case strings.IndexByte(s, 0) >= 0:
		return "contains a NUL character"
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	}
	return ""
}

// fitsInt32 accepts the Go forms an Int value arrives in (literals as
// int64; variables as int64, float64, json.Number or a numeric string).
func fitsInt32(v any) bool {
	var f float64
	switch n := v.(type) {
	case int64:
		return n >= math.MinInt32 && n <= math.MaxInt32
	case int:
		return n >= math.MinInt32 && n <= math.MaxInt32
	case int32:
		return true
	case float64:
		f = n
	case json.Number:
		i, err := n.Int64()
		return err == nil && i >= math.MinInt32 && i <= math.MaxInt32
	case string:
		i, err := strconv.ParseInt(n, 10, 32)
		return err == nil && i == int64(int32(i))
	default:
		return true // not an integer at all: the validator's business
	}
	return f >= math.MinInt32 && f <= math.MaxInt32 && f == math.Trunc(f)
}

func badInput(format string, args ...any) *gqlerror.Error {
	return limitError(apperr.CodeBadUserInput, format, args...)
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
		return limitError(CodeTooComplex, "the query costs about %d (objects it may return, counts and filters it runs); the limit is %d: pass smaller first/last values, fewer totalCounts, or text filters of at least 3 characters", m.Cost, l.MaxCost)
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
	schema *ast.Schema // input object types, for the Int range check
}

var (
	_ graphql.HandlerExtension        = (*limitsExtension)(nil)
	_ graphql.OperationContextMutator = (*limitsExtension)(nil)
	_ graphql.ResponseInterceptor     = (*limitsExtension)(nil)
)

func (*limitsExtension) ExtensionName() string { return "QueryLimits" }

// Validate keeps the schema the argument checks walk.
func (e *limitsExtension) Validate(es graphql.ExecutableSchema) error {
	e.schema = es.Schema()
	return nil
}

const costStatsKey = "fingraph.cost"

func (e *limitsExtension) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	m := measure(rc, e.schema)
	if m.BadInput != nil {
		return m.BadInput
	}
	if err := e.limits.check(m); err != nil {
		return err
	}
	rc.Stats.SetExtension(costStatsKey, m.Cost)
	rc.Stats.SetExtension(loggedKey, &atomic.Bool{})
	return e.budget.charge(ctx, m.Cost)
}

// InterceptResponse reports the operation's cost in extensions.cost.
func (e *limitsExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
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
