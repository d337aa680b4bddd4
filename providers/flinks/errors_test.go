package flinks

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/guard"
)

var allSentinels = []error{
	ErrOperationPending, ErrOperationDispatched, ErrSessionNonExistent, ErrSessionExpired,
	ErrCardInUse, ErrInvalidLogin, ErrDisabledLogin, ErrRetryLater, ErrSecurityResponse,
	ErrUnauthorized, ErrForbidden, ErrInvalidRequest, ErrNotFound, ErrRateLimited,
	ErrInstitutionDisabled, ErrConcurrentSession, ErrUpstream, ErrMalformedResponse,
}

// TestErrorMapping runs every error shape through Authorize (not retried,
// so each case is one answer) and checks the sentinels it matches and the
// ones it must not.
func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		header     http.Header
		body       string
		want       []error
		code       FlinksCode
		retryAfter time.Duration
	}{
		{name: "invalid login is not our auth", status: 401,
			body: `{"HttpStatusCode":401,"Message":"LoginId not found or invalid","FlinksCode":"INVALID_LOGIN"}`,
			want: []error{ErrInvalidLogin}, code: CodeInvalidLogin},
		{name: "invalid password", status: 401, body: `{"HttpStatusCode":401,"FlinksCode":"INVALID_PASSWORD"}`,
			want: []error{ErrInvalidLogin}, code: CodeInvalidPassword},
		{name: "old docs: invalid login as 400", status: 400, body: `{"HttpStatusCode":400,"FlinksCode":"INVALID_LOGIN"}`,
			want: []error{ErrInvalidLogin}, code: CodeInvalidLogin},
		{name: "disabled login", status: 401, body: `{"HttpStatusCode":401,"FlinksCode":"DISABLED_LOGIN"}`,
			want: []error{ErrDisabledLogin}, code: CodeDisabledLogin},
		{name: "retry later", status: 401, body: `{"HttpStatusCode":401,"FlinksCode":"RETRY_LATER","Message":"institution unavailable"}`,
			want: []error{ErrRetryLater}, code: CodeRetryLater},
		{name: "session nonexistent", status: 400,
			body: `{"HttpStatusCode":400,"Message":"Inputs session id or card if were not found.","FlinksCode":"SESSION_NONEXISTENT","RequestId":"` + testRequestID + `"}`,
			want: []error{ErrSessionNonExistent}, code: CodeSessionNonExistent},
		{name: "session expired", status: 400, body: `{"HttpStatusCode":400,"FlinksCode":"SESSION_EXPIRED"}`,
			want: []error{ErrSessionExpired}, code: CodeSessionExpired},
		{name: "lower-case code", status: 401, body: `{"HttpStatusCode":401,"FlinksCode":"retry_later"}`,
			want: []error{ErrRetryLater}, code: CodeRetryLater},
		{name: "security response", status: 401, body: `{"HttpStatusCode":401,"FlinksCode":"INVALID_SECURITY_RESPONSE"}`,
			want: []error{ErrSecurityResponse}, code: CodeInvalidSecurityResponse},
		{name: "unknown challenge key", status: 401, body: `{"HttpStatusCode":401,"FlinksCode":"UNKNOWN_CHALLENGE_KEY"}`,
			want: []error{ErrSecurityResponse}, code: CodeUnknownChallengeKey},
		{name: "bad authorize token", status: 401, body: `{"HttpStatusCode":401,"Message":"You must provide a valid authorize token"}`,
			want: []error{ErrUnauthorized}},
		{name: "access denied", status: 401, body: `{"HttpStatusCode":401,"FlinksCode":"ACCESS_DENIED"}`,
			want: []error{ErrUnauthorized}, code: CodeAccessDenied},
		{name: "too many requests as 401", status: 401, body: `{"HttpStatusCode":401,"FlinksCode":"TOO_MANY_REQUESTS"}`,
			want: []error{ErrRateLimited}, code: CodeTooManyRequests},
		{name: "too many requests as 403", status: 403, body: `{"HttpStatusCode":403,"FlinksCode":"TOO_MANY_REQUESTS"}`,
			want: []error{ErrRateLimited}, code: CodeTooManyRequests},
		{name: "429 with Retry-After", status: 429, header: http.Header{"Retry-After": {"7"}}, body: ``,
			want: []error{ErrRateLimited}, retryAfter: 7 * time.Second},
		{name: "invalid request", status: 401, body: `{"HttpStatusCode":401,"FlinksCode":"INVALID_REQUEST"}`,
			want: []error{ErrInvalidRequest}, code: CodeInvalidRequest},
		{name: "400 without code", status: 400, body: `not json`, want: []error{ErrInvalidRequest}},
		{name: "403 without code", status: 403, body: `{}`, want: []error{ErrForbidden}},
		{name: "404", status: 404, body: `<html>nope</html>`, want: []error{ErrNotFound}},
		{name: "card in use", status: 400, body: `{"HttpStatusCode":400,"FlinksCode":"CARD_IN_USE"}`,
			want: []error{ErrCardInUse}, code: CodeCardInUse},
		{name: "concurrent session", status: 401, body: `{"HttpStatusCode":401,"FlinksCode":"CONCURRENT_SESSION"}`,
			want: []error{ErrConcurrentSession}, code: CodeConcurrentSession},
		{name: "disabled institution", status: 401, body: `{"HttpStatusCode":401,"FlinksCode":"DISABLED_INSTITUTION"}`,
			want: []error{ErrInstitutionDisabled}, code: CodeDisabledInstitution},
		{name: "unknown code keeps status sentinel", status: 401, body: `{"HttpStatusCode":401,"FlinksCode":"NEW_ACCOUNT"}`,
			want: []error{ErrUnauthorized}, code: CodeNewAccount},
		{name: "aggregation error", status: 500, body: `{"HttpStatusCode":500,"FlinksCode":"AGGREGATION_ERROR"}`,
			want: []error{ErrUpstream}, code: CodeAggregationError},
		{name: "502 html", status: 502, body: `<html>bad gateway</html>`, want: []error{ErrUpstream}},
		{name: "malformed 200", status: 200, body: `{"HttpStatusCode":200,"RequestId":`, want: []error{ErrMalformedResponse}},
		{name: "empty 200", status: 200, body: ``, want: []error{ErrMalformedResponse}},
		{name: "200 without RequestId", status: 200, body: `{"HttpStatusCode":200}`, want: []error{ErrMalformedResponse}},
		{name: "wrong JSON type", status: 200, body: `{"HttpStatusCode":200,"RequestId":42}`, want: []error{ErrMalformedResponse}},
		{name: "error embedded in a 200", status: 200,
			body: `{"HttpStatusCode":400,"FlinksCode":"SESSION_NONEXISTENT","Message":"Inputs session id or card if were not found."}`,
			want: []error{ErrSessionNonExistent}, code: CodeSessionNonExistent},
		{name: "bare 202", status: 202, body: `{}`, want: []error{ErrOperationPending}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := setup(t)
			var n atomic.Int32
			e.handle("/BankingServices/Authorize", counted(&n, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header()[k] = v
				}
				writeJSON(w, tt.status, tt.body)
			}))
			_, err := e.client.Authorize(context.Background(), AuthorizeRequest{AuthorizeToken: testToken, LoginID: testLoginID, MostRecentCached: true})
			if err == nil {
				t.Fatal("want an error")
			}
			if n.Load() != 1 {
				t.Errorf("%d calls; Authorize must be sent once", n.Load())
			}
			for _, s := range allSentinels {
				want := false
				for _, w := range tt.want {
					want = want || w == s
				}
				if errors.Is(err, s) != want {
					t.Errorf("errors.Is(%v, %v) = %v; want %v", err, s, !want, want)
				}
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err %T is not an *APIError", err)
			}
			if apiErr.FlinksCode != tt.code || apiErr.RetryAfter != tt.retryAfter {
				t.Errorf("code = %q, retryAfter = %v; want %q, %v", apiErr.FlinksCode, apiErr.RetryAfter, tt.code, tt.retryAfter)
			}
			if apiErr.Path != "/BankingServices/Authorize" || apiErr.Method != "POST" {
				t.Errorf("call = %s %s", apiErr.Method, apiErr.Path)
			}
		})
	}
}

