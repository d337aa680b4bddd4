package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/fingraph/fingraph/models"
)

// credentialsState is the SQL of a credentials' models.CredentialsState
// (alias c): the first of blocked, SCA required, pending and errored that
// applies, else ok.
const credentialsState = `CASE WHEN c.blocked THEN 'blocked' WHEN c.sca_required THEN 'sca_required'
	WHEN c.pending THEN 'pending'
	WHEN EXISTS (SELECT 1 FROM sync_records AS s WHERE s.credentials_id = c.id AND s.status = 'error') THEN 'errored'
	ELSE 'ok' END`

// CredentialsCount is how many credentials of one provider are in one
// state.
type CredentialsCount struct {
	Provider models.Provider
	State    models.CredentialsState
	Count    int64
}

// CredentialsHealth counts credentials per provider and state.
func (s *Store) CredentialsHealth(ctx context.Context, f AnalyticsFilter) ([]CredentialsCount, error) {
	q := s.db.WithContext(ctx).Table("credentials AS c").
		Select("c.provider AS provider, " + credentialsState + " AS state, COUNT(*) AS count").Group("1, 2")
	q = f.onCredentials(q)
	var out []CredentialsCount
	return out, wrap(q.Scan(&out).Error, "CredentialsHealth")
}

// SyncFailure is how many products of one provider's credentials last
// failed to fetch with one error code.
type SyncFailure struct {
	Provider  models.Provider
	Product   models.Product
	ErrorCode string
	Count     int64
}

// SyncFailures counts the sync records in error whose last attempt was in
// [from, to), per provider, product and error code. A sync record keeps
// a product's last fetch only: a failure since repaired is not counted.
func (s *Store) SyncFailures(ctx context.Context, f AnalyticsFilter, from, to time.Time) ([]SyncFailure, error) {
	q := s.db.WithContext(ctx).Table("sync_records AS s").Joins("JOIN credentials AS c ON c.id = s.credentials_id").
		Select("c.provider AS provider, s.product AS product, s.error_code AS error_code, COUNT(*) AS count").
		Where("s.status = ? AND s.attempted_at >= ? AND s.attempted_at < ?", "error", from.UTC(), to.UTC()).
		Group("1, 2, 3")
	q = f.onCredentials(q)
	var out []SyncFailure
	return out, wrap(q.Scan(&out).Error, "SyncFailures")
}

// onCredentials adds f's conditions to a query over credentials (c).
func (f AnalyticsFilter) onCredentials(q *gorm.DB) *gorm.DB {
	if f.Provider != nil {
		q = q.Where("c.provider = ?", string(*f.Provider))
	}
	if f.Institution != nil {
		q = q.Where("c.entity_id = ?", *f.Institution)
	}
	return q
}
