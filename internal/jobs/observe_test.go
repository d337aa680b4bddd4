package jobs

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

type runLog struct{ runs []string }

func (l *runLog) JobDone(kind, outcome string, _ time.Duration) {
	l.runs = append(l.runs, kind+"/"+outcome)
}

func TestObserverReportsEachRun(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := trace.NewTracerProvider(trace.WithSyncer(exp))
	log := &runLog{}
	o := &observer{obs: log, tracer: tp.Tracer("test")}
	job := &rivertype.JobRow{Kind: "sweep", Attempt: 1}
	for _, err := range []error{nil, errors.New("boom"), river.JobSnooze(time.Second), river.JobCancel(errors.New("x")),
		fmt.Errorf("wrapped: %w", river.JobSnooze(time.Second))} {
		got := o.Work(context.Background(), job, func(context.Context) error { return err })
		if got != err {
			t.Fatalf("Work changed the error: %v", got)
		}
	}
	want := "[sweep/completed sweep/failed sweep/snoozed sweep/cancelled sweep/snoozed]"
	if fmt.Sprint(log.runs) != want {
		t.Fatalf("runs %v, want %s", log.runs, want)
	}
	spans := exp.GetSpans()
	if len(spans) != 5 || spans[0].Name != "job sweep" || spans[1].Status.Description != "job failed" {
		t.Fatalf("spans %v", spans)
	}
}
