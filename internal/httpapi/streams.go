package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/rs/cors"
)

// isWebSocket reports a WebSocket upgrade (graphql-transport-ws).
func isWebSocket(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// isEventStream reports a graphql-sse request.
func isEventStream(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// unbounded lifts the server's read and write deadlines for a stream,
// which lives as long as its subscription (or its token) does; the
// per-operation deadline is not applied either.
func unbounded(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
		next.ServeHTTP(w, r)
	})
}

// withCORS answers preflights and adds CORS headers for the allowed
// origins. Tokens travel in the Authorization header, never cookies, so
// credentials are never allowed: a "*" origin cannot leak them.
func withCORS(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	return cors.New(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Authorization", "Content-Type", "Accept", "X-Request-ID",
			"GraphQL-Require-Preflight", "Apollo-Require-Preflight", "X-Apollo-Operation-Name"},
		ExposedHeaders:   []string{"X-Request-ID", "Retry-After"},
		AllowCredentials: false,
		MaxAge:           600,
	}).Handler(next)
}

// OriginHosts turns CORS origins into the host patterns a WebSocket
// upgrade checks its Origin against ("http://localhost:*" is
// "localhost:*").
func OriginHosts(origins []string) []string {
	var out []string
	for _, o := range origins {
		if o == "*" {
			return []string{"*"}
		}
		_, host, ok := strings.Cut(o, "://")
		if ok {
			out = append(out, strings.TrimSuffix(host, "/"))
		}
	}
	return out
}
