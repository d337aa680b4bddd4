package flinks

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testCustomerID = "43387ca6-0391-4c82-857d-70d95f087ecb"
	testSecretKey  = "s3cr3t-key-value-0001"
	testAPIKey     = "ap1-key-value-0002"
	testAPISecret  = "ap1-s3cret-value-0003"
	testLoginID    = "5e115eac-1209-4f19-641c-08d6d484e2fe"
	testRequestID  = "7d1f0a3e-2b7c-4a55-9a2e-0c4b6f3d9e10"
	testToken      = "d65f1adb-8ebc-48dc-be8b-20c773ba1565"
)

// fakeClock is the injected clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// testEnv is one client wired to one httptest server whose handlers are
// registered under the /v3/{customerId} base.
type testEnv struct {
	client *Client
	mux    *http.ServeMux
	server *httptest.Server
	clock  *fakeClock

	mu     sync.Mutex
	sleeps []time.Duration
}

func (e *testEnv) recordedSleeps() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.sleeps...)
}

// handle registers h for a path relative to the data API base.
func (e *testEnv) handle(path string, h http.HandlerFunc) {
	e.mux.HandleFunc("/v3/"+testCustomerID+path, h)
}

// setup returns a client with the customer id, secret key and API key, and
// its test environment (go-github style). Sleeps advance the fake clock
// and are recorded; the jitter always picks the ceiling.
func setup(t *testing.T, opts ...Option) *testEnv {
	t.Helper()
	e := &testEnv{mux: http.NewServeMux(), clock: &fakeClock{t: time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)}}
	e.server = httptest.NewServer(e.mux)
	t.Cleanup(e.server.Close)
	all := append([]Option{
		WithCustomerID(testCustomerID), WithSecretKey(testSecretKey), WithAPIKey(testAPIKey),
		WithAPISecret(testAPISecret), WithClock(e.clock.Now),
		WithSleeper(func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			e.sleeps = append(e.sleeps, d)
			e.mu.Unlock()
			e.clock.Advance(d)
			return ctx.Err()
		}),
	}, opts...)
	c, err := NewClient(e.server.URL+"/v3/{customerId}", all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	c.jitter = func(n int64) int64 { return n - 1 }
	e.client = c
	return e
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s; want %s", r.Method, want)
	}
}

// testHeader asserts a header value; want "" asserts its absence.
func testHeader(t *testing.T, r *http.Request, name, want string) {
	t.Helper()
	if got := r.Header.Get(name); got != want {
		t.Errorf("header %s = %q; want %q", name, got, want)
	}
}

// testJSONBody asserts the request body is the JSON document want.
func testJSONBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	var got, exp any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("body %q is not JSON: %v", b, err)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("bad want JSON: %v", err)
	}
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("body mismatch:\n got  %s\n want %s", b, want)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q; want application/json", ct)
	}
}

// testNoBody asserts the request has no body.
func testNoBody(t *testing.T, r *http.Request) {
	t.Helper()
	b, _ := io.ReadAll(r.Body)
	if len(b) != 0 {
		t.Errorf("body = %q; want none", b)
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// counter counts requests to a handler.
func counted(n *atomic.Int32, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h(w, r)
	}
}

// tokenHandler answers GenerateAuthorizeToken with testToken.
func tokenHandler(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testHeader(t, r, "flinks-auth-key", testSecretKey)
		writeJSON(w, 200, `{"HttpStatusCode":200,"Token":"`+testToken+`"}`)
	}
}

// sampleDetail is the notes' GetAccountsDetail 200 sample.
const sampleDetail = `{
  "HttpStatusCode": 200,
  "Accounts": [
    {
      "Transactions": [
        { "Date": "2024-03-15", "Code": null, "Description": "PAYROLL DEPOSIT ACME INC",
          "Debit": null, "Credit": 2150.00, "Balance": 4812.37,
          "Id": "b4a1e0f2-77c5-4c0b-9c1e-2f3d6a8b9c01" },
        { "Date": "2024-03-14", "Code": null, "Description": "INTERAC E-TRANSFER SENT",
          "Debit": 120.50, "Credit": null, "Balance": 2662.37,
          "Id": "c9d2f1a3-88d6-4d1c-8d2f-3a4e7b9c0d12" }
      ],
      "TransitNumber": "77777", "InstitutionNumber": "777", "OverdraftLimit": 0,
      "Title": "Chequing CAD", "AccountNumber": "1111000", "LastFourDigits": null,
      "Balance": { "Available": 4812.37, "Current": 4812.37, "Limit": null },
      "Category": "Operations", "Type": "Chequing", "Currency": "CAD",
      "Holder": {
        "Name": "Jane Sample",
        "Address": { "CivicAddress": "100 King St W", "City": "Toronto", "Province": "ON",
                     "PostalCode": "M5X 1A9", "POBox": null, "Country": "CA" },
        "Email": "jane.sample@example.com", "PhoneNumber": "4165550123"
      },
      "AccountType": null,
      "Id": "ae1dac72-70da-4626-fed8-08d682e1ff4a",
      "SomeFutureField": {"x": 1}
    }
  ],
  "InstitutionName": "FlinksCapital",
  "Login": { "Username": "Greatday", "IsScheduledRefresh": false,
             "LastRefresh": "2024-03-18T14:02:11.4411021", "Type": "Personal",
             "Id": "5e115eac-1209-4f19-641c-08d6d484e2fe" },
  "InstitutionId": 14,
  "Institution": "FlinksCapital",
  "RequestId": "7d1f0a3e-2b7c-4a55-9a2e-0c4b6f3d9e10"
}`

const pendingBody = `{"FlinksCode":"OPERATION_PENDING","Links":[{"rel":"AccountsDetailAsync","href":"/GetAccountsDetailAsync","example":null}],"HttpStatusCode":202,"Message":"Your operation is still processing","RequestId":"` + testRequestID + `"}`
