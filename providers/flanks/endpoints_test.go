package flanks

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"sync/atomic"
	"testing"
)

// endpointCase is one request/response contract.
type endpointCase struct {
	name     string
	method   string
	path     string
	query    url.Values
	wantBody string // "" means no body
	status   int
	response string
	call     func(context.Context, *Client) (any, error)
	check    func(*testing.T, any)
}

var aggReq = AggregationRequest{CredentialsToken: "ct-1"}

const aggBody = `{"credentials_token": "ct-1"}`

func endpointCases(t *testing.T) []endpointCase {
	return []endpointCase{
		{
			name: "credentials status", method: "POST", path: "/v0/bank/credentials/status",
			wantBody: aggBody, response: fixture(t, "status.json"),
			call: func(ctx context.Context, c *Client) (any, error) { return c.GetCredentialsStatus(ctx, "ct-1") },
			check: func(t *testing.T, v any) {
				if s := v.(*CredentialsStatus); s.SCAToken == nil || *s.SCAToken != "sca-7f3e" {
					t.Errorf("sca_token = %v", s.SCAToken)
				}
			},
		},
		{
			name: "force sca", method: "PUT", path: "/v0/bank/credentials/status",
			wantBody: `{"credentials_token": "ct-1", "force": "sca"}`, response: fixture(t, "force_sca.json"),
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateCredentialsStatus(ctx, "ct-1", ForceSCA)
			},
			check: func(t *testing.T, v any) {
				if got := v.(*ForceResult).Token(); got != "sca-token-91b2" {
					t.Errorf("Token() = %q", got)
				}
			},
		},
		{
			name: "force reset", method: "PUT", path: "/v0/bank/credentials/status",
			wantBody: `{"credentials_token": "ct-1", "force": "reset"}`, response: `{"reset_token": "rst-1"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateCredentialsStatus(ctx, "ct-1", ForceReset)
			},
			check: func(t *testing.T, v any) {
				if got := v.(*ForceResult).Token(); got != "rst-1" {
					t.Errorf("Token() = %q", got)
				}
			},
		},
		{
			name: "force transaction", method: "PUT", path: "/v0/bank/credentials/status",
			wantBody: `{"credentials_token": "ct-1", "force": "transaction"}`, response: `{"transaction_token": "trx-1"}`,
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.UpdateCredentialsStatus(ctx, "ct-1", ForceTransaction)
			},
			check: func(t *testing.T, v any) {
				if got := v.(*ForceResult).Token(); got != "trx-1" {
					t.Errorf("Token() = %q", got)
				}
			},
		},
		{
			name: "delete credentials", method: "DELETE", path: "/v0/bank/credentials",
			wantBody: aggBody, response: fixture(t, "delete.json"),
			call: func(ctx context.Context, c *Client) (any, error) { return c.DeleteCredentials(ctx, "ct-1") },
			check: func(t *testing.T, v any) {
				if got := v.(*DeleteCredentialsResult).Message; got != "Credentials deleted successfully" {
					t.Errorf("Message = %q", got)
				}
			},
		},
		{
			name: "delete credentials empty body", method: "DELETE", path: "/v0/bank/credentials",
			wantBody: aggBody, status: http.StatusNoContent,
			call: func(ctx context.Context, c *Client) (any, error) { return c.DeleteCredentials(ctx, "ct-1") },
		},
		{
			name: "credentials list page", method: "POST", path: "/v0/bank/credentials/list",
			wantBody: `{"page": 2}`, response: fixture(t, "credentials_list_page2.json"),
			call: func(ctx context.Context, c *Client) (any, error) { return c.ListCredentialsPage(ctx, 2) },
			check: func(t *testing.T, v any) {
				p := v.(*CredentialsPage)
				if p.Page != 2 || p.Pages != 2 || len(p.Items) != 1 || p.Items[0].CredentialsToken != "ct-ccc" {
					t.Errorf("page = %+v", p)
				}
			},
		},
		aggCase(t, "accounts", "/v0/bank/credentials/account", "accounts.json",
			func(ctx context.Context, c *Client, r AggregationRequest) (any, error) { return c.ListAccounts(ctx, r) }),
		{
			name: "account transactions with query", method: "POST", path: "/v0/bank/credentials/data",
			wantBody: `{"credentials_token": "ct-1", "query": {"account_id": ["ES9121000418450200051332"]}, "ignore_data_error": true}`,
			response: fixture(t, "transactions.json"),
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListAccountTransactions(ctx, AggregationRequest{
					CredentialsToken: "ct-1",
					Query:            Query{"account_id": []string{"ES9121000418450200051332"}},
					IgnoreDataError:  true,
				})
			},
			check: func(t *testing.T, v any) {
				if n := len(v.([]AccountTransaction)); n != 3 {
					t.Errorf("got %d transactions", n)
				}
			},
		},
		aggCase(t, "portfolios", "/v0/bank/credentials/portfolio", "portfolios.json",
			func(ctx context.Context, c *Client, r AggregationRequest) (any, error) {
				return c.ListPortfolios(ctx, r)
			}),
		aggCase(t, "investments", "/v0/bank/credentials/investment", "investments.json",
			func(ctx context.Context, c *Client, r AggregationRequest) (any, error) {
				return c.ListInvestments(ctx, r)
			}),
		aggCase(t, "investment transactions", "/v0/bank/credentials/investment/transaction", "investment_transactions.json",
			func(ctx context.Context, c *Client, r AggregationRequest) (any, error) {
				return c.ListInvestmentTransactions(ctx, r)
			}),
		aggCase(t, "investment detail", "/v0/bank/credentials/investment/detail", "investment_detail.json",
			func(ctx context.Context, c *Client, r AggregationRequest) (any, error) {
				return c.GetInvestmentDetail(ctx, r)
			}),
		aggCase(t, "liabilities", "/v0/bank/credentials/liability", "liabilities.json",
			func(ctx context.Context, c *Client, r AggregationRequest) (any, error) {
				return c.ListLiabilities(ctx, r)
			}),
		aggCase(t, "liability transactions", "/v0/bank/credentials/liability/transaction", "liability_transactions.json",
			func(ctx context.Context, c *Client, r AggregationRequest) (any, error) {
				return c.ListLiabilityTransactions(ctx, r)
			}),
		aggCase(t, "cards", "/v0/bank/credentials/card", "cards.json",
			func(ctx context.Context, c *Client, r AggregationRequest) (any, error) { return c.ListCards(ctx, r) }),
		aggCase(t, "card transactions", "/v0/bank/credentials/card/transaction", "card_transactions.json",
			func(ctx context.Context, c *Client, r AggregationRequest) (any, error) {
				return c.ListCardTransactions(ctx, r)
			}),
		aggCase(t, "identity", "/v0/bank/credentials/auth", "identity.json",
			func(ctx context.Context, c *Client, r AggregationRequest) (any, error) { return c.GetIdentity(ctx, r) }),
		aggCase(t, "holders", "/v0/bank/credentials/holder", "holders.json",
			func(ctx context.Context, c *Client, r AggregationRequest) (any, error) { return c.ListHolders(ctx, r) }),
		aggCase(t, "mifid raw", "/v0/bank/credentials/mifid/raw", "mifid_raw.json",
			func(ctx context.Context, c *Client, r AggregationRequest) (any, error) { return c.ListMiFIDRaw(ctx, r) }),
		aggCase(t, "all", "/v0/bank/credentials/all", "all.json",
			func(ctx context.Context, c *Client, r AggregationRequest) (any, error) { return c.GetAll(ctx, r) }),
		{
			name: "link codes unfiltered", method: "GET", path: "/v0/platform/link",
			response: fixture(t, "link_codes.json"),
			call:     func(ctx context.Context, c *Client) (any, error) { return c.ListLinkCodes(ctx, nil) },
		},
		{
			name: "link codes filtered", method: "GET", path: "/v0/platform/link",
			query:    url.Values{"client_id": {"app-1"}, "link_token": {"lt-9"}},
			response: fixture(t, "link_codes.json"),
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.ListLinkCodes(ctx, &ListLinkCodesOptions{ClientID: "app-1", LinkToken: "lt-9"})
			},
		},
		{
			name: "link code exchange", method: "POST", path: "/v0/platform/link",
			wantBody: `{"code": "lc-1"}`, response: fixture(t, "link_exchange.json"),
			call: func(ctx context.Context, c *Client) (any, error) { return c.ExchangeLinkCode(ctx, "lc-1") },
			check: func(t *testing.T, v any) {
				x := v.(*LinkExchange)
				if x.CredentialsToken != "9c1f0d6a-7b2e-4f55-a1c3-e2d4b6f8a0c2" || x.Extra["external_id"] != "user-4711" {
					t.Errorf("exchange = %+v", x)
				}
			},
		},
		{
			name: "entities", method: "GET", path: "/v0/bank/available",
			response: fixture(t, "entities.json"),
			call:     func(ctx context.Context, c *Client) (any, error) { return c.ListEntities(ctx) },
		},
	}
}

func aggCase(t *testing.T, name, path, file string, call func(context.Context, *Client, AggregationRequest) (any, error)) endpointCase {
	return endpointCase{
		name: name, method: "POST", path: path, wantBody: aggBody, response: fixture(t, file),
		call: func(ctx context.Context, c *Client) (any, error) { return call(ctx, c, aggReq) },
	}
}

func TestEndpoints(t *testing.T) {
	for _, mode := range []string{"json", "jwe"} {
		for _, tt := range endpointCases(t) {
			t.Run(mode+"/"+tt.name, func(t *testing.T) {
				var e *testEnv
				if mode == "jwe" {
					e = newJWEEnv(t, "")
				} else {
					e = newTestEnv(t)
				}
				var hits atomic.Int32
				e.mux.HandleFunc(tt.path, func(w http.ResponseWriter, r *http.Request) {
					hits.Add(1)
					assertRequest(t, r, tt, mode)
					writeJSON(w, cmpStatus(tt.status), tt.response)
				})
				got, err := tt.call(context.Background(), e.client)
				if err != nil {
					t.Fatalf("call: %v", err)
				}
				if n := hits.Load(); n != 1 {
					t.Errorf("server hit %d times, want 1", n)
				}
				if tt.check != nil {
					tt.check(t, got)
				}
			})
		}
	}
}

func cmpStatus(s int) int {
	if s == 0 {
		return http.StatusOK
	}
	return s
}

func assertRequest(t *testing.T, r *http.Request, tt endpointCase, mode string) {
	t.Helper()
	if r.Method != tt.method {
		t.Errorf("method = %s, want %s", r.Method, tt.method)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer tok-1" {
		t.Errorf("Authorization = %q", got)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
	if got := r.Header.Get("User-Agent"); got != defaultUserAgent {
		t.Errorf("User-Agent = %q", got)
	}
	wantQuery := tt.query
	if wantQuery == nil {
		wantQuery = url.Values{}
	}
	if got := r.URL.Query(); !reflect.DeepEqual(got, wantQuery) {
		t.Errorf("query = %v, want %v", got, wantQuery)
	}
	wantCT := ""
	if tt.wantBody != "" {
		wantCT = map[string]string{"json": "application/json", "jwe": "application/jose"}[mode]
	}
	if got := r.Header.Get("Content-Type"); got != wantCT {
		t.Errorf("Content-Type = %q, want %q", got, wantCT)
	}
	body := readBody(t, r)
	if tt.wantBody == "" {
		if len(body) != 0 {
			t.Errorf("unexpected body %q", body)
		}
		return
	}
	assertJSONEqual(t, body, tt.wantBody)
}

func TestListCredentialsIterator(t *testing.T) {
	client, mux := setup(t)
	var pages atomic.Int32
	mux.HandleFunc("/v0/bank/credentials/list", func(w http.ResponseWriter, r *http.Request) {
		body := string(readBody(t, r))
		pages.Add(1)
		switch body {
		case `{"page":1}`:
			writeJSON(w, 200, fixture(t, "credentials_list_page1.json"))
		case `{"page":2}`:
			writeJSON(w, 200, fixture(t, "credentials_list_page2.json"))
		default:
			t.Errorf("unexpected body %s", body)
			writeJSON(w, 400, `{"error":"bad page"}`)
		}
	})
	var tokens []string
	for it, err := range client.ListCredentials(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, it.CredentialsToken)
	}
	if want := []string{"ct-aaa", "ct-bbb", "ct-ccc"}; !reflect.DeepEqual(tokens, want) {
		t.Errorf("tokens = %v, want %v", tokens, want)
	}
	if n := pages.Load(); n != 2 {
		t.Errorf("fetched %d pages, want 2", n)
	}

	// Breaking early fetches no further page.
	pages.Store(0)
	for range client.ListCredentials(context.Background()) {
		break
	}
	if n := pages.Load(); n != 1 {
		t.Errorf("early break fetched %d pages, want 1", n)
	}
}

func TestListCredentialsIteratorError(t *testing.T) {
	client, mux := setup(t)
	mux.HandleFunc("/v0/bank/credentials/list", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusForbidden, `{"error": "no"}`)
	})
	var errs int
	for _, err := range client.ListCredentials(context.Background()) {
		if err == nil {
			t.Fatal("want error")
		}
		errs++
	}
	if errs != 1 {
		t.Errorf("yielded %d errors, want 1", errs)
	}
}

func TestArgumentValidation(t *testing.T) {
	client, _ := setup(t)
	ctx := context.Background()
	if _, err := client.GetCredentialsStatus(ctx, ""); err == nil {
		t.Error("empty credentials token accepted")
	}
	if _, err := client.ListAccounts(ctx, AggregationRequest{}); err == nil {
		t.Error("empty aggregation token accepted")
	}
	if _, err := client.UpdateCredentialsStatus(ctx, "ct-1", "bogus"); err == nil {
		t.Error("bogus force accepted")
	}
	if _, err := client.ExchangeLinkCode(ctx, ""); err == nil {
		t.Error("empty link code accepted")
	}
}