func TestAPIErrorCarriesRequestID(t *testing.T) {
	e := setup(t)
	e.handle("/BankingServices/GetAccountsDetail", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, `{"HttpStatusCode":400,"Message":"Inputs session id or card if were not found.","FlinksCode":"SESSION_NONEXISTENT","RequestId":"`+testRequestID+`"}`)
	})
	_, err := e.client.GetAccountsDetail(context.Background(), AccountsDetailRequest{RequestID: testRequestID})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.RequestID != testRequestID || apiErr.StatusCode != 400 || Temporary(err) {
		t.Fatalf("err = %#v", err)
	}
	if want := "flinks: POST /BankingServices/GetAccountsDetail: 400 Bad Request: Inputs session id or card if were not found. (SESSION_NONEXISTENT) request_id=" + testRequestID; err.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", err.Error(), want)
	}
}

// TestNoSecretsInErrors echoes the client's secrets, what each call sent
// and unrelated GUIDs (LoginIds, tokens) back in error bodies, and makes
// transport errors whose URL holds the LoginId; no error message may hold
// any of them.
func TestNoSecretsInErrors(t *testing.T) {
	const otherLogin = "0f5b8e0c-3c7d-4d8b-9c56-7e2f1a0b9d44"
	secrets := []string{testSecretKey, testAPIKey, testAPISecret, testToken, testLoginID, otherLogin, "hunter2-password", "Montr3al-answer"}
	// Bank credentials and MFA answers are echoed only by the call that
	// sent them: no other call knows them.
	echoAll := strings.Join(secrets, " ")
	echoKnown := strings.Join(secrets[:6], " ")
	e := setup(t)
	for _, p := range []string{"/BankingServices/GenerateAuthorizeToken", "/BankingServices/Authorize",
		"/BankingServices/GetAccountsDetail", "/BankingServices/DeleteCard/" + testLoginID, "/upload/fraudanalysis/" + testLoginID} {
		echo := echoKnown
		if strings.HasSuffix(p, "/Authorize") {
			echo = echoAll
		}
		e.handle(p, func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 401, `{"HttpStatusCode":401,"Message":"bad values: `+echo+`","FlinksCode":"INVALID_LOGIN"}`)
		})
	}
	ctx := context.Background()
	var errs []error
	_, err := e.client.GenerateAuthorizeToken(ctx)
	errs = append(errs, err)
	_, err = e.client.Authorize(ctx, AuthorizeRequest{AuthorizeToken: testToken, LoginID: testLoginID,
		Password: "hunter2-password", Username: "Greatday", RequestID: testRequestID,
		SecurityResponses: SecurityResponses{"What city?": {"Montr3al-answer"}}})
	errs = append(errs, err)
	_, err = e.client.GetAccountsDetail(ctx, AccountsDetailRequest{RequestID: testRequestID})
	errs = append(errs, err)
	errs = append(errs, e.client.DeleteCard(ctx, testLoginID))
	_, err = e.client.GetFraudAnalysis(ctx, testLoginID)
	errs = append(errs, err)

	e.server.Close() // transport errors: the URL holds the LoginId
	errs = append(errs, e.client.DeleteCard(ctx, testLoginID))
	_, err = e.client.GetFraudAnalysis(ctx, testLoginID)
	errs = append(errs, err)
	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d: want an error", i)
		}
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Errorf("call %d: error %q holds the secret %q", i, err, s)
			}
		}
	}
	if !errors.Is(errs[len(errs)-1], ErrUpstream) {
		t.Errorf("transport error %v is not ErrUpstream", errs[len(errs)-1])
	}
	if s := e.client.String() + e.client.GoString(); strings.Contains(s, testSecretKey) || strings.Contains(s, testAPIKey) {
		t.Errorf("client formats its secrets: %s", s)
	}
}

