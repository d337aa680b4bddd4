package finqware

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// callByName runs one endpoint; idempotent ones are the reads.
var calls = []struct {
	name, path string
	idempotent bool
	call       func(context.Context, *Client) error
}{
	{"CreateSession", "/v1/sessions", false, func(ctx context.Context, c *Client) error {
		_, err := c.CreateSession(ctx, CreateSessionRequest{Skill: "s"})
		return err
	}},
	{"SubmitStep", "/v1/sessions/s-1/steps", false, func(ctx context.Context, c *Client) error {
		_, err := c.SubmitStep(ctx, "s-1", StepRequest{Nonce: testNonce, Skill: "k", Step: "sca"})
		return err
	}},
	{"UploadStepFile", "/v1/steps/st-1/upload", false, func(ctx context.Context, c *Client) error {
		_, err := c.UploadStepFile(ctx, "st-1", UploadRequest{Nonce: testNonce, FileName: "a.pdf", Body: strings.NewReader("pdf")})
		return err
	}},
	{"ExchangeToken", "/v1/token", false, func(ctx context.Context, c *Client) error {
		_, err := c.ExchangeToken(ctx, testTempToken)
		return err
	}},
	{"DeleteConsent", "/v1/consents/delete", false, func(ctx context.Context, c *Client) error {
		_, err := c.DeleteConsent(ctx, testCreds, nil)
		return err
	}},
	{"ListSkills", "/v1/skills/get", true, func(ctx context.Context, c *Client) error {
		_, err := c.ListSkills(ctx, nil)
		return err
	}},
	{"GetAccounts", "/v1/accounts/get", true, func(ctx context.Context, c *Client) error {
		_, err := c.GetAccounts(ctx, testCreds)
		return err
	}},
	{"GetBalances", "/v1/balances/get", true, func(ctx context.Context, c *Client) error {
		_, err := c.GetBalances(ctx, testCreds, nil)
		return err
	}},
	{"GetTransactions", "/v1/transactions/get", true, func(ctx context.Context, c *Client) error {
		_, err := c.GetTransactions(ctx, testCreds, nil)
		return err
	}},
	{"GetConsent", "/v1/consents/get", true, func(ctx context.Context, c *Client) error {
		_, err := c.GetConsent(ctx, testCreds)
		return err
	}},
}

func callNamed(t *testing.T, name string) (string, func(context.Context, *Client) error) {
	t.Helper()
	for _, c := range calls {
		if c.name == name {
			return c.path, c.call
		}
	}
	t.Fatalf("no call %s", name)
	return "", nil
}

