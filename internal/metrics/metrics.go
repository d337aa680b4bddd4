// Package metrics defines fingraph's Prometheus metrics and the hooks that
// feed them: the HTTP surface and webhooks (httpapi.Observer), GraphQL
// operations (a gqlgen extension), provider calls and guards
// (guard.Observer), the cache (aggregate.Observer), background jobs,
// open subscriptions and the database pool.
//
// Every label is bounded: routes are mux patterns, providers and products
// are names from code, outcomes and codes come from fixed lists, and a
// GraphQL operation is named only when it is in the safelist. No label
// ever holds a user, credentials or request identifier, a raw path or a
// query. The metrics live in the registry given to New, never in
// prometheus.DefaultRegisterer, and are served by Handler on a listener of
// their own (FINGRAPH_METRICS_ADDR), never on the public API.
package metrics

import (
	"net/http"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every fingraph metric.
const namespace = "fingraph"

// Latency buckets, in seconds: requests answer in milliseconds from the
// cache and in seconds when a provider is slow; provider calls and jobs
// run longer.
var (
	requestBuckets  = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}
	providerBuckets = []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}
	jobBuckets      = []float64{0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300}
)

// Options tune the metrics.
type Options struct {
	// Providers are the provider names a webhook path may carry; any
	// other value counts as "other", so a client cannot mint series.
	Providers []string
}

// Metrics holds fingraph's metric families. It is safe for concurrent use.
type Metrics struct {
	reg       *prometheus.Registry
	providers []string

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	webhooks     *prometheus.CounterVec

	gqlOperations *prometheus.CounterVec
	gqlDuration   *prometheus.HistogramVec
	gqlErrors     *prometheus.CounterVec

	providerCalls    *prometheus.CounterVec
	providerDuration *prometheus.HistogramVec
	providerRetries  *prometheus.CounterVec
	guards           *guardsCollector

	cacheHits    *prometheus.CounterVec
	cacheFetches *prometheus.CounterVec
	cacheStale   *prometheus.CounterVec

	jobRuns     *prometheus.CounterVec
	jobDuration *prometheus.HistogramVec
}

// New defines the metrics in reg, with the Go runtime and process
// collectors.
func New(reg *prometheus.Registry, o Options) *Metrics {
	m := &Metrics{reg: reg, providers: slices.Clone(o.Providers), guards: newGuardsCollector()}
	m.defineHTTP()
	m.defineGraphQL()
	m.defineProviders()
	m.defineCache()
	m.defineJobs()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.guards)
	for _, p := range m.providers {
		for _, r := range webhookResults {
			m.webhooks.WithLabelValues(p, r)
		}
	}
	return m
}

// Handler serves the registry in the Prometheus text format. A collector
// that fails (the job counts, say) leaves its metrics out of that scrape
// instead of failing it.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, Timeout: 10 * time.Second})
}

// counter defines and registers a counter family.
func (m *Metrics) counter(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: name, Help: help}, labels)
	m.reg.MustRegister(c)
	return c
}

// histogram defines and registers a histogram family.
func (m *Metrics) histogram(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: namespace, Name: name, Help: help,
		Buckets: buckets}, labels)
	m.reg.MustRegister(h)
	return h
}

// gaugeFunc registers a gauge read by f on every scrape.
func (m *Metrics) gaugeFunc(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: namespace, Name: name, Help: help}, f))
}
