package graph

import (
	"encoding/json"
	"time"

	"github.com/fingraph/fingraph/graph/model"
	"github.com/fingraph/fingraph/internal/onboarding"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
)

func skillModel(sk provider.Skill) model.Skill {
	out := model.Skill{ID: onboarding.SkillID(sk), Provider: sk.Provider, Name: sk.Name, Type: sk.Type,
		Country: optString(sk.Country), Sandbox: sk.Sandbox, Steps: make([]model.OnboardingStepDefinition, 0, len(sk.Steps))}
	for _, d := range sk.Steps {
		out.Steps = append(out.Steps, stepDefModel(d))
	}
	return out
}

func skillModels(list []provider.Skill) []model.Skill {
	out := make([]model.Skill, 0, len(list))
	for _, sk := range list {
		out = append(out, skillModel(sk))
	}
	return out
}

func stepDefModel(d provider.StepDef) model.OnboardingStepDefinition {
	out := model.OnboardingStepDefinition{Name: d.Name, Kind: d.Kind, Title: optString(d.Title),
		Fields: make([]model.OnboardingField, 0, len(d.Fields))}
	for _, f := range d.Fields {
		out.Fields = append(out.Fields, model.OnboardingField{Name: f.Name, Type: f.Type, Required: f.Required,
			Options: f.Options, Description: optString(f.Description)})
	}
	if u := d.Upload; u != nil {
		out.Upload = &model.OnboardingUploadSpec{MaxBytes: int32(min(u.MaxBytes, 1<<31-1)), ContentTypes: u.ContentTypes,
			MinFiles: int32(u.MinFiles)}
	}
	return out
}

// sessionStatus is the session's state, EXPIRED as soon as it lapsed (the
// expiry job records it shortly after).
func sessionStatus(o *models.OnboardingSession, now time.Time) models.OnboardingState {
	if !o.State.Terminal() && now.After(o.ExpiresAt) {
		return models.OnboardingExpired
	}
	return o.State
}

// sessionSteps lists every step with its progress.
func sessionSteps(o *models.OnboardingSession, sk provider.Skill, now time.Time) []model.OnboardingStep {
	uploads := onboarding.Uploads(o)
	done := sessionStatus(o, now) == models.OnboardingCompleted
	out := make([]model.OnboardingStep, 0, len(sk.Steps))
	for i, d := range sk.Steps {
		st := model.OnboardingStepStatusPending
		switch {
		case done || i < o.StepIndex:
			st = model.OnboardingStepStatusDone
		case i == o.StepIndex && o.StepSubmitted:
			st = model.OnboardingStepStatusSubmitted
		case i == o.StepIndex:
			st = model.OnboardingStepStatusCurrent
		}
		step := model.OnboardingStep{Name: d.Name, Kind: d.Kind, Status: st, Uploads: []model.OnboardingUpload{}}
		for _, u := range uploads {
			if u.Step == d.Name {
				step.Uploads = append(step.Uploads, model.OnboardingUpload{FileName: u.FileName,
					ContentType: u.ContentType, Size: int32(min(u.Size, 1<<31-1))})
			}
		}
		out = append(out, step)
	}
	return out
}

// currentStep is the step to do next, or nil once the session ended.
func currentStep(o *models.OnboardingSession, sk provider.Skill, now time.Time) *model.OnboardingStepDefinition {
	if sessionStatus(o, now).Terminal() || o.StepIndex >= len(sk.Steps) {
		return nil
	}
	d := stepDefModel(sk.Steps[o.StepIndex])
	return &d
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// sessionRedirect is the bank page to open while consent is awaited.
func sessionRedirect(o *models.OnboardingSession) *model.OnboardingRedirect {
	var rd provider.Redirect
	if o.State != models.OnboardingAwaitingConsent || len(o.Redirect) == 0 || json.Unmarshal(o.Redirect, &rd) != nil {
		return nil
	}
	return &model.OnboardingRedirect{Method: rd.Method, URL: rd.URL}
}