// bodyRecorder records every request body.
type bodyRecorder struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (b *bodyRecorder) record(r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	b.mu.Lock()
	b.bodies = append(b.bodies, body)
	b.mu.Unlock()
}

func TestReadsAreRetried(t *testing.T) {
	e := setup(t)
	var rec bodyRecorder
	var n atomic.Int32
	e.handle("/BankingServices/GetAccountsDetail", counted(&n, func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		switch n.Load() {
		case 1:
			writeJSON(w, 503, `{"HttpStatusCode":503}`)
		case 2:
			w.Header().Set("Retry-After", "2")
			writeJSON(w, 429, ``)
		default:
			writeJSON(w, 200, sampleDetail)
		}
	}))
	d, err := e.client.GetAccountsDetail(context.Background(), AccountsDetailRequest{RequestID: testRequestID, WithTransactions: true})
	if err != nil || len(d.Accounts) != 1 || n.Load() != 3 {
		t.Fatalf("got %v after %d calls", err, n.Load())
	}
	if got := e.recordedSleeps(); len(got) != 2 || got[0] != 100*time.Millisecond || got[1] != 2*time.Second {
		t.Errorf("sleeps = %v; want [100ms (full-jitter ceiling) 2s (Retry-After)]", got)
	}
	if !bytes.Equal(rec.bodies[0], rec.bodies[1]) || !bytes.Equal(rec.bodies[1], rec.bodies[2]) {
		t.Errorf("retry bodies differ: %q", rec.bodies)
	}
}

