package config

import (
	"errors"
	"strings"
	"testing"
)

func TestTelemetryDefaultsOff(t *testing.T) {
	c, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.MetricsAddr != "" || c.Tracing.Enabled() || c.Tracing.Exporter != ExporterNone {
		t.Fatalf("telemetry on by default: metrics %q, tracing %+v", c.MetricsAddr, c.Tracing)
	}
	if c.Tracing.ServiceName != "fingraph" || c.Tracing.Sampler != "parentbased_always_on" || c.Tracing.SamplerArg != 1 {
		t.Fatalf("tracing defaults %+v", c.Tracing)
	}
}

func TestTracingFromStandardVariables(t *testing.T) {
	tests := []struct {
		name         string
		env          map[string]string
		wantExporter string
		wantEndpoint string
	}{
		{"endpoint alone means otlp", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"},
			ExporterOTLP, "http://collector:4318/v1/traces"},
		{"traces endpoint as is", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://c.example/x",
			"OTEL_EXPORTER_OTLP_ENDPOINT": "http://ignored:4318"}, ExporterOTLP, "https://c.example/x"},
		{"otlp without endpoint", map[string]string{"OTEL_TRACES_EXPORTER": "otlp"}, ExporterOTLP,
			"http://localhost:4318/v1/traces"},
		{"console", map[string]string{"OTEL_TRACES_EXPORTER": "console"}, ExporterConsole, ""},
		{"explicit none wins", map[string]string{"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"},
			ExporterNone, "http://c:4318/v1/traces"},
		{"sdk disabled", map[string]string{"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}, ExporterNone, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if c.Tracing.Exporter != tt.wantExporter || c.Tracing.Endpoint != tt.wantEndpoint {
				t.Fatalf("exporter %q endpoint %q, want %q %q", c.Tracing.Exporter, c.Tracing.Endpoint,
					tt.wantExporter, tt.wantEndpoint)
			}
		})
	}
}

func TestTracingHeaders(t *testing.T) {
	c, err := load(map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "api-key=s%3Dcr3t, x-team = ops"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Tracing.Headers["api-key"] != "s=cr3t" || c.Tracing.Headers["x-team"] != "ops" {
		t.Fatalf("headers %v", c.Tracing.Headers)
	}
	_, err = load(map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "api-key"})
	if err == nil || strings.Contains(err.Error(), "api-key") {
		t.Fatalf("bad headers: %v (the message must not quote them)", err)
	}
}

func TestTelemetryInvalid(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantVar string
	}{
		{"metrics addr", map[string]string{"FINGRAPH_METRICS_ADDR": "9090"}, "FINGRAPH_METRICS_ADDR"},
		{"metrics on the public listener", map[string]string{"FINGRAPH_METRICS_ADDR": "127.0.0.1:8080"}, "FINGRAPH_METRICS_ADDR"},
		{"profiles without the metrics listener", map[string]string{"FINGRAPH_PPROF": "true"}, "FINGRAPH_PPROF"},
		{"exporter", map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, "OTEL_TRACES_EXPORTER"},
		{"endpoint", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}, "OTEL_EXPORTER_OTLP_ENDPOINT"},
		{"grpc", map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
			"OTEL_EXPORTER_OTLP_PROTOCOL"},
		{"sampler", map[string]string{"OTEL_TRACES_SAMPLER": "sometimes"}, "OTEL_TRACES_SAMPLER"},
		{"ratio", map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "2"},
			"OTEL_TRACES_SAMPLER_ARG"},
		{"ratio not a number", map[string]string{"OTEL_TRACES_SAMPLER_ARG": "half"}, "OTEL_TRACES_SAMPLER_ARG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(tt.env)
			var ce *Error
			if !errors.As(err, &ce) || ce.Var != tt.wantVar {
				t.Fatalf("err = %v, want one naming %s", err, tt.wantVar)
			}
		})
	}
}

func TestMetricsAddr(t *testing.T) {
	c, err := load(map[string]string{"FINGRAPH_METRICS_ADDR": "127.0.0.1:9090"})
	if err != nil || c.MetricsAddr != "127.0.0.1:9090" {
		t.Fatalf("%q, %v", c.MetricsAddr, err)
	}
}
