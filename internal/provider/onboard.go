package provider

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/fingraph/fingraph/models"
)

// Onboarder is a provider whose connections are made through a session of
// steps that the server drives on the user's behalf (Finqware sessions and
// steps): the onboarding UI talks only to fingraph, which keeps the
// provider's session secrets (nonces) sealed and exchanges the final token
// itself.
type Onboarder interface {
	// Skills lists what a user can onboard to, each with its steps.
	Skills(ctx context.Context) ([]Skill, error)
	// StartSession opens an upstream session for skill on behalf of the
	// user tenantUserID.
	StartSession(ctx context.Context, skill, tenantUserID string) (*Turn, error)
	// SubmitStep submits one step; state is the State of the previous
	// turn.
	SubmitStep(ctx context.Context, state models.JSON, step StepSubmission) (*Turn, error)
	// UploadDocument uploads one file for the step submitted last.
	UploadDocument(ctx context.Context, state models.JSON, doc Document) (*Turn, error)
	// Finish exchanges the token that ended the session whose state is
	// state for the new credentials' handle and state.
	Finish(ctx context.Context, state models.JSON, token string) (*Link, error)
	// TokenFromRedirect reads the session token from the URL the provider
	// sent the user's browser to, or ErrConsentDenied.
	TokenFromRedirect(redirectURL string) (string, error)
}

// ErrConsentDenied: the user refused, or the bank's authentication
// failed, at the provider's consent page.
var ErrConsentDenied = errors.New("provider: consent denied")

// StepSubmission is one step a user submits.
type StepSubmission struct {
	Skill string
	Step  string
	// Data is the step's public data from the UI (form fields).
	Data json.RawMessage
	// CallbackURL is where a redirect step sends the browser back.
	CallbackURL string
}

// Turn is the provider's answer to a session call.
type Turn struct {
	// State is the adapter's session state (session id, next nonce, step
	// id): secret, stored sealed, never shown.
	State models.JSON
	// Redirect, when set, is where the UI must send the user (a bank's
	// consent page).
	Redirect *Redirect
	// Public is other public data of the step, safe to show the UI.
	Public json.RawMessage
	// Token is set when the session ended with a token to exchange (Finish).
	// Secret: used at once, never stored.
	Token string
	// ExpiresAt is when State lapses (a Finqware nonce lives 30 min).
	ExpiresAt time.Time
}

// Redirect is a page the UI sends the user to.
type Redirect struct {
	Method string
	URL    string
}

// Document is one uploaded file, streamed.
type Document struct {
	Step        string
	FileName    string
	ContentType string
	Size        int64
	Body        io.Reader
}

// Skill is something a user can onboard to: a bank's account access, or a
// product sold through a provider.
type Skill struct {
	// ID is the provider's skill name.
	ID          string
	Provider    models.Provider
	Name        string
	Type        SkillType
	Institution string
	Country     string
	Sandbox     bool
	Steps       []StepDef
}

// SkillType is a skill's family.
type SkillType string

// The skill types.
const (
	SkillAccountInformation SkillType = "account_information"
	SkillPaymentInitiation  SkillType = "payment_initiation"
	SkillMarketplace        SkillType = "marketplace"
)

// StepKind says what a step asks of the user.
type StepKind string

// The step kinds.
const (
	// StepRedirect: send the user to the bank, which redirects back with a
	// token (or a denial).
	StepRedirect StepKind = "redirect"
	// StepForm: the user fills fields.
	StepForm StepKind = "form"
	// StepUpload: the user fills fields, then uploads files.
	StepUpload StepKind = "upload"
	// StepConfirm: the user confirms.
	StepConfirm StepKind = "confirm"
)

// StepDef describes one step of a skill.
type StepDef struct {
	Name   string      `json:"name"`
	Kind   StepKind    `json:"kind"`
	Title  string      `json:"title,omitempty"`
	Fields []FieldDef  `json:"fields,omitempty"`
	Upload *UploadSpec `json:"upload,omitempty"`
}

// FieldDef is one field of a form step.
type FieldDef struct {
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Required    bool     `json:"required"`
	Options     []string `json:"options,omitempty"`
	Description string   `json:"description,omitempty"`
}

// UploadSpec bounds the files of an upload step.
type UploadSpec struct {
	MaxBytes     int64    `json:"max_bytes"`
	ContentTypes []string `json:"content_types"`
	MinFiles     int      `json:"min_files"`
}
