package database

import (
	"context"
	"fmt"

	"github.com/fingraph/fingraph/migrations"
)

// Ready reports whether the database answers and every embedded migration
// is applied; /readyz uses it.
func (db *DB) Ready(ctx context.Context) error {
	if err := db.SQL.PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	// Applied migrations stay applied while we run: check them until the
	// first success, then only ping.
	if db.migrated.Load() {
		return nil
	}
	ok, err := migrations.Current(ctx, db.SQL, db.Dialect)
	if err != nil {
		return fmt.Errorf("migration status: %w", err)
	}
	if !ok {
		return fmt.Errorf("migrations pending")
	}
	db.migrated.Store(true)
	return nil
}

// CheckDurability returns an error when PostgreSQL runs with settings that
// can lose acknowledged commits (fsync or synchronous_commit off).
func (db *DB) CheckDurability(ctx context.Context) error {
	if db.Dialect != migrations.Postgres {
		return nil
	}
	for _, setting := range []string{"fsync", "synchronous_commit"} {
		var v string
		if err := db.SQL.QueryRowContext(ctx, "SELECT current_setting($1)", setting).Scan(&v); err != nil {
			return fmt.Errorf("read %s: %w", setting, err)
		}
		if v == "off" {
			return fmt.Errorf("postgres %s is off: acknowledged writes may be lost", setting)
		}
	}
	return nil
}
