package flinks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// request describes one data API call.
type request struct {
	method string
	path   string // relative to the base URL, ids escaped
	label  string // method and path with ids as placeholders
	body   any    // JSON-encoded once, so every attempt sends the same bytes
	header http.Header
	// idempotent calls may be retried by the httpx.Caller; see each
	// endpoint for why it is or is not.
	idempotent bool
	secrets    []string // request values to redact from errors
	target     string   // absolute URL instead of base+path
}

// envelope holds the fields every Flinks answer may carry.
type envelope struct {
	HTTPStatusCode flexInt    `json:"HttpStatusCode"`
	FlinksCode     FlinksCode `json:"FlinksCode"`
	Message        string     `json:"Message"`
	RequestID      string     `json:"RequestId"`
}

// do sends r through the caller and decodes a 2xx body into out. A 202,
// or an OPERATION_* code, returns an *APIError after decoding what it can
// into out (OPERATION_DISPATCHED may carry partial results).
func (c *Client) do(ctx context.Context, r *request, out any) error {
	ctx, cancel := c.withCallTimeout(ctx)
	defer cancel()
	var payload []byte
	if r.body != nil {
		var err error
		if payload, err = json.Marshal(r.body); err != nil {
			return fmt.Errorf("flinks: %s: encode body: %w", r.label, err)
		}
	}
	target := r.target
	if target == "" {
		target = c.baseURL + r.path
	}
	res, err := c.caller.Do(ctx, httpx.Call{
		Label:      r.label,
		Idempotent: r.idempotent,
		Build: func(ctx context.Context) (*http.Request, error) {
			var body *bytes.Reader
			if payload != nil {
				body = bytes.NewReader(payload)
			}
			req, err := newHTTPRequest(ctx, r.method, target, body)
			if err != nil {
				return nil, errors.New("invalid request")
			}
			if payload != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			req.Header.Set("Accept", "application/json")
			req.Header.Set("User-Agent", c.userAgent)
			for k, v := range r.header {
				req.Header[k] = v
			}
			return req, nil
		},
	})
	secrets := c.secrets(r)
	if errors.Is(err, httpx.ErrBodyTooLarge) {
		return malformed(r, http.StatusOK, "response body too large")
	}
	if err != nil {
		return newTransportError(ctx, r.label, err, secrets)
	}
	return c.decode(r, res, out, secrets)
}

// newHTTPRequest avoids a typed-nil io.Reader for bodiless requests.
func newHTTPRequest(ctx context.Context, method, target string, body *bytes.Reader) (*http.Request, error) {
	if body == nil {
		return http.NewRequestWithContext(ctx, method, target, nil)
	}
	return http.NewRequestWithContext(ctx, method, target, body)
}

// decode maps a final answer to out or to an *APIError.
func (c *Client) decode(r *request, res *httpx.Response, out any, secrets []string) error {
	var env envelope
	body := bytes.TrimSpace(res.Body)
	envErr := json.Unmarshal(body, &env)
	if res.Status/100 != 2 {
		return newAPIError(r, res, env, c.now, secrets)
	}
	pending := env.FlinksCode == CodeOperationPending || env.FlinksCode == CodeOperationDispatched
	if res.Status == http.StatusAccepted || int(env.HTTPStatusCode) == http.StatusAccepted || pending {
		if out != nil && envErr == nil {
			_ = json.Unmarshal(body, out) // best effort: partial results
		}
		e := newAPIError(r, res, env, c.now, secrets)
		if len(e.sentinels) == 0 {
			e.sentinels = []error{ErrOperationPending} // a bare 202 means "not yet"
		}
		return e
	}
	if envErr == nil && env.HTTPStatusCode >= 400 {
		// An error embedded in a 2xx answer: key on the body's status.
		res = &httpx.Response{Status: int(env.HTTPStatusCode), Header: res.Header}
		return newAPIError(r, res, env, c.now, secrets)
	}
	if out == nil {
		return nil
	}
	if len(body) == 0 {
		return malformed(r, res.Status, "empty body")
	}
	if err := json.Unmarshal(body, out); err != nil {
		return malformed(r, res.Status, describeDecodeError(err))
	}
	return nil
}

// newAPIError builds the typed error of an answer.
func newAPIError(r *request, res *httpx.Response, env envelope, now func() time.Time, secrets []string) *APIError {
	m, p := splitLabel(r.label)
	e := &APIError{
		Method: m, Path: p, StatusCode: res.Status,
		FlinksCode: FlinksCode(strings.ToUpper(strings.TrimSpace(string(env.FlinksCode)))),
		Message:    truncate(redactIDs(redact(env.Message, secrets)), maxMessageLen),
		RequestID:  truncate(env.RequestID, 64),
	}
	if d, ok := res.RetryAfter(now()); ok {
		e.RetryAfter = d
	}
	e.classify()
	return e
}

// guidPattern matches GUIDs: LoginIds and authorize tokens are GUIDs, and
// a message may echo one the call never sent (the RequestId has its own
// field).
var guidPattern = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// redactIDs hides every GUID of a server message.
func redactIDs(s string) string { return guidPattern.ReplaceAllString(s, "[id]") }

// maxMessageLen caps the server message kept in an APIError.
const maxMessageLen = 512

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// malformed builds an ErrMalformedResponse error; the detail never quotes
// body values.
func malformed(r *request, status int, detail string) error {
	m, p := splitLabel(r.label)
	return &APIError{Method: m, Path: p, StatusCode: status, Message: detail,
		sentinels: []error{ErrMalformedResponse}}
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
	case strings.HasPrefix(err.Error(), "flinks: "):
		return strings.TrimPrefix(err.Error(), "flinks: ") // ours never quote values
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

// splitLabel splits "POST /path" into its method and path.
func splitLabel(label string) (string, string) {
	m, p, _ := strings.Cut(label, " ")
	return m, p
}

// secrets lists what must never appear in an error message.
func (c *Client) secrets(r *request) []string {
	return append([]string{c.secretKey, c.apiKey, c.apiSecret}, r.secrets...)
}
