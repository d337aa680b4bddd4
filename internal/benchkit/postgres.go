package benchkit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/migrations"
)

// PostgresURLFromEnv returns the PostgreSQL server to benchmark on:
// TEST_DATABASE_URL (the tests' variable) first, then DATABASE_URL (the
// server's). Either only names a server: FreshPostgres creates a database
// of its own beside the one the URL names and never touches that one.
func PostgresURLFromEnv() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return os.Getenv("DATABASE_URL")
}

// FreshPostgres creates an empty database named fingraph_bench_<random>
// on the server base points at and returns its URL and a function that
// drops it. A whole database rather than a schema: the benchmark then
// has the catalog, statistics and extensions to itself, as a production
// server would, and dropping it cannot reach anyone else's tables. Close
// every handle on the database before drop (it forces the rest off).
func FreshPostgres(ctx context.Context, base string) (dbURL string, drop func() error, err error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("benchkit: %q is not a postgres:// URL", base)
	}
	admin, err := database.Open(ctx, database.Options{PostgresURL: base})
	if err != nil {
		return "", nil, fmt.Errorf("benchkit: connect to PostgreSQL: %w", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "fingraph_bench_" + hex.EncodeToString(b[:])
	if _, err := admin.SQL.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("benchkit: create database: %w", err)
	}
	u.Path = "/" + name
	drop = func() error {
		defer admin.Close()
		// A fresh context: drop runs on the way out, often after Ctrl-C
		// cancelled the benchmark's.
		_, err := admin.SQL.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		return err
	}
	return u.String(), drop, nil
}

// Rebind rewrites the ? placeholders of q as $1, $2... for PostgreSQL and
// returns q unchanged for SQLite, so that one statement text serves both.
// It does not look inside string literals: the benchmarks' statements
// have no ? other than placeholders.
func Rebind(d migrations.Dialect, q string) string {
	if d != migrations.Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for _, r := range q {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		n++
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// DatabaseName is a short description of db's engine for reports:
// "SQLite" or "PostgreSQL <version>".
func DatabaseName(ctx context.Context, db *database.DB) string {
	if db.Dialect != migrations.Postgres {
		return "SQLite"
	}
	var v string
	if err := db.SQL.QueryRowContext(ctx, "SHOW server_version").Scan(&v); err != nil {
		return "PostgreSQL"
	}
	if i := strings.IndexByte(v, ' '); i > 0 { // "15.20 (Debian ...)"
		v = v[:i]
	}
	return "PostgreSQL " + v
}
