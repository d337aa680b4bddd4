package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Guards are one provider's protections (reliability.md goals 18 and 19)
// and its outbound rate limit. Each provider client owns one set, so one
// provider's outage never spends another's breaker, slots, retry budget
// or quota. A nil field is off.
type Guards struct {
	Breaker  *Breaker
	Bulkhead *Bulkhead
	Budget   *RetryBudget
	Limiter  *RateLimiter
}

// RetryPolicy bounds the attempts of one call. Zero fields take the
// defaults of goal 18.
type RetryPolicy struct {
	// MaxAttempts counts the first attempt too. Default 3.
	MaxAttempts int
	// BaseDelay and MaxDelay shape the full-jitter backoff. Defaults
	// 100 ms and 2 s.
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After the caller waits for; a
	// longer one ends the call with the last answer. Default 30 s.
	MaxRetryAfter time.Duration
}

// DefaultMaxRetryAfter is RetryPolicy.MaxRetryAfter's default.
const DefaultMaxRetryAfter = 30 * time.Second

// DefaultMaxBody caps successful response bodies by default.
const DefaultMaxBody = 64 << 20

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return p
}

// Caller sends a provider's HTTP calls through its guards, with bounded,
// budgeted, full-jitter retries of idempotent calls. It reads every body
// through a cap and leaves the meaning of a status to the provider
// client, which maps the final Response to its own typed errors. It is
// safe for concurrent use once built.
type Caller struct {
	// HTTP sends the attempts; it must have a Timeout (goal 17).
	HTTP *http.Client
	// Retry bounds the attempts of one call.
	Retry RetryPolicy
	// Guards are the provider's breaker, bulkhead and retry budget.
	Guards Guards
	// MaxBody caps 2xx bodies (error bodies are capped at
	// MaxErrorBodySize). Default DefaultMaxBody.
	MaxBody int64
	// Name names the client to Observer (the provider's name).
	Name string
	// Observer sees every call and retry; nil sees nothing.
	Observer Observer
	// Now, Sleep and Jitter are replaced by tests; nil means the real
	// clock, Sleep and math/rand.
	Now    func() time.Time
	Sleep  func(context.Context, time.Duration) error
	Jitter func(n int64) int64
}

// Call is one logical API call, sent once or more.
type Call struct {
	// Label names the call in errors, e.g. "POST /v1/sessions": a method
	// and a path, never a host, query or body value.
	Label string
	// Idempotent calls may be retried after a retryable failure; others
	// are sent exactly once (a POST that creates something).
	Idempotent bool
	// Unbudgeted retries skip the retry budget (a token request that
	// every other call depends on).
	Unbudgeted bool
	// Build makes one attempt's request. It runs before every attempt, so
	// a retry gets a fresh token, body reader or encryption.
	Build func(ctx context.Context) (*http.Request, error)
	// Resend, when set, sees every non-2xx answer first; true sends the
	// call again at once, outside the retry policy (for example after
	// dropping a token the provider revoked). It is asked at most once per
	// call.
	Resend func(*Response) bool
}

// Response is a fully read answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// RetryAfter parses the answer's Retry-After header relative to now.
func (r *Response) RetryAfter(now time.Time) (time.Duration, bool) {
	return ParseRetryAfter(r.Header.Get("Retry-After"), now)
}

// RefusedError is a call the guards refused to send: the breaker is open,
// the bulkhead is full, or the rate limit would outlast the deadline. It
// unwraps to ErrCircuitOpen, ErrBulkheadFull or ErrRateLimited.
// Retrying it would only queue more load, so the Caller never does.
type RefusedError struct {
	Label string
	Cause error
}

// Error implements error.
func (e *RefusedError) Error() string { return fmt.Sprintf("%s: %v", e.Label, e.Cause) }

// Unwrap returns the guard's sentinel.
func (e *RefusedError) Unwrap() error { return e.Cause }

// TransportError is a call that got no answer: a network error, a body over
// the cap, or the caller's context ending. Its message carries no query
// string. It unwraps to the cause (context errors, ErrBodyTooLarge).
type TransportError struct {
	Label string
	Err   error
}

// Error implements error.
func (e *TransportError) Error() string { return fmt.Sprintf("%s: %v", e.Label, e.Err) }

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// Do sends call until it gets a final answer and returns it, whatever its
// status: a 2xx, a non-retryable error status, or the last retryable one
// once the attempts, the budget or the deadline ran out. It returns an
// error only when no answer could be read: *RefusedError or
// *TransportError. The Observer sees the call's outcome.
func (c *Caller) Do(ctx context.Context, call Call) (*Response, error) {
	start := time.Now()
	res, err := c.do(ctx, call)
	status := 0
	if res != nil {
		status = res.Status
	}
	Observed(c.Observer).Call(c.Name, CallOutcome(ctx, status, err), time.Since(start))
	return res, err
}

