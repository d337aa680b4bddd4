package graph

import (
	"log/slog"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/fingraph/fingraph/graph/generated"
	"github.com/fingraph/fingraph/internal/gqlhttp"
)

// HandlerOptions tunes the GraphQL handler.
type HandlerOptions struct {
	// Introspection enables __schema and __type (development and sandbox).
	Introspection bool
	// Logger receives unexpected resolver errors and panics.
	Logger *slog.Logger
	// Limits bound each operation; Budget rate-limits each user by cost.
	Limits Limits
	Budget *Budget
	// TokenLimit caps the lexer tokens of a query (0: unlimited).
	TokenLimit int
	// Suggestions keeps "Did you mean" hints in validation errors.
	Suggestions bool
	// Safelist, when set, restricts the user role to these operations.
	Safelist Safelist
	// MaxUploadBytes caps a multipart (upload) request; 0 turns uploads
	// off.
	MaxUploadBytes int64
}

// NewHandler builds the GraphQL executor explicitly with handler.New (never
// gqlgen's default server, whose transports and extensions are for
// development): only our spec-compliant POST and GET transports, an LRU
// cache of parsed queries, the error presenter and the recover func.
func NewHandler(r *Resolver, o HandlerOptions) *handler.Server {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: r}))
	srv.AddTransport(gqlhttp.GET{})
	if o.MaxUploadBytes > 0 { // before POST, which claims every other POST
		srv.AddTransport(gqlhttp.Multipart{MaxUploadSize: o.MaxUploadBytes, MaxMemory: 1 << 20})
	}
	srv.AddTransport(gqlhttp.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(o.TokenLimit)
	srv.SetDisableSuggestion(!o.Suggestions)
	pq := newPersistedQueries(o.Safelist)
	srv.Use(pq)
	if len(o.Safelist) > 0 {
		srv.Use(safelistExtension{list: o.Safelist})
	}
	srv.Use(&limitsExtension{limits: o.Limits, budget: o.Budget})
	if o.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(rejectIntrospection{})
	}
	srv.Use(apqRegister{pq: pq}) // last: only accepted requests register

	srv.SetErrorPresenter(ErrorPresenter(o.Logger, o.Suggestions))
	srv.SetRecoverFunc(RecoverFunc(o.Logger))
	return srv
}
