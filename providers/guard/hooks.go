package guard

import (
	"net/http"
	"time"

	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// Observer sees a provider client's calls, retries and guards, for
// metrics. The server implements it; the clients call it. Its arguments
// are bounded values only (client name, outcome, durations, counts).
type Observer = httpx.Observer

// GuardsState is the snapshot of a client's breaker and bulkhead that
// Observer.Watch reads.
type GuardsState = httpx.GuardsState

// Outcomes lists every call outcome Observer.Call reports ("ok",
// "server_error", "circuit_open", ...).
func Outcomes() []string { return httpx.Outcomes() }

// Hooks connect a provider client to the server's telemetry without the
// client importing the server. The zero value connects nothing.
type Hooks struct {
	// Observer receives the client's calls and guards (metrics).
	Observer Observer
	// WrapTransport wraps the client's HTTP transport (tracing); nil
	// leaves it alone. The transport it gets may be nil, meaning
	// http.DefaultTransport.
	WrapTransport func(http.RoundTripper) http.RoundTripper
}

// HTTPClient returns an http.Client with timeout whose transport goes
// through WrapTransport, for a client built from configuration.
func (h Hooks) HTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: h.Transport(nil)}
}

// Transport returns rt wrapped by WrapTransport (rt itself without it).
func (h Hooks) Transport(rt http.RoundTripper) http.RoundTripper {
	if h.WrapTransport == nil {
		return rt
	}
	return h.WrapTransport(rt)
}