// do is Do before the observer sees the outcome.
func (c *Caller) do(ctx context.Context, call Call) (*Response, error) {
	p := c.Retry.withDefaults()
	c.Guards.Budget.Deposit()
	resent := false
	for retries := 0; ; {
		res, err := c.attempt(ctx, call)
		var refused *RefusedError
		if errors.As(err, &refused) {
			return nil, err
		}
		var retryAfter time.Duration
		switch {
		case err != nil:
			terr := &TransportError{Label: call.Label, Err: StripURLQuery(err)}
			if ctx.Err() != nil || errors.Is(err, ErrBodyTooLarge) || !c.mayRetry(call, p, retries, RetryableError(err)) {
				return nil, terr
			}
		case res.Status/100 == 2:
			return res, nil
		case call.Resend != nil && !resent && call.Resend(res):
			resent = true
			continue
		case !c.mayRetry(call, p, retries, RetryableStatus(res.Status)):
			return res, nil
		default:
			var ok bool
			if retryAfter, ok = res.RetryAfter(c.now()); ok && retryAfter > p.MaxRetryAfter {
				return res, nil
			}
		}
		if !c.wait(ctx, p, retries, retryAfter) {
			if err != nil {
				return nil, &TransportError{Label: call.Label, Err: StripURLQuery(err)}
			}
			return res, nil
		}
		retries++
		Observed(c.Observer).Retry(c.Name)
	}
}

// mayRetry asks the policy, then the budget, so a budget token is spent
// only on a retry the policy allows.
func (c *Caller) mayRetry(call Call, p RetryPolicy, retries int, retryable bool) bool {
	if !retryable || !call.Idempotent || retries+1 >= p.MaxAttempts {
		return false
	}
	return call.Unbudgeted || c.Guards.Budget.Withdraw()
}

// wait sleeps before the next attempt: the server's Retry-After when it
// gave one, else a full-jitter delay. It reports false when the wait would
// outlast the call's deadline or the context ended while waiting.
func (c *Caller) wait(ctx context.Context, p RetryPolicy, retries int, retryAfter time.Duration) bool {
	d := retryAfter
	if d <= 0 {
		d = Backoff{Base: p.BaseDelay, Cap: p.MaxDelay, Rand: c.Jitter}.Delay(retries)
	}
	if rem, ok := Remaining(ctx, time.Now()); ok && d >= rem {
		return false
	}
	return c.sleeper()(ctx, d) == nil
}

// sleeper is how the caller waits: Sleep unless a test replaced it.
func (c *Caller) sleeper() func(context.Context, time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep
	}
	return Sleep
}

// attempt sends one request through the breaker, the rate limit and the
// bulkhead. The bulkhead slot covers only the round trip: a call sleeping
// in backoff or for a rate token, or building its request (a token
// fetch), holds no slot.
func (c *Caller) attempt(ctx context.Context, call Call) (*Response, error) {
	req, err := call.Build(ctx)
	if err != nil {
		return nil, err
	}
	done, err := c.Guards.Breaker.Allow()
	if err != nil {
		return nil, &RefusedError{Label: call.Label, Cause: err}
	}
	if err := c.Guards.Limiter.Wait(ctx, c.now(), c.sleeper()); err != nil {
		done(Ignored) // never sent: says nothing about the provider
		if errors.Is(err, ErrRateLimited) {
			return nil, &RefusedError{Label: call.Label, Cause: err}
		}
		return nil, err
	}
	release, err := c.Guards.Bulkhead.Acquire(ctx)
	if err != nil {
		done(Ignored) // never sent: says nothing about the provider
		if errors.Is(err, ErrBulkheadFull) {
			return nil, &RefusedError{Label: call.Label, Cause: err}
		}
		return nil, err
	}
	res, err := c.roundTrip(req)
	release()
	done(Classify(ctx, res, err))
	return res, err
}

// Classify reports one attempt's outcome to a breaker: transport errors,
// 5xx, 408 and 429 are failures; the caller cancelling is not (the
// provider did nothing wrong), but a deadline running out is. A body over
// the cap came from a live server, so it counts as a success.
func Classify(ctx context.Context, res *Response, err error) Outcome {
	switch {
	case err == nil && FailureStatus(res.Status):
		return Failure
	case err == nil, errors.Is(err, ErrBodyTooLarge):
		return Success
	case errors.Is(ctx.Err(), context.Canceled):
		return Ignored
	default:
		return Failure
	}
}

// roundTrip sends req and reads the body through its cap.
func (c *Caller) roundTrip(req *http.Request) (*Response, error) {
	if c.HTTP == nil {
		return nil, errors.New("httpx: Caller without an http.Client")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	limit := c.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	if resp.StatusCode/100 != 2 {
		limit = MaxErrorBodySize
	}
	body, err := ReadCapped(resp.Body, limit)
	if errors.Is(err, ErrBodyTooLarge) && limit == MaxErrorBodySize {
		err = nil // an error answer is still an answer; its start is enough
	}
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

func (c *Caller) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