func TestErrorMapping(t *testing.T) {
	all := []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrMethodNotAllowed, ErrNotAcceptable,
		ErrGone, ErrRateLimited, ErrUpstream, ErrMalformedResponse, ErrExpiredCredentials, ErrInactiveCredentials,
		ErrInvalidAccessToken, ErrInvalidClient, ErrInvalidTempToken, ErrInvalidStep, ErrInvalidSession, ErrInvalidNonce,
		ErrNonceExpired, ErrInvalidSkill, ErrExternalAPI}
	obj := func(typ string, status int, code, msg string) string {
		return `{"id": "e-1", "type": "` + typ + `", "http": ` + strconv.Itoa(status) + `, "code": "` + code + `", "message": "` + msg + `"}`
	}
	tests := []struct {
		name     string
		call     string
		status   int
		header   http.Header
		body     string
		want     []error
		wantCode string
		wantMsg  string
		wantHTTP int
		wantSt   int // APIError.StatusCode, defaults to status
	}{
		{name: "expired consent", call: "GetTransactions", status: 401,
			body: obj("unauthorized", 401, "expired_credentials", "The consent pointed by credentials_id has expired"),
			want: []error{ErrUnauthorized, ErrExpiredCredentials}, wantCode: "expired_credentials",
			wantMsg: "The consent pointed by credentials_id has expired", wantHTTP: 401},
		{name: "inactive consent", call: "GetAccounts", status: 401, body: obj("unauthorized", 401, "inactive_credentials", "x"),
			want: []error{ErrUnauthorized, ErrInactiveCredentials}, wantCode: "inactive_credentials"},
		{name: "invalid access token", call: "GetBalances", status: 401, body: obj("unauthorized", 401, "invalid_access_token", "x"),
			want: []error{ErrUnauthorized, ErrInvalidAccessToken}},
		{name: "invalid credentials id (400)", call: "GetBalances", status: 400, body: obj("invalid_request", 400, "invalid_credentials_id", "x"),
			want: []error{ErrBadRequest, ErrInvalidAccessToken}},
		{name: "wrong client secret", call: "ExchangeToken", status: 401, body: obj("unauthorized", 401, "invalid_client_secret", "x"),
			want: []error{ErrUnauthorized, ErrInvalidClient}},
		{name: "wrong app key", call: "CreateSession", status: 401, body: obj("unauthorized", 401, "invalid_client_app_key", "x"),
			want: []error{ErrUnauthorized, ErrInvalidClient}},
		{name: "invalid step", call: "SubmitStep", status: 400, body: obj("invalid_request", 400, "invalid_step", "out of order"),
			want: []error{ErrBadRequest, ErrInvalidStep}, wantCode: "invalid_step", wantMsg: "out of order"},
		{name: "step message only", call: "SubmitStep", status: 400, body: `{"message": "Error message"}`,
			want: []error{ErrBadRequest}, wantMsg: "Error message"},
		{name: "nested error object", call: "SubmitStep", status: 400,
			body: `{"error": ` + obj("invalid_request", 400, "tpp_redirect_error", "bank said no") + `}`,
			want: []error{ErrBadRequest}, wantCode: "tpp_redirect_error", wantMsg: "bank said no"},
		{name: "invalid session", call: "SubmitStep", status: 404, body: obj("invalid_request", 404, "invalid_session_id", "x"),
			want: []error{ErrNotFound, ErrInvalidSession}},
		{name: "404 without body", call: "GetConsent", status: 404, want: []error{ErrNotFound}},
		{name: "invalid nonce", call: "SubmitStep", status: 401, body: obj("unauthorized", 401, "invalid_nonce", "x"),
			want: []error{ErrUnauthorized, ErrInvalidNonce}},
		{name: "expired nonce", call: "UploadStepFile", status: 401, body: obj("unauthorized", 401, "expired_nonce", "x"),
			want: []error{ErrUnauthorized, ErrInvalidNonce, ErrNonceExpired}},
		{name: "invalid temp token", call: "ExchangeToken", status: 401, body: obj("unauthorized", 401, "invalid_temp_token", "x"),
			want: []error{ErrUnauthorized, ErrInvalidTempToken}},
		{name: "invalid skill", call: "CreateSession", status: 400, body: obj("invalid_request", 400, "invalid_skill_name", "x"),
			want: []error{ErrBadRequest, ErrInvalidSkill}},
		{name: "bank error", call: "GetTransactions", status: 400,
			body: obj("external_api_error", 400, "external_api_too_many_requests", "bank rate limit"),
			want: []error{ErrBadRequest, ErrExternalAPI}},
		{name: "403", call: "GetAccounts", status: 403, want: []error{ErrForbidden}},
		{name: "405", call: "GetAccounts", status: 405, want: []error{ErrMethodNotAllowed}},
		{name: "406", call: "GetAccounts", status: 406, want: []error{ErrNotAcceptable}},
		{name: "410", call: "GetAccounts", status: 410, want: []error{ErrGone}},
		{name: "501 not retried", call: "GetAccounts", status: 501, want: []error{ErrUpstream}},
		{name: "5xx with an HTML body", call: "CreateSession", status: 502, body: "<html>Bad gateway " + testClientSecret + "</html>",
			want: []error{ErrUpstream}, wantMsg: ""},
		{name: "429 on a write", call: "CreateSession", status: 429, header: http.Header{"Retry-After": {"2"}},
			body: obj("rate_limit_error", 429, "too_many_requests", "slow down"), want: []error{ErrRateLimited}},
		{name: "malformed JSON", call: "GetAccounts", status: 200, body: `[{"id": "a", "data": {"amount": "42.`,
			want: []error{ErrMalformedResponse}, wantMsg: "truncated JSON"},
		{name: "wrong JSON type", call: "GetTransactions", status: 200, body: `{"transactions": []}`,
			want: []error{ErrMalformedResponse}},
		{name: "bad amount", call: "GetTransactions", status: 200, body: `[{"data": {"amount": "forty"}}]`,
			want: []error{ErrMalformedResponse}},
		{name: "bad timestamp", call: "GetAccounts", status: 200, body: `[{"timestamp": "yesterday"}]`,
			want: []error{ErrMalformedResponse}},
		{name: "empty body", call: "GetTransactions", status: 200, body: ``, want: []error{ErrMalformedResponse},
			wantMsg: "empty body"},
		{name: "empty session answer", call: "CreateSession", status: 200, body: `{}`, want: []error{ErrMalformedResponse}},
		{name: "token without access_token", call: "ExchangeToken", status: 200, body: `{"credentials_id": "c"}`,
			want: []error{ErrMalformedResponse}},
		{name: "error object in a 200", call: "GetConsent", status: 200,
			body: obj("unauthorized", 401, "expired_credentials", "x"), want: []error{ErrUnauthorized, ErrExpiredCredentials},
			wantSt: 401},
		{name: "consent without result", call: "GetConsent", status: 200, body: `{"op_type": "read"}`,
			want: []error{ErrMalformedResponse}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, mux := setup(t)
			path, call := callNamed(t, tt.call)
			var n counter
			mux.HandleFunc(path, n.wrap(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header()[k] = v
				}
				respond(w, tt.status, tt.body)
			}))
			err := call(context.Background(), client)
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range all {
				if want := slices.Contains(tt.want, s); errors.Is(err, s) != want {
					t.Errorf("errors.Is(err, %v) = %v, want %v (err: %v)", s, !want, want, err)
				}
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("not an *APIError: %T %v", err, err)
			}
			wantSt := tt.wantSt
			if wantSt == 0 {
				wantSt = tt.status
			}
			if apiErr.StatusCode != wantSt || apiErr.Method != "POST" || !strings.HasPrefix(apiErr.Path, "/") {
				t.Errorf("APIError %+v", apiErr)
			}
			if tt.wantCode != "" && apiErr.Code != tt.wantCode {
				t.Errorf("Code %q, want %q", apiErr.Code, tt.wantCode)
			}
			// A body that is not an error object is never quoted.
			if (tt.wantMsg != "" || tt.status >= 400 && !strings.HasPrefix(tt.body, "{")) && apiErr.Message != tt.wantMsg {
				t.Errorf("Message %q, want %q", apiErr.Message, tt.wantMsg)
			}
			if tt.wantHTTP != 0 && (apiErr.HTTP != tt.wantHTTP || apiErr.ID != "e-1" || apiErr.Type != "unauthorized") {
				t.Errorf("object fields %+v", apiErr)
			}
			if n.n.Load() != 1 {
				t.Errorf("%d requests, want exactly 1", n.n.Load())
			}
		})
	}
}

