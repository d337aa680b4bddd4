package finance

import (
	"context"
	"fmt"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/store"
)

// one loads a single row through a batch store method, within scope.
func one[T any](ctx context.Context, key string, fetch func(context.Context, store.Scope, []string) (map[string]*T, error)) (*T, error) {
	scope, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	m, err := fetch(ctx, scope, []string{key})
	if err != nil {
		return nil, err
	}
	v, ok := m[key]
	if !ok {
		return nil, fmt.Errorf("finance: %w", apperr.ErrNotFound)
	}
	return v, nil
}
