package database

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// sqlLogger is GORM's logger: it names a statement by a fingerprint (its
// first words and a hash of its text) rather than quoting it, never logs
// bound values, logs a cancelled statement (a client that went away) at
// debug, and logs a slow statement at most once a minute per fingerprint.
// GORM's own slog logger wrote the whole statement, several KB for a
// batched page, on every slow or failed call.
type sqlLogger struct {
	log  *slog.Logger
	slow time.Duration

	mu       sync.Mutex
	lastSlow map[string]time.Time
}

var (
	_ logger.Interface  = (*sqlLogger)(nil)
	_ gorm.ParamsFilter = (*sqlLogger)(nil)
)

// slowLogEvery is how often one slow statement may be logged.
const slowLogEvery = time.Minute

func newSQLLogger(l *slog.Logger, slow time.Duration) *sqlLogger {
	return &sqlLogger{log: l.With("component", "gorm"), slow: slow, lastSlow: map[string]time.Time{}}
}

// LogMode implements logger.Interface; the level is the slog handler's.
func (s *sqlLogger) LogMode(logger.LogLevel) logger.Interface { return s }

// Info implements logger.Interface.
func (s *sqlLogger) Info(ctx context.Context, msg string, _ ...any) { s.log.InfoContext(ctx, msg) }

// Warn implements logger.Interface.
func (s *sqlLogger) Warn(ctx context.Context, msg string, _ ...any) { s.log.WarnContext(ctx, msg) }

// Error implements logger.Interface.
func (s *sqlLogger) Error(ctx context.Context, msg string, _ ...any) { s.log.ErrorContext(ctx, msg) }

// ParamsFilter implements gorm.ParamsFilter: bound values (PANs, IBANs,
// tokens) are never logged.
func (s *sqlLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

// Trace implements logger.Interface.
func (s *sqlLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case err != nil && errors.Is(err, gorm.ErrRecordNotFound):
	case err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
		if s.log.Enabled(ctx, slog.LevelDebug) {
			sql, _ := fc()
			s.log.DebugContext(ctx, "SQL cancelled", "sql", Fingerprint(sql), "duration", elapsed)
		}
	case err != nil:
		sql, _ := fc()
		s.log.ErrorContext(ctx, "SQL failed", "sql", Fingerprint(sql), "duration", elapsed, "error", SafeDBError(err))
	case s.slow > 0 && elapsed > s.slow:
		sql, _ := fc()
		fp := Fingerprint(sql)
		if s.dueSlow(fp) {
			s.log.WarnContext(ctx, "slow SQL", "sql", fp, "duration", elapsed)
		}
	}
}

// dueSlow reports whether fp may be logged as slow now.
func (s *sqlLogger) dueSlow(fp string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if now.Sub(s.lastSlow[fp]) < slowLogEvery {
		return false
	}
	if len(s.lastSlow) > 1000 {
		clear(s.lastSlow)
	}
	s.lastSlow[fp] = now
	return true
}

// Fingerprint names a statement without quoting it: its first words (up
// to the first parenthesis or 48 bytes) and 8 hex digits of a hash of the
// whole text with whitespace collapsed. Placeholders keep values out.
func Fingerprint(sql string) string {
	norm := strings.Join(strings.Fields(sql), " ")
	sum := sha256.Sum256([]byte(norm))
	head := norm
	if i := strings.IndexAny(head, "("); i > 0 {
		head = head[:i]
	}
	if len(head) > 48 {
		head = head[:48]
	}
	return strings.TrimSpace(head) + " #" + hex.EncodeToString(sum[:4])
}

// SafeDBError describes a database error without the values it may quote:
// PostgreSQL's SQLSTATE and constraint or column names, or only the first
// 120 bytes of anything else.
func SafeDBError(err error) string {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		msg := "SQLSTATE " + pg.Code
		if pg.ConstraintName != "" {
			msg += " constraint " + pg.ConstraintName
		}
		if pg.ColumnName != "" {
			msg += " column " + pg.ColumnName
		}
		return msg
	}
	msg := err.Error()
	if len(msg) > 120 {
		msg = msg[:120] + "…"
	}
	return msg
}
