package aggregate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/providers/flanks"
)

// flanksRule maps one Flanks sentinel to a Failure.
type flanksRule struct {
	match  error
	kind   error
	code   string
	public string
}

// flanksRules are tried in order (style.md rule 7: the provider's typed
// errors are classified here). Kinds that ask the user to act use
// ErrConflict for lifecycle calls; Ensure reports every failure as
// ErrUpstreamUnavailable anyway (see StaleError) but keeps the message.
var flanksRules = []flanksRule{
	{flanks.ErrProcessing, apperr.ErrPending, CodePending, ""},
	{flanks.ErrCredentials, apperr.ErrConflict, CodeCredentials,
		"the institution rejected the stored credentials: reconnect them (reset flow)"},
	{flanks.ErrSCARequired, apperr.ErrConflict, CodeSCARequired,
		"the institution requires strong customer authentication: complete the sca flow"},
	{flanks.ErrSCA, apperr.ErrConflict, CodeSCARequired,
		"strong customer authentication failed: complete the sca flow again"},
	{flanks.ErrIncomplete, apperr.ErrUpstreamUnavailable, CodeIncomplete,
		"the institution's last extraction of this data failed"},
	{flanks.ErrRateLimited, apperr.ErrRateLimited, CodeRateLimited, ""},
	{flanks.ErrMalformedResponse, apperr.ErrUpstreamUnavailable, CodeBadResponse, ""},
	{flanks.ErrUnauthorized, apperr.ErrUpstreamUnavailable, CodeUnauthorized, ""},
	{flanks.ErrForbidden, apperr.ErrUpstreamUnavailable, CodeUnauthorized, ""},
	{flanks.ErrUpstream, apperr.ErrUpstreamUnavailable, CodeUnavailable, ""},
	{flanks.ErrBank, apperr.ErrUpstreamUnavailable, CodeUnavailable, ""},
	{flanks.ErrConfiguration, apperr.ErrUpstreamUnavailable, CodeInvalid, ""},
	{context.DeadlineExceeded, apperr.ErrUpstreamUnavailable, CodeTimeout, ""},
	{context.Canceled, apperr.ErrUpstreamUnavailable, CodeTimeout, ""},
}

// classifyFlanks turns a Flanks client error into a *Failure.
func classifyFlanks(err error) error {
	if isFlanksGone(err) {
		return &Failure{Kind: apperr.ErrConflict, Code: CodeGone, Err: safeFlanks(err),
			Public: "the provider no longer knows these credentials: link them again"}
	}
	for _, r := range flanksRules {
		if errors.Is(err, r.match) {
			return &Failure{Kind: r.kind, Code: r.code, Public: r.public, Err: safeFlanks(err)}
		}
	}
	code := CodeUnavailable // network errors
	var api *flanks.APIError
	if errors.As(err, &api) {
		code = CodeInvalid // another 4xx: a request Flanks refused
	}
	return &Failure{Kind: apperr.ErrUpstreamUnavailable, Code: code, Err: safeFlanks(err)}
}

// isFlanksGone reports an unknown credentials_token: Flanks documents no
// status for it; the simulator (and the legacy API) answer 400 {"error":
// "Invalid credentials_token"}, a newer one may answer 404.
func isFlanksGone(err error) bool {
	var api *flanks.APIError
	if !errors.As(err, &api) {
		return false
	}
	return api.StatusCode == http.StatusNotFound ||
		(api.StatusCode == http.StatusBadRequest && strings.Contains(strings.ToLower(api.Message), "credentials_token"))
}

// isFlanksBadRequest reports a 400 without a Flanks data code.
func isFlanksBadRequest(err error) bool {
	var api *flanks.APIError
	return errors.As(err, &api) && api.StatusCode == http.StatusBadRequest && api.Code == ""
}

// safeError keeps the cause for errors.Is/As but shows only msg.
type safeError struct {
	msg string
	err error
}

func (e *safeError) Error() string { return e.msg }
func (e *safeError) Unwrap() error { return e.err }

// safeFlanks hides the upstream's message (it may echo account data) and
// keeps the call, status and code, which are enough to debug.
func safeFlanks(err error) error {
	var api *flanks.APIError
	if !errors.As(err, &api) {
		return err // transport errors carry no upstream content
	}
	msg := fmt.Sprintf("flanks %s %s: HTTP %d", api.Method, api.Path, api.StatusCode)
	if api.Code != "" {
		msg += " code " + string(api.Code)
	}
	if api.TraceID != "" {
		msg += " trace_id " + api.TraceID
	}
	return &safeError{msg: msg, err: err}
}
