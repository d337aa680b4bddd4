// Package apperr is fingraph's error vocabulary: a small set of sentinel
// errors that every layer wraps (with %w) and that the GraphQL edge maps, in
// one place, to the public `extensions.code`. Anything not wrapping one of
// these is an internal error and is never shown to clients.
package apperr

import (
	"errors"
	"fmt"
)

// Sentinels. Each documents when a layer should return it.
var (
	// ErrNotFound: the object does not exist or belongs to someone else;
	// both answer identically so existence never leaks.
	ErrNotFound = errors.New("not found")
	// ErrInvalidInput: the caller sent a value the operation cannot accept.
	ErrInvalidInput = errors.New("invalid input")
	// ErrUnauthenticated: no valid credentials were presented.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrForbidden: authenticated, but the role does not allow the action.
	ErrForbidden = errors.New("forbidden")
	// ErrConflict: the action clashes with the current state.
	ErrConflict = errors.New("conflict")
	// ErrUpstreamUnavailable: a provider could not be reached or failed.
	ErrUpstreamUnavailable = errors.New("upstream unavailable")
	// ErrRateLimited: the caller exceeded a limit and should retry later.
	ErrRateLimited = errors.New("rate limited")
	// ErrSessionExpired: an onboarding session or step expired.
	ErrSessionExpired = errors.New("session expired")
	// ErrPending: the provider is still preparing the requested data.
	ErrPending = errors.New("pending")
	// ErrServiceUnavailable: fingraph's own database cannot be reached;
	// the request may succeed if retried shortly.
	ErrServiceUnavailable = errors.New("service unavailable")
	// ErrStepOutOfOrder: an onboarding step that is not the session's
	// current one.
	ErrStepOutOfOrder = errors.New("step out of order")
	// ErrConsentDenied: the user refused (or the bank failed) the consent.
	ErrConsentDenied = errors.New("consent denied")
	// ErrTokenUsed: a one-use token (an onboarding temp token) that was
	// already used or has expired.
	ErrTokenUsed = errors.New("token already used")
	// ErrSessionClosed: the onboarding session has ended (completed,
	// failed or cancelled) and takes no more steps.
	ErrSessionClosed = errors.New("session closed")
	// ErrUnsupported: the provider of the object cannot do what was asked
	// (a capability it lacks, e.g. listing institutions).
	ErrUnsupported = errors.New("unsupported")
)

// Codes for extensions.code, one per sentinel; INTERNAL for the rest.
const (
	CodeNotFound            = "NOT_FOUND"
	CodeBadUserInput        = "BAD_USER_INPUT"
	CodeUnauthenticated     = "UNAUTHENTICATED"
	CodeForbidden           = "FORBIDDEN"
	CodeConflict            = "CONFLICT"
	CodeUpstreamUnavailable = "UPSTREAM_UNAVAILABLE"
	CodeRateLimited         = "RATE_LIMITED"
	CodeSessionExpired      = "ONBOARDING_SESSION_EXPIRED"
	CodePending             = "PENDING"
	CodeUnsupported         = "UNSUPPORTED"
	CodeServiceUnavailable  = "SERVICE_UNAVAILABLE"
	CodeStepOutOfOrder      = "ONBOARDING_STEP_OUT_OF_ORDER"
	CodeConsentDenied       = "CONSENT_DENIED"
	CodeTokenUsed           = "ONBOARDING_TOKEN_USED"
	CodeSessionClosed       = "ONBOARDING_SESSION_CLOSED"
	CodeInternal            = "INTERNAL"
)

var table = []struct {
	err     error
	code    string
	message string
}{
	{ErrNotFound, CodeNotFound, "not found"},
	{ErrInvalidInput, CodeBadUserInput, ""},
	{ErrUnauthenticated, CodeUnauthenticated, "authentication required"},
	{ErrForbidden, CodeForbidden, "not allowed"},
	{ErrConflict, CodeConflict, ""},
	{ErrUpstreamUnavailable, CodeUpstreamUnavailable, "the data provider is unavailable, try again later"},
	{ErrRateLimited, CodeRateLimited, "rate limit exceeded, try again later"},
	{ErrSessionExpired, CodeSessionExpired, "the session has expired"},
	{ErrPending, CodePending, "the provider is still preparing this data"},
	{ErrStepOutOfOrder, CodeStepOutOfOrder, "this step is not the session's current step"},
	{ErrConsentDenied, CodeConsentDenied, "the user denied the consent, or the bank refused it"},
	{ErrTokenUsed, CodeTokenUsed, "the token was already used or has expired"},
	{ErrSessionClosed, CodeSessionClosed, "the onboarding session has ended"},
	{ErrUnsupported, CodeUnsupported, "the provider does not support this"},
	{ErrServiceUnavailable, CodeServiceUnavailable, "the service is temporarily unavailable, retry shortly"},
}

// Code returns the public code for err, or CodeInternal.
func Code(err error) string {
	code, _, _ := Classify(err)
	return code
}

// Classify returns the public code and a message safe to show a client.
// For user-facing kinds whose message is the caller's own business (bad
// input, conflict) the message comes from a *Error; otherwise it is the
// fixed text of the table. ok is false for internal errors.
func Classify(err error) (code, message string, ok bool) {
	for _, row := range table {
		if !errors.Is(err, row.err) {
			continue
		}
		msg := row.message
		var pub *Error
		if errors.As(err, &pub) && pub.Public != "" {
			msg = pub.Public
		}
		if msg == "" {
			msg = row.err.Error()
		}
		return row.code, msg, true
	}
	return CodeInternal, "internal error", false
}

// Error carries a message written for the client next to a sentinel kind.
// Only Public is ever shown; Err may hold internal detail for the logs.
type Error struct {
	Kind   error  // one of the sentinels
	Public string // safe, client-facing text
	Err    error  // optional cause, never shown to clients
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Public, e.Err)
	}
	return e.Public
}

// Unwrap exposes both the kind and the cause to errors.Is/As.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// Invalid returns an ErrInvalidInput with a client-facing message.
func Invalid(format string, args ...any) error {
	return &Error{Kind: ErrInvalidInput, Public: fmt.Sprintf(format, args...)}
}

// Conflictf returns an ErrConflict with a client-facing message.
func Conflictf(format string, args ...any) error {
	return &Error{Kind: ErrConflict, Public: fmt.Sprintf(format, args...)}
}
