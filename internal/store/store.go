// Package store is fingraph's data access over GORM. All SQL lives here;
// services call it, resolvers never do. Not-found becomes apperr.ErrNotFound.
package store

import (
	"context"
	"errors"
	"fmt"

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
}

// New returns a Store over db.
func New(db *gorm.DB) *Store {
	s := &Store{db: db}
	if db.Dialector.Name() == "sqlite" {
		s.writers = make(chan struct{}, 1)
	}
	return s
}

// Tx runs fn in a transaction bound to ctx; fn's Store writes through it.
// The transaction commits when fn returns nil and rolls back otherwise.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	if s.writers != nil {
		select {
		case s.writers <- struct{}{}:
			defer func() { <-s.writers }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(&Store{db: tx})
	})
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
	return fmt.Errorf("store: %s: %w", fmt.Sprintf(op, args...), err)
}
