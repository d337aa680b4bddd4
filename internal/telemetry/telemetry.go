// Package telemetry sets up OpenTelemetry tracing for the server: the
// tracer provider and its exporter (chosen by the standard OTEL_*
// variables, read by internal/config), and the instrumentation of each
// layer: HTTP requests, GraphQL operations (otelgqlgen), SQL (GORM's
// OpenTelemetry plugin), provider calls (otelhttp on each provider's
// transport) and jobs (internal/jobs takes the provider).
//
// Tracing is off unless configured; then nothing here is installed at all.
// Spans never carry GraphQL variables or query text, resolver arguments,
// SQL parameters, URL query strings or provider bodies: the
// instrumentations are configured without them where they allow it, and
// every span passes a redacting exporter that drops or trims whatever an
// instrumentation records anyway. No global provider or propagator is set,
// and no trace context is taken from clients or sent to providers.
package telemetry

import (
	"context"
	"fmt"
	"io"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/fingraph/fingraph/internal/config"
)

// instrumentation names the spans this package starts itself.
const instrumentation = "github.com/fingraph/fingraph/internal/telemetry"

// Tracing is the server's tracer provider. Its zero value, and a nil
// *Tracing, trace nothing.
type Tracing struct {
	provider *sdktrace.TracerProvider
}

// Options tune Setup.
type Options struct {
	// Exporter, when set, receives every span synchronously whatever the
	// configuration says (tests use tracetest's in-memory exporter).
	Exporter sdktrace.SpanExporter
	// Console is where the "console" exporter writes (os.Stdout).
	Console io.Writer
	// Version is the service.version of the spans' resource.
	Version string
}

// Setup builds the tracer provider cfg asks for; with tracing off and no
// Options.Exporter it returns a Tracing that traces nothing. The OTLP
// exporter speaks HTTP/protobuf; its library also honours the other
// OTEL_EXPORTER_OTLP_* variables (timeout, compression, certificates)
// itself.
func Setup(ctx context.Context, cfg config.Tracing, o Options) (*Tracing, error) {
	exp, sync := o.Exporter, true
	if exp == nil {
		if !cfg.Enabled() {
			return &Tracing{}, nil
		}
		var err error
		if exp, err = newExporter(ctx, cfg, o.Console); err != nil {
			return nil, err
		}
		sync = false
	}
	// WithBatcher starts its processor's goroutine when called: call it
	// only when it is the one used, or that goroutine is never stopped.
	spans := sdktrace.WithSyncer(redacting{exp})
	if !sync {
		spans = sdktrace.WithBatcher(redacting{exp})
	}
	// An explicit resource: resource.Default would read
	// OTEL_RESOURCE_ATTRIBUTES behind the configuration's back.
	res := resource.NewSchemaless(attribute.String("service.name", cfg.ServiceName),
		attribute.String("service.version", o.Version))
	tp := sdktrace.NewTracerProvider(spans, sdktrace.WithResource(res), sdktrace.WithSampler(sampler(cfg)))
	return &Tracing{provider: tp}, nil
}

// newExporter builds the configured exporter.
func newExporter(ctx context.Context, cfg config.Tracing, console io.Writer) (sdktrace.SpanExporter, error) {
	switch cfg.Exporter {
	case config.ExporterConsole:
		return stdouttrace.New(stdouttrace.WithWriter(console))
	case config.ExporterOTLP:
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(cfg.Endpoint), otlptracehttp.WithHeaders(cfg.Headers))
		if err != nil {
			return nil, fmt.Errorf("telemetry: OTLP exporter: %w", err)
		}
		return exp, nil
	}
	return nil, fmt.Errorf("telemetry: unknown exporter %q", cfg.Exporter)
}

// sampler maps OTEL_TRACES_SAMPLER. Clients' trace context is never
// taken, so the parent-based samplers decide on roots like their
// delegates, and follow them for child spans.
func sampler(cfg config.Tracing) sdktrace.Sampler {
	ratio := sdktrace.TraceIDRatioBased(cfg.SamplerArg)
	switch cfg.Sampler {
	case "always_on":
		return sdktrace.AlwaysSample()
	case "always_off":
		return sdktrace.NeverSample()
	case "traceidratio":
		return ratio
	case "parentbased_always_off":
		return sdktrace.ParentBased(sdktrace.NeverSample())
	case "parentbased_traceidratio":
		return sdktrace.ParentBased(ratio)
	}
	return sdktrace.ParentBased(sdktrace.AlwaysSample())
}

// Enabled reports whether t traces anything.
func (t *Tracing) Enabled() bool { return t != nil && t.provider != nil }

// Provider returns the tracer provider, or nil when tracing is off.
func (t *Tracing) Provider() trace.TracerProvider {
	if !t.Enabled() {
		return nil
	}
	return t.provider
}

// Shutdown exports the spans still buffered and stops the exporter.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if !t.Enabled() {
		return nil
	}
	return t.provider.Shutdown(ctx)
}
