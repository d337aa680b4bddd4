package store

import (
	"context"
	"database/sql"
	"sync"

	"gorm.io/gorm"
)

// UseICUFold makes s lower-case the text filter under the ICU root
// collation on PostgreSQL, as it does on a database whose LC_CTYPE is C,
// whatever the test database's own locale.
func UseICUFold(s *Store) {
	f := lowerICU
	s.hooks.fold.Store(&f)
}

// TextFold is the lower-casing format the text filter would use.
var TextFold = (*Store).textFold

// Statement is one SQL statement a Store sent, with its arguments.
type Statement struct {
	SQL  string
	Args []any
}

// Recording returns a Store over db that also records every query it
// sends (not execs), for tests that EXPLAIN what the store really runs.
func Recording(db *gorm.DB) (*Store, func() []Statement) {
	rec := &recorder{ConnPool: db.Statement.ConnPool}
	tx := db.Session(&gorm.Session{})
	tx.Statement.ConnPool = rec
	return New(tx), func() []Statement {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		out := rec.stmts
		rec.stmts = nil
		return out
	}
}

type recorder struct {
	gorm.ConnPool
	mu    sync.Mutex
	stmts []Statement
}

func (r *recorder) record(q string, args []any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stmts = append(r.stmts, Statement{SQL: q, Args: args})
}

func (r *recorder) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r.record(q, args)
	return r.ConnPool.QueryContext(ctx, q, args...)
}

func (r *recorder) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	r.record(q, args)
	return r.ConnPool.QueryRowContext(ctx, q, args...)
}
