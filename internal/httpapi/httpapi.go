// Package httpapi assembles fingraph's HTTP surface: the GraphQL endpoint
// behind authentication and a body cap, the playground, health probes and
// published keys, wrapped in request-ID, access-log and recovery
// middleware.
package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/fingraph/fingraph/internal/auth"
)

// Deps are the handlers and services the router wires together.
type Deps struct {
	GraphQL      http.Handler
	Verifier     auth.Verifier
	Ready        func(context.Context) error
	Playground   http.Handler // served at / (nil: no playground)
	Assets       http.Handler // served under /static/graphiql/
	JWKS         http.Handler // served at /.well-known/jwks.json (nil: none)
	Logger       *slog.Logger
	MaxBodyBytes int64
	// MaxUploadBytes caps a multipart (upload) request.
	MaxUploadBytes int64
	// UploadTimeout is the deadline of an upload operation (a large file
	// takes longer to arrive than a query takes to answer).
	UploadTimeout  time.Duration
	RequestTimeout time.Duration
	// OnboardingCallback serves the bank's redirect back after a consent
	// (nil: none).
	OnboardingCallback http.Handler
	// Webhooks stores provider webhook deliveries (nil: none);
	// MaxWebhookBytes caps one.
	Webhooks        WebhookIntake
	MaxWebhookBytes int64
	// CORSOrigins may call /graphql from another origin (none: same
	// origin only).
	CORSOrigins []string
	// Schema, when set, serves the schema as SDL at /graphql/schema.graphql.
	Schema http.Handler
	// Observer sees every request and webhook delivery (metrics); nil
	// sees nothing.
	Observer Observer
	// Trace, when set, wraps every request (tracing); it runs inside the
	// request ID and outside the access log, so the log line carries the
	// trace.
	Trace func(http.Handler) http.Handler
}

// Observer sees the HTTP surface, for metrics. Its arguments are bounded:
// route is the matched pattern without its method ("/graphql",
// "/webhooks/{provider}", "" when nothing matched), never a raw path; a
// webhook's provider is the path value as sent, which the observer must
// check against the providers it knows.
type Observer interface {
	// ObserveRequest reports one answered request; stream marks a
	// WebSocket or Server-Sent Events request, whose duration is the
	// stream's life.
	ObserveRequest(route, method string, status int, d time.Duration, stream bool)
	// ObserveWebhook reports one webhook delivery and what became of it
	// (a Webhook* result).
	ObserveWebhook(provider, result string)
}

// nopObserver observes nothing.
type nopObserver struct{}

func (nopObserver) ObserveRequest(string, string, int, time.Duration, bool) {}
func (nopObserver) ObserveWebhook(string, string)                           {}

// New returns the root handler.
func New(d Deps) http.Handler {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Observer == nil {
		d.Observer = nopObserver{}
	}
	if d.Trace == nil {
		d.Trace = func(h http.Handler) http.Handler { return h }
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz)
	mux.Handle("GET /readyz", readyz(d.Ready, d.Logger))
	mux.Handle("/graphql", withCORS(d.CORSOrigins, graphqlChain(d)))
	if d.Schema != nil {
		mux.Handle("GET /graphql/schema.graphql", withCORS(d.CORSOrigins, d.Schema))
	}
	if d.Playground != nil {
		mux.Handle("GET /{$}", d.Playground)
	}
	if d.Assets != nil {
		mux.Handle("GET /static/graphiql/", d.Assets)
	}
	if d.JWKS != nil {
		mux.Handle("/.well-known/jwks.json", d.JWKS)
	}
	if d.Webhooks != nil {
		mux.Handle("POST /webhooks/{provider}", webhooks(d.Webhooks, d.MaxWebhookBytes, d.Logger, d.Observer))
	}
	if d.OnboardingCallback != nil {
		mux.Handle("GET /onboarding/callback/{id}", d.OnboardingCallback)
	}
	return recoverer(d.Logger, requestID(d.Trace(accessLog(d.Logger, d.Observer, mux))))
}

// graphqlChain orders the GraphQL middleware: method check first (cheap),
// then authentication (no work for anonymous callers), then the body cap,
// then the per-operation deadline. Streams differ: a WebSocket
// authenticates in its connection_init message (browsers cannot set
// headers on an upgrade), and no stream has a deadline.
func graphqlChain(d Deps) http.Handler {
	h := withTimeout(d.RequestTimeout, d.UploadTimeout, d.GraphQL)
	h = limitBody(d.MaxBodyBytes, d.MaxUploadBytes, h)
	h = authenticate(d.Verifier, d.Logger, h)
	sse := authenticate(d.Verifier, d.Logger, limitBody(d.MaxBodyBytes, d.MaxUploadBytes, unbounded(d.GraphQL)))
	ws := unbounded(d.GraphQL)
	return allowMethods(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case isWebSocket(r):
			ws.ServeHTTP(w, r)
		case isEventStream(r):
			sse.ServeHTTP(w, r)
		default:
			h.ServeHTTP(w, r)
		}
	}), http.MethodGet, http.MethodPost)
}

func healthz(w http.ResponseWriter, _ *http.Request) {
	writeStatus(w, http.StatusOK, map[string]string{"status": "ok"})
}

func readyz(ready func(context.Context) error, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if ready != nil {
			if err := ready(ctx); err != nil {
				logger.WarnContext(ctx, "not ready", "error", err.Error())
				writeStatus(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
				return
			}
		}
		writeStatus(w, http.StatusOK, map[string]string{"status": "ready"})
	})
}

func writeStatus(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
