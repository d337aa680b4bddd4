package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/fingraph/fingraph/models"
)

// TouchUser creates the user on first sight and records when it was last
// seen. It is an upsert so concurrent first requests cannot collide.
func (s *Store) TouchUser(ctx context.Context, id string, now time.Time) error {
	u := &models.User{ID: id, CreatedAt: now, LastSeenAt: now}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"last_seen_at"}),
	}).Create(u).Error
	return wrap(err, "TouchUser(%q)", id)
}

// User returns one user by id.
func (s *Store) User(ctx context.Context, id string) (*models.User, error) {
	var u models.User
	err := s.db.WithContext(ctx).First(&u, "id = ?", id).Error
	return &u, wrap(err, "User(%q)", id)
}
