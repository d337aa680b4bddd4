package flanks

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

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
	forms := secretForms(secrets)
	e.Code = ErrorCode(scrub(string(p.code), forms))
	e.Message = truncate(scrub(p.message, forms), maxMessageLen)
	e.TraceID = truncate(scrub(p.traceID, forms), maxMessageLen)
	for _, d := range p.details {
		e.Details = append(e.Details, ErrorDetail{
			ErrorType: truncate(scrub(d.ErrorType, forms), maxMessageLen),
			Field:     truncate(scrub(d.Field, forms), maxMessageLen),
		})
	}
}

// scrub returns s as valid UTF-8 with every secret form redacted. Text
// must be made valid before the last redaction, never after: a message
// sent as a JSON object keeps raw bytes (json.Compact copies them), so
// "tok-S\xffECRET" escaped redaction, and dropping the invalid byte later
// rebuilt the secret. Dropping it here rebuilds it in time to be redacted;
// the first pass catches a secret that itself holds invalid bytes.
func scrub(s string, forms []string) string {
	s = redact(s, forms)
	return redact(dropInvalid(s), forms)
}

// dropInvalid removes invalid UTF-8 and U+FFFD, the replacement character
// encoding/json puts for an invalid byte in a string value: a secret split
// by a bad byte then reads the same, and is redacted the same, whether
// the message came as a string or inside an object.
func dropInvalid(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, ""), string(utf8.RuneError), "")
}

// secretForms lists each secret as it may appear in a message: as sent,
// and JSON-escaped, since a message sent as a JSON object keeps the
// escapes ("pa\"ss" for pa"ss). Longest first, so a secret that contains
// another is redacted whole rather than around the shorter one.
func secretForms(secrets []string) []string {
	var forms []string
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		forms = append(forms, sec)
		if esc := jsonEscaped(sec); esc != sec {
			forms = append(forms, esc)
		}
	}
	slices.SortStableFunc(forms, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return forms
}

// jsonEscaped is s as encoding/json writes it inside a string, leaving
// <, > and & as they are (most encoders do not escape them).
func jsonEscaped(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
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

// truncate cuts s, valid UTF-8, to at most n bytes and a rune boundary.
// It runs after scrub: cutting never joins text, so it cannot rebuild a
// secret.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
