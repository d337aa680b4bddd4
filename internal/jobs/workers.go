package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/statements"
)

// sweepJob is the periodic sweep (aggregate.Sweep).
type sweepJob struct{}

// Kind implements river.JobArgs.
func (sweepJob) Kind() string { return "sweep" }

// InsertOpts makes the sweep unique while one is pending.
func (sweepJob) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// expireJob records lapsed onboarding sessions (Options.Expirer).
type expireJob struct{}

// Kind implements river.JobArgs.
func (expireJob) Kind() string { return "expire_onboarding" }

// InsertOpts makes the job unique while one is pending.
func (expireJob) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// workers registers the worker of every job kind.
func workers(agg *aggregate.Service, o Options) *river.Workers {
	w := river.NewWorkers()
	river.AddWorker(w, &eraseWorker{agg: agg})
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[aggregate.FinishLinkJob]) error {
		if wait := time.Until(j.Args.NotBefore); wait > 0 {
			return river.JobSnooze(wait)
		}
		return agg.FinishLink(ctx, j.Args)
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[aggregate.RefreshJob]) error {
		return agg.Refresh(ctx, j.Args)
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[aggregate.PollJob]) error {
		err := agg.Poll(ctx, j.Args)
		var still *aggregate.StillPending
		if errors.As(err, &still) {
			return river.JobSnooze(still.After)
		}
		return err
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, j *river.Job[aggregate.WebhookJob]) error {
		err := agg.ProcessWebhook(ctx, j.Args)
		if errors.Is(err, aggregate.ErrRetryLater) {
			return river.JobSnooze(webhookRetryDelay(time.Since(j.CreatedAt)))
		}
		return err
	}))
	river.AddWorker(w, river.WorkFunc(func(ctx context.Context, _ *river.Job[sweepJob]) error {
		return agg.Sweep(ctx, o.ActiveWithin)
	}))
	if o.Statements != nil {
		river.AddWorker(w, &stepWorker{st: o.Statements, timeout: o.StepTimeout})
	}
	if o.Expirer != nil {
		river.AddWorker(w, river.WorkFunc(func(ctx context.Context, _ *river.Job[expireJob]) error {
			_, err := o.Expirer.ExpireDue(ctx)
			return err
		}))
	}
	return w
}

// eraseWorker asks a provider to delete an erased connection.
type eraseWorker struct {
	river.WorkerDefaults[aggregate.EraseJob]
	agg *aggregate.Service
}

// Work snoozes until NotBefore, then makes one attempt; until the provider
// confirms it fails, and River retries it.
func (w *eraseWorker) Work(ctx context.Context, j *river.Job[aggregate.EraseJob]) error {
	if wait := time.Until(j.Args.NotBefore); wait > 0 {
		return river.JobSnooze(wait)
	}
	return w.agg.Erase(ctx, j.Args)
}

// NextRetry backs off as the erasure's own record says (one minute,
// doubling, at most six hours apart).
func (w *eraseWorker) NextRetry(j *river.Job[aggregate.EraseJob]) time.Time {
	return time.Now().Add(aggregate.ErasureDelay(j.Attempt - 1))
}

// webhookRetryDelay paces a delivery for credentials not linked yet: a
// provider may deliver before the frontend has handed over the handle, so
// the first minute retries every few seconds; later, rarely (the delivery
// is dropped after a day by ProcessWebhook).
func webhookRetryDelay(age time.Duration) time.Duration {
	switch {
	case age < time.Minute:
		return 3 * time.Second
	case age < time.Hour:
		return time.Minute
	}
	return 15 * time.Minute
}

// stepWorker runs statement upload steps, each its own job run, so one
// run never holds more than one file's upload.
type stepWorker struct {
	river.WorkerDefaults[statements.Job]
	st      Stepper
	timeout time.Duration
}

// Work implements river.Worker: a step with more to do snoozes.
func (w *stepWorker) Work(ctx context.Context, j *river.Job[statements.Job]) error {
	err := w.st.Step(ctx, j.Args)
	var again *statements.Again
	if errors.As(err, &again) {
		return river.JobSnooze(again.After)
	}
	return err
}

// Timeout implements river.Worker: an upload step may take minutes.
func (w *stepWorker) Timeout(*river.Job[statements.Job]) time.Duration { return w.timeout }
