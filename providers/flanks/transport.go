package flanks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// maxResponseBody caps successful bodies; /all for a large wealth client is
// big but far below this.
const maxResponseBody = 64 << 20

// request describes one API call.
type request struct {
	method     string
	path       string // relative to the base URL
	url        string // absolute URL instead of path (the JWKS)
	query      url.Values
	body       any // JSON-encoded once, so every retry sends the same plaintext
	auth       bool
	idempotent bool
	allowEmpty bool     // an empty 2xx body is a success
	pending202 bool     // 202 means ErrLinkPending
	unbudgeted bool     // retries skip the retry budget (the token request)
	secrets    []string // request values to redact from errors
}

// sent records what an attempt used, to invalidate exactly that token or key.
type sent struct {
	token  string
	keyGen uint64
}

// result is a fully read response.
type result struct {
	status int
	header http.Header
	body   []byte
}

// callState tracks one call's retries and one-shot recoveries.
type callState struct {
	retries  int
	reauthed bool
	rekeyed  bool
}

// kidMention spots a server complaint about the JWE key id.
var kidMention = regexp.MustCompile(`(?i)\b(kid|key[ _-]?id)\b`)

// do runs r with token handling, JWE, retries and error mapping, and decodes
// a 2xx body into out (when out is non-nil). The observer sees the call's
// outcome.
func (c *Client) do(ctx context.Context, r *request, out any) error {
	ctx, cancel := c.withCallTimeout(ctx)
	defer cancel()
	start := time.Now()
	err := c.send(ctx, r, out)
	httpx.Observed(c.observer).Call(clientName, callOutcome(ctx, err), time.Since(start))
	return err
}

// send is do within the call's deadline.
func (c *Client) send(ctx context.Context, r *request, out any) error {
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("flanks: %s %s: encode body: %w", r.method, r.path, err)
		}
	}
	c.guards.budget.Deposit()
	var st callState
	for {
		req, meta, err := c.newHTTPRequest(ctx, r, payload)
		if err != nil {
			return err
		}
		res, err := c.attempt(ctx, r, req)
		var ref *refusal
		if errors.As(err, &ref) {
			return err // retrying a refusal would only queue more load
		}
		if err != nil {
			if err = c.afterTransportError(ctx, r, &st, err); err != nil {
				return err
			}
			continue
		}
		if res.status/100 == 2 {
			return c.decodeSuccess(r, res, meta, out)
		}
		if err = c.afterErrorStatus(ctx, r, &st, res, meta); err != nil {
			return err
		}
	}
}

// afterTransportError returns nil when the call should be retried.
func (c *Client) afterTransportError(ctx context.Context, r *request, st *callState, err error) error {
	if errors.Is(err, httpx.ErrBodyTooLarge) {
		return c.malformed(r, http.StatusOK, "response body too large")
	}
	wrapped := fmt.Errorf("flanks: %s %s: %w", r.method, r.label(), httpx.StripURLQuery(err))
	if ctx.Err() != nil || !c.canRetry(r, st, httpx.RetryableError(err)) {
		return wrapped
	}
	return c.backoff(ctx, st, 0, wrapped)
}

// afterErrorStatus returns nil when the call should be sent again, and the
// typed error otherwise.
func (c *Client) afterErrorStatus(ctx context.Context, r *request, st *callState, res *result, meta sent) error {
	apiErr := newAPIError(r.method, r.label(), res.status, res.header, res.body, c.now(), c.secrets(r, meta))
	switch {
	case c.shouldRekey(st, res, meta):
		return nil
	case res.status == http.StatusUnauthorized && r.auth && !st.reauthed:
		// The cached token may have been revoked early (a new token
		// invalidates the old one): renew it once and resend.
		st.reauthed = true
		c.tokens.invalidate(meta.token)
		return nil
	case !c.canRetry(r, st, httpx.RetryableStatus(res.status)):
		return apiErr
	}
	return c.backoff(ctx, st, apiErr.RetryAfter, apiErr)
}

// shouldRekey handles a JWE key the server no longer knows: refresh the
// JWKS once and resend.
func (c *Client) shouldRekey(st *callState, res *result, meta sent) bool {
	if c.jwe == nil || meta.keyGen == 0 || st.rekeyed {
		return false
	}
	if res.status != http.StatusBadRequest && res.status != http.StatusUnauthorized {
		return false
	}
	if !kidMention.Match(res.body) {
		return false
	}
	st.rekeyed = true
	return c.jwe.reject(meta.keyGen, c.now())
}

// canRetry reports whether the call may be sent again. The budget is asked
// last, so a token is spent only on a retry the policy allows.
func (c *Client) canRetry(r *request, st *callState, retryable bool) bool {
	if !retryable || !r.idempotent || st.retries+1 >= c.retry.MaxAttempts {
		return false
	}
	return r.unbudgeted || c.guards.budget.Withdraw()
}

