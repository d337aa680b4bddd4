// Package sandboxapi serves the `sandbox` mutations of development and
// sandbox servers: it drives the built-in provider simulators
// (internal/sandbox) on behalf of the caller, as a provider's own sandbox
// endpoints would. Like internal/sandbox it names no provider: each
// mutation finds the running simulator of the provider it is asked about
// and the capability it needs (sandbox.LinkCoder, WebhookFirer,
// ConsentDecider, Faulter); a provider without either answers UNSUPPORTED.
// Credentials and onboarding sessions are the caller's own only, checked
// through the finance and onboarding services.
package sandboxapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/finance"
	"github.com/fingraph/fingraph/internal/onboarding"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/sandbox"
	"github.com/fingraph/fingraph/models"
)

// Namespace is the GraphQL SandboxMutations object: it carries nothing,
// each of its fields is a mutation.
type Namespace struct{}

// Fault durations of SetFault, in seconds.
const (
	DefaultFaultSeconds = 60
	MaxFaultSeconds     = 3600
)

// Service runs the sandbox mutations. It is safe for concurrent use.
type Service struct {
	sb  *sandbox.Sandbox
	fin *finance.Service
	ob  *onboarding.Service
}

// New returns the service over the running simulators sb.
func New(sb *sandbox.Sandbox, fin *finance.Service, ob *onboarding.Service) *Service {
	return &Service{sb: sb, fin: fin, ob: ob}
}

// caller returns the authenticated caller when they may change their own
// data (analysts may not).
func caller(ctx context.Context) (*auth.Principal, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return nil, apperr.ErrUnauthenticated
	}
	if !p.CanWrite(p.UserID) {
		return nil, fmt.Errorf("sandbox: write by %s: %w", p.UserID, apperr.ErrForbidden)
	}
	return p, nil
}

// capability returns the simulator of p as a T, or UNSUPPORTED saying
// why not; what completes "the ... simulator cannot ...".
func capability[T any](s *Service, p models.Provider, what string) (T, error) {
	var zero T
	var sim sandbox.Sim
	if s.sb != nil {
		sim = s.sb.Sim(p)
	}
	if sim == nil {
		return zero, &apperr.Error{Kind: apperr.ErrUnsupported,
			Public: fmt.Sprintf("no %s simulator is running on this server (the provider is configured with a real base URL, or not at all)", p)}
	}
	c, ok := sim.(T)
	if !ok {
		return zero, &apperr.Error{Kind: apperr.ErrUnsupported, Public: fmt.Sprintf("the %s simulator cannot %s", p, what)}
	}
	return c, nil
}

// LinkCode returns a one-use code for linkCredentials(provider: p), as the
// provider's link UI would after a test user connected at institution
// following scenario (nil for the simulator's defaults).
func (s *Service) LinkCode(ctx context.Context, p models.Provider, institution, scenario *string) (string, error) {
	if _, err := caller(ctx); err != nil {
		return "", err
	}
	lc, err := capability[sandbox.LinkCoder](s, p, "issue link codes (its connections start with startOnboardingSession)")
	if err != nil {
		return "", err
	}
	return lc.SandboxLinkCode(ctx, deref(institution), deref(scenario))
}

// FireWebhook has the simulator send the provider's webhook for the
// caller's credentials id (global) now. Another user's credentials are
// NOT_FOUND, as with node(id:).
func (s *Service) FireWebhook(ctx context.Context, credentialsID string) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	n, err := s.fin.Node(ctx, credentialsID)
	if err != nil {
		return err
	}
	c, ok := n.(*models.Credentials)
	if !ok || c.UserID != p.UserID {
		return fmt.Errorf("sandbox: not the caller's credentials: %w", apperr.ErrNotFound)
	}
	wf, err := capability[sandbox.WebhookFirer](s, c.Provider, "send webhooks")
	if err != nil {
		return err
	}
	return wf.SandboxFireWebhook(ctx, c.ProviderRef)
}

// DecideConsent answers, as the user on the bank's page, the consent of the
// caller's onboarding session sessionID (global) in AWAITING_CONSENT, then
// completes the session with the bank's redirect: COMPLETED with its
// credentials when approved, FAILED when denied.
func (s *Service) DecideConsent(ctx context.Context, sessionID string, approve bool) (*models.OnboardingSession, error) {
	o, err := s.ob.Owned(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	var rd provider.Redirect
	if o.State != models.OnboardingAwaitingConsent || len(o.Redirect) == 0 || json.Unmarshal(o.Redirect, &rd) != nil || rd.URL == "" {
		return nil, &apperr.Error{Kind: apperr.ErrStepOutOfOrder, Public: "the session is not waiting for the bank's consent"}
	}
	cd, err := capability[sandbox.ConsentDecider](s, o.Provider, "answer bank consents")
	if err != nil {
		return nil, err
	}
	back, err := cd.SandboxDecideConsent(ctx, rd.URL, approve)
	if err != nil {
		return nil, err
	}
	done, err := s.ob.Complete(ctx, sessionID, nil, &back)
	if errors.Is(err, apperr.ErrConsentDenied) { // recorded: the session failed, as asked
		return s.ob.Owned(ctx, sessionID)
	}
	return done, err
}

// SetFault makes the simulator of p slow or failing for seconds (nil:
// DefaultFaultSeconds), or back to normal (sandbox.FaultNone).
func (s *Service) SetFault(ctx context.Context, p models.Provider, f sandbox.Fault, seconds *int) error {
	if _, err := caller(ctx); err != nil {
		return err
	}
	n := DefaultFaultSeconds
	if seconds != nil {
		n = *seconds
	}
	if f != sandbox.FaultNone && (n < 1 || n > MaxFaultSeconds) {
		return apperr.Invalid("seconds must be between 1 and %d", MaxFaultSeconds)
	}
	ft, err := capability[sandbox.Faulter](s, p, "simulate faults")
	if err != nil {
		return err
	}
	return ft.SandboxFault(f, time.Duration(n)*time.Second)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
