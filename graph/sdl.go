package graph

import (
	"bytes"
	"net/http"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/fingraph/fingraph/graph/generated"
)

// SDL prints the schema clients see as one document: what
// schema.graphql holds and /graphql/schema.graphql serves, for
// generating client types.
func SDL(s *ast.Schema) []byte {
	var b bytes.Buffer
	formatter.NewFormatter(&b, formatter.WithIndent("  "), formatter.WithComments()).FormatSchema(s)
	return b.Bytes()
}

// PublicSchema is the executable schema without any resolvers, with the
// development-only fields (the sandbox namespace) removed: the schema of a
// production server, and schema.graphql.
func PublicSchema() *ast.Schema {
	return withoutDevOnly(fullSchema())
}

// SchemaOf is the schema a handler built with o serves: PublicSchema,
// plus the sandbox namespace when o.Sandbox.
func SchemaOf(o HandlerOptions) *ast.Schema {
	if o.Sandbox {
		return fullSchema()
	}
	return PublicSchema()
}

// fullSchema is the parsed schema of every schema/*.graphqls, shared by
// the process: never change it.
func fullSchema() *ast.Schema { return generated.NewExecutableSchema(generated.Config{}).Schema() }

// SDLHandler serves the SDL of s.
func SDLHandler(s *ast.Schema) http.Handler {
	doc := SDL(s)
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(doc)
	})
}
