package finqware

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// Status sentinels. An *APIError matches (errors.Is) the one of its HTTP
// status, keyed on the seed's status table (https://docs.finqware.com/api/errors).
var (
	// ErrBadRequest: HTTP 400, the request is invalid.
	ErrBadRequest = errors.New("finqware: bad request")
	// ErrUnauthorized: HTTP 401, a wrong key, token or consent.
	ErrUnauthorized = errors.New("finqware: unauthorized")
	// ErrForbidden: HTTP 403.
	ErrForbidden = errors.New("finqware: forbidden")
	// ErrNotFound: HTTP 404.
	ErrNotFound = errors.New("finqware: not found")
	// ErrMethodNotAllowed: HTTP 405.
	ErrMethodNotAllowed = errors.New("finqware: method not allowed")
	// ErrNotAcceptable: HTTP 406, a format other than JSON was requested.
	ErrNotAcceptable = errors.New("finqware: not acceptable")
	// ErrGone: HTTP 410, the resource was removed.
	ErrGone = errors.New("finqware: gone")
	// ErrRateLimited: HTTP 429; APIError.RetryAfter carries the server's hint.
	ErrRateLimited = errors.New("finqware: rate limited")
	// ErrUpstream: Finqware is unavailable: any HTTP 5xx, a transport error
	// (no answer, deadline exceeded) or a call the guards refused to send
	// (which also matches guard.ErrCircuitOpen or guard.ErrBulkheadFull).
	ErrUpstream = errors.New("finqware: upstream unavailable")
	// ErrMalformedResponse: a 2xx answer that is not the expected JSON
	// (invalid, empty, or over the size cap).
	ErrMalformedResponse = errors.New("finqware: malformed response")
)

// Code sentinels, matched from the error object's code or type
// (https://docs.finqware.com/api/errors), in addition to the status sentinel.
var (
	// ErrExpiredCredentials: code expired_credentials, the consent behind
	// credentials_id expired (401); the user must consent again.
	ErrExpiredCredentials = errors.New("finqware: consent expired")
	// ErrInactiveCredentials: code inactive_credentials, the consent was
	// deleted or is otherwise inactive (401).
	ErrInactiveCredentials = errors.New("finqware: consent inactive")
	// ErrInvalidAccessToken: codes invalid_access_token and
	// invalid_credentials_id, the stored credentials pair is wrong.
	ErrInvalidAccessToken = errors.New("finqware: invalid access token or credentials id")
	// ErrInvalidClient: codes invalid_api_keys, invalid_client_id,
	// invalid_client_secret, invalid_client_app_key, invalid_tenant_keys and
	// unauthorized_tenant: our own tenant configuration is wrong.
	ErrInvalidClient = errors.New("finqware: invalid tenant app keys")
	// ErrInvalidTempToken: code invalid_temp_token, a temp_token that is
	// unknown, expired or already exchanged (401).
	ErrInvalidTempToken = errors.New("finqware: invalid temp token")
	// ErrInvalidStep: code invalid_step, an unknown step, a step out of
	// order, or step data the skill rejects.
	ErrInvalidStep = errors.New("finqware: invalid step")
	// ErrInvalidSession: code invalid_session_id.
	ErrInvalidSession = errors.New("finqware: invalid session")
	// ErrInvalidNonce: codes invalid_nonce and expired_nonce, a nonce that
	// is wrong, already used or expired; start a new session.
	ErrInvalidNonce = errors.New("finqware: invalid nonce")
	// ErrNonceExpired: code expired_nonce (nonces live 30 min); it also
	// matches ErrInvalidNonce.
	ErrNonceExpired = errors.New("finqware: nonce expired")
	// ErrInvalidSkill: code invalid_skill_name.
	ErrInvalidSkill = errors.New("finqware: invalid skill")
	// ErrExternalAPI: type external_api_error, the bank behind the skill
	// failed (connection error, its own rate limit, ...).
	ErrExternalAPI = errors.New("finqware: bank api error")
)

