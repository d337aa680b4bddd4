package flanksadapter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/providers/flanks"
)

// rule maps one Flanks sentinel to a Failure.
type rule struct {
	match  error
	kind   error
	code   string
	public string
}

// rules are tried in order (style.md rule 7: the provider's typed
// errors are classified here). Kinds that ask the user to act use
// ErrConflict for lifecycle calls; Ensure reports every failure as
// ErrUpstreamUnavailable anyway (see StaleError) but keeps the message.
var rules = []rule{
	{flanks.ErrProcessing, apperr.ErrPending, provider.CodePending, ""},
	{flanks.ErrCredentials, apperr.ErrConflict, provider.CodeCredentials,
		"the institution rejected the stored credentials: reconnect them (reset flow)"},
	{flanks.ErrSCARequired, apperr.ErrConflict, provider.CodeSCARequired,
		"the institution requires strong customer authentication: complete the sca flow"},
	{flanks.ErrSCA, apperr.ErrConflict, provider.CodeSCARequired,
		"strong customer authentication failed: complete the sca flow again"},
	{flanks.ErrIncomplete, apperr.ErrUpstreamUnavailable, provider.CodeIncomplete,
		"the institution's last extraction of this data failed"},
	{flanks.ErrRateLimited, apperr.ErrRateLimited, provider.CodeRateLimited, ""},
	{flanks.ErrMalformedResponse, apperr.ErrUpstreamUnavailable, provider.CodeBadResponse, ""},
	{flanks.ErrUnauthorized, apperr.ErrUpstreamUnavailable, provider.CodeUnauthorized, ""},
	{flanks.ErrForbidden, apperr.ErrUpstreamUnavailable, provider.CodeUnauthorized, ""},
	{flanks.ErrUpstream, apperr.ErrUpstreamUnavailable, provider.CodeUnavailable, ""},
	{flanks.ErrBank, apperr.ErrUpstreamUnavailable, provider.CodeUnavailable, ""},
	{flanks.ErrConfiguration, apperr.ErrUpstreamUnavailable, provider.CodeInvalid, ""},
	{context.DeadlineExceeded, apperr.ErrUpstreamUnavailable, provider.CodeTimeout, ""},
	{context.Canceled, apperr.ErrUpstreamUnavailable, provider.CodeTimeout, ""},
}

// classify turns a Flanks client error into a *provider.Failure.
func classify(err error) error {
	if isGone(err) {
		return &provider.Failure{Kind: apperr.ErrConflict, Code: provider.CodeGone, Err: safe(err),
			Public: "the provider no longer knows these credentials: link them again"}
	}
	for _, r := range rules {
		if errors.Is(err, r.match) {
			return &provider.Failure{Kind: r.kind, Code: r.code, Public: r.public, Err: safe(err)}
		}
	}
	code := provider.CodeUnavailable // network errors
	var api *flanks.APIError
	if errors.As(err, &api) {
		code = provider.CodeInvalid // another 4xx: a request Flanks refused
	}
	return &provider.Failure{Kind: apperr.ErrUpstreamUnavailable, Code: code, Err: safe(err)}
}

// isGone reports an unknown credentials_token: Flanks documents no
// status for it; the simulator (and the legacy API) answer 400 {"error":
// "Invalid credentials_token"}, a newer one may answer 404.
func isGone(err error) bool {
	var api *flanks.APIError
	if !errors.As(err, &api) {
		return false
	}
	return api.StatusCode == http.StatusNotFound ||
		(api.StatusCode == http.StatusBadRequest && strings.Contains(strings.ToLower(api.Message), "credentials_token"))
}

// isBadRequest reports a 400 without a Flanks data code.
func isBadRequest(err error) bool {
	var api *flanks.APIError
	return errors.As(err, &api) && api.StatusCode == http.StatusBadRequest && api.Code == ""
}

// safe hides the upstream's message (it may echo account data) and
// keeps the call, status and code, which are enough to debug.
func safe(err error) error {
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
	return &provider.SafeError{Msg: msg, Err: err}
}
