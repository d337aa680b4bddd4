package app

import (
	"context"
	"sync"
	"time"

	"github.com/fingraph/fingraph/internal/events"
)

// startEvents builds the event bus and publisher; on PostgreSQL it also
// listens for the other replicas' events until the app closes.
func (a *App) startEvents(ctx context.Context) (*events.Publisher, error) {
	a.Events = events.NewBus()
	postgres := a.Config.SQLitePath() == ""
	pub := events.NewPublisher(a.Events, a.Instance, postgres)
	if !postgres {
		return pub, nil
	}
	l := events.NewListener(a.Config.DatabaseURL, a.Events, a.Instance, a.logger)
	lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { l.Run(lctx) })
	a.closers = append(a.closers, func() error { cancel(); wg.Wait(); return nil })
	// Wait briefly for the first LISTEN, so events of the first requests
	// reach this replica; a database that is slow to answer only delays
	// the other replicas' events, never the start.
	select {
	case <-l.Ready():
	case <-time.After(5 * time.Second):
		a.logger.Warn("event listener not ready yet; starting anyway")
	}
	return pub, nil
}
