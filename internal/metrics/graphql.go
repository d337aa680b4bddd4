package metrics

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

func (m *Metrics) defineGraphQL() {
	m.gqlOperations = m.counter("graphql_operations_total",
		"GraphQL operations answered (subscriptions excluded), by operation (safelisted names only, else "+
			"\"other\"), type and result (ok, or error when the response carries any error).",
		"operation", "type", "result")
	m.gqlDuration = m.histogram("graphql_operation_duration_seconds",
		"Time from the start of parsing to the complete response, by operation and type.", requestBuckets,
		"operation", "type")
	m.gqlErrors = m.counter("graphql_errors_total", "Errors in GraphQL responses, by extensions.code.", "code")
}

// GraphQL returns the gqlgen extension that counts and times operations
// and their errors. Only an operation whose query is in safelist (the
// SHA-256 hex of the query text, as graph.Safelist keys it) is labelled
// with its name: any other name is the client's free text, so it is
// "other".
func (m *Metrics) GraphQL(safelist map[string]string) graphql.HandlerExtension {
	return gqlMetrics{m: m, safelist: safelist}
}

type gqlMetrics struct {
	m        *Metrics
	safelist map[string]string
}

var (
	_ graphql.HandlerExtension    = gqlMetrics{}
	_ graphql.ResponseInterceptor = gqlMetrics{}
)

func (gqlMetrics) ExtensionName() string { return "Metrics" }

func (gqlMetrics) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse observes one response. It also sees the responses of
// requests rejected before an operation was chosen (parse errors), as
// type "unknown". A subscription's responses are its events: they are not
// operations, and are left to the stream gauges.
func (g gqlMetrics) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start, name, typ := time.Now(), "other", "unknown"
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation != nil {
			if oc.Operation.Operation == ast.Subscription {
				return next(ctx)
			}
			typ = string(oc.Operation.Operation)
		}
		if !oc.Stats.OperationStart.IsZero() {
			start = oc.Stats.OperationStart
		}
		name = g.name(oc)
	}
	resp := next(ctx)
	result := "ok"
	if resp != nil && len(resp.Errors) > 0 {
		result = "error"
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			g.m.gqlErrors.WithLabelValues(codeLabel(code)).Inc()
		}
	}
	g.m.gqlOperations.WithLabelValues(name, typ, result).Inc()
	g.m.gqlDuration.WithLabelValues(name, typ).Observe(time.Since(start).Seconds())
	return resp
}

// opName is what a GraphQL name may be (and a sane length).
var opName = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,63}$`)

// name labels a safelisted operation with its name ("unnamed" without
// one); everything else is "other".
func (g gqlMetrics) name(oc *graphql.OperationContext) string {
	if len(g.safelist) == 0 || oc.RawQuery == "" {
		return "other"
	}
	sum := sha256.Sum256([]byte(oc.RawQuery))
	if _, ok := g.safelist[hex.EncodeToString(sum[:])]; !ok {
		return "other"
	}
	if oc.Operation != nil && opName.MatchString(oc.Operation.Name) {
		return oc.Operation.Name
	}
	return "unnamed"
}

// code is what an extensions.code looks like; the error presenter only
// sets codes from a fixed list, but protocol errors carry gqlgen's.
var code = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,47}$`)

func codeLabel(c string) string {
	switch {
	case c == "":
		return "NONE"
	case code.MatchString(c):
		return c
	}
	return "OTHER"
}
