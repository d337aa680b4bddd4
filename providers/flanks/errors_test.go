package flanks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// reply is one scripted response.
type reply struct {
	status int
	body   string
	header map[string]string
}

// script serves replies in order (the last one repeats) and counts hits and
// the Authorization headers seen.
type script struct {
	hits  atomic.Int32
	auths chan string
}

func serveScript(t *testing.T, mux *http.ServeMux, path string, replies ...reply) *script {
	t.Helper()
	s := &script{auths: make(chan string, 64)}
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		n := int(s.hits.Add(1))
		s.auths <- r.Header.Get("Authorization")
		readBody(t, r)
		rep := replies[min(n, len(replies))-1]
		for k, v := range rep.header {
			w.Header().Set(k, v)
		}
		writeJSON(w, rep.status, rep.body)
	})
	return s
}

func (s *script) seenAuths() []string {
	var out []string
	for {
		select {
		case a := <-s.auths:
			out = append(out, a)
		default:
			return out
		}
	}
}

const accountsPath = "/v0/bank/credentials/account"

func listAccounts(c *Client) error {
	_, err := c.ListAccounts(context.Background(), aggReq)
	return err
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name       string
		replies    []reply
		want       []error
		notWant    []error
		wantHits   int32
		wantStatus int
		wantCode   ErrorCode
		wantMsg    string
	}{
		{name: "403", replies: []reply{{403, `{"error": "Forbidden"}`, nil}},
			want: []error{ErrForbidden}, notWant: []error{ErrUnauthorized}, wantHits: 1, wantStatus: 403, wantMsg: "Forbidden"},
		{name: "404", replies: []reply{{404, `{"message": "Not found"}`, nil}},
			want: []error{ErrNotFound}, wantHits: 1, wantStatus: 404, wantMsg: "Not found"},
		{name: "400 not retried", replies: []reply{{400, `{"error": "Missing fields: credentials_token"}`, nil}},
			notWant: []error{ErrUpstream, ErrMalformedResponse}, wantHits: 1, wantStatus: 400, wantMsg: "Missing fields: credentials_token"},
		{name: "405 message envelope", replies: []reply{{405, `{"message": "Method not allowed"}`, nil}},
			wantHits: 1, wantStatus: 405, wantMsg: "Method not allowed"},
		{name: "501 not retried", replies: []reply{{501, `{"error": "Not implemented"}`, nil}},
			want: []error{ErrUpstream}, wantHits: 1, wantStatus: 501},
		{name: "5xx retried then typed", replies: []reply{{500, `{"error": "Internal Error"}`, nil}},
			want: []error{ErrUpstream}, wantHits: 3, wantStatus: 500, wantMsg: "Internal Error"},
		{name: "502 html body", replies: []reply{{502, `<html>bad gateway</html>`, nil}},
			want: []error{ErrUpstream}, wantHits: 3, wantStatus: 502},
		{name: "408 retried", replies: []reply{{408, ``, nil}}, wantHits: 3, wantStatus: 408},
		{name: "425 retried", replies: []reply{{425, ``, nil}}, wantHits: 3, wantStatus: 425},
		{name: "503 then ok", replies: []reply{{503, ``, nil}, {200, `[]`, nil}}, wantHits: 2},
		{name: "429 retried then typed", replies: []reply{{429, `{"error": "slow down"}`, map[string]string{"Retry-After": "1"}}},
			want: []error{ErrRateLimited}, wantHits: 3, wantStatus: 429},
		{name: "malformed JSON", replies: []reply{{200, `[{"_id": "a",`, nil}},
			want: []error{ErrMalformedResponse}, wantHits: 1, wantStatus: 200},
		{name: "wrong JSON shape", replies: []reply{{200, `"accounts"`, nil}},
			want: []error{ErrMalformedResponse}, wantHits: 1, wantStatus: 200},
		{name: "bad money value", replies: []reply{{200, `[{"balance": "12,5"}]`, nil}},
			want: []error{ErrMalformedResponse}, wantHits: 1, wantStatus: 200, wantMsg: "invalid field value"},
		{name: "bad timestamp value", replies: []reply{{200, `[{"updated_at_timestamp": "soon"}]`, nil}},
			want: []error{ErrMalformedResponse}, wantHits: 1, wantStatus: 200, wantMsg: "invalid timestamp"},
		{name: "empty body", replies: []reply{{200, ``, nil}},
			want: []error{ErrMalformedResponse}, wantHits: 1, wantStatus: 200},
		{name: "newer envelope", replies: []reply{{400, `{"success": false, "error": {"code": "ValidationError", "details": [{"error_type": "missing", "field": "credentials_token"}]}, "trace_id": "tr-123"}`, nil}},
			wantHits: 1, wantStatus: 400, wantCode: "ValidationError"},
		{name: "code in 200 body", replies: []reply{{200, `{"error": "Data is being processed", "code": 20002}`, nil}},
			want: []error{ErrProcessing}, notWant: []error{ErrMalformedResponse}, wantHits: 1, wantStatus: 200, wantCode: CodeProcessing},
		{name: "code name only", replies: []reply{{409, `{"error": "SCA_REQUIRED"}`, nil}},
			want: []error{ErrSCARequired}, wantHits: 1, wantStatus: 409, wantCode: CodeSCARequired},
		{name: "code inside newer envelope", replies: []reply{{500, `{"success": false, "error": {"code": "50001", "message": "bank down"}}`, nil}},
			want: []error{ErrBank, ErrUpstream}, wantHits: 3, wantStatus: 500, wantCode: CodeBankError, wantMsg: "bank down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t)
			s := serveScript(t, e.mux, accountsPath, tt.replies...)
			err := listAccounts(e.client)
			if got := s.hits.Load(); got != tt.wantHits {
				t.Errorf("hits = %d, want %d", got, tt.wantHits)
			}
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v (%T), want *APIError", err, err)
			}
			if apiErr.StatusCode != tt.wantStatus || apiErr.Code != tt.wantCode || apiErr.Path != accountsPath {
				t.Errorf("APIError = %+v", apiErr)
			}
			if tt.wantMsg != "" && apiErr.Message != tt.wantMsg {
				t.Errorf("Message = %q, want %q", apiErr.Message, tt.wantMsg)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("errors.Is(%v, %v) = false", err, w)
				}
			}
			for _, w := range tt.notWant {
				if errors.Is(err, w) {
					t.Errorf("errors.Is(%v, %v) = true", err, w)
				}
			}
		})
	}
}

