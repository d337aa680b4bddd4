package finqware

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// endpointCase is one request/response contract.
type endpointCase struct {
	name     string
	path     string // under /v1
	wantBody string
	response string
	call     func(context.Context, *Client) (any, error)
	check    func(*testing.T, any)
}

const dataBodyJSON = `"client_id": "client-id-1", "client_secret": "cl13nt-s3cr3t-value",
	"credentials_id": "242a5690-1c3e-4e0f-9a21-b4ed02bebd7f", "access_token": "acc3ss-t0ken-value-01"`

const accountsJSON = `[{"id": "f3dc1a92-5a7e-4b11-8c3d-b715a988553d", "servicer_id": "e5c11467-2d4b-4f8e-9a61-52a6492054d8",
  "servicer_name": "XYZ Bank", "timestamp": "2024-03-15T08:00:12Z", "unknown_top": 1,
  "data": {"account_schemes": [{"scheme_name": "IBAN", "identification": "RO49AAAA1B31007593840000"},
                               {"scheme_name": "BICFI", "identification": "BTRLRO22"}],
    "balances": [{"balance_amount": "1523.40", "balance_currency": "RON", "balance_type": "Expected",
                  "credit_limit_included": false, "credit_debit_indicator": "debit"}],
    "account_type": "Personal current account", "account_sub_type": "Account sub-type",
    "currency": "RON", "name": "", "nickname": "", "new_field": {"x": 1}}}]`

const transactionsJSON = `[{"id": "99459ac2-a7b3-11e9-b37d-bfb2bf7bff33", "account_id": "f3dc1a92-5a7e-4b11-8c3d-b715a988553d",
  "timestamp": "2024-03-15T08:00:13.250001Z", "utx_id": "q0Wm5Qe8ZkE1x7pJrN2yV4sT9bHc3dLfA6gK0uPiXo8=",
  "data": {"amount": "42.10", "balance": "1523.40", "booking_date_time": "2024-03-14T00:00:00Z",
           "credit_debit_indicator": "debit", "currency": "RON", "info": "POS purchase KAUFLAND",
           "status": "booked", "details": null, "exchange_rate": null}}]`

const consentJSON = `{"op_type": "read", "code": "credentials_info", "http": 200, "message": "Consent info retrieved",
  "result": {"credentials_id": "242a5690-1c3e-4e0f-9a21-b4ed02bebd7f", "status": "ACTIVE",
    "consent_exp": "2025-06-30T11:22:54Z", "max_data_retention": "2025-07-30T11:22:54Z",
    "originator": {"country": "RO", "servicer": "Banca Transilvania", "skill": "bt_ro_aisp_sbx_#2.0"},
    "tenant_app_info": {"client_id": "client-id-1", "name": "demo"},
    "utc_created": "2025-04-01T10:00:00", "utc_last_update": "2025-04-01T10:00:00"}}`

