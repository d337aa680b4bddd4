package flinks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// Sentinel errors. An *APIError unwraps to the ones matching its FlinksCode
// (first) and HTTP status, so callers test with errors.Is
// (https://docs.flinks.com/reference/error-codes).
var (
	// ErrOperationPending: 202 OPERATION_PENDING, Flinks is still
	// extracting; poll GetAccountsDetailAsync with the RequestId (see
	// PendingRequestID) every 10 s, for at most 30 min.
	ErrOperationPending = errors.New("flinks: operation pending")
	// ErrOperationDispatched: 202 OPERATION_DISPATCHED, a live request ran
	// longer than 210 s and continues in the background; poll as for
	// ErrOperationPending. Partial results may come with it.
	ErrOperationDispatched = errors.New("flinks: operation dispatched")
	// ErrSessionNonExistent: 400 SESSION_NONEXISTENT, an unknown or expired
	// RequestId; call Authorize again.
	ErrSessionNonExistent = errors.New("flinks: session does not exist")
	// ErrSessionExpired: SESSION_EXPIRED, the RequestId timed out (8 min
	// of inactivity during Authorize, 30 min for data); call Authorize
	// again.
	ErrSessionExpired = errors.New("flinks: session expired")
	// ErrCardInUse: 400 CARD_IN_USE, the login is still processing (e.g.
	// DeleteCard right after Authorize); try again later.
	ErrCardInUse = errors.New("flinks: login in use")
	// ErrInvalidLogin: 401 INVALID_LOGIN, INVALID_USERNAME or
	// INVALID_PASSWORD: an unknown or deleted LoginId, or wrong bank
	// credentials. The user must reconnect.
	ErrInvalidLogin = errors.New("flinks: invalid login")
	// ErrDisabledLogin: DISABLED_LOGIN, the bank disabled the login; the
	// user must reconnect.
	ErrDisabledLogin = errors.New("flinks: disabled login")
	// ErrRetryLater: 401 RETRY_LATER, the institution is unreachable;
	// retry later.
	ErrRetryLater = errors.New("flinks: institution unavailable, retry later")
	// ErrSecurityResponse: a wrong or missing MFA answer
	// (INVALID_SECURITY_RESPONSE[_NO_RETRY], QUESTION_NOT_FOUND,
	// UNKNOWN_CHALLENGE_KEY, SECURITYRESPONSES_INCOMPLETE).
	ErrSecurityResponse = errors.New("flinks: invalid security response")
	// ErrUnauthorized: our own credentials were refused (ACCESS_DENIED,
	// UNAUTHORIZED, or a 401 without a login-related code: a bad secret
	// key, authorize token, x-api-key or API secret).
	ErrUnauthorized = errors.New("flinks: unauthorized")
	// ErrForbidden: HTTP 403 (Upload API: certificate mismatch).
	ErrForbidden = errors.New("flinks: forbidden")
	// ErrInvalidRequest: INVALID_REQUEST or a 400 without a code.
	ErrInvalidRequest = errors.New("flinks: invalid request")
	// ErrNotFound: HTTP 404 without a code.
	ErrNotFound = errors.New("flinks: not found")
	// ErrRateLimited: TOO_MANY_REQUESTS (401 in the docs, 403 in one
	// client) or HTTP 429; APIError.RetryAfter carries any hint.
	ErrRateLimited = errors.New("flinks: rate limited")
	// ErrInstitutionDisabled: DISABLED_INSTITUTION.
	ErrInstitutionDisabled = errors.New("flinks: institution disabled")
	// ErrConcurrentSession: CONCURRENT_SESSION, another session is open on
	// the login; retry later.
	ErrConcurrentSession = errors.New("flinks: concurrent session")
	// ErrUpstream: Flinks is unavailable: HTTP 5xx, AGGREGATION_ERROR, a
	// transport error, or a call the guards refused (those also match
	// guard.ErrCircuitOpen or guard.ErrBulkheadFull).
	ErrUpstream = errors.New("flinks: upstream unavailable")
	// ErrMalformedResponse: a 2xx body that is not the documented JSON.
	ErrMalformedResponse = errors.New("flinks: malformed response")
)

// Guard sentinels, re-exported: equal to guard.ErrCircuitOpen and
// guard.ErrBulkheadFull.
var (
	// ErrCircuitOpen: the breaker is open; nothing was sent.
	ErrCircuitOpen = httpx.ErrCircuitOpen
	// ErrBulkheadFull: too many calls in flight and waiting; nothing was
	// sent.
	ErrBulkheadFull = httpx.ErrBulkheadFull
)

