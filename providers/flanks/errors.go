package flanks

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Sentinel errors. An *APIError unwraps to the ones that match its HTTP
// status and Flanks code, so callers test with errors.Is
// (https://docs.flanks.io/troubleshooting-the-api).
var (
	// ErrUnauthorized: HTTP 401, an invalid or expired bearer token (after
	// the client already renewed it once).
	ErrUnauthorized = errors.New("flanks: unauthorized")
	// ErrForbidden: HTTP 403, e.g. invalid client credentials on /v0/token.
	ErrForbidden = errors.New("flanks: forbidden")
	// ErrNotFound: HTTP 404.
	ErrNotFound = errors.New("flanks: not found")
	// ErrRateLimited: HTTP 429; APIError.RetryAfter carries the server's hint.
	ErrRateLimited = errors.New("flanks: rate limited")
	// ErrUpstream: any HTTP 5xx.
	ErrUpstream = errors.New("flanks: upstream error")
	// ErrIncomplete: code 20001 INCOMPLETE, the extraction ended with errors
	// (status `errored` flag true); retry with ignore_data_error.
	ErrIncomplete = errors.New("flanks: data incomplete")
	// ErrProcessing: code 20002 PROCESSING, the extraction is still running;
	// poll /v0/bank/credentials/status.
	ErrProcessing = errors.New("flanks: extraction in progress")
	// ErrSCA: code 20003 SCA_ERROR, the strong customer authentication failed.
	ErrSCA = errors.New("flanks: sca error")
	// ErrConfiguration: code 40001 CONFIGURATION_ERROR.
	ErrConfiguration = errors.New("flanks: configuration error")
	// ErrBank: code 50001 BANK_ERROR, the bank website failed.
	ErrBank = errors.New("flanks: bank error")
	// ErrCredentials: code 50002 CREDENTIALS_ERROR, the bank rejected the
	// stored credentials; force a reset.
	ErrCredentials = errors.New("flanks: invalid bank credentials")
	// ErrSCARequired: code 50003 SCA_REQUIRED; force an SCA flow.
	ErrSCARequired = errors.New("flanks: sca required")
	// ErrLinkPending: POST /v0/platform/link answered 202 Accepted, the
	// credentials token is held back by security checks (up to about 72 h).
	ErrLinkPending = errors.New("flanks: link code exchange pending")
	// ErrMalformedResponse: a 2xx body that is not the documented JSON.
	ErrMalformedResponse = errors.New("flanks: malformed response")
)

// ErrorCode is a Flanks error code: one of the numeric codes below, or the
// code string of the newer envelope (e.g. "ValidationError").
type ErrorCode string

// Numeric Flanks error codes (https://docs.flanks.io/troubleshooting-the-api).
const (
	CodeIncomplete    ErrorCode = "20001"
	CodeProcessing    ErrorCode = "20002"
	CodeSCAError      ErrorCode = "20003"
	CodeConfiguration ErrorCode = "40001"
	CodeBankError     ErrorCode = "50001"
	CodeCredentials   ErrorCode = "50002"
	CodeSCARequired   ErrorCode = "50003"
)

var codeInfo = map[ErrorCode]struct {
	name string
	err  error
}{
	CodeIncomplete:    {"INCOMPLETE", ErrIncomplete},
	CodeProcessing:    {"PROCESSING", ErrProcessing},
	CodeSCAError:      {"SCA_ERROR", ErrSCA},
	CodeConfiguration: {"CONFIGURATION_ERROR", ErrConfiguration},
	CodeBankError:     {"BANK_ERROR", ErrBank},
	CodeCredentials:   {"CREDENTIALS_ERROR", ErrCredentials},
	CodeSCARequired:   {"SCA_REQUIRED", ErrSCARequired},
}

// Name returns the documented name of a numeric code (e.g. "PROCESSING"), or
// "" for other codes.
func (c ErrorCode) Name() string { return codeInfo[c].name }

// normalizeCode maps "20002", 20002 and "PROCESSING" to CodeProcessing and
// keeps any other code as sent.
func normalizeCode(s string) ErrorCode {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ".0")
	for code, info := range codeInfo {
		if strings.EqualFold(s, info.name) {
			return code
		}
	}
	return ErrorCode(s)
}

// ErrorDetail is one item of the newer envelope's error.details
// (https://docs.flanks.io/pages/flanks-apis/links-api).
type ErrorDetail struct {
	// ErrorType names the failed check.
	ErrorType string `json:"error_type"`
	// Field names the offending request field.
	Field string `json:"field"`
}

// APIError is a Flanks error response, from either envelope:
// {"error": "..."} / {"message": ...} (v0) or
// {"success": false, "error": {"code", "details"}, "trace_id"} (newer),
// optionally with a numeric "code". It never holds the raw body, and known
// secrets are redacted from Message.
type APIError struct {
	// Method and Path identify the call (no query string).
	Method, Path string
	// StatusCode is the HTTP status; 2xx when Flanks embedded an error code
	// in a successful response, or the body was malformed.
	StatusCode int
	// Code is the Flanks code, if any.
	Code ErrorCode
	// Message is the server's message, if any.
	Message string
	// TraceID is the newer envelope's trace_id.
	TraceID string
	// Details lists field errors from the newer envelope.
	Details []ErrorDetail
	// RetryAfter is the parsed Retry-After header, zero when absent.
	RetryAfter time.Duration

	sentinels []error
}

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "flanks: %s %s: %d", e.Method, e.Path, e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " (code %s", e.Code)
		if n := e.Code.Name(); n != "" {
			b.WriteString(" " + n)
		}
		b.WriteString(")")
	}
	for _, d := range e.Details {
		fmt.Fprintf(&b, " [%s: %s]", d.Field, d.ErrorType)
	}
	if e.TraceID != "" {
		b.WriteString(" trace_id=" + e.TraceID)
	}
	return b.String()
}

// Unwrap returns the sentinels matching the status and code, so errors.Is
// and errors.As see through an *APIError.
func (e *APIError) Unwrap() []error { return e.sentinels }

// Is reports whether target is one of the matching sentinels.
func (e *APIError) Is(target error) bool { return slices.Contains(e.sentinels, target) }

// classify fills sentinels from the status and code.
func (e *APIError) classify() {
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		e.sentinels = append(e.sentinels, ErrUnauthorized)
	case e.StatusCode == http.StatusForbidden:
		e.sentinels = append(e.sentinels, ErrForbidden)
	case e.StatusCode == http.StatusNotFound:
		e.sentinels = append(e.sentinels, ErrNotFound)
	case e.StatusCode == http.StatusTooManyRequests:
		e.sentinels = append(e.sentinels, ErrRateLimited)
	case e.StatusCode >= 500:
		e.sentinels = append(e.sentinels, ErrUpstream)
	}
	if info, ok := codeInfo[e.Code]; ok {
		e.sentinels = append(e.sentinels, info.err)
	}
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
