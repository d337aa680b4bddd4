package metrics

import (
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fingraph/fingraph/providers/guard"
)

func (m *Metrics) defineProviders() {
	m.providerCalls = m.counter("provider_calls_total",
		"Calls to a provider API (retries included in one call), by client and outcome (ok, client_error, "+
			"server_error, throttled, transport_error, timeout, canceled, circuit_open, bulkhead_full, rate_limited).",
		"provider", "outcome")
	m.providerDuration = m.histogram("provider_call_duration_seconds",
		"Time of a provider call that was sent, retries and backoff included (calls the guards refused excluded).",
		providerBuckets, "provider")
	m.providerRetries = m.counter("provider_retries_total", "Provider call attempts sent again.", "provider")
}

// Providers returns the guard.Observer the provider clients report to.
func (m *Metrics) Providers() guard.Observer { return providerObserver{m} }

type providerObserver struct{ m *Metrics }

// refusals are outcomes of calls that never left the process: timing them
// would only drag the latency percentiles towards zero.
var refusals = []string{"circuit_open", "bulkhead_full", "rate_limited"}

func (p providerObserver) Call(client, outcome string, d time.Duration) {
	p.m.providerCalls.WithLabelValues(client, outcome).Inc()
	if !slices.Contains(refusals, outcome) {
		p.m.providerDuration.WithLabelValues(client).Observe(d.Seconds())
	}
}

func (p providerObserver) Retry(client string) { p.m.providerRetries.WithLabelValues(client).Inc() }

// Watch creates the client's series and reads its guards on every scrape.
func (p providerObserver) Watch(client string, state func() guard.GuardsState) {
	for _, o := range guard.Outcomes() {
		p.m.providerCalls.WithLabelValues(client, o)
	}
	p.m.providerRetries.WithLabelValues(client)
	p.m.guards.watch(client, state)
}

// breakerStates are the states the breaker gauge has a series for.
var breakerStates = []string{"closed", "open", "half-open"}

// guardsCollector reads every watched client's breaker and bulkhead when
// scraped, so the gauges are never stale.
type guardsCollector struct {
	breaker, inFlight, queued *prometheus.Desc

	mu      sync.Mutex
	clients map[string]func() guard.GuardsState
}

func newGuardsCollector() *guardsCollector {
	desc := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(namespace, "", name), help, labels, nil)
	}
	return &guardsCollector{
		breaker: desc("provider_breaker_state",
			"1 for the state the provider's circuit breaker is in (closed, open, half-open), 0 for the others.",
			"provider", "state"),
		inFlight: desc("provider_bulkhead_in_flight", "Provider calls on the wire (bulkhead slots taken).", "provider"),
		queued:   desc("provider_bulkhead_queued", "Provider calls waiting for a bulkhead slot.", "provider"),
		clients:  map[string]func() guard.GuardsState{},
	}
}

func (c *guardsCollector) watch(client string, state func() guard.GuardsState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clients[client] = state
}

// Describe implements prometheus.Collector.
func (c *guardsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.breaker
	ch <- c.inFlight
	ch <- c.queued
}

// Collect implements prometheus.Collector.
func (c *guardsCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	clients := make(map[string]func() guard.GuardsState, len(c.clients))
	for k, v := range c.clients {
		clients[k] = v
	}
	c.mu.Unlock()
	for client, state := range clients {
		st := state()
		for _, s := range breakerStates {
			v := 0.0
			if s == st.Breaker {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(c.breaker, prometheus.GaugeValue, v, client, s)
		}
		ch <- prometheus.MustNewConstMetric(c.inFlight, prometheus.GaugeValue, float64(st.InFlight), client)
		ch <- prometheus.MustNewConstMetric(c.queued, prometheus.GaugeValue, float64(st.Queued), client)
	}
}