// FlinksCode is the FlinksCode field of a Flinks answer
// (https://docs.flinks.com/reference/error-codes). Unknown codes are kept
// as sent.
type FlinksCode string

// Documented FlinksCode values.
const (
	CodeOK                             FlinksCode = "OK"
	CodeCreated                        FlinksCode = "CREATED"
	CodeOperationPending               FlinksCode = "OPERATION_PENDING"
	CodeOperationDispatched            FlinksCode = "OPERATION_DISPATCHED"
	CodeSessionNonExistent             FlinksCode = "SESSION_NONEXISTENT"
	CodeSessionExpired                 FlinksCode = "SESSION_EXPIRED"
	CodeCardInUse                      FlinksCode = "CARD_IN_USE"
	CodeAccessDenied                   FlinksCode = "ACCESS_DENIED"
	CodeUnauthorized                   FlinksCode = "UNAUTHORIZED"
	CodeInvalidLogin                   FlinksCode = "INVALID_LOGIN"
	CodeInvalidUsername                FlinksCode = "INVALID_USERNAME"
	CodeInvalidPassword                FlinksCode = "INVALID_PASSWORD"
	CodeInvalidRequest                 FlinksCode = "INVALID_REQUEST"
	CodeInvalidSecurityResponse        FlinksCode = "INVALID_SECURITY_RESPONSE"
	CodeInvalidSecurityResponseNoRetry FlinksCode = "INVALID_SECURITY_RESPONSE_NO_RETRY"
	CodeQuestionNotFound               FlinksCode = "QUESTION_NOT_FOUND"
	CodeUnknownChallengeKey            FlinksCode = "UNKNOWN_CHALLENGE_KEY"
	CodeSecurityResponsesIncomplete    FlinksCode = "SECURITYRESPONSES_INCOMPLETE"
	CodeRetryLater                     FlinksCode = "RETRY_LATER"
	CodeTooManyRequests                FlinksCode = "TOO_MANY_REQUESTS"
	CodeAggregationError               FlinksCode = "AGGREGATION_ERROR"
	CodeConcurrentSession              FlinksCode = "CONCURRENT_SESSION"
	CodeDisabledLogin                  FlinksCode = "DISABLED_LOGIN"
	CodeNewAccount                     FlinksCode = "NEW_ACCOUNT"
	CodeAlreadyAuthorized              FlinksCode = "ALREADY_AUTHORIZED"
	CodeNoTransaction                  FlinksCode = "NO_TRANSACTION"
	CodeDisabledInstitution            FlinksCode = "DISABLED_INSTITUTION"
	CodeMethodNotAvailable             FlinksCode = "METHOD_NOT_AVAILABLE"
)

// codeSentinels maps codes to sentinels; codes absent here fall back to
// the HTTP status.
var codeSentinels = map[FlinksCode]error{
	CodeOperationPending:               ErrOperationPending,
	CodeOperationDispatched:            ErrOperationDispatched,
	CodeSessionNonExistent:             ErrSessionNonExistent,
	CodeSessionExpired:                 ErrSessionExpired,
	CodeCardInUse:                      ErrCardInUse,
	CodeAccessDenied:                   ErrUnauthorized,
	CodeUnauthorized:                   ErrUnauthorized,
	CodeInvalidLogin:                   ErrInvalidLogin,
	CodeInvalidUsername:                ErrInvalidLogin,
	CodeInvalidPassword:                ErrInvalidLogin,
	CodeInvalidRequest:                 ErrInvalidRequest,
	CodeInvalidSecurityResponse:        ErrSecurityResponse,
	CodeInvalidSecurityResponseNoRetry: ErrSecurityResponse,
	CodeQuestionNotFound:               ErrSecurityResponse,
	CodeUnknownChallengeKey:            ErrSecurityResponse,
	CodeSecurityResponsesIncomplete:    ErrSecurityResponse,
	CodeRetryLater:                     ErrRetryLater,
	CodeTooManyRequests:                ErrRateLimited,
	CodeAggregationError:               ErrUpstream,
	CodeConcurrentSession:              ErrConcurrentSession,
	CodeDisabledLogin:                  ErrDisabledLogin,
	CodeDisabledInstitution:            ErrInstitutionDisabled,
}

