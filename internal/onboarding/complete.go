package onboarding

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
)

// Complete finishes a session waiting for the bank's consent with the
// token the bank's redirect carried: tempToken itself, or redirectURL,
// the whole URL the UI caught (which may also carry a denial). The server
// exchanges the token for the new credentials. Completing again with the
// same token returns the completed session; a denial fails the session.
func (s *Service) Complete(ctx context.Context, sessionID string, tempToken, redirectURL *string) (*models.OnboardingSession, error) {
	o, err := s.owned(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	ob, err := provider.As[provider.Onboarder](s.reg, o.Provider, "onboarding sessions")
	if err != nil {
		return nil, err
	}
	token, err := tokenOf(ob, tempToken, redirectURL)
	if errors.Is(err, apperr.ErrConsentDenied) {
		return nil, s.deny(ctx, o, err)
	}
	if err != nil {
		return nil, err
	}
	return s.completeWith(ctx, ob, o, token)
}

// completeWith checks o may complete and exchanges token.
func (s *Service) completeWith(ctx context.Context, ob provider.Onboarder, o *models.OnboardingSession, token string) (*models.OnboardingSession, error) {
	if o.State == models.OnboardingCompleted && subtle.ConstantTimeCompare([]byte(o.TokenHash), []byte(hashOf(token))) == 1 {
		return o, nil // a retried completion
	}
	if err := s.open(o); err != nil {
		return nil, err
	}
	if o.State != models.OnboardingAwaitingConsent {
		return nil, &apperr.Error{Kind: apperr.ErrStepOutOfOrder, Public: "the session is not waiting for the bank's consent"}
	}
	next := *o
	next.LastKey = requestKey(nil, []byte("complete"), []byte(hashOf(token)))
	return s.finish(ctx, ob, &next, token)
}

// tokenOf reads the session token from the mutation's arguments.
func tokenOf(ob provider.Onboarder, tempToken, redirectURL *string) (string, error) {
	switch {
	case tempToken != nil && *tempToken != "":
		return *tempToken, nil
	case redirectURL != nil && *redirectURL != "":
		return ob.TokenFromRedirect(*redirectURL)
	}
	return "", apperr.Invalid("pass tempToken or redirectUrl")
}

// finish exchanges token for the new credentials, stores them (their
// handle first, as every link does), and completes the session. The token
// is spent upstream by the exchange: from there on nothing is cancelled
// with the request.
func (s *Service) finish(ctx context.Context, ob provider.Onboarder, o *models.OnboardingSession, token string) (*models.OnboardingSession, error) {
	link, err := ob.Finish(ctx, o.ProviderState, token)
	if err != nil {
		return nil, err
	}
	ctx = context.WithoutCancel(ctx)
	creds, err := s.agg.AttachCredentials(ctx, o.UserID, o.Provider, link)
	if err != nil {
		return nil, err
	}
	if o.State, err = Transition(o.State, EvComplete); err != nil {
		return nil, err
	}
	o.CredentialsID, o.TokenHash, o.ProviderState = &creds.ID, hashOf(token), nil
	o.Redirect, o.Public, o.StepSubmitted = nil, nil, false
	return o, s.save(ctx, o)
}

// deny records a refused consent and returns why.
func (s *Service) deny(ctx context.Context, o *models.OnboardingSession, cause error) error {
	next := *o
	var err error
	if next.State, err = Transition(o.State, EvDeny); err != nil {
		return err
	}
	next.ErrorCode, next.ProviderState, next.Redirect = apperr.CodeConsentDenied, nil, nil
	if err := s.save(ctx, &next); err != nil {
		return err
	}
	return fmt.Errorf("onboarding: session %s: %w", o.ID, cause)
}

// Callback completes a session from the bank's redirect to the server's
// callback route: the browser brings the session id, the secret of the
// callback URL (proving the redirect is the one this server asked for)
// and the provider's answer in query. It returns the session as it
// stands after.
func (s *Service) Callback(ctx context.Context, id, secret string, query url.Values) (*models.OnboardingSession, error) {
	o, err := s.st.OnboardingSession(ctx, id)
	if err != nil {
		return nil, err
	}
	if secret == "" || subtle.ConstantTimeCompare([]byte(o.CallbackHash), []byte(hashOf(secret))) != 1 {
		return nil, fmt.Errorf("onboarding: callback with a wrong secret: %w", apperr.ErrNotFound)
	}
	ob, err := provider.As[provider.Onboarder](s.reg, o.Provider, "onboarding sessions")
	if err != nil {
		return o, err
	}
	token, err := ob.TokenFromRedirect("callback?" + query.Encode())
	if errors.Is(err, apperr.ErrConsentDenied) {
		if derr := s.deny(ctx, o, err); !errors.Is(derr, apperr.ErrConsentDenied) {
			return o, derr
		}
		o, _ = s.st.OnboardingSession(ctx, id)
		return o, err
	}
	if err != nil {
		return o, err
	}
	done, err := s.completeWith(ctx, ob, o, token)
	if err != nil {
		return o, err
	}
	return done, nil
}

// ExpireDue records as expired every open session whose provider secret
// lapsed, and returns how many.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	due, err := s.st.DueOnboardingSessions(ctx, s.now(), 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range due {
		o := due[i]
		if o.State, err = Transition(o.State, EvExpire); err != nil {
			continue
		}
		o.ProviderState, o.Redirect = nil, nil
		switch err := s.save(ctx, &o); {
		case err == nil:
			n++
		case !errors.Is(err, apperr.ErrConflict): // a step won the race: it decides
			return n, err
		}
	}
	return n, nil
}
