// Package access keeps the access trail: which analyst or admin read
// which user's data, when, and in which operation. The GraphQL layer opens
// an Operation per operation (Log.Begin); the services report the owners
// of what they read (Viewed, ViewedAll); the first read of each user in an
// operation becomes one row, handed to the Log, which writes rows in
// batches off the request path (every second or every MaxBatch rows, and
// on shutdown) and deletes rows older than the retention period.
//
// A row names the operation by its name and the SHA-256 of its text, never
// its variables, and holds no personal data: the trail outlives the data it
// is about.
package access

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/models"
)

type ctxKey struct{}

// Operation collects the users one operation read. Safe for concurrent
// use: resolvers run in parallel.
type Operation struct {
	log   *Log
	actor string
	role  auth.Role
	name  string
	hash  string

	mu   sync.Mutex
	seen map[string]bool // viewed user ids; "" for every user (aggregates)
}

// Begin returns ctx carrying a new Operation when the caller is an analyst
// or an admin (only their reads of others are recorded), else ctx as is.
// name is the operation's name ("" when anonymous) and query its text.
func (l *Log) Begin(ctx context.Context, name, query string) context.Context {
	p, ok := auth.FromContext(ctx)
	if l == nil || !ok {
		return ctx
	}
	role := auth.RoleAdmin
	if !p.Has(auth.RoleAdmin) {
		if !p.Has(auth.RoleAnalyst) {
			return ctx
		}
		role = auth.RoleAnalyst
	}
	sum := sha256.Sum256([]byte(query))
	op := &Operation{log: l, actor: p.UserID, role: role, name: name, hash: hex.EncodeToString(sum[:]), seen: map[string]bool{}}
	return context.WithValue(ctx, ctxKey{}, op)
}

// Watching reports whether reads in ctx are recorded, so callers skip
// collecting owners otherwise.
func Watching(ctx context.Context) bool {
	_, ok := ctx.Value(ctxKey{}).(*Operation)
	return ok
}

// Viewed records that the operation in ctx read data of these users; the
// caller's own data and users already recorded in this operation add
// nothing. Without an operation (a plain user, a background job) it does
// nothing.
func Viewed(ctx context.Context, userIDs ...string) {
	op, ok := ctx.Value(ctxKey{}).(*Operation)
	if !ok {
		return
	}
	for _, id := range userIDs {
		if id != "" && id != op.actor {
			op.record(id)
		}
	}
}

// ViewedAll records that the operation in ctx read an aggregate over every
// user (one row without a user).
func ViewedAll(ctx context.Context) {
	if op, ok := ctx.Value(ctxKey{}).(*Operation); ok {
		op.record("")
	}
}

func (op *Operation) record(userID string) {
	op.mu.Lock()
	if op.seen[userID] {
		op.mu.Unlock()
		return
	}
	op.seen[userID] = true
	op.mu.Unlock()
	e := models.AccessLogEntry{At: op.log.now().UTC(), ActorID: op.actor, ActorRole: string(op.role),
		Operation: op.name, QueryHash: op.hash}
	if userID != "" {
		e.UserID = &userID
	}
	op.log.add(e)
}

// now is the Log's clock.
func (l *Log) now() time.Time { return l.opts.Now() }
