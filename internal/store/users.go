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

// ActiveCredentials returns the ids of the credentials of users seen since
// since, at most limit.
func (s *Store) ActiveCredentials(ctx context.Context, since time.Time, limit int) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Table("credentials AS c").Select("c.id").
		Joins("JOIN users AS u ON u.id = c.user_id").
		Where("u.last_seen_at >= ?", since).Order("c.id").Limit(limit).Scan(&ids).Error
	return ids, wrap(err, "ActiveCredentials")
}

// PendingCredentials returns the ids of credentials still waiting for
// their provider (pending), at most limit: what a missed webhook would
// have finished.
func (s *Store) PendingCredentials(ctx context.Context, limit int) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&models.Credentials{}).Where("pending = ?", true).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	return ids, wrap(err, "PendingCredentials")
}
