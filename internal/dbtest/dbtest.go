// Package dbtest gives tests real, migrated, isolated databases: a fresh
// SQLite file always, and a fresh PostgreSQL schema when TEST_DATABASE_URL
// is set. With FINGRAPH_REQUIRE_POSTGRES=1 (CI) a missing PostgreSQL fails
// the test instead of skipping it, so the production store is never
// silently untested.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/secrets"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/migrations"
)

// Env variables read by this package.
const (
	EnvPostgresURL     = "TEST_DATABASE_URL"
	EnvRequirePostgres = "FINGRAPH_REQUIRE_POSTGRES"
)

// Each runs fn once per available database, as subtests named "sqlite"
// and "postgres", each on a newly migrated, private database.
func Each(t *testing.T, fn func(t *testing.T, db *database.DB)) {
	t.Helper()
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a migrated database of dialect d that is dropped when the
// test ends. It skips (or fails, in CI) when PostgreSQL is not configured.
func Open(t testing.TB, d migrations.Dialect) *database.DB {
	t.Helper()
	db := OpenEmpty(t, d)
	if err := migrations.Up(context.Background(), db.SQL, d, nil); err != nil {
		t.Fatalf("dbtest: migrate %s: %v", d, err)
	}
	return db
}

// OpenEmpty is Open without migrations, for migration tests.
func OpenEmpty(t testing.TB, d migrations.Dialect) *database.DB {
	t.Helper()
	db, _ := openEmpty(t, d)
	return db
}

// OpenWithOptions is Open that also returns where the database is, for
// tests that open a second handle on it (the job queue, a second server).
func OpenWithOptions(t testing.TB, d migrations.Dialect) (*database.DB, database.Options) {
	t.Helper()
	db, opts := openEmpty(t, d)
	if err := migrations.Up(context.Background(), db.SQL, d, nil); err != nil {
		t.Fatalf("dbtest: migrate %s: %v", d, err)
	}
	return db, opts
}

func openEmpty(t testing.TB, d migrations.Dialect) (*database.DB, database.Options) {
	t.Helper()
	var opts database.Options
	if d == migrations.SQLite {
		opts.SQLitePath = filepath.Join(t.TempDir(), "test.db")
	} else {
		opts.PostgresURL = PostgresSchemaURL(t)
	}
	db, err := database.Open(context.Background(), opts)
	if err != nil {
		t.Fatalf("dbtest: open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Gorm.Use(SecretsPlugin(t)); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return db, opts
}

// Keyring returns a fresh secrets keyring (random master and index keys).
func Keyring(t testing.TB) *secrets.Keyring {
	t.Helper()
	ring, err := secrets.NewKeyring(secrets.GenerateKey())
	if err == nil {
		ring, err = ring.WithIndexKey(secrets.GenerateKey())
	}
	if err != nil {
		t.Fatalf("dbtest: keyring: %v", err)
	}
	return ring
}

// SecretsPlugin returns the store's secrets plugin over a fresh keyring, as
// every fingraph database handle has one.
func SecretsPlugin(t testing.TB) *store.SecretsPlugin {
	t.Helper()
	p, err := store.NewSecretsPlugin(Keyring(t))
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return p
}

// PostgresURL returns TEST_DATABASE_URL, skipping or failing the test when
// it is unset.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgresURL)
	if base == "" {
		if os.Getenv(EnvRequirePostgres) == "1" {
			t.Fatalf("dbtest: %s=1 but %s is not set", EnvRequirePostgres, EnvPostgresURL)
		}
		t.Skipf("dbtest: %s not set; PostgreSQL tests skipped", EnvPostgresURL)
	}
	return base
}

// PostgresSchemaURL creates a schema named after a random suffix and returns
// a URL whose search_path points at it; the schema is dropped at cleanup.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := database.Open(context.Background(), database.Options{PostgresURL: base})
	if err != nil {
		t.Fatalf("dbtest: connect to %s: %v", EnvPostgresURL, err)
	}
	if _, err := admin.SQL.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("dbtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.SQL.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("dbtest: %s: %v", EnvPostgresURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
