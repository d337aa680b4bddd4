package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// CodeIntrospectionDisabled is the extensions.code of a rejected
// introspection query.
const CodeIntrospectionDisabled = "INTROSPECTION_DISABLED"

// rejectIntrospection refuses operations that select __schema or __type
// before any resolver runs, with a clear code instead of a field error.
// __typename stays allowed: clients need it for unions and caching.
type rejectIntrospection struct{}

var (
	_ graphql.HandlerExtension        = rejectIntrospection{}
	_ graphql.OperationContextMutator = rejectIntrospection{}
)

func (rejectIntrospection) ExtensionName() string { return "RejectIntrospection" }

func (rejectIntrospection) Validate(graphql.ExecutableSchema) error { return nil }

func (rejectIntrospection) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	for _, op := range rc.Doc.Operations {
		if selectsIntrospection(op.SelectionSet, map[string]bool{}) {
			return introspectionError()
		}
	}
	for _, f := range rc.Doc.Fragments {
		if selectsIntrospection(f.SelectionSet, map[string]bool{}) {
			return introspectionError()
		}
	}
	return nil
}

func introspectionError() *gqlerror.Error {
	err := &gqlerror.Error{Message: "introspection is disabled on this server"}
	errcode.Set(err, CodeIntrospectionDisabled)
	return err
}

func selectsIntrospection(set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" || selectsIntrospection(s.SelectionSet, seen) {
				return true
			}
		case *ast.InlineFragment:
			if selectsIntrospection(s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if !seen[s.Name] && s.Definition != nil {
				seen[s.Name] = true
				if selectsIntrospection(s.Definition.SelectionSet, seen) {
					return true
				}
			}
		}
	}
	return false
}
