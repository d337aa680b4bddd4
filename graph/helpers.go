package graph

import (
	"context"
	"errors"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"github.com/fingraph/fingraph/graph/model"
	"github.com/fingraph/fingraph/internal/finance"
	"github.com/fingraph/fingraph/internal/store"
)

// listArgs validates Relay arguments and notes what the query reads:
// whether totalCount was selected, so the count query only runs when
// someone reads it, and which fields of the nodes.
func listArgs(ctx context.Context, first *int32, after *string, last *int32, before *string) (finance.ListArgs, error) {
	return listArgsOf(graphql.GetOperationContext(ctx), graphql.GetFieldContext(ctx).Field, first, after, last, before)
}

// listArgsOf is listArgs for any collected list field: a parent list
// computes its children's arguments with it (see children), and they must
// come out exactly as the child resolver's own, or its loader key misses.
func listArgsOf(oc *graphql.OperationContext, f graphql.CollectedField, first *int32, after *string, last *int32, before *string) (finance.ListArgs, error) {
	p, err := store.NewPage(first, last, after, before)
	if err != nil {
		return finance.ListArgs{}, err
	}
	withTotal := slices.ContainsFunc(graphql.CollectFields(oc, f.Selections, nil), func(c graphql.CollectedField) bool {
		return c.Name == "totalCount" || c.Name == "totalCountIsExact"
	})
	return finance.ListArgs{Page: p, Total: withTotal, Fields: nodeReads(oc, f), Children: children(oc, f)}, nil
}

// partial reports a non-fatal error (stale or missing provider data) next
// to the data instead of failing the field, so one provider outage never
// empties a whole dashboard.
func partial(ctx context.Context, err error) error {
	var p *finance.Partial
	if errors.As(err, &p) {
		graphql.AddError(ctx, p.Err)
		return nil
	}
	return err
}

// syncFailed reports whether a list's provider refresh failed (a
// finance.Partial): its connection says so in syncFailed, so that an empty
// list is not read as "none" by a client that skims the errors.
func syncFailed(err error) bool {
	var p *finance.Partial
	return errors.As(err, &p)
}

// total is a connection's capped count: totalCount and totalCountIsExact.
type total struct {
	count int32
	exact bool
}

// conn builds a Relay connection's pieces from a store page. Edges, each
// with an encoded cursor, are built only when the query selects them.
func conn[T any, E any](ctx context.Context, c *store.Conn[T], edge func(string, *T) E) ([]E, []T, *model.PageInfo, total) {
	if c == nil {
		return []E{}, []T{}, &model.PageInfo{}, total{exact: true}
	}
	edges := []E{}
	if slices.Contains(graphql.CollectAllFields(ctx), "edges") {
		edges = make([]E, len(c.Rows))
		for i := range c.Rows {
			edges[i] = edge(c.Cursor(i), &c.Rows[i])
		}
	}
	rows := c.Rows
	if rows == nil {
		rows = []T{}
	}
	return edges, rows, &model.PageInfo{
		HasNextPage: c.HasNextPage, HasPreviousPage: c.HasPreviousPage,
		StartCursor: c.StartCursor(), EndCursor: c.EndCursor(),
	}, total{count: int32(c.TotalCount), exact: c.TotalCountIsExact}
}

// txnFilter converts the GraphQL filter input.
func txnFilter(f *model.TransactionFilter) *store.TxnFilter {
	if f == nil {
		return nil
	}
	return &store.TxnFilter{From: f.From, To: f.To, MinAmount: f.MinAmount, MaxAmount: f.MaxAmount, Text: f.Text, Category: f.Category}
}

// siblingFields names the fields selected next to the current one on the
// same object of type typ (fragments included).
func siblingFields(ctx context.Context, typ string) []string {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return nil
	}
	parent := fc.Parent
	for parent != nil && parent.Field.Field == nil { // a list element's context: its list field is above
		parent = parent.Parent
	}
	if parent == nil {
		return nil
	}
	fields := graphql.CollectFields(graphql.GetOperationContext(ctx), parent.Field.Selections, []string{typ, "Node"})
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		out = append(out, f.Name)
	}
	return out
}
