package provider

import (
	"fmt"
	"slices"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
)

// Registry holds the configured providers by name. It is built once at
// start and read concurrently afterwards.
type Registry struct {
	byName map[models.Provider]Provider
	order  []models.Provider
}

// NewRegistry returns a registry of ps; a name given twice keeps the last.
func NewRegistry(ps ...Provider) *Registry {
	r := &Registry{byName: make(map[models.Provider]Provider, len(ps))}
	for _, p := range ps {
		if _, dup := r.byName[p.Name()]; !dup {
			r.order = append(r.order, p.Name())
		}
		r.byName[p.Name()] = p
	}
	return r
}

// Names lists the configured providers in the order they were given.
func (r *Registry) Names() []models.Provider { return slices.Clone(r.order) }

// Get returns the provider named p, or an UPSTREAM_UNAVAILABLE error when
// this server has no such provider configured.
func (r *Registry) Get(p models.Provider) (Provider, error) {
	if pr, ok := r.byName[p]; ok {
		return pr, nil
	}
	return nil, &apperr.Error{Kind: apperr.ErrUpstreamUnavailable,
		Public: fmt.Sprintf("the provider %q is not configured on this server", p)}
}

// As returns provider p as capability T, or an UNSUPPORTED error naming
// what is missing when p does not offer it.
func As[T any](r *Registry, p models.Provider, what string) (T, error) {
	var zero T
	pr, err := r.Get(p)
	if err != nil {
		return zero, err
	}
	c, ok := pr.(T)
	if !ok {
		return zero, &apperr.Error{Kind: apperr.ErrUnsupported,
			Public: fmt.Sprintf("the provider %q does not support %s", p, what)}
	}
	return c, nil
}
