package events

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// Listener receives the other replicas' events from PostgreSQL and
// dispatches them on the local bus.
type Listener struct {
	url    string
	bus    *Bus
	origin string
	log    *slog.Logger
	ready  chan struct{}
}

// NewListener listens on the database at url for bus; events published
// by origin (this replica) are skipped, since they were dispatched locally.
func NewListener(url string, bus *Bus, origin string, log *slog.Logger) *Listener {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Listener{url: url, bus: bus, origin: origin, log: log.With("component", "events"), ready: make(chan struct{})}
}

// Ready is closed once the first LISTEN succeeded.
func (l *Listener) Ready() <-chan struct{} { return l.ready }

// Run listens until ctx ends, reconnecting with backoff. After a
// reconnect it dispatches Resync: notifications sent meanwhile are lost.
func (l *Listener) Run(ctx context.Context) {
	backoff := 100 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		err := l.listen(ctx, func() {
			if first {
				close(l.ready)
				first = false
			} else {
				l.bus.Dispatch(Event{Kind: Resync, At: time.Now().UTC()})
			}
			backoff = 100 * time.Millisecond
		})
		if ctx.Err() != nil {
			return
		}
		l.log.Warn("event listener disconnected; reconnecting", "error", err.Error(), "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

// listen holds one connection: LISTEN, then dispatch until it fails.
func (l *Listener) listen(ctx context.Context, listening func()) error {
	conn, err := pgx.Connect(ctx, l.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{Channel}.Sanitize()); err != nil {
		return err
	}
	listening()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var e Event
		if err := json.Unmarshal([]byte(n.Payload), &e); err != nil {
			l.log.Warn("undecodable event ignored", "bytes", len(n.Payload))
			continue
		}
		if e.Origin != l.origin {
			l.bus.Dispatch(e)
		}
	}
}
