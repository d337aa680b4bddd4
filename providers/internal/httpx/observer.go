package httpx

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// Observer sees one provider client's calls and guards, so the server can
// count them without the client importing the server (providers never
// do). Every argument is a bounded value: the client's fixed name, an
// outcome from the list below, a duration, or a snapshot of counts; never
// a URL, body, label with an identifier, or secret. Observers run on the
// call path, so they must be quick and safe for concurrent use.
type Observer interface {
	// Call reports one logical call when it ends, with its outcome and
	// its duration, retries, backoff and local waits included.
	Call(client, outcome string, d time.Duration)
	// Retry reports an attempt about to be sent again.
	Retry(client string)
	// Watch hands over a way to read the client's guards at any time
	// (typically on a metrics scrape). It is called once per client.
	Watch(client string, state func() GuardsState)
}

// GuardsState is a snapshot of one client's guards.
type GuardsState struct {
	// Breaker is "closed", "open" or "half-open" ("closed" without a
	// breaker).
	Breaker string
	// InFlight and Queued are the bulkhead's calls on the wire and waiting
	// for a slot.
	InFlight, Queued int
}

// Call outcomes, as Observer.Call reports them.
const (
	// OutcomeOK: a 2xx answer.
	OutcomeOK = "ok"
	// OutcomeClientError: a 4xx other than 408 and 429, a request the
	// provider refused as wrong; it says the provider is up.
	OutcomeClientError = "client_error"
	// OutcomeServerError: a 5xx or 408, the provider failed.
	OutcomeServerError = "server_error"
	// OutcomeThrottled: a 429 the retries did not get past.
	OutcomeThrottled = "throttled"
	// OutcomeTransport: no answer (network error, body over the cap).
	OutcomeTransport = "transport_error"
	// OutcomeTimeout: the call's deadline ran out.
	OutcomeTimeout = "timeout"
	// OutcomeCanceled: the caller gave up.
	OutcomeCanceled = "canceled"
	// OutcomeCircuitOpen, OutcomeBulkheadFull and OutcomeRateLimited: the
	// guards refused the call; nothing was sent.
	OutcomeCircuitOpen  = "circuit_open"
	OutcomeBulkheadFull = "bulkhead_full"
	OutcomeRateLimited  = "rate_limited"
)

// Outcomes lists every outcome, so an observer can create its series up
// front (an alert on a series that does not exist yet never fires).
func Outcomes() []string {
	return []string{OutcomeOK, OutcomeClientError, OutcomeServerError, OutcomeThrottled, OutcomeTransport,
		OutcomeTimeout, OutcomeCanceled, OutcomeCircuitOpen, OutcomeBulkheadFull, OutcomeRateLimited}
}

// CallOutcome classifies a finished call: by the guard that refused it,
// else by the error that kept it from an answer, else by the status of
// its last answer.
func CallOutcome(ctx context.Context, status int, err error) string {
	switch {
	case errors.Is(err, ErrCircuitOpen):
		return OutcomeCircuitOpen
	case errors.Is(err, ErrBulkheadFull):
		return OutcomeBulkheadFull
	case errors.Is(err, ErrRateLimited):
		return OutcomeRateLimited
	case err != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded)):
		return OutcomeTimeout
	case err != nil && (errors.Is(err, context.Canceled) || ctx.Err() != nil):
		return OutcomeCanceled
	case err != nil:
		return OutcomeTransport
	case status/100 == 2:
		return OutcomeOK
	case status == http.StatusTooManyRequests:
		return OutcomeThrottled
	case FailureStatus(status):
		return OutcomeServerError
	}
	return OutcomeClientError
}

// nopObserver is the observer of a client nobody watches.
type nopObserver struct{}

func (nopObserver) Call(string, string, time.Duration) {}
func (nopObserver) Retry(string)                       {}
func (nopObserver) Watch(string, func() GuardsState)   {}

// Observed returns obs, or an observer that drops everything when obs is
// nil, so callers never check.
func Observed(obs Observer) Observer {
	if obs == nil {
		return nopObserver{}
	}
	return obs
}

// State snapshots the guards for Observer.Watch.
func (g Guards) State() GuardsState {
	return GuardsState{Breaker: g.Breaker.State().String(), InFlight: g.Bulkhead.InFlight(), Queued: g.Bulkhead.Queued()}
}
