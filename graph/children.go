package graph

import (
	"reflect"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"github.com/fingraph/fingraph/internal/finance"
)

// childLists are, per node type, the list fields that a page of such
// nodes can read ahead for all its rows (finance.Child); the finance
// service knows the same relations.
var childLists = map[string][]string{
	"Credentials": {"accounts", "portfolios", "investments", "liabilities", "cards", "holders"},
	"Account":     {"transactions"},
	"Portfolio":   {"investments"},
	"Investment":  {"transactions"},
	"Liability":   {"transactions"},
	"Card":        {"transactions"},
}

// children returns the child lists a connection field's nodes select,
// each with the arguments its resolver will compute. A child with a
// filter, or whose arguments do not convert, is left out: its resolver
// then reads on its own and reports any error itself.
func children(oc *graphql.OperationContext, list graphql.CollectedField) []finance.Child {
	var out []finance.Child
	for _, s := range nodeSelections(oc, list) {
		names := childLists[s.typ]
		if names == nil {
			continue
		}
		for _, f := range graphql.CollectFields(oc, s.sel, []string{s.typ, "Node"}) {
			if !slices.Contains(names, f.Name) {
				continue
			}
			c, ok := childOf(oc, f)
			if ok && !slices.ContainsFunc(out, func(o finance.Child) bool { return reflect.DeepEqual(o, c) }) {
				out = append(out, c)
			}
		}
	}
	return out
}

// childOf converts a child list field's arguments the way gqlgen does for
// its resolver (Int as int32, String as string).
func childOf(oc *graphql.OperationContext, f graphql.CollectedField) (finance.Child, bool) {
	args := f.ArgumentMap(oc.Variables)
	if args["filter"] != nil {
		return finance.Child{}, false
	}
	first, err1 := optional(args["first"], graphql.UnmarshalInt32)
	last, err2 := optional(args["last"], graphql.UnmarshalInt32)
	after, err3 := optional(args["after"], graphql.UnmarshalString)
	before, err4 := optional(args["before"], graphql.UnmarshalString)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return finance.Child{}, false
	}
	a, err := listArgsOf(oc, f, first, after, last, before)
	if err != nil {
		return finance.Child{}, false
	}
	return finance.Child{Field: f.Name, Args: a}, true
}

func optional[T any](v any, conv func(any) (T, error)) (*T, error) {
	if v == nil {
		return nil, nil
	}
	t, err := conv(v)
	if err != nil {
		return nil, err
	}
	return &t, nil
}
