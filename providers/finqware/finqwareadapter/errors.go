package finqwareadapter

import (
	"context"
	"errors"
	"fmt"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/providers/finqware"
)

// rule maps one Finqware sentinel to a Failure.
type rule struct {
	match  error
	kind   error
	code   string
	public string
}

// rules are tried in order: code sentinels before status sentinels.
var rules = []rule{
	{finqware.ErrExpiredCredentials, apperr.ErrConflict, provider.CodeConsent,
		"the user's consent expired: onboard again to renew it"},
	{finqware.ErrInactiveCredentials, apperr.ErrConflict, provider.CodeConsent,
		"the user's consent was withdrawn: onboard again to renew it"},
	{finqware.ErrInvalidAccessToken, apperr.ErrConflict, provider.CodeGone,
		"the provider no longer knows these credentials: link them again"},
	{finqware.ErrInvalidTempToken, apperr.ErrTokenUsed, provider.CodeInvalid,
		"the token was already used or has expired"},
	{finqware.ErrNonceExpired, apperr.ErrSessionExpired, provider.CodeInvalid, ""},
	{finqware.ErrInvalidNonce, apperr.ErrSessionExpired, provider.CodeInvalid, ""},
	{finqware.ErrInvalidSession, apperr.ErrSessionExpired, provider.CodeInvalid, ""},
	{finqware.ErrInvalidStep, apperr.ErrInvalidInput, provider.CodeInvalid,
		"the provider refused this step's data"},
	{finqware.ErrInvalidSkill, apperr.ErrInvalidInput, provider.CodeInvalid, "unknown skill"},
	{finqware.ErrConsentDenied, apperr.ErrConsentDenied, provider.CodeConsent, ""},
	{finqware.ErrInvalidClient, apperr.ErrUpstreamUnavailable, provider.CodeUnauthorized, ""},
	{finqware.ErrRateLimited, apperr.ErrRateLimited, provider.CodeRateLimited, ""},
	{finqware.ErrExternalAPI, apperr.ErrUpstreamUnavailable, provider.CodeUnavailable, ""},
	{finqware.ErrMalformedResponse, apperr.ErrUpstreamUnavailable, provider.CodeBadResponse, ""},
	{finqware.ErrUpstream, apperr.ErrUpstreamUnavailable, provider.CodeUnavailable, ""},
	{context.DeadlineExceeded, apperr.ErrUpstreamUnavailable, provider.CodeTimeout, ""},
	{context.Canceled, apperr.ErrUpstreamUnavailable, provider.CodeTimeout, ""},
}

// classify turns a Finqware client error into a *provider.Failure. The
// client's messages name the call and the provider's code only, never a
// secret; they are kept behind SafeError all the same.
func classify(err error) error {
	for _, r := range rules {
		if errors.Is(err, r.match) {
			return &provider.Failure{Kind: r.kind, Code: r.code, Public: r.public, Err: safe(err)}
		}
	}
	code := provider.CodeUnavailable
	var api *finqware.APIError
	if errors.As(err, &api) {
		code = provider.CodeInvalid // another 4xx: a request Finqware refused
	}
	return &provider.Failure{Kind: apperr.ErrUpstreamUnavailable, Code: code, Err: safe(err)}
}

// gone reports a consent the provider no longer has, which counts as
// deleted.
func gone(err error) bool {
	return errors.Is(err, finqware.ErrInactiveCredentials) || errors.Is(err, finqware.ErrInvalidAccessToken) ||
		errors.Is(err, finqware.ErrNotFound) || errors.Is(err, finqware.ErrGone)
}

// safe keeps the call, status and code of an API error, and nothing of its
// message (which may echo request values).
func safe(err error) error {
	var api *finqware.APIError
	if !errors.As(err, &api) {
		return err
	}
	return &provider.SafeError{Msg: fmt.Sprintf("finqware %s %s: HTTP %d code %q", api.Method, api.Path, api.StatusCode, api.Code), Err: err}
}
