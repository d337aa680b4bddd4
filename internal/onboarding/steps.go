package onboarding

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
)

// Skill decodes the skill a session was started for.
func Skill(o *models.OnboardingSession) (provider.Skill, error) {
	var sk provider.Skill
	if err := json.Unmarshal(o.SkillDef, &sk); err != nil {
		return sk, fmt.Errorf("onboarding: session %s: skill: %w", o.ID, err)
	}
	return sk, nil
}

// current returns the session's current step, or ErrStepOutOfOrder when
// every step is done.
func current(o *models.OnboardingSession, sk provider.Skill) (provider.StepDef, error) {
	if o.StepIndex >= len(sk.Steps) {
		return provider.StepDef{}, fmt.Errorf("onboarding: every step is done: %w", apperr.ErrStepOutOfOrder)
	}
	return sk.Steps[o.StepIndex], nil
}

// Submit submits step of the session sessionID (a global ID) with data
// (a JSON object of the step's fields). A retry of the step just applied
// (same clientMutationId, or same step and data) returns the session as
// it is, without asking the provider again.
func (s *Service) Submit(ctx context.Context, sessionID, step string, data json.RawMessage, key *string) (*models.OnboardingSession, error) {
	o, err := s.owned(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	reqKey := requestKey(key, []byte("submit"), []byte(step), data)
	if o.LastKey == reqKey {
		return o, nil
	}
	if err := s.open(o); err != nil {
		return nil, err
	}
	ob, sk, def, err := s.stepOf(o, step)
	if err != nil {
		return nil, err
	}
	if o.StepSubmitted {
		return nil, fmt.Errorf("onboarding: step %s already submitted: %w", step, apperr.ErrStepOutOfOrder)
	}
	if err := checkFields(def, data); err != nil {
		return nil, err
	}
	plain, secrets, err := s.reveal(data)
	if err != nil {
		return nil, err
	}
	sub := provider.StepSubmission{Skill: o.Skill, Step: step, Data: plain}
	secret, secretHash := "", ""
	if def.Kind == provider.StepRedirect && !hasOwnRedirect(data) {
		secret, secretHash = newSecret()
		sub.CallbackURL = s.callbackURL(o, secret)
	}
	turn, err := ob.SubmitStep(ctx, o.ProviderState, sub)
	if err != nil {
		return nil, err
	}
	turn.Public = mask(turn.Public, secrets)
	next := *o
	next.LastKey, next.ProviderState, next.ExpiresAt = reqKey, turn.State, expiry(turn, s.now())
	if secretHash != "" {
		next.CallbackHash = secretHash
	}
	if turn.Token != "" { // the last step ended the session at once
		return s.finish(ctx, ob, &next, turn.Token)
	}
	if err := advance(&next, sk, def, turn); err != nil {
		return nil, err
	}
	return &next, s.save(ctx, &next)
}

// stepOf checks step is the session's current step and returns its
// provider, skill and definition.
func (s *Service) stepOf(o *models.OnboardingSession, step string) (provider.Onboarder, provider.Skill, provider.StepDef, error) {
	sk, err := Skill(o)
	if err != nil {
		return nil, sk, provider.StepDef{}, err
	}
	def, err := current(o, sk)
	if err != nil {
		return nil, sk, def, err
	}
	if def.Name != step {
		return nil, sk, def, &apperr.Error{Kind: apperr.ErrStepOutOfOrder,
			Public: fmt.Sprintf("the current step is %q, not %q", def.Name, step)}
	}
	ob, err := provider.As[provider.Onboarder](s.reg, o.Provider, "onboarding sessions")
	return ob, sk, def, err
}

// advance moves o past a submitted step: a redirect step waits for the
// bank's answer, an upload step for its files, the others go on to the
// next step.
func advance(o *models.OnboardingSession, sk provider.Skill, def provider.StepDef, turn *provider.Turn) error {
	ev := EvStep
	o.Redirect, o.Public = nil, models.JSON(turn.Public)
	switch def.Kind {
	case provider.StepRedirect:
		if turn.Redirect == nil {
			return fmt.Errorf("onboarding: redirect step %s without a redirect", def.Name)
		}
		b, err := json.Marshal(turn.Redirect)
		if err != nil {
			return err
		}
		ev, o.Redirect, o.StepSubmitted = EvRedirect, b, true
	case provider.StepUpload:
		o.StepSubmitted = true
		if minFiles(def) == 0 {
			o.StepIndex, o.StepSubmitted = o.StepIndex+1, false
		}
	default:
		o.StepIndex++
	}
	if o.StepIndex >= len(sk.Steps) && ev == EvStep {
		return fmt.Errorf("onboarding: the provider ended the steps without a token")
	}
	next, err := Transition(o.State, ev)
	o.State = next
	return err
}

// hasOwnRedirect reports a redirect step whose UI catches the bank's
// redirect itself (a mobile deep link in psu_redirect_link) and will call
// completeOnboardingSession.
func hasOwnRedirect(data json.RawMessage) bool {
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return false
	}
	link, _ := m["psu_redirect_link"].(string)
	return link != ""
}

// checkFields refuses data that is not an object or lacks a required
// field, before the provider sees it.
func checkFields(def provider.StepDef, data json.RawMessage) error {
	m := map[string]any{}
	if len(data) > 0 && string(data) != "null" {
		if err := json.Unmarshal(data, &m); err != nil {
			return apperr.Invalid("data must be a JSON object of the step's fields")
		}
	}
	for _, f := range def.Fields {
		if v, ok := m[f.Name]; f.Required && (!ok || v == nil || v == "") {
			return apperr.Invalid("the field %q is required", f.Name)
		}
	}
	return nil
}

func minFiles(def provider.StepDef) int {
	if def.Upload == nil {
		return 0
	}
	return def.Upload.MinFiles
}

// Cancel ends the session at the user's request; cancelling a cancelled
// session again returns it.
func (s *Service) Cancel(ctx context.Context, sessionID string, key *string) (*models.OnboardingSession, error) {
	o, err := s.owned(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	if o.State == models.OnboardingCancelled {
		return o, nil
	}
	next := *o
	if next.State, err = Transition(o.State, EvCancel); err != nil {
		return nil, err
	}
	next.LastKey, next.ProviderState = requestKey(key, []byte("cancel")), nil
	return &next, s.save(ctx, &next)
}
