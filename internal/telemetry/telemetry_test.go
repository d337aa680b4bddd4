package telemetry

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/fingraph/fingraph/internal/config"
)

func setup(t *testing.T) (*Tracing, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tr, err := Setup(context.Background(), config.Tracing{ServiceName: "fingraph", Sampler: "parentbased_always_on"},
		Options{Exporter: exp})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tr.Shutdown(context.Background()) })
	return tr, exp
}

func TestOffByDefault(t *testing.T) {
	tr, err := Setup(context.Background(), config.Tracing{Exporter: config.ExporterNone}, Options{})
	if err != nil || tr.Enabled() || tr.Provider() != nil {
		t.Fatalf("tracing on without configuration: %v %v", tr.Enabled(), err)
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	var none *Tracing
	if none.Enabled() {
		t.Fatal("nil tracing enabled")
	}
}

func TestConsoleExporter(t *testing.T) {
	var buf bytes.Buffer
	tr, err := Setup(context.Background(), config.Tracing{Exporter: config.ExporterConsole, ServiceName: "fingraph",
		Sampler: "always_on"}, Options{Console: &buf})
	if err != nil {
		t.Fatal(err)
	}
	_, span := tr.Provider().Tracer("t").Start(context.Background(), "hello")
	span.SetAttributes(attribute.String("url.full", "https://api.example/x?token=s3cr3t"))
	span.End()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"hello"`) || strings.Contains(buf.String(), "s3cr3t") {
		t.Fatalf("console output %s", buf.String())
	}
}

// TestRedaction: what instrumentations record anyway never leaves.
func TestRedaction(t *testing.T) {
	tr, exp := setup(t)
	_, span := tr.Provider().Tracer("t").Start(context.Background(), "GET https://api.example/x?code=s3cr3t")
	span.SetAttributes(
		attribute.String("graphql.request.query", `mutation { link(code: "s3cr3t") }`),
		attribute.String("graphql.resolver.args.code", `"s3cr3t"`),
		attribute.String("graphql.request.variables.code", "s3cr3t"),
		attribute.String("url.full", "https://user:pw@api.example/v1/x?token=s3cr3t#frag"),
		attribute.String("url.query", "token=s3cr3t"),
		attribute.String("db.query.text", "SELECT * FROM accounts WHERE id = $1"),
		attribute.String("graphql.operation.name", "Accounts"),
	)
	span.RecordError(errors.New(`Get "https://api.example/x?token=s3cr3t": dial tcp: refused`))
	span.End()
	spans := exp.GetSpans()
	if len(spans) != 1 {
		t.Fatalf("%d spans", len(spans))
	}
	s := spans[0]
	dump := s.Name
	for _, kv := range s.Attributes {
		dump += " " + string(kv.Key) + "=" + kv.Value.Emit()
	}
	for _, e := range s.Events {
		for _, kv := range e.Attributes {
			dump += " " + string(kv.Key) + "=" + kv.Value.Emit()
		}
	}
	if strings.Contains(dump, "s3cr3t") || strings.Contains(dump, "frag") || strings.Contains(dump, "pw@") {
		t.Fatalf("a secret was exported: %s", dump)
	}
	for _, want := range []string{"db.query.text=SELECT * FROM accounts WHERE id = $1", "graphql.operation.name=Accounts",
		"url.full=https://api.example/v1/x", "dial tcp: refused"} {
		if !strings.Contains(dump, want) {
			t.Errorf("lost %q: %s", want, dump)
		}
	}
}

func TestMiddlewareNamesTheRoute(t *testing.T) {
	tr, exp := setup(t)
	mux := http.NewServeMux()
	var inner trace.SpanContext
	mux.HandleFunc("POST /webhooks/{provider}", func(w http.ResponseWriter, r *http.Request) {
		inner = trace.SpanContextFromContext(r.Context())
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	req := httptest.NewRequest(http.MethodPost, "/webhooks/flinks?x=s3cr3t", nil)
	req.Header.Set("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	tr.Middleware(mux).ServeHTTP(httptest.NewRecorder(), req)
	spans := exp.GetSpans()
	if len(spans) != 1 || spans[0].Name != "HTTP POST /webhooks/{provider}" {
		t.Fatalf("spans %v", spans)
	}
	if !inner.IsValid() || inner.TraceID() != spans[0].SpanContext.TraceID() {
		t.Fatal("the handler does not run in the span")
	}
	if spans[0].Parent.IsValid() || spans[0].SpanContext.TraceID().String() == "0af7651916cd43dd8448eb211c80319c" {
		t.Fatal("a client's traceparent was trusted")
	}
	if spans[0].Status.Code.String() != "Error" {
		t.Errorf("status %v for a 503", spans[0].Status)
	}
}

func TestTransportSendsNoTraceContext(t *testing.T) {
	tr, exp := setup(t)
	var header http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { header = r.Header.Clone() }))
	defer srv.Close()
	c := &http.Client{Transport: tr.Transport("flanks")(nil)}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v0/x?token=s3cr3t", nil)
	ctx, parent := tr.Provider().Tracer("t").Start(context.Background(), "parent")
	res, err := c.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	parent.End()
	if header.Get("Traceparent") != "" {
		t.Fatal("trace context sent to the provider")
	}
	var found bool
	for _, s := range exp.GetSpans() {
		if s.Name == "flanks GET" {
			found = true
			for _, kv := range s.Attributes {
				if strings.Contains(kv.Value.Emit(), "s3cr3t") {
					t.Fatalf("query string exported in %s", kv.Key)
				}
			}
		}
	}
	if !found {
		t.Fatalf("no provider span: %v", exp.GetSpans())
	}
}
