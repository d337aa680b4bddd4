package aggregate

import (
	"errors"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
)

// StaleError reports that a product could not be refreshed. The cached
// rows, if any, are still valid to show: the GraphQL layer returns them and
// attaches this error as non-fatal, with Extensions. It always matches
// apperr.ErrUpstreamUnavailable, whatever the cause, so a stale read never
// reads as NOT_FOUND or CONFLICT.
type StaleError struct {
	Product models.Product
	// FetchedAt is when the cached rows were last fetched; nil when
	// nothing was ever cached.
	FetchedAt *time.Time
	// Expired is true when the cache is older than Options.StaleBound.
	Expired bool
	// Code is the failure code (see the provider.Code* constants).
	Code string
	// Cause is the provider failure.
	Cause error
}

// Error implements error; it names the product and code, never upstream
// content.
func (e *StaleError) Error() string {
	return fmt.Sprintf("aggregate: %s could not be refreshed (%s): %v", e.Product, e.Code, e.Cause)
}

// Unwrap matches apperr.ErrUpstreamUnavailable (with the failure's public
// message, if any) and the provider's own error values, but not the
// failure's lifecycle kind.
func (e *StaleError) Unwrap() []error {
	var f *provider.Failure
	cause, public := e.Cause, ""
	if errors.As(e.Cause, &f) {
		cause, public = f.Err, f.Public
	}
	return []error{&apperr.Error{Kind: apperr.ErrUpstreamUnavailable, Public: public}, cause}
}

// Extensions are the GraphQL error extensions: stale (cached data exists
// and is returned), fetchedAt (RFC 3339, when it was fetched) and expired
// (older than the stale bound: show it as outdated).
func (e *StaleError) Extensions() map[string]any {
	ext := map[string]any{"stale": e.FetchedAt != nil}
	if e.FetchedAt != nil {
		ext["fetchedAt"] = e.FetchedAt.UTC().Format(time.RFC3339)
	}
	if e.Expired {
		ext["expired"] = true
	}
	return ext
}

// Stale reports whether cached data exists (and is served) despite the
// failure.
func (e *StaleError) Stale() bool { return e.FetchedAt != nil }

// errFetchedElsewhere is the cause of a failure shared from another
// replica's fetch: its own cause stayed there.
var errFetchedElsewhere = errors.New("aggregate: the fetch failed on another replica")

// errRecentFailure is the cause of a read that shares a fetch failure of
// the last few seconds instead of asking the provider again.
var errRecentFailure = errors.New("aggregate: the provider failed moments ago")

// errSlowRefresh is the cause of a read that stopped waiting for a refresh
// and got the cached rows; the refresh goes on.
var errSlowRefresh = errors.New("aggregate: the refresh is taking long; cached data served")
