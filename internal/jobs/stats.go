package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Stats is what the job queue holds. River's table is shared by every
// replica, so every replica reports the same numbers.
type Stats struct {
	// ByState counts the jobs in each River state (available, running,
	// retryable, discarded, ...).
	ByState map[string]int64
	// OldestAvailable is how long the oldest job ready to run has been
	// waiting for a worker; 0 without one.
	OldestAvailable time.Duration
}

// Queries of QueueStats; the age needs each dialect's date arithmetic.
const (
	countByState = `SELECT state, count(*) FROM river_job GROUP BY state`
	oldestPG     = `SELECT COALESCE(EXTRACT(EPOCH FROM (now() - min(scheduled_at))), 0)::float8 FROM river_job WHERE state = 'available'`
	oldestSQLite = `SELECT COALESCE((julianday('now') - min(julianday(scheduled_at))) * 86400.0, 0) FROM river_job WHERE state = 'available'`
)

// QueueStats counts River's jobs on db, the database they live in (sqlite
// says which SQL it speaks). It reads two aggregates, cheap on River's
// (state, ...) indexes.
func QueueStats(ctx context.Context, db *sql.DB, sqlite bool) (Stats, error) {
	st := Stats{ByState: map[string]int64{}}
	rows, err := db.QueryContext(ctx, countByState)
	if err != nil {
		return st, fmt.Errorf("jobs: count: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			return st, fmt.Errorf("jobs: count: %w", err)
		}
		st.ByState[state] = n
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("jobs: count: %w", err)
	}
	q := oldestPG
	if sqlite {
		q = oldestSQLite
	}
	var secs float64
	if err := db.QueryRowContext(ctx, q).Scan(&secs); err != nil {
		return st, fmt.Errorf("jobs: oldest available: %w", err)
	}
	st.OldestAvailable = time.Duration(max(secs, 0) * float64(time.Second))
	return st, nil
}
