package flanks

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// maxMessageLen bounds APIError.Message: an upstream may send whole pages.
const maxMessageLen = 512

// errorEnvelope accepts both error envelopes and a code sent as number or
// string (https://docs.flanks.io/troubleshooting-the-api).
type errorEnvelope struct {
	Success *bool           `json:"success"`
	Error   json.RawMessage `json:"error"`
	Message json.RawMessage `json:"message"`
	Code    json.RawMessage `json:"code"`
	TraceID json.RawMessage `json:"trace_id"`
	Details json.RawMessage `json:"details"`
}

// nestedError is the newer envelope's "error" object.
type nestedError struct {
	Code    json.RawMessage `json:"code"`
	Message json.RawMessage `json:"message"`
	Details json.RawMessage `json:"details"`
}

// parsedError is what could be recovered from an error body.
type parsedError struct {
	code     ErrorCode
	message  string
	traceID  string
	details  []ErrorDetail
	hasError bool // a non-empty "error" member or success:false
}

// parseEnvelope reads an error body; ok is false when it is not a JSON object.
func parseEnvelope(body []byte) (parsedError, bool) {
	var env errorEnvelope
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' || json.Unmarshal(body, &env) != nil {
		return parsedError{}, false
	}
	var p parsedError
	p.traceID, _ = flexText(env.TraceID)
	codeText, _ := flexText(env.Code)
	p.message, _ = flexText(env.Message)
	p.details = parseDetails(env.Details)
	if errBody := bytes.TrimSpace(env.Error); len(errBody) > 0 && errBody[0] == '{' {
		var n nestedError
		if json.Unmarshal(errBody, &n) == nil {
			codeText = firstText(codeText, n.Code)
			p.message = firstText(p.message, n.Message)
			p.details = append(p.details, parseDetails(n.Details)...)
		}
		p.hasError = true
	} else if msg, _ := flexText(errBody); msg != "" && msg != "false" {
		p.message = msg
		p.hasError = true
	}
	if env.Success != nil && !*env.Success {
		p.hasError = true
	}
	p.code = normalizeCode(codeText)
	if p.code == "" {
		// {"error": "PROCESSING"} names the code in the message.
		if c := normalizeCode(p.message); c.Name() != "" {
			p.code = c
		}
	}
	return p, true
}

// embeddedError reports an error object inside a 2xx body: the seed's
// aggregation endpoints return their codes "among the other fields".
func embeddedError(body []byte) (parsedError, bool) {
	p, ok := parseEnvelope(body)
	if !ok {
		return p, false
	}
	return p, p.hasError || p.code.Name() != ""
}

// newAPIError builds the typed error for a response, redacting secrets.
func newAPIError(method, path string, status int, h http.Header, body []byte, now time.Time, secrets []string) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: status}
	if p, ok := parseEnvelope(body); ok {
		e.fill(p, secrets)
	}
	if d, ok := httpx.ParseRetryAfter(h.Get("Retry-After"), now); ok {
		e.RetryAfter = d
	}
	e.classify()
	return e
}

// fill copies a parsed envelope into e with secrets redacted.
func (e *APIError) fill(p parsedError, secrets []string) {
	e.Code = ErrorCode(redact(string(p.code), secrets))
	e.Message = truncate(redact(p.message, secrets), maxMessageLen)
	e.TraceID = truncate(redact(p.traceID, secrets), maxMessageLen)
	for _, d := range p.details {
		e.Details = append(e.Details, ErrorDetail{
			ErrorType: truncate(redact(d.ErrorType, secrets), maxMessageLen),
			Field:     truncate(redact(d.Field, secrets), maxMessageLen),
		})
	}
}

func parseDetails(raw json.RawMessage) []ErrorDetail {
	var items []struct {
		ErrorType FlexString `json:"error_type"`
		Field     FlexString `json:"field"`
	}
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	out := make([]ErrorDetail, 0, len(items))
	for _, it := range items {
		out = append(out, ErrorDetail{ErrorType: string(it.ErrorType), Field: string(it.Field)})
	}
	return out
}

func firstText(s string, raw json.RawMessage) string {
	if s != "" {
		return s
	}
	t, _ := flexText(raw)
	return t
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "..."
}
