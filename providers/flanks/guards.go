package flanks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/fingraph/fingraph/providers/guard"
	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// guards are the per-provider protections of reliability.md goals 18 and
// 19. One set per Client, i.e. per provider: a Flanks outage must not spend
// the budget, slots or breaker of Flinks or Finqware. A nil guard is off.
type guards struct {
	breaker  *httpx.Breaker
	bulkhead *httpx.Bulkhead
	budget   *httpx.RetryBudget
	limiter  *httpx.RateLimiter
}

// guardPolicies are what the options chose; NewClient builds the guards
// from them once the clock is final.
type guardPolicies struct {
	breaker   BreakerPolicy
	bulkhead  BulkheadPolicy
	budget    RetryBudgetPolicy
	rateLimit guard.RateLimitPolicy
}

// newGuards builds the guards. The budget and the rate limit run on the
// client's clock, read through c so tests that replace c.now drive them;
// the breaker runs on the wall clock (gobreaker has no clock to inject).
func (c *Client) newGuards(p guardPolicies) guards {
	now := func() time.Time { return c.now() }
	g := guards{limiter: httpx.NewRateLimiter(p.rateLimit.PerSecond, p.rateLimit.Burst)}
	if !p.breaker.Disabled {
		g.breaker = httpx.NewBreaker(p.breaker.config())
	}
	if !p.bulkhead.Disabled {
		g.bulkhead = httpx.NewBulkhead(p.bulkhead.MaxInFlight, p.bulkhead.MaxQueue)
	}
	if !p.budget.Disabled {
		g.budget = httpx.NewRetryBudget(p.budget.config(now))
	}
	return g
}

// state snapshots the guards for the observer.
func (g guards) state() guard.GuardsState {
	return httpx.Guards{Breaker: g.breaker, Bulkhead: g.bulkhead}.State()
}

// attempt sends one request through the breaker, the rate limit and the
// bulkhead. The bulkhead slot covers only the round trip, so a call
// sleeping in backoff or for a rate token (or fetching a token, done
// before) holds no slot. A refusal by any guard is returned as a
// *refusal, which the caller must not retry.
func (c *Client) attempt(ctx context.Context, r *request, req *http.Request) (*result, error) {
	done, err := c.guards.breaker.Allow()
	if err != nil {
		return nil, &refusal{method: r.method, path: r.label(), cause: err}
	}
	if err := c.guards.limiter.Wait(ctx, c.now(), c.sleep); err != nil {
		done(httpx.Ignored) // never sent: says nothing about Flanks
		if errors.Is(err, httpx.ErrRateLimited) {
			return nil, &refusal{method: r.method, path: r.label(), cause: err}
		}
		return nil, err
	}
	release, err := c.guards.bulkhead.Acquire(ctx)
	if err != nil {
		done(httpx.Ignored) // never sent: says nothing about Flanks
		if errors.Is(err, httpx.ErrBulkheadFull) {
			return nil, &refusal{method: r.method, path: r.label(), cause: err}
		}
		return nil, err
	}
	res, err := c.roundTrip(req)
	release()
	done(outcome(ctx, res, err))
	return res, err
}

// outcome classifies one attempt for the breaker: transport errors, 5xx,
// 408 and 429 are failures. The caller cancelling is not a failure (the
// provider did nothing wrong), but a deadline running out is: a provider
// too slow to answer within it is what the breaker is for. A body over the
// cap came from a live server, so it counts as a success.
func outcome(ctx context.Context, res *result, err error) httpx.Outcome {
	switch {
	case err == nil && httpx.FailureStatus(res.status):
		return httpx.Failure
	case err == nil, errors.Is(err, httpx.ErrBodyTooLarge):
		return httpx.Success
	case errors.Is(ctx.Err(), context.Canceled):
		return httpx.Ignored
	default:
		return httpx.Failure
	}
}

// refusal is a call the client refused to send: open breaker, full
// bulkhead, or a rate limit wait past the deadline. It matches both the
// httpx sentinel (ErrCircuitOpen, ErrBulkheadFull, ErrOutboundRateLimited)
// and ErrUpstream, so callers that already treat ErrUpstream as "provider
// unavailable" (the server answers UPSTREAM_UNAVAILABLE and serves cached
// data as stale) need no change.
type refusal struct {
	method, path string
	cause        error
}

// Error implements error.
func (e *refusal) Error() string {
	return fmt.Sprintf("flanks: %s %s: %v", e.method, e.path, e.cause)
}

// Unwrap returns the httpx sentinel and ErrUpstream.
func (e *refusal) Unwrap() []error { return []error{e.cause, ErrUpstream} }

// callOutcome classifies a finished call for the observer: a typed error
// carrying a status is an answer, anything else is judged by its error.
func callOutcome(ctx context.Context, err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode != 0 {
		return httpx.CallOutcome(ctx, apiErr.StatusCode, nil)
	}
	return httpx.CallOutcome(ctx, http.StatusOK, err)
}
