package database

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestSQLLogger(t *testing.T) {
	var buf bytes.Buffer
	l := newSQLLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})), 10*time.Millisecond)
	long := "SELECT * FROM (SELECT t.* FROM account_transactions AS t WHERE t.description LIKE ?) AS m0 " + strings.Repeat("UNION ALL SELECT secret_column ", 200)
	sql := func() (string, int64) { return long, 1 }
	ctx := context.Background()
	old := time.Now().Add(-time.Second)

	l.Trace(ctx, old, sql, nil)
	l.Trace(ctx, old, sql, nil) // the same slow statement within a minute
	if n := strings.Count(buf.String(), "slow SQL"); n != 1 {
		t.Fatalf("slow statement logged %d times, want 1: %s", n, buf.String())
	}
	if strings.Contains(buf.String(), "secret_column") || buf.Len() > 300 {
		t.Fatalf("the log quotes the statement: %s", buf.String())
	}

	buf.Reset()
	l.Trace(ctx, time.Now(), sql, context.Canceled)
	if buf.Len() != 0 {
		t.Fatalf("a cancelled statement logged at info or above: %s", buf.String())
	}

	buf.Reset()
	l.Trace(ctx, time.Now(), sql, &pgconn.PgError{Code: "22007", Message: `invalid input syntax for type date: "CANARY"`})
	if !strings.Contains(buf.String(), "SQLSTATE 22007") || strings.Contains(buf.String(), "CANARY") {
		t.Fatalf("a database error: %s", buf.String())
	}
	if got := SafeDBError(errors.New(strings.Repeat("x", 500))); len(got) > 130 {
		t.Fatalf("an unknown error is not truncated: %d bytes", len(got))
	}
}