// backoff waits before the next attempt and returns lastErr when waiting
// cannot help: a Retry-After beyond the policy, or past the call's deadline.
func (c *Client) backoff(ctx context.Context, st *callState, retryAfter time.Duration, lastErr error) error {
	b := httpx.Backoff{Base: c.retry.BaseDelay, Cap: c.retry.MaxDelay, Rand: c.jitter}
	d := b.Delay(st.retries)
	if retryAfter > 0 {
		if retryAfter > c.retry.MaxRetryAfter {
			return lastErr
		}
		d = retryAfter
	}
	if rem, ok := httpx.Remaining(ctx, time.Now()); ok && d >= rem {
		return lastErr
	}
	st.retries++
	httpx.Observed(c.observer).Retry(clientName)
	if err := c.sleep(ctx, d); err != nil {
		return fmt.Errorf("%w (%w)", lastErr, err)
	}
	return nil
}

// newHTTPRequest builds one attempt: a fresh token and, with JWE, a fresh
// encryption of the same plaintext.
func (c *Client) newHTTPRequest(ctx context.Context, r *request, payload []byte) (*http.Request, sent, error) {
	var meta sent
	var body io.Reader
	contentType := ""
	if payload != nil {
		body, contentType = bytes.NewReader(payload), "application/json"
		if c.jwe != nil && r.url == "" {
			jwe, gen, err := c.encrypt(ctx, payload)
			if err != nil {
				return nil, meta, fmt.Errorf("flanks: %s %s: %w", r.method, r.label(), err)
			}
			body, contentType, meta.keyGen = strings.NewReader(jwe), "application/jose", gen
		}
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.target(c.baseURL), body)
	if err != nil {
		return nil, meta, fmt.Errorf("flanks: %s %s: invalid request", r.method, r.label())
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.auth {
		tok, err := c.token(ctx)
		if err != nil {
			return nil, meta, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		meta.token = tok
	}
	return req, meta, nil
}

// roundTrip sends req and reads the body through a cap: 1 MiB for errors.
func (c *Client) roundTrip(req *http.Request) (*result, error) {
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	limit := int64(maxResponseBody)
	if resp.StatusCode/100 != 2 {
		limit = httpx.MaxErrorBodySize
	}
	body, err := httpx.ReadCapped(resp.Body, limit)
	if err != nil && (limit != httpx.MaxErrorBodySize || !errors.Is(err, httpx.ErrBodyTooLarge)) {
		return nil, err
	}
	return &result{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// decodeSuccess maps a 2xx response, including errors Flanks embeds in 2xx
// bodies and the link exchange's 202.
func (c *Client) decodeSuccess(r *request, res *result, meta sent, out any) error {
	if r.pending202 && res.status == http.StatusAccepted {
		e := newAPIError(r.method, r.label(), res.status, res.header, res.body, c.now(), c.secrets(r, meta))
		e.sentinels = append(e.sentinels, ErrLinkPending)
		return e
	}
	if p, ok := embeddedError(res.body); ok {
		e := &APIError{Method: r.method, Path: r.label(), StatusCode: res.status}
		e.fill(p, c.secrets(r, meta))
		e.classify()
		return e
	}
	body := bytes.TrimSpace(res.body)
	switch {
	case out == nil:
		return nil
	case len(body) == 0 && r.allowEmpty:
		return nil
	case len(body) == 0:
		return c.malformed(r, res.status, "empty body")
	}
	if err := json.Unmarshal(body, out); err != nil {
		return c.malformed(r, res.status, describeDecodeError(err))
	}
	return nil
}

// malformed builds the ErrMalformedResponse error; the detail never quotes
// body values.
func (c *Client) malformed(r *request, status int, detail string) error {
	return &APIError{Method: r.method, Path: r.label(), StatusCode: status,
		Message: detail, sentinels: []error{ErrMalformedResponse}}
}

// describeDecodeError describes a decoding failure by offset, JSON type and
// field path only: body values may be secrets or account numbers.
func describeDecodeError(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at offset %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("JSON %s cannot decode into field %q", jsonType(te.Value), te.Field)
	case strings.HasPrefix(err.Error(), "flanks: "):
		return strings.TrimPrefix(err.Error(), "flanks: ") // ours never quote values
	default:
		return "invalid field value"
	}
}

// jsonType reduces UnmarshalTypeError.Value to the JSON type it names.
// encoding/json appends the literal of a number that does not fit the
// field ("number 4111111111111111111111": a card number, say), and a
// custom decoder may put anything there, so nothing else is kept.
func jsonType(value string) string {
	kind, _, _ := strings.Cut(value, " ")
	switch kind {
	case "number", "string", "bool", "array", "object", "null":
		return kind
	}
	return "value"
}

// secrets lists what must never appear in an error message.
func (c *Client) secrets(r *request, meta sent) []string {
	return append([]string{c.creds.clientSecret, c.creds.password, meta.token, c.tokens.current()}, r.secrets...)
}

// label names the call in errors, without query or host.
func (r *request) label() string {
	if r.path != "" {
		return r.path
	}
	if u, err := url.Parse(r.url); err == nil {
		return u.Path
	}
	return "(url)"
}

func (r *request) target(base string) string {
	t := r.url
	if t == "" {
		t = base + r.path
	}
	if len(r.query) > 0 {
		t += "?" + r.query.Encode()
	}
	return t
}
