package metrics

import (
	"github.com/fingraph/fingraph/models"
)

func (m *Metrics) defineCache() {
	m.cacheHits = m.counter("cache_fresh_hits_total",
		"Products judged fresh and read from the database without a provider call, by product.", "product")
	m.cacheFetches = m.counter("cache_fetches_total",
		"Provider fetches of a product into the cache, by product and result (ok, pending, error).", "product", "result")
	m.cacheStale = m.counter("cache_stale_served_total",
		"Reads of a product served from the cache flagged stale (the refresh failed or was slow), by product.", "product")
}

// Cache returns the observer the cache (aggregate.Options.Observer)
// reports to.
func (m *Metrics) Cache() CacheObserver { return CacheObserver{m} }

// CacheObserver implements aggregate.Observer. Products are the fixed
// product names of models.
type CacheObserver struct{ m *Metrics }

// FreshHit counts a fresh read.
func (c CacheObserver) FreshHit(p models.Product) { c.m.cacheHits.WithLabelValues(string(p)).Inc() }

// Fetched counts a provider fetch.
func (c CacheObserver) Fetched(p models.Product, result string) {
	c.m.cacheFetches.WithLabelValues(string(p), result).Inc()
}

// StaleServed counts a stale read.
func (c CacheObserver) StaleServed(p models.Product) { c.m.cacheStale.WithLabelValues(string(p)).Inc() }
