package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
)

// CreateWebhookEvent stores a delivery, its payload sealed. A delivery
// already stored (same provider and body hash) gives apperr.ErrConflict.
// The insert skips a duplicate instead of failing on it: redeliveries are
// routine and must not read as database errors in the logs.
func (s *Store) CreateWebhookEvent(ctx context.Context, e *models.WebhookEvent) error {
	if _, err := s.plugin(); err != nil {
		return err
	}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(e)
	if res.Error == nil && res.RowsAffected == 0 {
		return wrap(apperr.ErrConflict, "CreateWebhookEvent")
	}
	return wrap(res.Error, "CreateWebhookEvent")
}

// WebhookEvent returns a stored delivery with its payload opened.
func (s *Store) WebhookEvent(ctx context.Context, id string) (*models.WebhookEvent, error) {
	var e models.WebhookEvent
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&e).Error; err != nil {
		return nil, wrap(err, "WebhookEvent(%q)", id)
	}
	return &e, nil
}

// FinishWebhookEvent marks a delivery processed (code "" on success) and
// blanks its payload: only the hash, the replay guard, is kept.
func (s *Store) FinishWebhookEvent(ctx context.Context, id string, at time.Time, code string) error {
	res := s.db.WithContext(ctx).Model(&models.WebhookEvent{}).Where("id = ?", id).
		UpdateColumns(map[string]any{"processed_at": at, "payload": nil, "last_error": code})
	return wrap(res.Error, "FinishWebhookEvent(%q)", id)
}
