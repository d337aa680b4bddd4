// Package migrations holds fingraph's SQL schema as goose migrations, one
// directory per dialect with the same version numbers, embedded in the
// binary. Dialect-specific files exist because money must be numeric on
// PostgreSQL but TEXT on SQLite (NUMERIC affinity there rounds it); both
// keep the scale each value was written with (00012).
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	// The SQLite search indexes (00014) call fingraph_lower, a function the
	// store registers with the SQLite driver: wherever migrations run, so
	// is it.
	_ "github.com/fingraph/fingraph/internal/store"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// Dialect names a supported database engine.
type Dialect string

// Supported dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// FS returns the migration files of one dialect.
func FS(d Dialect) (fs.FS, error) {
	switch d {
	case Postgres, SQLite:
		return fs.Sub(files, string(d))
	}
	return nil, fmt.Errorf("migrations: unknown dialect %q", d)
}

// NewProvider returns a goose provider over the embedded files. On
// PostgreSQL it takes a session advisory lock, so several replicas starting
// at once apply each migration exactly once; SQLite callers serialise with a
// file lock instead (see internal/database).
func NewProvider(db *sql.DB, d Dialect, logger *slog.Logger) (*goose.Provider, error) {
	fsys, err := FS(d)
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{}
	if logger != nil {
		opts = append(opts, goose.WithSlog(logger))
	}
	gd := goose.DialectSQLite3
	if d == Postgres {
		gd = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("migrations: locker: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(gd, db, fsys, opts...)
}

// Up applies every pending migration.
func Up(ctx context.Context, db *sql.DB, d Dialect, logger *slog.Logger) error {
	p, err := NewProvider(db, d, logger)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrations: up: %w", err)
	}
	return nil
}

// Latest returns the highest migration version embedded for d.
func Latest(db *sql.DB, d Dialect) (int64, error) {
	p, err := NewProvider(db, d, nil)
	if err != nil {
		return 0, err
	}
	srcs := p.ListSources()
	if len(srcs) == 0 {
		return 0, errors.New("migrations: none embedded")
	}
	return srcs[len(srcs)-1].Version, nil
}

// Current reports whether every embedded migration has been applied.
func Current(ctx context.Context, db *sql.DB, d Dialect) (bool, error) {
	p, err := NewProvider(db, d, nil)
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, err
	}
	return !pending, nil
}