// Error codes of the error object that the client maps to sentinels
// (https://docs.finqware.com/api/errors). The nonce codes are the
// simulator's: the docs publish none.
const (
	CodeExpiredCredentials  = "expired_credentials"
	CodeInactiveCredentials = "inactive_credentials"
	CodeInvalidAccessToken  = "invalid_access_token"
	CodeInvalidCredentialID = "invalid_credentials_id"
	CodeInvalidTempToken    = "invalid_temp_token"
	CodeInvalidStep         = "invalid_step"
	CodeInvalidSessionID    = "invalid_session_id"
	CodeInvalidNonce        = "invalid_nonce"
	CodeExpiredNonce        = "expired_nonce"
	CodeInvalidSkillName    = "invalid_skill_name"
	TypeExternalAPIError    = "external_api_error"
)

var codeSentinels = map[string][]error{
	CodeExpiredCredentials:   {ErrExpiredCredentials},
	CodeInactiveCredentials:  {ErrInactiveCredentials},
	CodeInvalidAccessToken:   {ErrInvalidAccessToken},
	CodeInvalidCredentialID:  {ErrInvalidAccessToken},
	CodeInvalidTempToken:     {ErrInvalidTempToken},
	CodeInvalidStep:          {ErrInvalidStep},
	CodeInvalidSessionID:     {ErrInvalidSession},
	CodeInvalidNonce:         {ErrInvalidNonce},
	CodeExpiredNonce:         {ErrNonceExpired, ErrInvalidNonce},
	CodeInvalidSkillName:     {ErrInvalidSkill},
	"invalid_api_keys":       {ErrInvalidClient},
	"invalid_client_id":      {ErrInvalidClient},
	"invalid_client_secret":  {ErrInvalidClient},
	"invalid_client_app_key": {ErrInvalidClient},
	"invalid_tenant_keys":    {ErrInvalidClient},
	"unauthorized_tenant":    {ErrInvalidClient},
}

var statusSentinels = map[int]error{
	http.StatusBadRequest:       ErrBadRequest,
	http.StatusUnauthorized:     ErrUnauthorized,
	http.StatusForbidden:        ErrForbidden,
	http.StatusNotFound:         ErrNotFound,
	http.StatusMethodNotAllowed: ErrMethodNotAllowed,
	http.StatusNotAcceptable:    ErrNotAcceptable,
	http.StatusGone:             ErrGone,
	http.StatusTooManyRequests:  ErrRateLimited,
}

// maxMessageLen caps the provider message kept in an APIError.
const maxMessageLen = 300

// APIError is a Finqware error answer: the public error object {id, type,
// http, code, message} when the body holds one, the step error {"message"},
// or just the HTTP status (https://docs.finqware.com/api/errors). It never
// holds the raw body, and every secret the call sent is redacted from its
// fields. Quote ID when contacting Finqware support.
type APIError struct {
	// Method and Path name the call; Path is a template such as
	// "/sessions/{session_id}/steps", without host or query.
	Method, Path string
	// StatusCode is the HTTP status (2xx for a malformed success body).
	StatusCode int
	// ID identifies the error occurrence at Finqware.
	ID string
	// Type is the error family: invalid_request, unauthorized,
	// external_api_error, ...
	Type string
	// HTTP is the object's own http field, 0 when absent.
	HTTP int
	// Code is the specific error, e.g. expired_credentials, invalid_step.
	Code string
	// Message is the provider's technical message, not for end users.
	Message string
	// RetryAfter is the parsed Retry-After header, zero when absent.
	RetryAfter time.Duration

	sentinels []error
}

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "finqware: %s %s: %d", e.Method, e.Path, e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	switch {
	case e.Type != "" && e.Code != "":
		b.WriteString(": " + e.Type + "/" + e.Code)
	case e.Code != "":
		b.WriteString(": " + e.Code)
	case e.Type != "":
		b.WriteString(": " + e.Type)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.ID != "" {
		b.WriteString(" (id " + e.ID + ")")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Unwrap returns the matching sentinels, so errors.Is sees through an
// *APIError.
func (e *APIError) Unwrap() []error { return e.sentinels }

// Is reports whether target is one of the matching sentinels.
func (e *APIError) Is(target error) bool { return slices.Contains(e.sentinels, target) }

// classify sets the sentinels from the status, code and type.
func (e *APIError) classify() {
	e.sentinels = nil
	if s, ok := statusSentinels[e.StatusCode]; ok {
		e.sentinels = append(e.sentinels, s)
	} else if e.StatusCode >= 500 {
		e.sentinels = append(e.sentinels, ErrUpstream)
	}
	e.sentinels = append(e.sentinels, codeSentinels[e.Code]...)
	if e.Type == TypeExternalAPIError || strings.HasPrefix(e.Code, "external_api_") {
		e.sentinels = append(e.sentinels, ErrExternalAPI)
	}
}

// errorObject is the public error object; every field is optional.
type errorObject struct {
	ID      json.RawMessage `json:"id"`
	Type    json.RawMessage `json:"type"`
	HTTP    json.RawMessage `json:"http"`
	Code    json.RawMessage `json:"code"`
	Message json.RawMessage `json:"message"`
	Error   json.RawMessage `json:"error"`
}

// newAPIError maps a non-2xx answer. Bodies that are not an error object
// (HTML from a proxy, text) are dropped, never quoted.
func newAPIError(method, path string, res *httpx.Response, now time.Time, secrets []string) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: res.Status}
	if ra, ok := res.RetryAfter(now); ok {
		e.RetryAfter = ra
	}
	e.fill(res.Body, secrets)
	e.classify()
	return e
}

