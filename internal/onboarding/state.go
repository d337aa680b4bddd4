// Package onboarding drives the provider sessions through which a user
// connects a bank or buys a product (Finqware sessions and steps) on the
// user's behalf. The UI calls fingraph's mutations; fingraph keeps the
// provider's nonce chain sealed, enforces step order and expiry, exchanges
// the final token server-side, and stores the new credentials like any
// other. Each session is a persisted state machine (state.mermaid): the
// transitions are the pure function Transition, and each mutation loads
// the session, checks the transition and writes in one transaction.
package onboarding

import (
	"fmt"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
)

// Event is what happens to a session.
type Event string

// The events.
const (
	// EvStep: a form, upload or confirm step was accepted and more remain.
	EvStep Event = "step"
	// EvRedirect: a redirect step was accepted; the user is at the bank.
	EvRedirect Event = "redirect"
	// EvComplete: the final token was exchanged; the credentials exist.
	EvComplete Event = "complete"
	// EvDeny: the user or the bank refused the consent.
	EvDeny Event = "deny"
	// EvFail: the provider ended the session (an error nothing can fix).
	EvFail Event = "fail"
	// EvCancel: the user gave up.
	EvCancel Event = "cancel"
	// EvExpire: the session's secret lapsed.
	EvExpire Event = "expire"
)

// transitions lists, per state, the events it accepts and where each
// leads. Terminal states accept none.
var transitions = map[models.OnboardingState]map[Event]models.OnboardingState{
	models.OnboardingCreated: {
		EvStep: models.OnboardingInProgress, EvRedirect: models.OnboardingAwaitingConsent,
		EvComplete: models.OnboardingCompleted, EvFail: models.OnboardingFailed,
		EvCancel: models.OnboardingCancelled, EvExpire: models.OnboardingExpired,
	},
	models.OnboardingInProgress: {
		EvStep: models.OnboardingInProgress, EvRedirect: models.OnboardingAwaitingConsent,
		EvComplete: models.OnboardingCompleted, EvFail: models.OnboardingFailed,
		EvCancel: models.OnboardingCancelled, EvExpire: models.OnboardingExpired,
	},
	models.OnboardingAwaitingConsent: {
		EvComplete: models.OnboardingCompleted, EvDeny: models.OnboardingFailed, EvFail: models.OnboardingFailed,
		EvCancel: models.OnboardingCancelled, EvExpire: models.OnboardingExpired,
	},
}

// Transition returns the state event e leads to from state s, or the
// error that explains why it cannot happen: an expired session answers
// ErrSessionExpired, another ended one ErrSessionClosed, and a step while
// the bank's consent is awaited ErrStepOutOfOrder.
func Transition(s models.OnboardingState, e Event) (models.OnboardingState, error) {
	if next, ok := transitions[s][e]; ok {
		return next, nil
	}
	switch {
	case s == models.OnboardingExpired:
		return s, fmt.Errorf("onboarding: %s after expiry: %w", e, apperr.ErrSessionExpired)
	case s.Terminal():
		return s, fmt.Errorf("onboarding: %s in state %s: %w", e, s, apperr.ErrSessionClosed)
	case e == EvDeny && s != models.OnboardingAwaitingConsent:
		return s, fmt.Errorf("onboarding: a consent answer while none is awaited: %w", apperr.ErrStepOutOfOrder)
	}
	return s, fmt.Errorf("onboarding: %s in state %s: %w", e, s, apperr.ErrStepOutOfOrder)
}
