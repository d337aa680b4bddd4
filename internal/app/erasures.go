package app

import (
	"context"
	"sync"
	"time"
)

// erasureRetryInterval is how often pending provider-side deletes are
// looked at; each erasure also waits its own backoff.
const erasureRetryInterval = time.Minute

// startErasureRetries asks providers again, in the background, to delete
// connections whose cached data is already erased (see
// aggregate.RetryErasures). It stops when the app closes.
func (a *App) startErasureRetries(every time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				a.retryErasuresOnce(ctx)
			}
		}
	})
	a.closers = append(a.closers, func() error { cancel(); wg.Wait(); return nil })
}

func (a *App) retryErasuresOnce(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, erasureRetryInterval)
	defer cancel()
	if n, err := a.RetryErasures(ctx); err != nil && ctx.Err() == nil {
		a.logger.Error("retry upstream deletes", "error", err)
	} else if n > 0 {
		a.logger.Info("upstream deletes confirmed", "count", n)
	}
}

// RetryErasures runs one pass of the provider-side delete retries now and
// returns how many the providers confirmed.
func (a *App) RetryErasures(ctx context.Context) (int, error) {
	return a.agg.RetryErasures(ctx)
}
