package store

import (
	"context"
	"slices"

	"gorm.io/gorm/clause"

	"github.com/fingraph/fingraph/models"
)

// Sync record statuses.
const (
	SyncOK      = "ok"
	SyncPending = "pending"
	// CodeStale is the error code of a record whose data is known to be
	// out of date before its TTL (see MarkSyncStale).
	CodeStale = "stale"
	SyncError = "error"
)

// syncReadBatch keeps one IN list well below every bind limit; a response
// rarely names more than a few credentials, so this is one query.
const syncReadBatch = 5_000

// SyncRecord returns the sync record of one product of one credentials,
// or apperr.ErrNotFound when it was never fetched.
func (s *Store) SyncRecord(ctx context.Context, credsID string, p models.Product) (*models.SyncRecord, error) {
	var r models.SyncRecord
	err := s.db.WithContext(ctx).Where("credentials_id = ? AND product = ?", credsID, p).Take(&r).Error
	if err != nil {
		return nil, wrap(err, "SyncRecord(%q, %q)", credsID, p)
	}
	return &r, nil
}

// SyncRecords returns the sync records of many credentials, keyed by
// credentials id, ordered by product. Credentials never synced are absent.
func (s *Store) SyncRecords(ctx context.Context, credsIDs []string) (map[string][]models.SyncRecord, error) {
	out := make(map[string][]models.SyncRecord, len(credsIDs))
	for chunk := range slices.Chunk(credsIDs, syncReadBatch) {
		var rows []models.SyncRecord
		err := s.db.WithContext(ctx).Where("credentials_id IN ?", chunk).
			Order("credentials_id, product").Find(&rows).Error
		if err != nil {
			return nil, wrap(err, "SyncRecords")
		}
		for _, r := range rows {
			out[r.CredentialsID] = append(out[r.CredentialsID], r)
		}
	}
	return out, nil
}

// PutSyncRecord records the outcome of one fetch, replacing the previous
// record of that credentials and product.
func (s *Store) PutSyncRecord(ctx context.Context, r *models.SyncRecord) error {
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "credentials_id"}, {Name: "product"}},
		DoUpdates: clause.AssignmentColumns([]string{"status", "error_code", "fetched_at", "attempted_at"}),
	}).Create(r).Error
	return wrap(err, "PutSyncRecord(%q, %q)", r.CredentialsID, r.Product)
}

// MarkSyncStale makes an ok or pending record stale, so the next read
// fetches again, while keeping its fetched_at: the old value is still
// served if that fetch fails. An error record is already due.
func (s *Store) MarkSyncStale(ctx context.Context, credsID string, p models.Product) error {
	err := s.db.WithContext(ctx).Model(&models.SyncRecord{}).
		Where("credentials_id = ? AND product = ? AND status <> ?", credsID, p, SyncError).
		Update("error_code", CodeStale).Error
	return wrap(err, "MarkSyncStale(%q, %q)", credsID, p)
}
