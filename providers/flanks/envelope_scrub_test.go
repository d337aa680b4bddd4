package flanks

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestAPIErrorRedactsSecretSplitByInvalidByte is the regression test of a
// message sent as a JSON object: json.Compact keeps raw bytes, an invalid
// byte inside the secret hid it from redaction, and truncation then dropped
// the byte and rebuilt the secret.
func TestAPIErrorRedactsSecretSplitByInvalidByte(t *testing.T) {
	const secret = "tok-SECRET"
	split := "tok-S\xffECRET"
	body := `{"message": {"a": "` + split + strings.Repeat("x", 600) + `"},
		"trace_id": {"t": "` + split + `"}, "code": "` + split + `",
		"details": [{"field": {"f": "` + split + `"}, "error_type": "` + split + `"}]}`
	e := newAPIError(http.MethodPost, "/v0/bank/credentials/status", http.StatusBadRequest,
		http.Header{}, []byte(body), fuzzNow, []string{secret})
	fields := map[string]string{"Message": e.Message, "TraceID": e.TraceID, "Code": string(e.Code), "Error()": e.Error()}
	for _, d := range e.Details {
		fields["Field"], fields["ErrorType"] = d.Field, d.ErrorType
	}
	for name, v := range fields {
		if strings.Contains(v, secret) || strings.Contains(v, "ECRET") {
			t.Errorf("%s leaks the secret: %q", name, v)
		}
		if !utf8.ValidString(v) {
			t.Errorf("%s is not valid UTF-8: %q", name, v)
		}
	}
	if len(e.Message) > maxMessageLen+len("...") || !strings.HasPrefix(e.Message, `{"a":"[REDACTED]xxx`) {
		t.Errorf("Message = %q", e.Message)
	}
}

// TestScrub covers the order of the redaction steps.
func TestScrub(t *testing.T) {
	tests := []struct {
		name, in, want string
		secrets        []string
	}{
		{"invalid byte inside", "a tok-S\xffECRET b", "a [REDACTED] b", []string{"tok-SECRET"}},
		{"replacement character inside", "a tok-S\uFFFDECRET b", "a [REDACTED] b", []string{"tok-SECRET"}},
		{"invalid bytes in the secret", "a p\xffw b", "a [REDACTED] b", []string{"p\xffw"}},
		{"JSON-escaped", `{"m":"bad pa\"ss\\word"}`, `{"m":"bad [REDACTED]"}`, []string{`pa"ss\word`}},
		{"control character escaped", `{"m":"x\u0001y"}`, `{"m":"[REDACTED]"}`, []string{"x\x01y"}},
		{"longest first", "token abc123", "token [REDACTED]", []string{"abc", "abc123"}},
		{"empty secret ignored", "a\xffb", "ab", []string{""}},
	}
	for _, tt := range tests {
		if got := scrub(tt.in, secretForms(tt.secrets)); got != tt.want {
			t.Errorf("%s: scrub(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

// TestTruncateOnRuneBoundary checks a cut never splits a rune.
func TestTruncateOnRuneBoundary(t *testing.T) {
	s := strings.Repeat("é", 300) // 600 bytes
	for n := 509; n <= 512; n++ {
		got := truncate(s, n)
		if !utf8.ValidString(got) || len(got) > n+len("...") || !strings.HasSuffix(got, "...") {
			t.Errorf("truncate(%d) = %d bytes, valid %v", n, len(got), utf8.ValidString(got))
		}
	}
	if got := truncate("short", 512); got != "short" {
		t.Errorf("truncate kept %q", got)
	}
}