// APIError is a Flinks answer that is not a plain success: an error status,
// a 202 (OPERATION_PENDING / OPERATION_DISPATCHED), or a 2xx body that
// could not be decoded. Its message never holds a secret key, API key,
// authorize token or LoginId, nor the raw body.
type APIError struct {
	// Method and Path name the call; ids in the path are shown as
	// placeholders ("/BankingServices/DeleteCard/{loginId}").
	Method, Path string
	// StatusCode is the HTTP status.
	StatusCode int
	// FlinksCode is the body's FlinksCode, if any.
	FlinksCode FlinksCode
	// Message is the body's Message (secrets redacted), or a decoding
	// detail for ErrMalformedResponse.
	Message string
	// RequestID is the body's RequestId, if any: the id to poll after a 202.
	RequestID string
	// RetryAfter is the parsed Retry-After header, zero when absent.
	RetryAfter time.Duration

	sentinels []error
}

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "flinks: %s %s: %d", e.Method, e.Path, e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.FlinksCode != "" {
		fmt.Fprintf(&b, " (%s)", e.FlinksCode)
	}
	if e.RequestID != "" {
		b.WriteString(" request_id=" + e.RequestID)
	}
	return b.String()
}

// Unwrap returns the matching sentinels, for errors.Is and errors.As.
func (e *APIError) Unwrap() []error { return e.sentinels }

// Is reports whether target is one of the matching sentinels.
func (e *APIError) Is(target error) bool { return slices.Contains(e.sentinels, target) }

// classify fills the sentinels from the code, then from the status: a
// known code decides alone (a 401 INVALID_LOGIN is not ErrUnauthorized),
// except that 5xx and 429 always mean ErrUpstream and ErrRateLimited.
func (e *APIError) classify() {
	if s, ok := codeSentinels[e.FlinksCode]; ok {
		e.sentinels = append(e.sentinels, s)
	} else {
		switch e.StatusCode {
		case http.StatusBadRequest:
			e.sentinels = append(e.sentinels, ErrInvalidRequest)
		case http.StatusUnauthorized:
			e.sentinels = append(e.sentinels, ErrUnauthorized)
		case http.StatusForbidden:
			e.sentinels = append(e.sentinels, ErrForbidden)
		case http.StatusNotFound:
			e.sentinels = append(e.sentinels, ErrNotFound)
		}
	}
	if e.StatusCode == http.StatusTooManyRequests && !slices.Contains(e.sentinels, ErrRateLimited) {
		e.sentinels = append(e.sentinels, ErrRateLimited)
	}
	if e.StatusCode >= 500 && !slices.Contains(e.sentinels, ErrUpstream) {
		e.sentinels = append(e.sentinels, ErrUpstream)
	}
}

// PendingRequestID returns the RequestId to poll when err is a 202
// OPERATION_PENDING or OPERATION_DISPATCHED answer.
func PendingRequestID(err error) (string, bool) {
	var e *APIError
	if !errors.As(err, &e) || !(e.Is(ErrOperationPending) || e.Is(ErrOperationDispatched)) {
		return "", false
	}
	return e.RequestID, e.RequestID != ""
}

// Temporary reports whether err says "the same call may succeed later"
// without any user action: pending or dispatched operations, RETRY_LATER,
// rate limits, concurrent sessions, logins in use and upstream failures.
// Invalid or disabled logins, expired sessions and our own credential
// errors are not temporary.
func Temporary(err error) bool {
	for _, s := range []error{ErrOperationPending, ErrOperationDispatched, ErrRetryLater,
		ErrRateLimited, ErrConcurrentSession, ErrCardInUse, ErrUpstream} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// transportError is a call that got no answer: a network error, a refusal
// by the guards, an oversized body. Its message names the call and the
// cause without URL (which may hold a LoginId) or secrets.
type transportError struct {
	label string
	msg   string
	errs  []error
}

// Error implements error.
func (e *transportError) Error() string { return "flinks: " + e.label + ": " + e.msg }

// Unwrap returns ErrUpstream (unless the caller cancelled) and the cause.
func (e *transportError) Unwrap() []error { return e.errs }

// newTransportError wraps an error from httpx.Caller.Do.
func newTransportError(ctx context.Context, label string, err error, secrets []string) error {
	var refused *httpx.RefusedError
	var terr *httpx.TransportError
	cause := err
	switch {
	case errors.As(err, &refused):
		cause = refused.Cause
	case errors.As(err, &terr):
		cause = terr.Err
	}
	msg := describeCause(cause)
	errs := []error{err}
	if !(errors.Is(err, context.Canceled) && ctx.Err() != nil) {
		errs = append([]error{ErrUpstream}, errs...)
	}
	return &transportError{label: label, msg: redact(msg, secrets), errs: errs}
}

// describeCause renders a transport cause without the request URL, which
// may hold a LoginId or RequestId.
func describeCause(err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Op + ": " + describeCause(uerr.Err)
	}
	return err.Error()
}

// redact replaces every non-empty secret in s.
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	return s
}
