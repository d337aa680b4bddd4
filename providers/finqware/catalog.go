package finqware

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
)

// SkillType is a skill's family (seed: "account information, payment
// initiation and marketplace").
type SkillType string

// The skill types.
const (
	SkillAISP        SkillType = "aisp"
	SkillPISP        SkillType = "pisp"
	SkillMarketplace SkillType = "marketplace"
)

// StepKind says what a step asks of the user, so an onboarding UI can
// render it without per-skill code.
type StepKind string

// The step kinds.
const (
	// StepRedirect: send the user to the bank (the step answer's Redirect),
	// which then redirects to psu_redirect_link with a temp_token.
	StepRedirect StepKind = "redirect"
	// StepForm: the user fills Fields.
	StepForm StepKind = "form"
	// StepUpload: the user fills Fields, then uploads files for the step
	// (UploadStepFile) before the next step.
	StepUpload StepKind = "upload"
	// StepConfirm: the user confirms; usually the last step.
	StepConfirm StepKind = "confirm"
)

// FieldType is the type of a step field's value.
type FieldType string

// The field types. Values go into StepRequest.Data as JSON strings, except
// boolean (a JSON boolean).
const (
	FieldString  FieldType = "string"
	FieldDecimal FieldType = "decimal"
	FieldInteger FieldType = "integer"
	FieldBoolean FieldType = "boolean"
	FieldURL     FieldType = "url"
)

// Skill is one catalog entry: an API of one servicer (a bank), in its
// production or sandbox flavour, with the ordered steps of its onboarding
// session. The Catalog API's shape is not published; this is the assumed one.
type Skill struct {
	// Name is the skill name used in sessions, e.g. "bt_ro_aisp_sbx_#2.0".
	Name string `json:"name"`
	// Type is aisp, pisp or marketplace.
	Type SkillType `json:"type"`
	// ServicerName is the bank or partner, e.g. "Banca Transilvania".
	ServicerName string `json:"servicer_name"`
	// ServicerID identifies the servicer at Finqware.
	ServicerID string `json:"servicer_id"`
	// Country is an ISO 3166 alpha-2 code, e.g. "RO".
	Country string `json:"country"`
	// Sandbox marks a sandbox skill.
	Sandbox bool `json:"sandbox"`
	// Version is the skill version, e.g. "2.0".
	Version string `json:"version"`
	// Steps are the session steps, in the order they must be submitted.
	Steps []StepDefinition `json:"steps"`
}

// Step returns the step named name.
func (s *Skill) Step(name string) (StepDefinition, bool) {
	for _, st := range s.Steps {
		if st.Name == name {
			return st, true
		}
	}
	return StepDefinition{}, false
}

// StepDefinition describes one step of a skill's session.
type StepDefinition struct {
	// Name is sent as StepRequest.Step, e.g. "sca", "product_form".
	Name string `json:"name"`
	// Kind is redirect, form, upload or confirm.
	Kind StepKind `json:"kind"`
	// Title is a human label.
	Title string `json:"title"`
	// Fields are the keys of StepRequest.Data.
	Fields []FieldDefinition `json:"fields"`
	// Upload describes the files an upload step takes; nil otherwise.
	Upload *UploadSpec `json:"upload,omitempty"`
}

// FieldDefinition is one key of a step's data.
type FieldDefinition struct {
	Name     string    `json:"name"`     // the key in StepRequest.Data
	Type     FieldType `json:"type"`     // the value's type
	Required bool      `json:"required"` // the step fails without it
	// Options, when set, lists the accepted values.
	Options []string `json:"options,omitempty"`
	// Description is a human hint.
	Description string `json:"description,omitempty"`
}

// UploadSpec bounds the files of an upload step.
type UploadSpec struct {
	// MaxBytes is the largest accepted file.
	MaxBytes int64 `json:"max_bytes"`
	// ContentTypes lists the accepted media types.
	ContentTypes []string `json:"content_types"`
	// MinFiles is how many files the step needs before the next step.
	MinFiles int `json:"min_files"`
}

// SkillFilter narrows ListSkills; zero fields do not filter.
type SkillFilter struct {
	Type    SkillType `json:"type,omitempty"`    // aisp, pisp or marketplace
	Country string    `json:"country,omitempty"` // ISO 3166 alpha-2
	Sandbox *bool     `json:"sandbox,omitempty"` // sandbox or production skills only
}

type catalogBody struct {
	ClientID     string       `json:"client_id"`
	ClientAppKey string       `json:"client_app_key"`
	Filter       *SkillFilter `json:"filter,omitempty"`
}

// ListSkills returns the skills catalog: POST {base}/skills/get (assumed,
// WithCatalogPath) with client_id and client_app_key, the client-safe keys
// the seed's front end uses for the Catalog API. It is idempotent and
// retried on 429/5xx.
func (c *Client) ListSkills(ctx context.Context, filter *SkillFilter) ([]Skill, error) {
	if c.clientAppKey == "" {
		return nil, errors.New("finqware: ListSkills: no client_app_key configured")
	}
	body := catalogBody{ClientID: c.clientID, ClientAppKey: c.clientAppKey, Filter: filter}
	var raw json.RawMessage
	r := call{label: c.catalogPath, path: c.catalogPath, body: body, idempotent: true}
	if err := c.do(ctx, r, &raw); err != nil {
		return nil, err
	}
	var skills []Skill
	var err error
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '{' {
		var env struct {
			Skills []Skill `json:"skills"`
		}
		err = json.Unmarshal(t, &env)
		skills = env.Skills
	} else {
		err = json.Unmarshal(raw, &skills)
	}
	if err != nil {
		return nil, malformed("POST", c.catalogPath, 200, describeDecodeError(err))
	}
	return skills, nil
}
