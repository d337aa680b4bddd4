package finqware

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// call describes one JSON API call. Finqware uses POST for everything.
type call struct {
	// label is the path template named in errors ("/sessions/{session_id}/steps").
	label string
	// path is the real path, relative to the base URL.
	path string
	// body is JSON-encoded once, so every retry sends the same bytes.
	body any
	// idempotent calls (reads) may be retried; the others are sent once.
	idempotent bool
	// allowEmpty accepts an empty 2xx body.
	allowEmpty bool
	// secrets are request values to redact from errors, besides the
	// client's own.
	secrets []string
}

// do sends c as a JSON POST through the caller and decodes a 2xx body into
// out (when out is non-nil).
func (c *Client) do(ctx context.Context, r call, out any) error {
	payload, err := json.Marshal(r.body)
	if err != nil {
		return fmt.Errorf("finqware: POST %s: encode body: %w", r.label, err)
	}
	ctx, cancel := c.withCallTimeout(ctx)
	defer cancel()
	res, err := c.caller.Do(ctx, httpx.Call{
		Label:      "POST " + r.label,
		Idempotent: r.idempotent,
		Build: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+r.path, bytes.NewReader(payload))
			if err != nil {
				return nil, errors.New("invalid request")
			}
			req.Header.Set("Content-Type", "application/json")
			c.setHeaders(req)
			return req, nil
		},
	})
	return c.finish(r, res, err, out)
}

// setHeaders sets the headers every request carries. No secret goes in a
// header: Finqware reads them from the body.
func (c *Client) setHeaders(req *http.Request) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
}

// finish maps the caller's outcome to the typed errors and decodes out.
func (c *Client) finish(r call, res *httpx.Response, err error, out any) error {
	if err != nil {
		if errors.Is(err, httpx.ErrBodyTooLarge) {
			return malformed(http.MethodPost, r.label, http.StatusOK, "response body too large")
		}
		return &transportError{method: http.MethodPost, path: r.label, cause: err}
	}
	secrets := c.secrets(r)
	if res.Status/100 != 2 {
		return newAPIError(http.MethodPost, r.label, res, c.now(), secrets)
	}
	if obj, status, ok := embeddedError(res.Body); ok {
		e := &APIError{Method: http.MethodPost, Path: r.label, StatusCode: status}
		raw, _ := json.Marshal(obj)
		e.fill(raw, secrets)
		e.classify()
		return e
	}
	body := bytes.TrimSpace(res.Body)
	switch {
	case out == nil:
		return nil
	case len(body) == 0 && r.allowEmpty:
		return nil
	case len(body) == 0:
		return malformed(http.MethodPost, r.label, res.Status, "empty body")
	}
	if err := json.Unmarshal(body, out); err != nil {
		return malformed(http.MethodPost, r.label, res.Status, describeDecodeError(err))
	}
	return nil
}

// secrets lists what must never appear in an error message.
func (c *Client) secrets(r call) []string {
	return append([]string{c.clientSecret, c.clientAppKey}, r.secrets...)
}

// withCallTimeout applies WithTimeout to one method call.
func (c *Client) withCallTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.callTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.callTimeout)
}

// describeDecodeError describes a decoding failure by offset, JSON type and
// field path only: body values may be secrets or account numbers.
func describeDecodeError(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case strings.Contains(err.Error(), "unexpected end of JSON"):
		return "truncated JSON"
	case errors.As(err, &se):
		return "invalid JSON at offset " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &te):
		return fmt.Sprintf("JSON %s cannot decode into field %q", jsonType(te.Value), te.Field)
	case strings.HasPrefix(err.Error(), "finqware: "):
		return strings.TrimPrefix(err.Error(), "finqware: ") // ours never quote values
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

// tenant returns the call's tenant_user_id, else the client's default.
func (c *Client) tenant(id string) string {
	if id != "" {
		return id
	}
	return c.tenantUserID
}
