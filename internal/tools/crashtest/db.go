package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"

	_ "github.com/glebarez/go-sqlite"  // driver "sqlite", the server's own
	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
)

// createDatabase creates a fresh PostgreSQL database next to the one base
// names and returns its URL and a function that drops it.
func createDatabase(ctx context.Context, base string) (string, func() error, error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "crashtest_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() error {
		defer admin.Close()
		_, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		return err
	}
	return u.String(), drop, nil
}

// openReadOnly opens the server's database for the checks; the checker
// never writes (SQLite read-only mode, PostgreSQL read-only transactions).
func openReadOnly(kind, target string) (*sql.DB, error) {
	if kind == "sqlite" {
		return sql.Open("sqlite", "file:"+target+"?mode=ro&_pragma=busy_timeout(10000)")
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	q := u.Query()
	q.Set("default_transaction_read_only", "on") // a runtime parameter pgx passes on
	u.RawQuery = q.Encode()
	return sql.Open("pgx", u.String())
}

// rows runs query and calls scan for each row.
func rows(ctx context.Context, db *sql.DB, query string, scan func(*sql.Rows) error) error {
	r, err := db.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("%s: %w", query, err)
	}
	defer r.Close()
	for r.Next() {
		if err := scan(r); err != nil {
			return fmt.Errorf("%s: %w", query, err)
		}
	}
	return r.Err()
}

// count runs a COUNT query.
func count(ctx context.Context, db *sql.DB, query string) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, query).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", query, err)
	}
	return n, nil
}
