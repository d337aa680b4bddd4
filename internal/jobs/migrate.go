package jobs

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// migrateLockKey is the advisory lock held while River's tables migrate:
// rivermigrate takes none, and replicas start at once.
const migrateLockKey = 7_020_240_315

// Migrate creates or updates River's tables (river_job, river_leader, …)
// next to fingraph's own. Callers on SQLite hold the migration file lock.
func Migrate(ctx context.Context, b Backend) error {
	if b.SQLiteDSN != "" {
		db, err := openSQLite(b.SQLiteDSN)
		if err != nil {
			return err
		}
		defer db.Close()
		m, err := rivermigrate.New(riversqlite.New(db), nil)
		if err != nil {
			return fmt.Errorf("jobs: migrate: %w", err)
		}
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		return wrapMigrate(err)
	}
	pool, err := pgxpool.New(ctx, b.PostgresURL)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	defer pool.Close()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLockKey); err != nil {
		return fmt.Errorf("jobs: migrate lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLockKey) //nolint:errcheck // released with the session anyway
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return wrapMigrate(err)
}

func wrapMigrate(err error) error {
	if err != nil {
		return fmt.Errorf("jobs: migrate river: %w", err)
	}
	return nil
}