func TestRateLimitRetryAfter(t *testing.T) {
	e := newTestEnv(t)
	var n counter
	e.mux.HandleFunc("/v1/accounts/get", n.wrap(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "2")
		respond(w, 429, `{"type": "rate_limit_error", "http": 429, "code": "too_many_requests", "message": "slow down"}`)
	}))
	_, err := e.client.GetAccounts(context.Background(), testCreds)
	var apiErr *APIError
	if !errors.Is(err, ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.RetryAfter != 2*time.Second {
		t.Fatalf("err %v", err)
	}
	if n.n.Load() != 3 || !slices.Equal(e.recordedSleeps(), []time.Duration{2 * time.Second, 2 * time.Second}) {
		t.Fatalf("%d attempts, sleeps %v; want 3 attempts waiting Retry-After", n.n.Load(), e.recordedSleeps())
	}
	if !strings.Contains(err.Error(), "retry after 2s") {
		t.Errorf("message %q", err)
	}
}

// TestRetryOnlyIdempotent: a 5xx is retried (3 attempts, full-jitter
// backoff) on the reads only; every write is sent exactly once.
func TestRetryOnlyIdempotent(t *testing.T) {
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			e := newTestEnv(t)
			var n counter
			e.mux.HandleFunc(c.path, n.wrap(func(w http.ResponseWriter, r *http.Request) {
				respond(w, 503, `{"type": "internal_server_error", "http": 503, "code": "internal_server_error", "message": "down"}`)
			}))
			err := c.call(context.Background(), e.client)
			if !errors.Is(err, ErrUpstream) {
				t.Fatalf("err %v", err)
			}
			want, sleeps := int32(1), []time.Duration(nil)
			if c.idempotent {
				want, sleeps = 3, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}
			}
			if n.n.Load() != want || !slices.Equal(e.recordedSleeps(), sleeps) {
				t.Fatalf("%d attempts, sleeps %v; want %d, %v", n.n.Load(), e.recordedSleeps(), want, sleeps)
			}
		})
	}
}

func TestRetryRecovers(t *testing.T) {
	client, mux := setup(t)
	var n counter
	mux.HandleFunc("/v1/balances/get", n.wrap(func(w http.ResponseWriter, r *http.Request) {
		assertRequest(t, r, `{`+dataBodyJSON+`}`) // every attempt sends the same body
		if n.n.Load() == 1 {
			respond(w, 500, ``)
			return
		}
		respond(w, 200, `[{"id": "b"}]`)
	}))
	b, err := client.GetBalances(context.Background(), testCreds, nil)
	if err != nil || len(b) != 1 || n.n.Load() != 2 {
		t.Fatalf("GetBalances: %v %v after %d attempts", b, err, n.n.Load())
	}
}

func TestTransportErrors(t *testing.T) {
	e := newTestEnv(t)
	e.server.Close()
	_, err := e.client.GetAccounts(context.Background(), testCreds)
	var apiErr *APIError
	if !errors.Is(err, ErrUpstream) || errors.As(err, &apiErr) {
		t.Fatalf("closed server: %v", err)
	}
	if len(e.recordedSleeps()) != 2 {
		t.Errorf("reads retry transport errors: sleeps %v", e.recordedSleeps())
	}

	client, mux := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	mux.HandleFunc("/v1/accounts/get", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // the server notices a closed connection only after the body
		cancel()
		<-r.Context().Done()
	})
	_, err = client.GetAccounts(ctx, testCreds)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUpstream) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestCallTimeout(t *testing.T) {
	client, mux := setup(t, WithTimeout(50*time.Millisecond), WithGuards(guardNoRetry()))
	release := make(chan struct{})
	defer close(release)
	mux.HandleFunc("/v1/sessions", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	_, err := client.CreateSession(context.Background(), CreateSessionRequest{Skill: "s"})
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrUpstream) {
		t.Fatalf("err %v", err)
	}
}