func endpointCases() []endpointCase {
	yes := true
	zero := 0
	gte := decimal.RequireFromString("10.5")
	return []endpointCase{
		{
			name: "create session", path: "/sessions",
			wantBody: `{"client_id": "client-id-1", "client_app_key": "app-k3y-value-77", "skill": "bt_ro_aisp_sbx_#2.0"}`,
			response: `{"nonce": "n-1", "session_id": "s-1", "status": "SESSION_CREATED"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateSession(ctx, CreateSessionRequest{Skill: "bt_ro_aisp_sbx_#2.0"})
			},
			check: func(t *testing.T, v any) {
				if s := v.(*Session); *s != (Session{SessionID: "s-1", Nonce: "n-1", Status: SessionCreated}) {
					t.Errorf("session %+v", s)
				}
			},
		},
		{
			name: "create session with tenant user", path: "/sessions",
			wantBody: `{"client_id": "client-id-1", "client_app_key": "app-k3y-value-77", "skill": "x_sbx_#1.0", "tenant_user_id": "u-42"}`,
			response: `{"nonce": "n-1", "session_id": "s-1", "status": "SESSION_CREATED"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CreateSession(ctx, CreateSessionRequest{Skill: "x_sbx_#1.0", TenantUserID: "u-42"})
			},
		},
		{
			name: "sca step", path: "/sessions/s-1/steps",
			wantBody: `{"client_id": "client-id-1", "nonce": "n0nce-value-0123", "skill": "bt_ro_aisp_sbx_#2.0",
				"step": "sca", "data": {"psu_redirect_link": "myapp://finqware/callback"}}`,
			response: `{"step_id": "st-1", "nonce": "n-2", "status": "SESSION_IN_PROGRESS",
				"data": {"method": "GET", "url": "https://bank.example/consent?id=abc",
				         "headers": {"Content-Type": "application/x-www-form-urlencoded"}}}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SubmitStep(ctx, "s-1", StepRequest{Nonce: testNonce, Skill: "bt_ro_aisp_sbx_#2.0", Step: "sca",
					Data: map[string]string{"psu_redirect_link": "myapp://finqware/callback"}})
			},
			check: func(t *testing.T, v any) {
				r := v.(*StepResult)
				rd, ok := r.Redirect()
				if !ok || rd.Method != "GET" || rd.URL != "https://bank.example/consent?id=abc" ||
					rd.Headers["Content-Type"] != "application/x-www-form-urlencoded" {
					t.Errorf("redirect %+v %v", rd, ok)
				}
				if r.StepID != "st-1" || r.Nonce != "n-2" || r.Status != SessionInProgress || r.TempToken != "" {
					t.Errorf("step %+v", r)
				}
			},
		},
		{
			name: "last step with temp_token", path: "/sessions/s%2F1/steps",
			wantBody: `{"client_id": "client-id-1", "nonce": "n-3", "skill": "xyz_sbx_#3.0", "step": "confirmation", "data": {}}`,
			response: `{"step_id": "st-3", "status": "SESSION_COMPLETED", "data": {}, "temp_token": "tt-1"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SubmitStep(ctx, "s/1", StepRequest{Nonce: "n-3", Skill: "xyz_sbx_#3.0", Step: "confirmation"})
			},
			check: func(t *testing.T, v any) {
				if r := v.(*StepResult); r.TempToken != "tt-1" || r.Status != SessionCompleted || r.Nonce != "" {
					t.Errorf("step %+v", r)
				}
				if _, ok := v.(*StepResult).Redirect(); ok {
					t.Error("Redirect() true without a url")
				}
			},
		},
		{
			name: "temp_token inside data", path: "/sessions/s-1/steps",
			wantBody: `{"client_id": "client-id-1", "nonce": "n-3", "skill": "xyz_sbx_#3.0", "step": "product_form",
				"data": {"value": "100000", "currency": "EUR", "period": "12"}}`,
			response: `{"step_id": "st-3", "status": "SESSION_COMPLETED", "data": {"temp_token": "tt-2"}}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.SubmitStep(ctx, "s-1", StepRequest{Nonce: "n-3", Skill: "xyz_sbx_#3.0", Step: "product_form",
					Data: json.RawMessage(`{"value": "100000", "currency": "EUR", "period": "12"}`)})
			},
			check: func(t *testing.T, v any) {
				if r := v.(*StepResult); r.TempToken != "tt-2" {
					t.Errorf("temp token %q", r.TempToken)
				}
			},
		},
		{
			name: "token exchange", path: "/token",
			wantBody: `{"client_id": "client-id-1", "client_secret": "cl13nt-s3cr3t-value", "temp_token": "t3mp-t0ken-value-9"}`,
			response: `{"credentials_id": "c-1", "access_token": "at-1", "consent_exp": "2025-06-30T11:22:54Z",
				"max_data_retention": "2025-07-30T11:22:54.5"}`,
			call: func(ctx context.Context, c *Client) (any, error) { return c.ExchangeToken(ctx, testTempToken) },
			check: func(t *testing.T, v any) {
				tok := v.(*Token)
				if tok.AccessToken != "at-1" || tok.CredentialsID != "c-1" || tok.ConsentExp == nil || tok.MaxDataRetention == nil {
					t.Fatalf("token %+v", tok)
				}
				if !tok.ConsentExp.Equal(time.Date(2025, 6, 30, 11, 22, 54, 0, time.UTC)) ||
					!tok.MaxDataRetention.Equal(time.Date(2025, 7, 30, 11, 22, 54, 5e8, time.UTC)) {
					t.Errorf("dates %v %v", tok.ConsentExp, tok.MaxDataRetention)
				}
				if tok.Credentials() != (Credentials{CredentialsID: "c-1", AccessToken: "at-1"}) {
					t.Errorf("Credentials() %+v", tok.Credentials())
				}
			},
		},
		{
			name: "token exchange, seed answer", path: "/token",
			wantBody: `{"client_id": "client-id-1", "client_secret": "cl13nt-s3cr3t-value", "temp_token": "t"}`,
			response: `{"access_token": "at-1", "credentials_id": "c-1"}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.ExchangeToken(ctx, "t") },
			check: func(t *testing.T, v any) {
				if tok := v.(*Token); tok.ConsentExp != nil || tok.MaxDataRetention != nil {
					t.Errorf("optional dates %v %v", tok.ConsentExp, tok.MaxDataRetention)
				}
			},
		},
		{
			name: "catalog", path: "/skills/get",
			wantBody: `{"client_id": "client-id-1", "client_app_key": "app-k3y-value-77", "filter": {"type": "aisp", "sandbox": true}}`,
			response: `[{"name": "bt_ro_aisp_sbx_#2.0", "type": "aisp", "servicer_name": "Banca Transilvania", "country": "RO",
				"sandbox": true, "version": "2.0", "steps": [{"name": "sca", "kind": "redirect",
				"fields": [{"name": "psu_redirect_link", "type": "url", "required": true}]}]}]`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListSkills(ctx, &SkillFilter{Type: SkillAISP, Sandbox: &yes})
			},
			check: func(t *testing.T, v any) {
				s := v.([]Skill)
				if len(s) != 1 || s[0].Name != "bt_ro_aisp_sbx_#2.0" || !s[0].Sandbox || s[0].Type != SkillAISP {
					t.Fatalf("skills %+v", s)
				}
				st, ok := s[0].Step("sca")
				if !ok || st.Kind != StepRedirect || len(st.Fields) != 1 || !st.Fields[0].Required || st.Fields[0].Type != FieldURL {
					t.Errorf("step %+v", st)
				}
			},
		},
		{
			name: "catalog envelope", path: "/skills/get",
			wantBody: `{"client_id": "client-id-1", "client_app_key": "app-k3y-value-77"}`,
			response: `{"skills": [{"name": "a"}, {"name": "b"}]}`,
			call:     func(ctx context.Context, c *Client) (any, error) { return c.ListSkills(ctx, nil) },
			check: func(t *testing.T, v any) {
				if s := v.([]Skill); len(s) != 2 || s[1].Name != "b" {
					t.Errorf("skills %+v", s)
				}
			},
		},
		{
			name: "accounts", path: "/accounts/get", wantBody: `{` + dataBodyJSON + `}`, response: accountsJSON,
			call: func(ctx context.Context, c *Client) (any, error) { return c.GetAccounts(ctx, testCreds) },
			check: func(t *testing.T, v any) {
				a := v.([]Account)
				if len(a) != 1 || a[0].IBAN() != "RO49AAAA1B31007593840000" || a[0].Scheme("BICFI") != "BTRLRO22" ||
					a[0].ServicerName != "XYZ Bank" || a[0].Data.Currency != "RON" {
					t.Fatalf("accounts %+v", a)
				}
				if got := FormatAmount(a[0].Data.Balances[0].SignedAmount()); got != "-1523.40" {
					t.Errorf("signed balance %s", got)
				}
				if !a[0].Timestamp.Equal(time.Date(2024, 3, 15, 8, 0, 12, 0, time.UTC)) {
					t.Errorf("timestamp %v", a[0].Timestamp)
				}
			},
		},
		{
			name: "balances", path: "/balances/get",
			wantBody: `{` + dataBodyJSON + `, "filter": {"account_id": "a-1", "type": "ClosingBooked"}}`,
			response: `[{"id": "b-1", "account_id": "a-1", "timestamp": "2020-01-29T07:31:51.689168",
				"data": {"amount": "10.00", "credit_debit_indicator": "credit", "credit_limit_included": false,
				"credit_line": null, "currency": "RON", "native_date": "2020-01-28", "native_timestamp": null,
				"type": "ClosingBooked"}}]`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetBalances(ctx, testCreds, &BalanceFilter{AccountID: "a-1", Type: "ClosingBooked"})
			},
			check: func(t *testing.T, v any) {
				b := v.([]Balance)
				if len(b) != 1 || !b[0].Timestamp.Equal(time.Date(2020, 1, 29, 7, 31, 51, 689168000, time.UTC)) ||
					!b[0].Data.NativeDate.Equal(time.Date(2020, 1, 28, 0, 0, 0, 0, time.UTC)) || !b[0].Data.NativeTimestamp.IsZero() ||
					FormatAmount(b[0].SignedAmount()) != "10.00" {
					t.Errorf("balances %+v", b)
				}
			},
		},
		{
			name: "balances, empty filter omitted", path: "/balances/get", wantBody: `{` + dataBodyJSON + `}`, response: `[]`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetBalances(ctx, testCreds, &BalanceFilter{})
			},
		},
		{
			name: "transactions", path: "/transactions/get",
			wantBody: `{` + dataBodyJSON + `, "filter": {"account_id": "a-1", "credit_debit_indicator": "debit",
				"gte": "10.5", "booking_date_gte": "2024-03-01T00:00:00Z", "booking_date_lte": "2024-03-31T22:00:00Z",
				"timestamp_gte": "2024-03-15T08:00:13.250001Z"}}`,
			response: transactionsJSON,
			call: func(ctx context.Context, c *Client) (any, error) {
				bucharest := time.FixedZone("EET", 2*3600)
				return c.GetTransactions(ctx, testCreds, &TransactionFilter{AccountID: "a-1", CreditDebitIndicator: Debit,
					AmountGte:      &gte,
					BookingDateGte: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
					BookingDateLte: time.Date(2024, 4, 1, 0, 0, 0, 0, bucharest),
					TimestampGte:   time.Date(2024, 3, 15, 8, 0, 13, 250001999, time.UTC)})
			},
			check: func(t *testing.T, v any) {
				tx := v.([]Transaction)
				if len(tx) != 1 || tx[0].UTXID != "q0Wm5Qe8ZkE1x7pJrN2yV4sT9bHc3dLfA6gK0uPiXo8=" || tx[0].Data.Info != "POS purchase KAUFLAND" {
					t.Fatalf("transactions %+v", tx)
				}
				if got := FormatAmount(tx[0].SignedAmount()); got != "-42.10" {
					t.Errorf("signed amount %s, want -42.10", got)
				}
				if !tx[0].Data.Balance.Valid || FormatAmount(tx[0].Data.Balance.Decimal) != "1523.40" {
					t.Errorf("balance %+v", tx[0].Data.Balance)
				}
				if !tx[0].Timestamp.Equal(time.Date(2024, 3, 15, 8, 0, 13, 250001000, time.UTC)) {
					t.Errorf("timestamp %v", tx[0].Timestamp)
				}
			},
		},
		{
			name: "transactions without filter", path: "/transactions/get", wantBody: `{` + dataBodyJSON + `}`, response: `[]`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.GetTransactions(ctx, testCreds, &TransactionFilter{})
			},
		},
		{
			name: "consent", path: "/consents/get", wantBody: `{` + dataBodyJSON + `}`, response: consentJSON,
			call: func(ctx context.Context, c *Client) (any, error) { return c.GetConsent(ctx, testCreds) },
			check: func(t *testing.T, v any) {
				c := v.(*Consent)
				if c.Status != ConsentActive || c.CredentialsID != testCredsID || c.Originator.Skill != "bt_ro_aisp_sbx_#2.0" ||
					c.TenantAppInfo.Name != "demo" || !c.UTCCreated.Equal(time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)) ||
					c.ConsentExp.IsZero() {
					t.Errorf("consent %+v", c)
				}
			},
		},
		{
			name: "delete consent", path: "/consents/delete", wantBody: `{` + dataBodyJSON + `, "pcd_data_retention": 0}`,
			response: `{"op_type": "delete", "code": "credentials_deleted", "http": 200, "message": "ok",
				"result": {"credentials_id": "c-1", "status": "DELETED"}}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.DeleteConsent(ctx, testCreds, &DeleteConsentOptions{PCDDataRetention: &zero})
			},
			check: func(t *testing.T, v any) {
				if c := v.(*Consent); c.Status != ConsentDeleted || c.CredentialsID != "c-1" {
					t.Errorf("consent %+v", c)
				}
			},
		},
		{
			name: "delete consent, empty answer", path: "/consents/delete", wantBody: `{` + dataBodyJSON + `}`, response: ``,
			call: func(ctx context.Context, c *Client) (any, error) { return c.DeleteConsent(ctx, testCreds, nil) },
			check: func(t *testing.T, v any) {
				if c := v.(*Consent); c.Status != ConsentDeleted || c.CredentialsID != testCredsID {
					t.Errorf("consent %+v", c)
				}
			},
		},
	}
}

func TestEndpoints(t *testing.T) {
	for _, tt := range endpointCases() {
		t.Run(tt.name, func(t *testing.T) {
			client, mux := setup(t)
			var calls counter
			mux.HandleFunc("/v1"+tt.path, calls.wrap(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.EscapedPath() != "/v1"+tt.path {
					t.Errorf("path %s, want /v1%s", r.URL.EscapedPath(), tt.path)
				}
				assertRequest(t, r, tt.wantBody)
				respond(w, http.StatusOK, tt.response)
			}))
			got, err := tt.call(context.Background(), client)
			if err != nil {
				t.Fatalf("call: %v", err)
			}
			if calls.n.Load() != 1 {
				t.Fatalf("%d requests, want 1", calls.n.Load())
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

func TestTenantUserIDDefault(t *testing.T) {
	client, mux := setup(t, WithTenantUserID("u-default"))
	mux.HandleFunc("/v1/sessions", func(w http.ResponseWriter, r *http.Request) {
		assertRequest(t, r, `{"client_id": "client-id-1", "client_app_key": "app-k3y-value-77", "skill": "s", "tenant_user_id": "u-default"}`)
		respond(w, 200, `{"nonce": "n", "session_id": "s", "status": "SESSION_CREATED"}`)
	})
	mux.HandleFunc("/v1/accounts/get", func(w http.ResponseWriter, r *http.Request) {
		assertRequest(t, r, `{`+dataBodyJSON+`, "tenant_user_id": "u-call"}`)
		respond(w, 200, `[]`)
	})
	if _, err := client.CreateSession(context.Background(), CreateSessionRequest{Skill: "s"}); err != nil {
		t.Fatal(err)
	}
	cred := testCreds
	cred.TenantUserID = "u-call" // the per-call value wins
	if _, err := client.GetAccounts(context.Background(), cred); err != nil {
		t.Fatal(err)
	}
}

func TestTokenPaths(t *testing.T) {
	for _, tt := range []struct {
		opt  []Option
		path string
	}{
		{nil, "/v1/token"},
		{[]Option{WithTokenPath("/tokens")}, "/v1/tokens"},
		{[]Option{WithTokenPath("tokens")}, "/v1/tokens"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			client, mux := setup(t, tt.opt...)
			var calls counter
			mux.HandleFunc("/", calls.wrap(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != tt.path {
					t.Errorf("path %s, want %s", r.URL.Path, tt.path)
				}
				respond(w, 200, `{"access_token": "a", "credentials_id": "c"}`)
			}))
			if _, err := client.ExchangeToken(context.Background(), "t"); err != nil || calls.n.Load() != 1 {
				t.Fatalf("ExchangeToken: %v (%d calls)", err, calls.n.Load())
			}
		})
	}
}

func TestCatalogPath(t *testing.T) {
	client, mux := setup(t, WithCatalogPath("/catalog/skills"))
	mux.HandleFunc("/v1/catalog/skills", func(w http.ResponseWriter, r *http.Request) { respond(w, 200, `[]`) })
	if s, err := client.ListSkills(context.Background(), nil); err != nil || len(s) != 0 {
		t.Fatalf("ListSkills: %v %v", s, err)
	}
}

func TestRequestValidation(t *testing.T) {
	client, mux := setup(t)
	var calls counter
	mux.HandleFunc("/", calls.wrap(func(w http.ResponseWriter, r *http.Request) { respond(w, 200, `{}`) }))
	ctx := context.Background()
	neg := -1
	for name, f := range map[string]func() error{
		"session without skill": func() error { _, err := client.CreateSession(ctx, CreateSessionRequest{}); return err },
		"step without nonce": func() error {
			_, err := client.SubmitStep(ctx, "s", StepRequest{Skill: "k", Step: "sca"})
			return err
		},
		"step without session": func() error {
			_, err := client.SubmitStep(ctx, "", StepRequest{Nonce: "n", Skill: "k", Step: "sca"})
			return err
		},
		"empty temp token":  func() error { _, err := client.ExchangeToken(ctx, ""); return err },
		"no access token":   func() error { _, err := client.GetAccounts(ctx, Credentials{CredentialsID: "c"}); return err },
		"no credentials id": func() error { _, err := client.GetConsent(ctx, Credentials{AccessToken: "a"}); return err },
		"negative retention": func() error {
			_, err := client.DeleteConsent(ctx, testCreds, &DeleteConsentOptions{PCDDataRetention: &neg})
			return err
		},
		"upload without body": func() error {
			_, err := client.UploadStepFile(ctx, "st", UploadRequest{Nonce: "n"})
			return err
		},
		"upload with a quote in the name": func() error {
			_, err := client.UploadStepFile(ctx, "st", UploadRequest{Nonce: "n", FileName: `a"b`, Body: http.NoBody})
			return err
		},
	} {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if calls.n.Load() != 0 {
		t.Fatalf("invalid calls reached the server %d times", calls.n.Load())
	}
}
