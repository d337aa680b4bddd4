package graph

import (
	"context"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/fingraph/fingraph/graph/generated"
	"github.com/fingraph/fingraph/internal/access"
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
	// Streams, when set, serves subscriptions over WebSocket and SSE.
	Streams *StreamOptions
	// Sandbox keeps the development-only `sandbox` mutations (resolved by
	// Resolver.Simulators) in the schema; without it they do not exist.
	Sandbox bool
	// Trail records analysts' and admins' reads of other users' data (nil:
	// nothing is recorded).
	Trail *access.Log
	// Extensions observe every operation (metrics, tracing); they are
	// installed first, so they also see the responses of operations the
	// limits, budget or safelist reject.
	Extensions []graphql.HandlerExtension
}

// StreamOptions configure the subscription transports.
type StreamOptions struct {
	// Init authenticates a WebSocket's connection_init payload and returns
	// the connection's context (which should end when the token expires);
	// Closed is called when that connection ends.
	Init   func(ctx context.Context, payload transport.InitPayload) (context.Context, error)
	Closed func(ctx context.Context)
	// OriginPatterns are the browser origins (host patterns, as in
	// CORS) allowed to open a WebSocket from another origin.
	OriginPatterns []string
	// KeepAlive is the interval of keep-alive messages (default 20 s).
	KeepAlive time.Duration
	// Fresh returns ctx with fresh data loaders: each event of a
	// subscription is read anew, never from an earlier event's cache.
	Fresh func(ctx context.Context) context.Context
}

// NewHandler builds the GraphQL executor explicitly with handler.New (never
// gqlgen's default server, whose transports and extensions are for
// development): only our spec-compliant POST and GET transports, an LRU
// cache of parsed queries, the error presenter and the recover func.
func NewHandler(r *Resolver, o HandlerOptions) *handler.Server {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	srv := handler.New(generated.NewExecutableSchema(generated.Config{Resolvers: r, Schema: SchemaOf(o)}))
	if o.Streams != nil { // before POST, which would claim an SSE request
		addStreams(srv, o.Streams)
	}
	srv.AddTransport(gqlhttp.GET{})
	if o.MaxUploadBytes > 0 { // before POST, which claims every other POST
		srv.AddTransport(gqlhttp.Multipart{MaxUploadSize: o.MaxUploadBytes, MaxMemory: 1 << 20})
	}
	srv.AddTransport(gqlhttp.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(o.TokenLimit)
	srv.SetDisableSuggestion(!o.Suggestions)
	for _, e := range o.Extensions {
		srv.Use(e)
	}
	pq := newPersistedQueries(o.Safelist)
	srv.Use(pq)
	if len(o.Safelist) > 0 {
		srv.Use(safelistExtension{list: o.Safelist})
	}
	srv.Use(&limitsExtension{limits: o.Limits, budget: o.Budget})
	srv.Use(trailExtension{log: o.Trail})
	srv.Use(planExtension{})
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

// addStreams registers graphql-transport-ws over WebSocket and graphql-sse
// (distinct connections mode).
func addStreams(srv *handler.Server, o *StreamOptions) {
	if o.KeepAlive <= 0 {
		o.KeepAlive = 20 * time.Second
	}
	srv.AddTransport(transport.SSE{KeepAlivePingInterval: o.KeepAlive})
	srv.AddTransport(transport.Websocket{
		Implementation: transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{
			OriginPatterns: o.OriginPatterns}},
		InitTimeout:           10 * time.Second,
		KeepAlivePingInterval: o.KeepAlive,
		PingPongInterval:      o.KeepAlive,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			ctx, err := o.Init(ctx, p)
			return ctx, nil, err
		},
		CloseFunc: func(ctx context.Context, _ int) {
			if o.Closed != nil {
				o.Closed(ctx)
			}
		},
	})
	if o.Fresh != nil {
		srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
			if !graphql.HasOperationContext(ctx) {
				return next(ctx)
			}
			if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
				ctx = o.Fresh(ctx)
			}
			return next(ctx)
		})
	}
}
