package finance

import (
	"context"
	"reflect"

	"github.com/fingraph/fingraph/internal/access"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// The access trail (internal/access) records every read an analyst or an
// admin makes of another user's data. The finance reads report the owner
// of each object they return at the few places every read passes
// through: the by-id loaders, the list loaders, node(s) and the by-user
// reads of a viewer. Objects below a recorded parent belong to the same
// user, so recording them again adds nothing (one row per operation and
// user).

// viewed reports the owners of rows to the trail of ctx's operation.
func viewed[T any](ctx context.Context, rows map[string]*T) {
	if !access.Watching(ctx) {
		return
	}
	for _, r := range rows {
		access.Viewed(ctx, ownerOf(r))
	}
}

// viewedNodes reports the owners of nodes.
func viewedNodes[K comparable](ctx context.Context, nodes map[K]models.Node) {
	if !access.Watching(ctx) {
		return
	}
	for _, n := range nodes {
		access.Viewed(ctx, ownerOf(n))
	}
}

// ownerOf is the UserID of a model (every stored object has one), or ""
// for anything else. Reflection keeps the models free of a method only
// the trail needs; it runs only for analysts' and admins' reads.
func ownerOf(v any) string {
	rv := reflect.Indirect(reflect.ValueOf(v))
	if rv.Kind() != reflect.Struct {
		return ""
	}
	if f := rv.FieldByName("UserID"); f.IsValid() && f.Kind() == reflect.String {
		return f.String()
	}
	return ""
}

// viewedList reports the owners of a page's rows.
func viewedList[T any](ctx context.Context, c *store.Conn[T]) {
	if c == nil || !access.Watching(ctx) {
		return
	}
	for i := range c.Rows {
		access.Viewed(ctx, ownerOf(&c.Rows[i]))
	}
}
