package jobs

import (
	"context"
	"log/slog"
	"strings"
)

// quietCancel lowers River's error records about a cancelled context to
// debug: River logs them at ERROR while it stops, which is routine, and a
// clean shutdown must not look like an incident.
type quietCancel struct{ slog.Handler }

// Handle implements slog.Handler.
func (h quietCancel) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn && cancelled(r) {
		if !h.Enabled(ctx, slog.LevelDebug) {
			return nil
		}
		low := slog.NewRecord(r.Time, slog.LevelDebug, r.Message, r.PC)
		r.Attrs(func(a slog.Attr) bool { low.AddAttrs(a); return true })
		r = low
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h quietCancel) WithAttrs(as []slog.Attr) slog.Handler {
	return quietCancel{h.Handler.WithAttrs(as)}
}

// WithGroup implements slog.Handler.
func (h quietCancel) WithGroup(name string) slog.Handler {
	return quietCancel{h.Handler.WithGroup(name)}
}

func cancelled(r slog.Record) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "error" && strings.Contains(a.Value.String(), "context canceled") {
			found = true
			return false
		}
		return true
	})
	return found
}