func TestRetriesAreBounded(t *testing.T) {
	e := setup(t)
	var n atomic.Int32
	e.handle("/BankingServices/GetAccountsDetailAsync/"+testRequestID, counted(&n, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 500, `{"HttpStatusCode":500,"FlinksCode":"AGGREGATION_ERROR"}`)
	}))
	_, err := e.client.GetAccountsDetailAsync(context.Background(), testRequestID)
	if !errors.Is(err, ErrUpstream) || n.Load() != 3 {
		t.Fatalf("err = %v after %d calls; want ErrUpstream after 3", err, n.Load())
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	e := setup(t)
	var n atomic.Int32
	e.handle("/BankingServices/GetAccountsDetail", counted(&n, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 401, `{"HttpStatusCode":401,"FlinksCode":"RETRY_LATER"}`)
	}))
	_, err := e.client.GetAccountsDetail(context.Background(), AccountsDetailRequest{RequestID: testRequestID})
	if !errors.Is(err, ErrRetryLater) || n.Load() != 1 {
		t.Fatalf("err = %v after %d calls", err, n.Load())
	}
}

func TestBreakerRefusalIsUpstream(t *testing.T) {
	e := setup(t, WithGuards(guard.Policy{
		Breaker: guard.BreakerPolicy{MaxConsecutiveFailures: 1},
		Retry:   guard.RetryPolicy{MaxAttempts: 1},
	}))
	var n atomic.Int32
	e.handle("/BankingServices/GetAccountsSummary", counted(&n, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 503, `{}`)
	}))
	ctx := context.Background()
	for range 2 {
		if _, err := e.client.GetAccountsSummary(ctx, testRequestID); !errors.Is(err, ErrUpstream) {
			t.Fatalf("err = %v", err)
		}
	}
	sent := n.Load()
	_, err := e.client.GetAccountsSummary(ctx, testRequestID)
	if !errors.Is(err, ErrUpstream) || !errors.Is(err, guard.ErrCircuitOpen) || !errors.Is(err, ErrCircuitOpen) {
		t.Fatalf("err = %v; want ErrUpstream and guard.ErrCircuitOpen", err)
	}
	if n.Load() != sent {
		t.Fatalf("an open breaker sent a request")
	}
	if !Temporary(err) {
		t.Error("a refusal is temporary")
	}
}

func TestTransportErrors(t *testing.T) {
	e := setup(t, WithGuards(guard.Policy{Retry: guard.RetryPolicy{MaxAttempts: 1}}))
	e.server.Close()
	_, err := e.client.GetAccountsDetailAsync(context.Background(), testRequestID)
	if !errors.Is(err, ErrUpstream) || !strings.Contains(err.Error(), "GetAccountsDetailAsync/{requestId}") ||
		strings.Contains(err.Error(), testRequestID) {
		t.Fatalf("err = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = e.client.GetAccountsDetailAsync(ctx, testRequestID)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUpstream) {
		t.Fatalf("cancelled call err = %v; want context.Canceled and not ErrUpstream", err)
	}
}

func TestOversizedBodyIsMalformed(t *testing.T) {
	e := setup(t)
	e.client.caller.MaxBody = 64
	e.handle("/BankingServices/GetAccountsSummary", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"HttpStatusCode":200,"Accounts":[`+strings.Repeat(`{"Id":"x"},`, 50)+`{}]}`)
	})
	if _, err := e.client.GetAccountsSummary(context.Background(), testRequestID); !errors.Is(err, ErrMalformedResponse) {
		t.Fatalf("err = %v; want ErrMalformedResponse", err)
	}
}

func TestCallTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := NewClient(srv.URL+"/v3/"+testCustomerID, WithTimeout(time.Millisecond),
		WithGuards(guard.Policy{Retry: guard.RetryPolicy{MaxAttempts: 1}}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetAccountsSummary(context.Background(), testRequestID)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrUpstream) {
		t.Fatalf("err = %v; want a deadline error matching ErrUpstream", err)
	}
}
