package telemetry

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/ravilushqa/otelgqlgen"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/fingraph/fingraph/internal/httpapi"
)

// GraphQL returns the gqlgen extension that traces each operation and
// each resolver (not every trivial field). Variables are never recorded;
// the query text and arguments otelgqlgen records anyway are dropped on
// export. Errors are recorded by extensions.code only: a message may
// quote a literal of the query.
func (t *Tracing) GraphQL() graphql.HandlerExtension {
	return otelgqlgen.Middleware(otelgqlgen.WithTracerProvider(t.provider), otelgqlgen.WithoutVariables(),
		otelgqlgen.WithCreateSpanFromFields(func(fc *graphql.FieldContext) bool { return fc.IsResolver }),
		otelgqlgen.WithInterceptResponseResultHandlerFunc(func(resp *graphql.Response, span trace.Span) *graphql.Response {
			if resp != nil {
				errorCodes(span, resp.Errors)
			}
			return resp
		}),
		otelgqlgen.WithInterceptFieldsResultHandlerFunc(func(res any, err error, errs gqlerror.List, span trace.Span) (any, error) {
			errorCodes(span, errs)
			return res, err
		}))
}

// errorCodes marks span failed when errs is not empty, with the errors'
// extensions.code values (the presenter sets them from a fixed list).
func errorCodes(span trace.Span, errs gqlerror.List) {
	if len(errs) == 0 {
		return
	}
	list := make([]string, 0, len(errs))
	for _, e := range errs {
		c, _ := e.Extensions["code"].(string)
		list = append(list, c)
	}
	span.SetStatus(codes.Error, "GraphQL errors")
	span.SetAttributes(attribute.Int("graphql.error.count", len(errs)), attribute.StringSlice("graphql.error.codes", list))
}

// Transport returns the wrapper of a provider client's HTTP transport:
// one client span per request, named after the client and method. No
// trace context goes to the provider (an empty propagator), and the
// URL's query string is trimmed on export.
func (t *Tracing) Transport(client string) func(http.RoundTripper) http.RoundTripper {
	return func(rt http.RoundTripper) http.RoundTripper {
		return otelhttp.NewTransport(rt, otelhttp.WithTracerProvider(t.provider),
			otelhttp.WithPropagators(propagation.NewCompositeTextMapPropagator()),
			otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return client + " " + r.Method }))
	}
}

// Middleware starts a server span for every request, a new root each time
// (a client's traceparent is not trusted), named after the method and the
// route that matched, never the raw path.
func (t *Tracing) Middleware(next http.Handler) http.Handler {
	tracer := t.provider.Tracer(instrumentation)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tracer.Start(r.Context(), "HTTP "+r.Method, trace.WithNewRoot(),
			trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attribute.String("http.request.method", r.Method)))
		defer span.End()
		rec := httpapi.NewStatusRecorder(w)
		r = r.WithContext(ctx)
		next.ServeHTTP(rec, r)
		if route := httpapi.Route(r); route != "" {
			span.SetName("HTTP " + r.Method + " " + route)
			span.SetAttributes(attribute.String("http.route", route))
		}
		status := rec.Status()
		if status == 0 {
			status = http.StatusOK
		}
		span.SetAttributes(attribute.Int("http.response.status_code", status))
		if status >= http.StatusInternalServerError {
			span.SetStatus(codes.Error, http.StatusText(status))
		}
	})
}
