package app

import (
	"context"
	"errors"
	"strings"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/fingraph/fingraph/graph"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/finance"
	"github.com/fingraph/fingraph/internal/httpapi"
	"github.com/fingraph/fingraph/internal/realtime"
)

// connKey carries a WebSocket connection's release func.
type connKey struct{}

// streamOptions authenticates WebSocket connections in connection_init
// (the browser WebSocket API cannot set headers), counts them per user,
// and ends each one when its token expires.
func (a *App) streamOptions(v auth.Verifier, rt *realtime.Service, fin *finance.Service) *graph.StreamOptions {
	return &graph.StreamOptions{
		Init: func(ctx context.Context, p transport.InitPayload) (context.Context, error) {
			token, _ := strings.CutPrefix(p.Authorization(), "Bearer ")
			principal, err := v.Verify(ctx, strings.TrimSpace(token))
			if err != nil {
				a.logger.InfoContext(ctx, "rejected token in connection_init", "reason", err.Error())
				return ctx, errors.New("a valid bearer token is required in connection_init: {\"Authorization\": \"Bearer ...\"}")
			}
			ctx = auth.NewContext(ctx, principal)
			release, err := rt.Connect(ctx)
			if err != nil {
				return ctx, err
			}
			var cancel context.CancelFunc = func() {}
			if !principal.ExpiresAt.IsZero() {
				ctx, cancel = context.WithDeadline(ctx, principal.ExpiresAt)
			}
			return context.WithValue(ctx, connKey{}, func() { cancel(); release() }), nil
		},
		Closed: func(ctx context.Context) {
			if release, ok := ctx.Value(connKey{}).(func()); ok {
				release()
			}
		},
		OriginPatterns: httpapi.OriginHosts(a.Config.CORSOrigins),
		Fresh:          fin.WithLoaders,
	}
}
