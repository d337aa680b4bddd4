package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/fingraph/fingraph/internal/access"
)

// trailExtension opens the access trail of every operation: the services
// then record each user whose data an analyst or admin reads (one row per
// operation and user), named by the operation's name and the hash of its
// text, never its variables.
type trailExtension struct{ log *access.Log }

var (
	_ graphql.HandlerExtension     = trailExtension{}
	_ graphql.OperationInterceptor = trailExtension{}
)

func (trailExtension) ExtensionName() string { return "AccessTrail" }

func (trailExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (e trailExtension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	name := oc.OperationName
	if name == "" && oc.Operation != nil {
		name = oc.Operation.Name
	}
	return next(e.log.Begin(ctx, name, oc.RawQuery))
}
