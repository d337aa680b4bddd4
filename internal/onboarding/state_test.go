package onboarding

import (
	"errors"
	"testing"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
)

func TestTransition(t *testing.T) {
	tests := []struct {
		from    models.OnboardingState
		ev      Event
		want    models.OnboardingState
		wantErr error
	}{
		{models.OnboardingCreated, EvStep, models.OnboardingInProgress, nil},
		{models.OnboardingCreated, EvRedirect, models.OnboardingAwaitingConsent, nil},
		{models.OnboardingInProgress, EvStep, models.OnboardingInProgress, nil},
		{models.OnboardingInProgress, EvComplete, models.OnboardingCompleted, nil},
		{models.OnboardingAwaitingConsent, EvComplete, models.OnboardingCompleted, nil},
		{models.OnboardingAwaitingConsent, EvDeny, models.OnboardingFailed, nil},
		{models.OnboardingAwaitingConsent, EvCancel, models.OnboardingCancelled, nil},
		{models.OnboardingInProgress, EvExpire, models.OnboardingExpired, nil},
		{models.OnboardingAwaitingConsent, EvStep, "", apperr.ErrStepOutOfOrder},
		{models.OnboardingInProgress, EvDeny, "", apperr.ErrStepOutOfOrder},
		{models.OnboardingExpired, EvStep, "", apperr.ErrSessionExpired},
		{models.OnboardingExpired, EvComplete, "", apperr.ErrSessionExpired},
		{models.OnboardingCompleted, EvStep, "", apperr.ErrSessionClosed},
		{models.OnboardingCancelled, EvComplete, "", apperr.ErrSessionClosed},
		{models.OnboardingFailed, EvCancel, "", apperr.ErrSessionClosed},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"/"+string(tt.ev), func(t *testing.T) {
			got, err := Transition(tt.from, tt.ev)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Transition = %s, %v; want %s", got, err, tt.want)
			}
		})
	}
	for s := range transitions {
		if s.Terminal() {
			t.Errorf("terminal state %s has transitions", s)
		}
	}
}
