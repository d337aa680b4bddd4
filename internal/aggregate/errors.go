package aggregate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
)

// Failure codes recorded in sync records (SyncRecord.ErrorCode) and
// reported by Failure.Code. They are stable and safe to show.
const (
	CodePending      = "pending"      // extraction still running
	CodeUnavailable  = "unavailable"  // network error or 5xx
	CodeRateLimited  = "rate_limited" // 429
	CodeIncomplete   = "incomplete"   // the provider's extraction failed
	CodeCredentials  = "credentials"  // blocked: the bank rejected the stored credentials
	CodeSCARequired  = "sca_required" // the user must pass SCA first
	CodeGone         = "gone"         // the provider no longer knows the credentials
	CodeBadResponse  = "bad_response" // malformed provider answer
	CodeUnauthorized = "unauthorized" // our own provider credentials were refused
	CodeInvalid      = "invalid"      // the provider refused our request (4xx)
	CodeTimeout      = "timeout"      // the fetch ran out of time
	CodeInternal     = "internal"     // anything unclassified
)

// Failure is a classified provider error. Kind is the apperr sentinel the
// GraphQL layer maps to extensions.code; Public, when set, is the message
// shown instead of the sentinel's; Err is the cause, whose message must
// name the call and status only, never upstream bodies or secrets.
type Failure struct {
	Kind   error
	Code   string
	Public string
	Err    error
}

// Error implements error.
func (f *Failure) Error() string {
	return fmt.Sprintf("aggregate: provider failure (%s): %v", f.Code, f.Err)
}

// Unwrap exposes the public kind (with its message) and the cause.
func (f *Failure) Unwrap() []error {
	var public error = f.Kind
	if f.Public != "" {
		public = &apperr.Error{Kind: f.Kind, Public: f.Public}
	}
	return []error{public, f.Err}
}

// failureOf classifies any error from a provider call: a *Failure as is,
// context errors as timeouts, the rest as internal.
func failureOf(err error) *Failure {
	var f *Failure
	switch {
	case errors.As(err, &f):
		return f
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &Failure{Kind: apperr.ErrUpstreamUnavailable, Code: CodeTimeout, Err: err}
	}
	return &Failure{Kind: apperr.ErrUpstreamUnavailable, Code: CodeInternal, Err: err}
}

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
	// Code is the failure code (see the Code* constants).
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
	var f *Failure
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
