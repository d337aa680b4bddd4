package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Observer counts job runs, for metrics. Kinds are the fixed job kinds.
type Observer interface {
	// JobDone reports one run of a job of kind: its outcome (completed,
	// failed, snoozed, cancelled) and duration.
	JobDone(kind, outcome string, d time.Duration)
}

// The outcomes of a job run.
const (
	RunCompleted = "completed"
	RunFailed    = "failed"
	RunSnoozed   = "snoozed"
	RunCancelled = "cancelled"
)

// observer is River worker middleware that runs each job in a span (when
// tracing) and reports its outcome (when observed). Spans carry the kind
// and attempt only: job arguments hold identifiers.
type observer struct {
	river.MiddlewareDefaults
	tracer trace.Tracer // nil: no spans
	obs    Observer     // nil: no counts
}

var _ rivertype.WorkerMiddleware = (*observer)(nil)

// Work implements rivertype.WorkerMiddleware.
func (o *observer) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	start := time.Now()
	var span trace.Span
	if o.tracer != nil {
		ctx, span = o.tracer.Start(ctx, "job "+job.Kind, trace.WithSpanKind(trace.SpanKindConsumer),
			trace.WithAttributes(attribute.String("job.kind", job.Kind), attribute.Int("job.attempt", job.Attempt)))
		defer span.End()
	}
	err := doInner(ctx)
	outcome := runOutcome(err)
	if span != nil {
		span.SetAttributes(attribute.String("job.outcome", outcome))
		if outcome == RunFailed {
			span.SetStatus(codes.Error, "job failed") // the error text may name rows: not exported
		}
	}
	if o.obs != nil {
		o.obs.JobDone(job.Kind, outcome, time.Since(start))
	}
	return err
}

// runOutcome classifies what a worker returned.
func runOutcome(err error) string {
	var snooze *rivertype.JobSnoozeError
	var cancel *rivertype.JobCancelError
	switch {
	case err == nil:
		return RunCompleted
	case errors.As(err, &snooze):
		return RunSnoozed
	case errors.As(err, &cancel):
		return RunCancelled
	}
	return RunFailed
}
