package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

func TestRecordsCarryRequestAndTrace(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, "info")
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1, 2, 3}, SpanID: trace.SpanID{4, 5},
		TraceFlags: trace.FlagsSampled})
	ctx := trace.ContextWithSpanContext(WithRequestID(context.Background(), "req-1"), sc)
	log.With("component", "test").InfoContext(ctx, "hello")
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["request_id"] != "req-1" || rec["trace_id"] != sc.TraceID().String() || rec["span_id"] != sc.SpanID().String() ||
		rec["component"] != "test" {
		t.Fatalf("record %v", rec)
	}
}

func TestRecordsWithoutTrace(t *testing.T) {
	var buf bytes.Buffer
	New(&buf, "info").InfoContext(context.Background(), "hello")
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	if _, ok := rec["trace_id"]; ok {
		t.Fatalf("trace_id without a span: %v", rec)
	}
	if _, ok := rec["request_id"]; ok {
		t.Fatalf("request_id without a request: %v", rec)
	}
}
