package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"github.com/fingraph/fingraph/models"
)

// AcquireLease gives owner the lease on key until now+ttl when it is free,
// expired or already owner's, and reports whether owner holds it.
func (s *Store) AcquireLease(ctx context.Context, key, owner string, now time.Time, ttl time.Duration) (bool, error) {
	l := models.FetchLease{Key: key, Owner: owner, ExpiresAt: now.Add(ttl)}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "key"}},
		DoUpdates: clause.AssignmentColumns([]string{"owner", "expires_at"}),
		Where: clause.Where{Exprs: []clause.Expression{clause.Or(
			clause.Lt{Column: clause.Column{Table: "fetch_leases", Name: "expires_at"}, Value: now},
			clause.Eq{Column: clause.Column{Table: "fetch_leases", Name: "owner"}, Value: owner},
		)}},
	}).Create(&l)
	if res.Error != nil {
		return false, wrap(res.Error, "AcquireLease(%q)", key)
	}
	return res.RowsAffected == 1, nil
}

// ReleaseLease drops owner's lease on key.
func (s *Store) ReleaseLease(ctx context.Context, key, owner string) error {
	err := s.db.WithContext(ctx).Where("key = ? AND owner = ?", key, owner).Delete(&models.FetchLease{}).Error
	return wrap(err, "ReleaseLease(%q)", key)
}
