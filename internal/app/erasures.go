package app

import (
	"context"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/jobs"
	"github.com/fingraph/fingraph/internal/onboarding"
	"github.com/fingraph/fingraph/internal/store"
)

// startJobs starts the background job runner; it stops when the app
// closes, letting running jobs finish for a while.
func (a *App) startJobs(ctx context.Context, st *store.Store, agg *aggregate.Service, ob *onboarding.Service) error {
	j := a.Config.Jobs
	r, err := jobs.New(ctx, a.jobsBackend(), st, agg, jobs.Options{
		Work: j.Work, JobTimeout: j.Timeout, RescueAfter: j.RescueAfter, PollInterval: j.PollInterval,
		SweepEvery: j.SweepEvery, ActiveWithin: j.ActiveWithin, Expirer: ob, Logger: a.logger,
		// A statement step sends one file; it must end before the rescuer
		// would run it a second time.
		Statements: a.Statements, StepTimeout: min(a.Config.UploadTimeout+30*time.Second, j.RescueAfter*9/10),
		Observer: a.Metrics, Tracer: a.tracing.Provider(),
	})
	if err != nil {
		return err
	}
	if err := r.Start(ctx); err != nil {
		return err
	}
	a.Jobs = r
	a.closers = append(a.closers, func() error {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return r.Stop(stopCtx)
	})
	return nil
}

// RetryErasures runs one pass of the provider-side delete retries now and
// returns how many the providers confirmed (the jobs do this on their own;
// operators and tests may force it).
func (a *App) RetryErasures(ctx context.Context) (int, error) {
	return a.agg.RetryErasures(ctx)
}
