package telemetry

import (
	"context"
	"regexp"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// redacting passes spans to an exporter without what must never leave the
// process, whatever an instrumentation recorded: otelgqlgen records the
// query text (inline literals included) and resolver arguments even
// without variables, and otelhttp records full URLs, query strings
// included, in attributes and error messages.
type redacting struct{ next sdktrace.SpanExporter }

// dropped are attribute keys, or key prefixes ending in ".", never
// exported.
var dropped = []string{
	"gql.request.query", "gql.request.variables.", "gql.resolver.args.", "gql.resolver.error.",
	"graphql.document", "graphql.request.query", "graphql.request.variables.", "graphql.resolver.args.",
	"url.query", "http.request.header.", "http.response.header.", "db.query.parameter.",
}

// urlQuery matches the query string (and fragment) of a URL in any text,
// urlUser its user info.
var (
	urlQuery = regexp.MustCompile(`(https?://[^\s"'?#]*)[?#][^\s"']*`)
	urlUser  = regexp.MustCompile(`(https?://)[^\s"'/@]*@`)
)

// ExportSpans implements sdktrace.SpanExporter.
func (r redacting) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	out := make([]sdktrace.ReadOnlySpan, len(spans))
	for i, s := range spans {
		out[i] = redact(s)
	}
	return r.next.ExportSpans(ctx, out)
}

// Shutdown implements sdktrace.SpanExporter.
func (r redacting) Shutdown(ctx context.Context) error { return r.next.Shutdown(ctx) }

// redact copies s without the dropped attributes and with URL query
// strings and user info trimmed from every text it carries.
func redact(s sdktrace.ReadOnlySpan) sdktrace.ReadOnlySpan {
	stub := tracetest.SpanStubFromReadOnlySpan(s)
	stub.Name = trimQueries(stub.Name)
	stub.Attributes = redactAttrs(stub.Attributes)
	stub.Status.Description = trimQueries(stub.Status.Description)
	for i := range stub.Events {
		stub.Events[i].Name = trimQueries(stub.Events[i].Name)
		stub.Events[i].Attributes = redactAttrs(stub.Events[i].Attributes)
	}
	return stub.Snapshot()
}

func redactAttrs(in []attribute.KeyValue) []attribute.KeyValue {
	out := make([]attribute.KeyValue, 0, len(in))
	for _, kv := range in {
		if isDropped(string(kv.Key)) {
			continue
		}
		if kv.Value.Type() == attribute.STRING {
			kv.Value = attribute.StringValue(trimQueries(kv.Value.AsString()))
		}
		out = append(out, kv)
	}
	return out
}

func isDropped(key string) bool {
	for _, d := range dropped {
		if key == d || (strings.HasSuffix(d, ".") && strings.HasPrefix(key, d)) {
			return true
		}
	}
	return false
}

func trimQueries(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlUser.ReplaceAllString(urlQuery.ReplaceAllString(s, "$1"), "$1")
}
