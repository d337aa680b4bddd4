package flinksadapter

import (
	"context"
	"errors"
	"fmt"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/providers/flinks"
)

// rule maps one Flinks sentinel to a Failure.
type rule struct {
	match  error
	kind   error
	code   string
	public string
}

// rules are tried in order: FlinksCode sentinels before status ones.
var rules = []rule{
	{flinks.ErrInvalidLogin, apperr.ErrConflict, provider.CodeGone,
		"Flinks no longer knows this login: connect the account again"},
	{flinks.ErrDisabledLogin, apperr.ErrConflict, provider.CodeCredentials,
		"the institution disabled this login: connect the account again in Flinks Connect"},
	{flinks.ErrSecurityResponse, apperr.ErrConflict, provider.CodeSCARequired,
		"the institution asks the user to authenticate again in Flinks Connect"},
	{flinks.ErrInstitutionDisabled, apperr.ErrUpstreamUnavailable, provider.CodeUnavailable,
		"the institution is not available through Flinks at the moment"},
	{flinks.ErrRetryLater, apperr.ErrUpstreamUnavailable, provider.CodeUnavailable, ""},
	{flinks.ErrConcurrentSession, apperr.ErrUpstreamUnavailable, provider.CodeRateLimited, ""},
	{flinks.ErrRateLimited, apperr.ErrRateLimited, provider.CodeRateLimited, ""},
	{flinks.ErrUnauthorized, apperr.ErrUpstreamUnavailable, provider.CodeUnauthorized, ""},
	{flinks.ErrForbidden, apperr.ErrUpstreamUnavailable, provider.CodeUnauthorized, ""},
	{flinks.ErrMalformedResponse, apperr.ErrUpstreamUnavailable, provider.CodeBadResponse, ""},
	{flinks.ErrPollTimeout, apperr.ErrUpstreamUnavailable, provider.CodeTimeout, ""},
	{flinks.ErrUpstream, apperr.ErrUpstreamUnavailable, provider.CodeUnavailable, ""},
	{context.DeadlineExceeded, apperr.ErrUpstreamUnavailable, provider.CodeTimeout, ""},
	{context.Canceled, apperr.ErrUpstreamUnavailable, provider.CodeTimeout, ""},
}

// classify turns a Flinks client error into a *provider.Failure.
func classify(err error) error {
	for _, r := range rules {
		if errors.Is(err, r.match) {
			return &provider.Failure{Kind: r.kind, Code: r.code, Public: r.public, Err: safe(err)}
		}
	}
	code := provider.CodeUnavailable
	var api *flinks.APIError
	if errors.As(err, &api) {
		code = provider.CodeInvalid
	}
	return &provider.Failure{Kind: apperr.ErrUpstreamUnavailable, Code: code, Err: safe(err)}
}

// safe keeps the call, status and FlinksCode of an API error, not its
// message.
func safe(err error) error {
	var api *flinks.APIError
	if !errors.As(err, &api) {
		return err
	}
	return &provider.SafeError{Msg: fmt.Sprintf("flinks %s %s: HTTP %d FlinksCode %q", api.Method, api.Path, api.StatusCode, api.FlinksCode), Err: err}
}
