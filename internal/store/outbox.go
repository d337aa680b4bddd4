package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/fingraph/fingraph/models"
)

// EnqueueJob records a background job of kind with args (JSON-encoded) in
// the outbox. Called inside Tx, the job commits or rolls back with the
// change that needs it; the jobs runner is told after the commit.
func (s *Store) EnqueueJob(ctx context.Context, kind string, args any) error {
	b, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("store: encode %s job: %w", kind, err)
	}
	job := models.OutboxJob{Kind: kind, Args: b, CreatedAt: time.Now().UTC()}
	if err := s.db.WithContext(ctx).Create(&job).Error; err != nil {
		return wrap(err, "EnqueueJob(%q)", kind)
	}
	s.AfterCommit(func() {
		if f := s.hooks.jobsEnqueued.Load(); f != nil {
			(*f)()
		}
	})
	return nil
}

// ClaimOutbox hands up to limit outbox jobs, oldest first, to fn and
// deletes them once fn returns nil. On PostgreSQL this runs in a
// transaction that locks the rows with SKIP LOCKED, so replicas sweeping
// at once take disjoint batches. SQLite has one process and one writer:
// holding a write transaction there while fn writes through another
// connection (River's) would deadlock, so the rows are read and deleted
// outside one; callers serialise their own sweeps.
func (s *Store) ClaimOutbox(ctx context.Context, limit int, fn func([]models.OutboxJob) error) (int, error) {
	if s.Dialect() != "postgres" {
		return s.claimOutbox(ctx, limit, false, fn)
	}
	var n int
	err := s.Tx(ctx, func(tx *Store) error {
		var err error
		n, err = tx.claimOutbox(ctx, limit, true, fn)
		return err
	})
	return n, err
}

func (s *Store) claimOutbox(ctx context.Context, limit int, lock bool, fn func([]models.OutboxJob) error) (int, error) {
	q := s.db.WithContext(ctx).Order("id").Limit(limit)
	if lock {
		q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
	}
	var jobs []models.OutboxJob
	if err := q.Find(&jobs).Error; err != nil {
		return 0, wrap(err, "ClaimOutbox")
	}
	if len(jobs) == 0 {
		return 0, nil
	}
	if err := fn(jobs); err != nil {
		return 0, err
	}
	ids := make([]int64, len(jobs))
	for i, j := range jobs {
		ids[i] = j.ID
	}
	err := s.db.WithContext(ctx).Where("id IN ?", ids).Delete(&models.OutboxJob{}).Error
	return len(jobs), wrap(err, "ClaimOutbox")
}
