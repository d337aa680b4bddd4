package store

import (
	"context"
	"strconv"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
)

// AppendAccessLog inserts trail rows, in one transaction.
func (s *Store) AppendAccessLog(ctx context.Context, rows []models.AccessLogEntry) error {
	if len(rows) == 0 {
		return nil
	}
	return s.Tx(ctx, func(tx *Store) error {
		err := tx.db.WithContext(ctx).CreateInBatches(rows, max(1, maxBinds(tx.db)/7)).Error
		return wrap(err, "AppendAccessLog")
	})
}

// DeleteAccessLogBefore deletes the trail rows older than t (retention)
// and returns how many.
func (s *Store) DeleteAccessLogBefore(ctx context.Context, t time.Time) (int64, error) {
	var n int64
	err := s.Tx(ctx, func(tx *Store) error {
		res := tx.db.WithContext(ctx).Where("at < ?", t.UTC()).Delete(&models.AccessLogEntry{})
		n = res.RowsAffected
		return wrap(res.Error, "DeleteAccessLogBefore")
	})
	return n, err
}

// AccessLogFilter narrows the trail; every set condition must hold. A
// non-nil UserID of "" asks for the aggregates (rows without a user).
type AccessLogFilter struct {
	ActorID  *string
	UserID   *string
	From, To *time.Time
}

// AccessLog pages the trail newest first, forward only.
func (s *Store) AccessLog(ctx context.Context, f AccessLogFilter, p Page, withTotal bool) (*Conn[models.AccessLogEntry], error) {
	q := s.db.WithContext(ctx).Model(&models.AccessLogEntry{})
	if f.ActorID != nil {
		q = q.Where("actor_id = ?", *f.ActorID)
	}
	switch {
	case f.UserID == nil:
	case *f.UserID == "":
		q = q.Where("user_id IS NULL")
	default:
		q = q.Where("user_id = ?", *f.UserID)
	}
	if f.From != nil {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("at <= ?", f.To.UTC())
	}
	out := &Conn[models.AccessLogEntry]{cursorOf: func(e *models.AccessLogEntry) Cursor {
		return Cursor{ID: strconv.FormatInt(e.ID, 10)}
	}}
	if withTotal {
		var err error
		if out.TotalCount, out.TotalCountIsExact, err = countCapped(ctx, s.db, q); err != nil {
			return nil, wrap(err, "AccessLog: count")
		}
	}
	if p.After != nil {
		id, err := strconv.ParseInt(p.After.ID, 10, 64)
		if err != nil {
			return nil, apperr.Invalid("invalid cursor")
		}
		q = q.Where("id < ?", id)
	}
	if err := q.Order("id DESC").Limit(p.Size + 1).Find(&out.Rows).Error; err != nil {
		return nil, wrap(err, "AccessLog")
	}
	out.HasNextPage, out.HasPreviousPage = len(out.Rows) > p.Size, p.After != nil
	out.Rows = out.Rows[:min(len(out.Rows), p.Size)]
	return out, nil
}
