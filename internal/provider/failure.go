package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/fingraph/fingraph/internal/apperr"
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
	CodeConsent      = "consent"      // the user's consent expired or was revoked
	CodeGone         = "gone"         // the provider no longer knows the credentials
	CodeBadResponse  = "bad_response" // malformed provider answer
	CodeUnauthorized = "unauthorized" // our own provider credentials were refused
	CodeInvalid      = "invalid"      // the provider refused our request (4xx)
	CodeTimeout      = "timeout"      // the fetch ran out of time
	CodeInternal     = "internal"     // anything unclassified
	// CodeUnreadable: the server cannot open its sealed copy of the
	// credentials' provider handle (a master key missing from the
	// keyring), so it cannot call the provider for them.
	CodeUnreadable = "unreadable"
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
	return fmt.Sprintf("provider failure (%s): %v", f.Code, f.Err)
}

// Unwrap exposes the public kind (with its message) and the cause.
func (f *Failure) Unwrap() []error {
	var public error = f.Kind
	if f.Public != "" {
		public = &apperr.Error{Kind: f.Kind, Public: f.Public}
	}
	return []error{public, f.Err}
}

// FailureOf classifies any error from a provider call: a *Failure as is,
// context errors as timeouts, the rest as internal.
func FailureOf(err error) *Failure {
	var f *Failure
	switch {
	case errors.As(err, &f):
		return f
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &Failure{Kind: apperr.ErrUpstreamUnavailable, Code: CodeTimeout, Err: err}
	}
	return &Failure{Kind: apperr.ErrUpstreamUnavailable, Code: CodeInternal, Err: err}
}

// SafeError keeps an upstream error for errors.Is/As but shows only Msg:
// adapters wrap client errors in it so that no upstream message (which may
// echo account data) reaches a log line.
type SafeError struct {
	Msg string
	Err error
}

// Error implements error.
func (e *SafeError) Error() string { return e.Msg }

// Unwrap returns the upstream error.
func (e *SafeError) Unwrap() error { return e.Err }