// fill decodes the error object from body, redacting secrets.
func (e *APIError) fill(body []byte, secrets []string) {
	var obj errorObject
	if json.Unmarshal(body, &obj) != nil {
		return
	}
	if len(obj.Error) > 0 && obj.Error[0] == '{' {
		// {"error": {...}}: the object nested one level down.
		var inner errorObject
		if json.Unmarshal(obj.Error, &inner) == nil {
			obj = inner
		}
	} else if msg := scalar(obj.Error); msg != "" && len(obj.Message) == 0 {
		obj.Message = obj.Error
	}
	clean := func(raw json.RawMessage) string { return sanitize(scalar(raw), secrets) }
	e.ID, e.Type, e.Code, e.Message = clean(obj.ID), clean(obj.Type), clean(obj.Code), clean(obj.Message)
	if n, err := strconv.Atoi(scalar(obj.HTTP)); err == nil {
		e.HTTP = n
	}
}

// embeddedError reports an error object served with a 2xx status (its
// http field says 4xx or 5xx), which some envelopes carry.
func embeddedError(body []byte) (errorObject, int, bool) {
	var obj errorObject
	if len(body) == 0 || body[0] != '{' || json.Unmarshal(body, &obj) != nil {
		return obj, 0, false
	}
	n, err := strconv.Atoi(scalar(obj.HTTP))
	if err != nil || n < 400 || n > 599 || scalar(obj.Code) == "" {
		return obj, 0, false
	}
	return obj, n, true
}

// scalar returns a JSON string's or number's text, "" otherwise.
func scalar(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// macaroon matches Finqware's token format (base64 of "0016location
// finqware..." starts "MDAx"): nonces, temp and access tokens, client app
// keys. Such a value is redacted even when the call did not send it.
var macaroon = regexp.MustCompile(`MDAx[A-Za-z0-9+/_=-]{12,}`)

// sanitize redacts secrets and token-shaped values, drops control
// characters and caps the length.
func sanitize(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	s = macaroon.ReplaceAllString(s, "[REDACTED]")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > maxMessageLen {
		s = string(r[:maxMessageLen]) + "..."
	}
	return strings.TrimSpace(s)
}

// malformed builds the ErrMalformedResponse error; the detail never quotes
// body values.
func malformed(method, path string, status int, detail string) *APIError {
	return &APIError{Method: method, Path: path, StatusCode: status, Message: detail,
		sentinels: []error{ErrMalformedResponse}}
}

// transportError is a call that got no answer, or that the guards refused.
// It matches ErrUpstream and its cause (context.DeadlineExceeded,
// guard.ErrCircuitOpen, guard.ErrBulkheadFull, ...), except when the
// caller cancelled: then it matches only context.Canceled.
type transportError struct {
	method, path string
	cause        error
}

// Error implements error.
func (e *transportError) Error() string {
	return fmt.Sprintf("finqware: %s %s: %v", e.method, e.path, innermost(e.cause))
}

// Unwrap returns the cause and, unless the caller cancelled, ErrUpstream.
func (e *transportError) Unwrap() []error {
	if errors.Is(e.cause, context.Canceled) {
		return []error{e.cause}
	}
	return []error{e.cause, ErrUpstream}
}

// innermost drops the httpx label (which repeats ours) from a cause.
func innermost(err error) error {
	var te *httpx.TransportError
	if errors.As(err, &te) {
		return te.Err
	}
	var re *httpx.RefusedError
	if errors.As(err, &re) {
		return re.Cause
	}
	return err
}
