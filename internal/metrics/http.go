package metrics

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// webhookResults are what httpapi reports of a delivery (httpapi's
// Webhook* constants; repeated here so the series exist before the first
// delivery and an alert on rejections can fire from zero).
var webhookResults = []string{"accepted", "duplicate", "rejected_signature", "unknown_provider", "too_large",
	"bad_request", "unavailable"}

func (m *Metrics) defineHTTP() {
	m.httpRequests = m.counter("http_requests_total",
		"HTTP requests answered, by route (mux pattern), method and status class.", "route", "method", "status_class")
	m.httpDuration = m.histogram("http_request_duration_seconds",
		"Time to answer an HTTP request, streams (WebSocket, SSE) excluded.", requestBuckets,
		"route", "method", "status_class")
	m.webhooks = m.counter("webhooks_total",
		"Provider webhook deliveries, by provider and result (accepted, duplicate, rejected_signature, ...).",
		"provider", "result")
}

// ObserveRequest implements httpapi.Observer. A stream's duration is its
// life, not a latency, so streams are counted but not timed.
func (m *Metrics) ObserveRequest(route, method string, status int, d time.Duration, stream bool) {
	labels := []string{routeLabel(route), methodLabel(method), statusClass(status)}
	m.httpRequests.WithLabelValues(labels...).Inc()
	if !stream {
		m.httpDuration.WithLabelValues(labels...).Observe(d.Seconds())
	}
}

// ObserveWebhook implements httpapi.Observer; a provider the server does
// not know (the path is the sender's) counts as "other".
func (m *Metrics) ObserveWebhook(provider, result string) {
	if !slices.Contains(m.providers, provider) {
		provider = "other"
	}
	if !slices.Contains(webhookResults, result) {
		result = "other"
	}
	m.webhooks.WithLabelValues(provider, result).Inc()
}

func routeLabel(route string) string {
	switch route {
	case "":
		return "unmatched"
	case "/{$}":
		return "/"
	}
	return route
}

// methodLabel keeps the standard methods; anything else a client sends is
// "OTHER".
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodOptions:
		return m
	}
	return "OTHER"
}

// statusClass is "2xx", "4xx", ...; a handler that wrote nothing answered
// 200.
func statusClass(code int) string {
	if code == 0 {
		code = http.StatusOK
	}
	if code < 100 || code > 599 {
		return "other"
	}
	return strconv.Itoa(code/100) + "xx"
}
