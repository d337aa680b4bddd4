// Package database opens fingraph's store — an embedded SQLite file by
// default, PostgreSQL in production — with the GORM settings the whole
// server relies on, and applies the embedded migrations.
package database

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/fingraph/fingraph/migrations"
)

// DB bundles the GORM handle with the raw pool and its dialect.
type DB struct {
	Gorm    *gorm.DB
	SQL     *sql.DB
	Dialect migrations.Dialect

	migrated atomic.Bool // Ready saw every migration applied
}

// Options selects the database. Exactly one of SQLitePath and PostgresURL
// is set.
type Options struct {
	SQLitePath  string
	PostgresURL string
	Logger      *slog.Logger
}

// Open connects and checks the connection. It does not migrate.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	dialector, dialect, err := dialectorFor(o)
	if err != nil {
		return nil, err
	}
	g, err := gorm.Open(dialector, gormConfig(o.Logger))
	if err != nil {
		return nil, fmt.Errorf("database: open %s: %w", dialect, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	tunePool(sqlDB, dialect)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("database: connect %s: %w", dialect, err)
	}
	return &DB{Gorm: g, SQL: sqlDB, Dialect: dialect}, nil
}

// Close releases the pool.
func (db *DB) Close() error { return db.SQL.Close() }

// Migrate applies pending migrations, then each of more (other libraries'
// schemas, such as the job queue's). On SQLite it holds an exclusive file
// lock next to the database, so two processes started on the same file at
// once cannot both apply a migration; PostgreSQL uses advisory locks.
func (db *DB) Migrate(ctx context.Context, sqlitePath string, logger *slog.Logger, more ...func(context.Context) error) error {
	if db.Dialect == migrations.SQLite {
		unlock, err := lockFile(sqlitePath + ".migrate.lock")
		if err != nil {
			return err
		}
		defer unlock()
	}
	if err := migrations.Up(ctx, db.SQL, db.Dialect, logger); err != nil {
		return err
	}
	for _, m := range more {
		if err := m(ctx); err != nil {
			return err
		}
	}
	return nil
}

func dialectorFor(o Options) (gorm.Dialector, migrations.Dialect, error) {
	switch {
	case o.PostgresURL != "" && o.SQLitePath != "":
		return nil, "", fmt.Errorf("database: both SQLite and PostgreSQL selected")
	case o.PostgresURL != "":
		return postgres.Open(o.PostgresURL), migrations.Postgres, nil
	case o.SQLitePath != "":
		if err := os.MkdirAll(filepath.Dir(o.SQLitePath), 0o700); err != nil {
			return nil, "", fmt.Errorf("database: create data dir: %w", err)
		}
		if err := privateSQLiteFiles(o.SQLitePath); err != nil {
			return nil, "", err
		}
		return sqlite.Open(sqliteDSN(o.SQLitePath)), migrations.SQLite, nil
	}
	return nil, "", fmt.Errorf("database: no database selected")
}

// SQLiteDSN is the DSN every handle on the SQLite file uses (GORM's and
// the job queue's).
func SQLiteDSN(path string) string { return sqliteDSN(path) }

// sqliteDSN turns on WAL (readers don't block the writer), a busy timeout
// instead of immediate SQLITE_BUSY errors, foreign keys, and IMMEDIATE
// write transactions so two writers never deadlock upgrading a read lock.
func sqliteDSN(path string) string {
	return "file:" + path +
		"?_pragma=busy_timeout(30000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

func gormConfig(l *slog.Logger) *gorm.Config {
	return &gorm.Config{
		// Single writes need no transaction; multi-row writes use store.Tx.
		SkipDefaultTransaction: true,
		TranslateError:         true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		Logger:                 newSQLLogger(l, 200*time.Millisecond),
	}
}

func tunePool(db *sql.DB, d migrations.Dialect) {
	if d == migrations.SQLite {
		db.SetMaxOpenConns(4)
		db.SetMaxIdleConns(4)
		return
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
}
