package config

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// Tracing configures OpenTelemetry tracing from the standard OTEL_*
// variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/),
// read here like every other variable. Tracing is off unless an exporter
// is configured.
type Tracing struct {
	// Exporter is OTEL_TRACES_EXPORTER: "otlp" (OTLP over HTTP/protobuf),
	// "console" (spans as JSON on stdout, for a look on a laptop) or
	// "none". Unset, it is "otlp" when an OTLP endpoint is set and
	// "none" otherwise (the specification's default of "otlp" would send
	// spans to a localhost collector nobody runs). OTEL_SDK_DISABLED=true
	// forces "none".
	Exporter string
	// Endpoint is where OTLP spans go: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
	// as is, else OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/traces", else
	// http://localhost:4318/v1/traces.
	Endpoint string
	// Headers go with every export (OTEL_EXPORTER_OTLP_TRACES_HEADERS,
	// else OTEL_EXPORTER_OTLP_HEADERS: "key=value,key2=value2",
	// URL-encoded values). They may hold a vendor's API key: never logged.
	Headers map[string]string
	// ServiceName is OTEL_SERVICE_NAME (default "fingraph").
	ServiceName string
	// Sampler and SamplerArg are OTEL_TRACES_SAMPLER (default
	// parentbased_always_on) and OTEL_TRACES_SAMPLER_ARG (the ratio of the
	// *traceidratio samplers, default 1).
	Sampler    string
	SamplerArg float64
	// Protocol is OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else
	// OTEL_EXPORTER_OTLP_PROTOCOL: only http/protobuf is built in.
	Protocol string
}

// Tracing exporters.
const (
	ExporterNone    = "none"
	ExporterOTLP    = "otlp"
	ExporterConsole = "console"
)

// samplers are the OTEL_TRACES_SAMPLER values supported.
var samplers = []string{"always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off",
	"parentbased_traceidratio"}

// Enabled reports whether spans are exported at all.
func (t Tracing) Enabled() bool { return t.Exporter != ExporterNone }

func loadTracing(r *Reader) Tracing {
	t := Tracing{
		Exporter:    strings.ToLower(r.Str("OTEL_TRACES_EXPORTER", "")),
		Endpoint:    r.Str("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", ""),
		ServiceName: r.Str("OTEL_SERVICE_NAME", "fingraph"),
		Sampler:     strings.ToLower(r.Str("OTEL_TRACES_SAMPLER", "parentbased_always_on")),
		SamplerArg:  r.Float64("OTEL_TRACES_SAMPLER_ARG", 1),
		Protocol:    r.Str("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", r.Str("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")),
	}
	if base := r.Str("OTEL_EXPORTER_OTLP_ENDPOINT", ""); t.Endpoint == "" && base != "" {
		t.Endpoint = strings.TrimRight(base, "/") + "/v1/traces"
	}
	if t.Exporter == "" {
		t.Exporter = ExporterNone
		if t.Endpoint != "" {
			t.Exporter = ExporterOTLP
		}
	}
	if r.Bool("OTEL_SDK_DISABLED", false) {
		t.Exporter = ExporterNone
	}
	if t.Exporter == ExporterOTLP && t.Endpoint == "" {
		t.Endpoint = "http://localhost:4318/v1/traces"
	}
	headers := r.Str("OTEL_EXPORTER_OTLP_TRACES_HEADERS", r.Str("OTEL_EXPORTER_OTLP_HEADERS", ""))
	var err error
	if t.Headers, err = parseHeaders(headers); err != nil {
		r.Fail("OTEL_EXPORTER_OTLP_HEADERS", err.Error())
	}
	return t
}

// parseHeaders reads "key=value,key2=value2" with URL-encoded values; the
// message of its error never quotes a value (it may be a key).
func parseHeaders(s string) (map[string]string, error) {
	out := map[string]string{}
	if s == "" {
		return out, nil
	}
	for part := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		k = strings.TrimSpace(k)
		value, err := url.QueryUnescape(strings.TrimSpace(v))
		if !ok || k == "" || err != nil {
			return nil, fmt.Errorf("must look like key=value,key2=value2 (URL-encoded values)")
		}
		out[k] = value
	}
	return out, nil
}

// validateTelemetry checks the metrics listener and the tracing exporter.
func (c Config) validateTelemetry() error {
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return &Error{"FINGRAPH_METRICS_ADDR", fmt.Sprintf("must be host:port (e.g. 127.0.0.1:9090), not %q", c.MetricsAddr)}
		}
		if c.MetricsAddr == c.Addr {
			return &Error{"FINGRAPH_METRICS_ADDR", "must differ from FINGRAPH_ADDR: metrics never share the public listener"}
		}
	}
	if c.Pprof && c.MetricsAddr == "" {
		return &Error{"FINGRAPH_PPROF", "needs FINGRAPH_METRICS_ADDR: profiles are served on the metrics listener only"}
	}
	t := c.Tracing
	switch t.Exporter {
	case ExporterNone, ExporterConsole:
	case ExporterOTLP:
		if err := CheckHTTPURL(t.Endpoint); err != nil {
			return &Error{"OTEL_EXPORTER_OTLP_ENDPOINT", err.Error()}
		}
		if t.Protocol != "http/protobuf" {
			return &Error{"OTEL_EXPORTER_OTLP_PROTOCOL", fmt.Sprintf("only http/protobuf is supported, not %q", t.Protocol)}
		}
	default:
		return &Error{"OTEL_TRACES_EXPORTER", fmt.Sprintf("must be otlp, console or none, not %q", t.Exporter)}
	}
	if !slices.Contains(samplers, t.Sampler) {
		return &Error{"OTEL_TRACES_SAMPLER", fmt.Sprintf("must be one of %s, not %q", strings.Join(samplers, ", "), t.Sampler)}
	}
	if t.SamplerArg < 0 || t.SamplerArg > 1 {
		return &Error{"OTEL_TRACES_SAMPLER_ARG", "must be between 0 and 1"}
	}
	return nil
}
