package aggregate

import (
	"errors"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
)

// Observer counts what the cache does, for metrics. Its arguments are
// bounded: a product name and a fixed result, never a user or credentials
// key. It is called on the read path, so it must be quick and safe for
// concurrent use.
type Observer interface {
	// FreshHit: product p was judged fresh, so it is read from the
	// database without asking the provider.
	FreshHit(p models.Product)
	// Fetched: the provider was asked for p; result is FetchOK,
	// FetchPending or FetchError.
	Fetched(p models.Product, result string)
	// StaleServed: a reader of p got its cached rows (if any) flagged
	// stale, because the refresh failed or took longer than FetchBudget.
	StaleServed(p models.Product)
}

// Results of Observer.Fetched.
const (
	FetchOK      = "ok"
	FetchPending = "pending"
	FetchError   = "error"
)

// nopObserver observes nothing: the default.
type nopObserver struct{}

func (nopObserver) FreshHit(models.Product)        {}
func (nopObserver) Fetched(models.Product, string) {}
func (nopObserver) StaleServed(models.Product)     {}

// fetched reports a provider call for p that ended with err.
func (s *Service) fetched(p models.Product, err error) {
	var pend *provider.Pending
	switch {
	case err == nil:
		s.opts.Observer.Fetched(p, FetchOK)
	case errors.As(err, &pend), errors.Is(provider.FailureOf(err).Kind, apperr.ErrPending):
		s.opts.Observer.Fetched(p, FetchPending)
	default:
		s.opts.Observer.Fetched(p, FetchError)
	}
}

// served reports what a reader of p gets, and returns err unchanged.
func (s *Service) served(p models.Product, err error) error {
	var stale *StaleError
	if errors.As(err, &stale) {
		s.opts.Observer.StaleServed(p)
	}
	return err
}
