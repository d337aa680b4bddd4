package onboarding

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/events"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Options configure the service.
type Options struct {
	// PublicURL is the server's public base URL; the bank sends the
	// user's browser back to PublicURL + CallbackPath + session id.
	PublicURL string
	// ReturnURL is where the callback route sends the browser afterwards
	// (the onboarding UI), with ?session=<id>&status=<status>.
	ReturnURL string
	// MaxUploadBytes caps one document, whatever the step allows.
	MaxUploadBytes int64
	// Opener decrypts step values sent as JWE; nil refuses them.
	Opener Opener
	// Now is the clock; default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// CallbackPath is the route of the bank's redirect back to the server.
const CallbackPath = "/onboarding/callback/"

// DefaultMaxUploadBytes is Options.MaxUploadBytes's default.
const DefaultMaxUploadBytes = 10 << 20

// Service runs onboarding sessions. It is safe for concurrent use.
type Service struct {
	st   *store.Store
	reg  *provider.Registry
	agg  *aggregate.Service
	pub  *events.Publisher
	opts Options
	log  *slog.Logger
}

// New returns a Service.
func New(st *store.Store, reg *provider.Registry, agg *aggregate.Service, pub *events.Publisher, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxUploadBytes <= 0 {
		o.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{st: st, reg: reg, agg: agg, pub: pub, opts: o, log: o.Logger.With("component", "onboarding")}
}

func (s *Service) now() time.Time { return s.opts.Now().UTC() }

// SkillID names a skill across providers: "<provider>/<skill>".
func SkillID(sk provider.Skill) string { return string(sk.Provider) + "/" + sk.ID }

// Skills lists what users can onboard to, through every provider that
// runs onboarding sessions, or only p.
func (s *Service) Skills(ctx context.Context, p *models.Provider) ([]provider.Skill, error) {
	if _, ok := auth.FromContext(ctx); !ok {
		return nil, apperr.ErrUnauthenticated
	}
	var out []provider.Skill
	for _, name := range s.reg.Names() {
		if p != nil && *p != name {
			continue
		}
		ob, err := provider.As[provider.Onboarder](s.reg, name, "onboarding sessions")
		if err != nil {
			if p != nil {
				return nil, err
			}
			continue
		}
		skills, err := ob.Skills(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, skills...)
	}
	return out, nil
}

// skill finds a skill by SkillID and its provider's Onboarder.
func (s *Service) skill(ctx context.Context, id string) (provider.Onboarder, provider.Skill, error) {
	name, skillName, ok := strings.Cut(id, "/")
	if !ok || skillName == "" {
		return nil, provider.Skill{}, apperr.Invalid("unknown skill")
	}
	ob, err := provider.As[provider.Onboarder](s.reg, models.Provider(name), "onboarding sessions")
	if err != nil {
		return nil, provider.Skill{}, err
	}
	skills, err := ob.Skills(ctx)
	if err != nil {
		return nil, provider.Skill{}, err
	}
	for _, sk := range skills {
		if sk.ID == skillName {
			return ob, sk, nil
		}
	}
	return nil, provider.Skill{}, apperr.Invalid("unknown skill")
}

// Start opens a session for skill (a SkillID). With a clientMutationId,
// a retried start returns the session the first one opened.
func (s *Service) Start(ctx context.Context, skillID string, key *string) (*models.OnboardingSession, error) {
	userID, err := s.writer(ctx)
	if err != nil {
		return nil, err
	}
	if key != nil {
		if o, err := s.st.OnboardingSessionByStartKey(ctx, userID, *key); err == nil {
			return o, nil
		} else if !errors.Is(err, apperr.ErrNotFound) {
			return nil, err
		}
	}
	ob, sk, err := s.skill(ctx, skillID)
	if err != nil {
		return nil, err
	}
	if len(sk.Steps) == 0 {
		return nil, apperr.Invalid("this skill has no steps")
	}
	if err := s.st.TouchUser(ctx, userID, s.now()); err != nil {
		return nil, err
	}
	turn, err := ob.StartSession(ctx, sk.ID, userID)
	if err != nil {
		return nil, err
	}
	def, err := json.Marshal(sk)
	if err != nil {
		return nil, fmt.Errorf("onboarding: encode skill: %w", err)
	}
	now := s.now()
	o := &models.OnboardingSession{ID: uuid.NewString(), UserID: userID, Provider: sk.Provider, Skill: sk.ID,
		SkillDef: def, State: models.OnboardingCreated, ProviderState: turn.State, StartKey: key,
		ExpiresAt: expiry(turn, now), CreatedAt: now, UpdatedAt: now}
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.CreateOnboardingSession(ctx, o); err != nil {
			return err
		}
		return s.publish(ctx, tx, o)
	})
	if errors.Is(err, apperr.ErrConflict) && key != nil { // the same start, concurrently
		return s.st.OnboardingSessionByStartKey(ctx, userID, *key)
	}
	return o, err
}

