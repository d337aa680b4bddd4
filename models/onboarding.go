package models

import "time"

// OnboardingState is where an onboarding session stands (see
// internal/onboarding/state.go for the transitions).
type OnboardingState string

// The onboarding states.
const (
	OnboardingCreated         OnboardingState = "created"
	OnboardingInProgress      OnboardingState = "in_progress"
	OnboardingAwaitingConsent OnboardingState = "awaiting_consent"
	OnboardingCompleted       OnboardingState = "completed"
	OnboardingExpired         OnboardingState = "expired"
	OnboardingFailed          OnboardingState = "failed"
	OnboardingCancelled       OnboardingState = "cancelled"
)

// Terminal reports a state that takes no more steps.
func (s OnboardingState) Terminal() bool {
	switch s {
	case OnboardingCompleted, OnboardingExpired, OnboardingFailed, OnboardingCancelled:
		return true
	}
	return false
}

// OnboardingSession is a session of steps through which a user connects a
// bank or buys a product at a provider (Finqware sessions), driven by the
// server on the user's behalf. ProviderState holds the provider's session
// secrets (its session id, the next nonce): sealed, never shown.
type OnboardingSession struct {
	ID       string          `gorm:"primaryKey"`
	UserID   string          `gorm:"not null"`
	Provider Provider        `gorm:"not null"`
	Skill    string          `gorm:"not null"`
	SkillDef JSON            `gorm:"not null"` // the skill and its steps when the session started
	State    OnboardingState `gorm:"not null"`
	// StepIndex is the current step; StepSubmitted says it was submitted
	// and waits for its uploads or the user's consent.
	StepIndex     int  `gorm:"not null"`
	StepSubmitted bool `gorm:"not null"`
	Uploads       JSON // [{step, fileName, contentType, size}]
	Redirect      JSON // {method, url} of a redirect step
	Public        JSON // other public data of the current step

	ProviderState       JSON    `gorm:"-"`
	ProviderStateSealed *string `gorm:"column:provider_state"`
	// CallbackHash is the SHA-256 of the secret in the callback URL.
	CallbackHash string `gorm:"not null"`
	// TokenHash is the SHA-256 of the token that completed the session, to
	// recognise a retried completion.
	TokenHash     string `gorm:"not null;default:''"`
	CredentialsID *string
	ErrorCode     string `gorm:"not null;default:''"`
	// StartKey is the clientMutationId of the start; LastKey identifies
	// the last mutation applied (its clientMutationId, or a hash of its
	// arguments), so a retried mutation is answered without redoing it.
	StartKey *string
	LastKey  string `gorm:"not null;default:''"`
	// Version counts the writes: an update applies only to the version it
	// read, so two concurrent steps cannot both advance the session.
	Version int `gorm:"not null"`

	ExpiresAt time.Time `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

// NodeType implements Node.
func (s *OnboardingSession) NodeType() string { return "OnboardingSession" }

// NodeKey implements Node.
func (s *OnboardingSession) NodeKey() string { return s.ID }

// GlobalID is the session's opaque ID.
func (s *OnboardingSession) GlobalID() string { return GlobalID(s) }