func TestNewerEnvelopeFields(t *testing.T) {
	e := newTestEnv(t)
	serveScript(t, e.mux, accountsPath, reply{400, `{"success": false, "error": {"code": "ValidationError", "details": [{"error_type": "missing", "field": "credentials_token"}]}, "trace_id": "tr-123"}`, nil})
	var apiErr *APIError
	if !errors.As(listAccounts(e.client), &apiErr) {
		t.Fatal("want *APIError")
	}
	want := []ErrorDetail{{ErrorType: "missing", Field: "credentials_token"}}
	if apiErr.TraceID != "tr-123" || !reflect.DeepEqual(apiErr.Details, want) {
		t.Errorf("APIError = %+v", apiErr)
	}
	if s := apiErr.Error(); !strings.Contains(s, "tr-123") || !strings.Contains(s, "ValidationError") {
		t.Errorf("Error() = %q", s)
	}
}

func TestNumericCodes(t *testing.T) {
	codes := map[ErrorCode]error{
		CodeIncomplete: ErrIncomplete, CodeProcessing: ErrProcessing, CodeSCAError: ErrSCA,
		CodeConfiguration: ErrConfiguration, CodeBankError: ErrBank, CodeCredentials: ErrCredentials,
		CodeSCARequired: ErrSCARequired,
	}
	bodies := []string{`{"error": "x", "code": %s}`, `{"error": "x", "code": "%s"}`, `{"message": "x", "code": "%s"}`}
	for code, sentinel := range codes {
		for i, tmpl := range bodies {
			t.Run(fmt.Sprintf("%s/%d", code, i), func(t *testing.T) {
				e := newTestEnv(t)
				serveScript(t, e.mux, accountsPath, reply{400, fmt.Sprintf(tmpl, code), nil})
				err := listAccounts(e.client)
				if !errors.Is(err, sentinel) {
					t.Errorf("errors.Is(%v, %v) = false", err, sentinel)
				}
				var apiErr *APIError
				if !errors.As(err, &apiErr) || apiErr.Code != code || apiErr.Code.Name() == "" {
					t.Errorf("APIError = %+v", apiErr)
				}
				if !strings.Contains(err.Error(), code.Name()) {
					t.Errorf("Error() = %q lacks %s", err, code.Name())
				}
			})
		}
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	e := newTestEnv(t)
	serveScript(t, e.mux, accountsPath,
		reply{429, `{"error": "slow"}`, map[string]string{"Retry-After": "2"}},
		reply{503, ``, map[string]string{"Retry-After": e.clock.Now().Add(3 * time.Second).Format(http.TimeFormat)}},
		reply{200, `[]`, nil})
	if err := listAccounts(e.client); err != nil {
		t.Fatal(err)
	}
	if got, want := e.recordedSleeps(), []time.Duration{2 * time.Second, 3 * time.Second}; !reflect.DeepEqual(got, want) {
		t.Errorf("sleeps = %v, want %v", got, want)
	}
}

func TestRetryAfterBeyondDeadline(t *testing.T) {
	e := newTestEnv(t)
	s := serveScript(t, e.mux, accountsPath, reply{429, `{"error": "slow"}`, map[string]string{"Retry-After": "3600"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := e.client.ListAccounts(ctx, aggReq)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrRateLimited) || apiErr.RetryAfter != time.Hour {
		t.Fatalf("err = %v", err)
	}
	if s.hits.Load() != 1 || len(e.recordedSleeps()) != 0 {
		t.Errorf("hits = %d, sleeps = %v; want one attempt and no wait", s.hits.Load(), e.recordedSleeps())
	}
}

func TestRedactsSecrets(t *testing.T) {
	e := newTestEnv(t)
	echo := `{"error": "bad token tok-1 for ct-1 with cl13nt-s3cr3t-value", "code": "tok-1", "trace_id": "ct-1"}`
	serveScript(t, e.mux, accountsPath, reply{400, echo, nil})
	err := listAccounts(e.client)
	if err == nil || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Fatalf("err = %v", err)
	}
	assertNoSecrets(t, err, "tok-1", "ct-1")

	serveScript(t, e.mux, "/v0/platform/link", reply{400, `{"error": "code lc-secret already used"}`, nil})
	_, err = e.client.ExchangeLinkCode(context.Background(), "lc-secret")
	assertNoSecrets(t, err, "lc-secret", "tok-1")
}

func TestErrorBodyCapped(t *testing.T) {
	e := newTestEnv(t)
	huge := `{"error": "` + strings.Repeat("x", 2<<20) + `"}`
	serveScript(t, e.mux, accountsPath, reply{400, huge, nil})
	var apiErr *APIError
	if !errors.As(listAccounts(e.client), &apiErr) || apiErr.StatusCode != 400 {
		t.Fatalf("want 400 APIError, got %v", apiErr)
	}
	if len(apiErr.Message) > maxMessageLen+3 {
		t.Errorf("message length %d not bounded", len(apiErr.Message))
	}
}

func TestTransportErrorRetried(t *testing.T) {
	e := newTestEnv(t)
	var hits atomic.Int32
	e.mux.HandleFunc(accountsPath, func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close() // connection reset mid-request
			return
		}
		writeJSON(w, 200, `[]`)
	})
	if err := listAccounts(e.client); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 2 {
		t.Errorf("hits = %d, want 2", hits.Load())
	}
}
