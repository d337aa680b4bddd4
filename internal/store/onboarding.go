package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
)

// CreateOnboardingSession inserts a session; its provider state is sealed
// by the secrets plugin. A second start with the same StartKey for the
// user gives apperr.ErrConflict.
func (s *Store) CreateOnboardingSession(ctx context.Context, o *models.OnboardingSession) error {
	if _, err := s.plugin(); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Create(o).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return wrap(apperr.ErrConflict, "CreateOnboardingSession(%q)", o.ID)
	}
	return wrap(err, "CreateOnboardingSession(%q)", o.ID)
}

// OnboardingSession returns a session by id, whoever owns it (the service
// checks), or apperr.ErrNotFound.
func (s *Store) OnboardingSession(ctx context.Context, id string) (*models.OnboardingSession, error) {
	var o models.OnboardingSession
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&o).Error; err != nil {
		return nil, wrap(err, "OnboardingSession(%q)", id)
	}
	return &o, nil
}

// OnboardingSessionByStartKey finds the session a user started with a
// clientMutationId, or apperr.ErrNotFound.
func (s *Store) OnboardingSessionByStartKey(ctx context.Context, userID, key string) (*models.OnboardingSession, error) {
	var o models.OnboardingSession
	err := s.db.WithContext(ctx).Where("user_id = ? AND start_key = ?", userID, key).Take(&o).Error
	if err != nil {
		return nil, wrap(err, "OnboardingSessionByStartKey")
	}
	return &o, nil
}

// OnboardingSessionsByIDs reads sessions by id within scope.
func (s *Store) OnboardingSessionsByIDs(ctx context.Context, scope Scope, ids []string) (map[string]*models.OnboardingSession, error) {
	var rows []models.OnboardingSession
	err := scope.apply(s.db.WithContext(ctx).Table("onboarding_sessions AS t").Where("t.id IN ?", ids), "t").Find(&rows).Error
	if err != nil {
		return nil, wrap(err, "OnboardingSessionsByIDs")
	}
	out := make(map[string]*models.OnboardingSession, len(rows))
	for i := range rows {
		out[rows[i].ID] = &rows[i]
	}
	return out, nil
}

// onboardingColumns are what a step changes.
var onboardingColumns = []string{
	"state", "step_index", "step_submitted", "uploads", "redirect", "public", "provider_state", "callback_hash",
	"token_hash", "credentials_id", "error_code", "last_key", "version", "expires_at", "updated_at",
}

// UpdateOnboardingSession writes the session's progress if the row is
// still at o.Version, and bumps the version; a session another request
// advanced meanwhile gives apperr.ErrConflict. The provider state is
// sealed here (updates bypass the plugin's create hook).
func (s *Store) UpdateOnboardingSession(ctx context.Context, o *models.OnboardingSession) error {
	p, err := s.plugin()
	if err != nil {
		return err
	}
	if err := p.sealState(&o.ProviderStateSealed, o.ProviderState, onboardingBinding(o)); err != nil {
		return err
	}
	read := o.Version
	o.Version++
	res := s.db.WithContext(ctx).Model(&models.OnboardingSession{}).Where("id = ? AND version = ?", o.ID, read).
		Select(onboardingColumns).Updates(o)
	if res.Error == nil && res.RowsAffected == 0 {
		o.Version = read
		return wrap(&apperr.Error{Kind: apperr.ErrConflict, Public: "the session changed meanwhile: reload it and retry"},
			"UpdateOnboardingSession(%q)", o.ID)
	}
	return wrap(res.Error, "UpdateOnboardingSession(%q)", o.ID)
}

// DueOnboardingSessions returns up to limit open sessions that expired
// before now.
func (s *Store) DueOnboardingSessions(ctx context.Context, now time.Time, limit int) ([]models.OnboardingSession, error) {
	var rows []models.OnboardingSession
	err := s.db.WithContext(ctx).Where("state IN ? AND expires_at < ?",
		[]models.OnboardingState{models.OnboardingCreated, models.OnboardingInProgress, models.OnboardingAwaitingConsent}, now).
		Order("expires_at").Limit(limit).Find(&rows).Error
	return rows, wrap(err, "DueOnboardingSessions")
}
