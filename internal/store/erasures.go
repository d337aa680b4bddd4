package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/fingraph/fingraph/models"
)

// CreateErasure records a purge; the plugin seals its provider handle.
func (s *Store) CreateErasure(ctx context.Context, e *models.Erasure) error {
	return wrap(s.db.WithContext(ctx).Create(e).Error, "CreateErasure")
}

// DueErasures returns up to limit erasures the provider has not confirmed
// and whose next attempt is due at now, oldest first.
func (s *Store) DueErasures(ctx context.Context, now time.Time, limit int) ([]models.Erasure, error) {
	var out []models.Erasure
	err := s.db.WithContext(ctx).Where("upstream_confirmed_at IS NULL AND next_attempt_at <= ?", now).
		Order("next_attempt_at").Limit(limit).Find(&out).Error
	return out, wrap(err, "DueErasures")
}

// ConfirmErasure marks the provider-side delete done and blanks the
// provider handle and state, which nothing needs any more.
func (s *Store) ConfirmErasure(ctx context.Context, id string, at time.Time) error {
	return s.updateErasure(ctx, id, map[string]any{
		"upstream_confirmed_at": at, "provider_ref": "", "provider_state": nil, "last_error": "",
		"attempts": gorm.Expr("attempts + 1"),
	})
}

// RetryErasureAt records a failed attempt and when to try again; code is
// an error code, never a provider message.
func (s *Store) RetryErasureAt(ctx context.Context, id string, next time.Time, code string) error {
	return s.updateErasure(ctx, id, map[string]any{
		"next_attempt_at": next, "last_error": code, "attempts": gorm.Expr("attempts + 1"),
	})
}

// updateErasure writes through Tx, which queues SQLite's single writer.
func (s *Store) updateErasure(ctx context.Context, id string, cols map[string]any) error {
	return s.Tx(ctx, func(tx *Store) error {
		err := tx.db.WithContext(ctx).Model(&models.Erasure{}).Where("id = ?", id).UpdateColumns(cols).Error
		return wrap(err, "update erasure %s", id)
	})
}

// Erasure returns one erasure, or apperr.ErrNotFound.
func (s *Store) Erasure(ctx context.Context, id string) (*models.Erasure, error) {
	var e models.Erasure
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&e).Error; err != nil {
		return nil, wrap(err, "Erasure(%q)", id)
	}
	return &e, nil
}
