package events

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Channel is the PostgreSQL NOTIFY channel of events.
const Channel = "fingraph_events"

// Tx is the part of a store transaction a publisher needs.
type Tx interface {
	// Notify sends a PostgreSQL notification with the transaction.
	Notify(ctx context.Context, channel, payload string) error
	// AfterCommit runs fn once the transaction commits.
	AfterCommit(fn func())
}

// Publisher publishes events with the transaction of their change. A nil
// *Publisher publishes nothing.
type Publisher struct {
	bus    *Bus
	origin string
	notify bool
}

// NewPublisher publishes to bus, marking events with origin (this
// replica's id); notify also sends them to the other replicas (PostgreSQL).
func NewPublisher(bus *Bus, origin string, notify bool) *Publisher {
	return &Publisher{bus: bus, origin: origin, notify: notify}
}

// Bus returns the local bus events are dispatched on.
func (p *Publisher) Bus() *Bus { return p.bus }

// Publish publishes e with tx: after the commit, to this process's
// subscribers, and through NOTIFY, delivered on the same commit, to the
// other replicas.
func (p *Publisher) Publish(ctx context.Context, tx Tx, e Event) error {
	if p == nil {
		return nil
	}
	e.Origin = p.origin
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	if p.notify {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("events: encode: %w", err)
		}
		if err := tx.Notify(ctx, Channel, string(b)); err != nil {
			return err
		}
	}
	tx.AfterCommit(func() { p.bus.Dispatch(e) })
	return nil
}