// expiry is when a session lapses after turn: the provider's word, or 30
// minutes.
func expiry(turn *provider.Turn, now time.Time) time.Time {
	if turn.ExpiresAt.IsZero() {
		return now.Add(30 * time.Minute)
	}
	return turn.ExpiresAt.UTC()
}

// writer returns the caller's user id when they may run onboarding
// sessions (their own).
func (s *Service) writer(ctx context.Context) (string, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return "", apperr.ErrUnauthenticated
	}
	if !p.CanWrite(p.UserID) {
		return "", fmt.Errorf("onboarding: write by %s: %w", p.UserID, apperr.ErrForbidden)
	}
	return p.UserID, nil
}

// owned loads a session the caller may change: another user's session
// answers like an unknown one.
func (s *Service) owned(ctx context.Context, globalID string) (*models.OnboardingSession, error) {
	userID, err := s.writer(ctx)
	if err != nil {
		return nil, err
	}
	id, err := sessionKey(globalID)
	if err != nil {
		return nil, err
	}
	o, err := s.st.OnboardingSession(ctx, id)
	if err != nil {
		return nil, err
	}
	if o.UserID != userID {
		return nil, fmt.Errorf("onboarding: session of another user: %w", apperr.ErrNotFound)
	}
	return o, nil
}

// Owned loads, by global ID, a session the caller may change (the
// sandbox's consent decision checks it first): another user's session
// answers NOT_FOUND, like an unknown one.
func (s *Service) Owned(ctx context.Context, sessionID string) (*models.OnboardingSession, error) {
	return s.owned(ctx, sessionID)
}

// sessionKey reads a session's global ID.
func sessionKey(globalID string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(globalID)
	typ, key, ok := strings.Cut(string(b), ":")
	if err != nil || !ok || typ != "OnboardingSession" || key == "" {
		return "", fmt.Errorf("onboarding: not a session id: %w", apperr.ErrNotFound)
	}
	return key, nil
}

// open checks a session may take a step now: not ended, not expired.
// It writes nothing: the expiry job records expired sessions.
func (s *Service) open(o *models.OnboardingSession) error {
	if !o.State.Terminal() && s.now().After(o.ExpiresAt) {
		return fmt.Errorf("onboarding: session %s expired: %w", o.ID, apperr.ErrSessionExpired)
	}
	_, err := Transition(o.State, EvCancel) // any event: only ended states refuse it
	return err
}

// publish raises the session's change event with tx.
func (s *Service) publish(ctx context.Context, tx *store.Store, o *models.OnboardingSession) error {
	e := events.Event{Kind: events.OnboardingChanged, UserID: o.UserID, SessionID: o.ID, At: s.now()}
	if o.CredentialsID != nil {
		e.CredentialsID = *o.CredentialsID
	}
	return s.pub.Publish(ctx, tx, e)
}

// save writes o (if no other request advanced it meanwhile) with its
// event.
func (s *Service) save(ctx context.Context, o *models.OnboardingSession) error {
	o.UpdatedAt = s.now()
	return s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.UpdateOnboardingSession(ctx, o); err != nil {
			return err
		}
		return s.publish(ctx, tx, o)
	})
}

// requestKey identifies a mutation for retries: the client's
// clientMutationId, or a hash of what it asked.
func requestKey(key *string, parts ...[]byte) string {
	if key != nil && *key != "" {
		return "c:" + *key
	}
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
		h.Write([]byte{0})
	}
	return "h:" + hex.EncodeToString(h.Sum(nil))
}

// newSecret returns a random URL-safe secret and its hash.
func newSecret() (secret, hash string) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	secret = base64.RawURLEncoding.EncodeToString(b[:])
	return secret, hashOf(secret)
}

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// callbackURL is the bank's way back to this server for session o.
func (s *Service) callbackURL(o *models.OnboardingSession, secret string) string {
	return strings.TrimRight(s.opts.PublicURL, "/") + CallbackPath + url.PathEscape(o.ID) + "?state=" + url.QueryEscape(secret)
}
