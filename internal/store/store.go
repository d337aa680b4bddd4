// Package store is fingraph's data access over GORM. All SQL lives here;
// services call it, resolvers never do. Not-found becomes apperr.ErrNotFound.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/fingraph/fingraph/internal/apperr"
)

// Store runs queries against one database handle, or one transaction.
type Store struct {
	db *gorm.DB
	// writers queues write transactions on SQLite, which has a single
	// writer: waiting in Go is fair and bounded by ctx, where SQLite's busy
	// timeout polls and gives up under load. Nil on PostgreSQL.
	writers chan struct{}
	// hooks are shared by every Store of one database handle.
	hooks *hooks
	// tx is set inside Tx: what to run once the transaction commits.
	tx *txState
}

// hooks are set once at start.
type hooks struct {
	// jobsEnqueued, when set, is told that jobs were committed to the
	// outbox, so they reach the queue at once rather than at the next
	// sweep.
	jobsEnqueued atomic.Pointer[func()]
	// fold is the text filter's lower-casing on PostgreSQL, once probed
	// (textFold).
	fold atomic.Pointer[string]
}

type txState struct {
	afterCommit []func()
	// optimize is set when the transaction inserted many rows on SQLite
	// (afterBulkInsert): the planner's statistics are refreshed after it
	// commits.
	optimize bool
}

// New returns a Store over db.
func New(db *gorm.DB) *Store {
	s := &Store{db: db, hooks: &hooks{}}
	if db.Dialector.Name() == "sqlite" {
		s.writers = make(chan struct{}, 1)
	}
	return s
}

// Dialect names the database engine: "postgres" or "sqlite".
func (s *Store) Dialect() string { return s.db.Dialector.Name() }

// OnJobsEnqueued sets what to call after a commit that enqueued jobs.
func (s *Store) OnJobsEnqueued(fn func()) { s.hooks.jobsEnqueued.Store(&fn) }

// Tx runs fn in a transaction bound to ctx; fn's Store writes through it.
// The transaction commits when fn returns nil and rolls back otherwise;
// the AfterCommit callbacks of fn run after the commit. A Tx inside a Tx
// is a savepoint of the outer one.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	if s.tx != nil {
		return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return fn(&Store{db: tx, hooks: s.hooks, tx: s.tx})
		})
	}
	if s.writers != nil {
		select {
		case s.writers <- struct{}{}:
			defer func() { <-s.writers }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	state := &txState{}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(&Store{db: tx, hooks: s.hooks, tx: state})
	})
	if err == nil {
		if state.optimize {
			s.optimize(ctx)
		}
		for _, f := range state.afterCommit {
			f()
		}
	}
	return err
}

// AfterCommit runs fn once the current transaction commits (never if it
// rolls back), or at once outside a transaction.
func (s *Store) AfterCommit(fn func()) {
	if s.tx == nil {
		fn()
		return
	}
	s.tx.afterCommit = append(s.tx.afterCommit, fn)
}

// wrap turns GORM's not-found into the domain sentinel and names the
// operation, keeping the cause for the logs.
func wrap(err error, op string, args ...any) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("store: %s: %w", fmt.Sprintf(op, args...), apperr.ErrNotFound)
	}
	if unreachable(err) {
		return fmt.Errorf("store: %s: %w (%w)", fmt.Sprintf(op, args...), apperr.ErrServiceUnavailable, err)
	}
	return fmt.Errorf("store: %s: %w", fmt.Sprintf(op, args...), err)
}

// Notify sends a PostgreSQL notification with the current transaction
// (delivered only if it commits); SQLite has no other listener, so it is a
// no-op there.
func (s *Store) Notify(ctx context.Context, channel, payload string) error {
	if s.Dialect() != "postgres" {
		return nil
	}
	return wrap(s.db.WithContext(ctx).Exec("SELECT pg_notify(?, ?)", channel, payload).Error, "Notify")
}

// unreachable reports errors that mean the database itself cannot be
// reached (down, restarting, the pool closed), as opposed to a statement
// it refused: clients may retry those.
func unreachable(err error) bool {
	var connect *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	// io.ErrUnexpectedEOF is what pgx returns, unwrapped, for a query on
	// a pooled connection the server side dropped (a restart, a proxy).
	case errors.As(err, &connect), errors.As(err, &netErr), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone):
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "sql: database is closed") || strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "the database system is shutting down") || strings.Contains(msg, "the database system is starting up")
}
