package flanks_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/flanks"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// aggCall is one aggregation method, reduced to its error.
type aggCall struct {
	name string
	call func(context.Context, *flanks.Client, flanks.AggregationRequest) (int, error)
}

func sized[T any](v []T, err error) (int, error) { return len(v), err }

// aggCalls lists every gated aggregation method (/all is never gated).
var aggCalls = []aggCall{
	{"account", func(ctx context.Context, c *flanks.Client, r flanks.AggregationRequest) (int, error) {
		return sized(c.ListAccounts(ctx, r))
	}},
	{"data", func(ctx context.Context, c *flanks.Client, r flanks.AggregationRequest) (int, error) {
		return sized(c.ListAccountTransactions(ctx, r))
	}},
	{"card", func(ctx context.Context, c *flanks.Client, r flanks.AggregationRequest) (int, error) {
		return sized(c.ListCards(ctx, r))
	}},
	{"card/transaction", func(ctx context.Context, c *flanks.Client, r flanks.AggregationRequest) (int, error) {
		return sized(c.ListCardTransactions(ctx, r))
	}},
	{"portfolio", func(ctx context.Context, c *flanks.Client, r flanks.AggregationRequest) (int, error) {
		return sized(c.ListPortfolios(ctx, r))
	}},
	{"investment", func(ctx context.Context, c *flanks.Client, r flanks.AggregationRequest) (int, error) {
		return sized(c.ListInvestments(ctx, r))
	}},
	{"investment/transaction", func(ctx context.Context, c *flanks.Client, r flanks.AggregationRequest) (int, error) {
		return sized(c.ListInvestmentTransactions(ctx, r))
	}},
	{"investment/detail", func(ctx context.Context, c *flanks.Client, r flanks.AggregationRequest) (int, error) {
		raw, err := c.GetInvestmentDetail(ctx, r)
		return len(raw), err
	}},
	{"liability", func(ctx context.Context, c *flanks.Client, r flanks.AggregationRequest) (int, error) {
		return sized(c.ListLiabilities(ctx, r))
	}},
	{"liability/transaction", func(ctx context.Context, c *flanks.Client, r flanks.AggregationRequest) (int, error) {
		return sized(c.ListLiabilityTransactions(ctx, r))
	}},
	{"holder", func(ctx context.Context, c *flanks.Client, r flanks.AggregationRequest) (int, error) {
		return sized(c.ListHolders(ctx, r))
	}},
	{"auth", func(ctx context.Context, c *flanks.Client, r flanks.AggregationRequest) (int, error) {
		id, err := c.GetIdentity(ctx, r)
		if id == nil {
			return 0, err
		}
		return len(id.ID), err
	}},
	{"mifid/raw", func(ctx context.Context, c *flanks.Client, r flanks.AggregationRequest) (int, error) {
		return sized(c.ListMiFIDRaw(ctx, r))
	}},
}

func TestRoundTrip_DataErrors(t *testing.T) {
	forEachMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{ExtractionDelay: time.Hour})

		t.Run("pending -> ErrProcessing", func(t *testing.T) {
			tok := r.create("testbank", "", "XXXX")
			for _, ac := range aggCalls {
				_, err := ac.call(r.ctx, r.c, r.req(tok))
				e := wantIs(t, ac.name, err, flanks.ErrProcessing)
				if e.Code != flanks.CodeProcessing || e.StatusCode != http.StatusBadRequest {
					t.Errorf("%s: %v", ac.name, err)
				}
			}
			// /all answers whatever is extracted, i.e. nothing yet.
			all := must(r.c.GetAll(r.ctx, r.req(tok)))(t)
			if len(all.Accounts) != 0 || all.Identity != nil {
				t.Errorf("/all while pending: %d accounts, identity %v", len(all.Accounts), all.Identity)
			}
		})

		// The other cases need finished extractions.
		r.clock.Advance(time.Hour)

		t.Run("errored product -> ErrIncomplete", func(t *testing.T) {
			tok := r.create("testbank", "", "DATA_ERROR_PRODUCT_ACCOUNT")
			r.clock.Advance(time.Hour)
			st := r.status(tok)
			if st.Pending || !st.Errored.Product.Account || !st.Errored.Transactions.Account || st.Errored.Product.Card {
				t.Fatalf("status errored = %+v", st.Errored)
			}
			for _, name := range []string{"account", "data"} {
				ac := findCall(t, name)
				_, err := ac.call(r.ctx, r.c, r.req(tok))
				if e := wantIs(t, name, err, flanks.ErrIncomplete); e.Code != flanks.CodeIncomplete {
					t.Errorf("%s: code %q", name, e.Code)
				}
				ignore := flanks.AggregationRequest{CredentialsToken: tok, IgnoreDataError: true}
				if n, err := ac.call(r.ctx, r.c, ignore); err != nil || n != 0 {
					t.Errorf("%s with ignore_data_error: %d items, %v", name, n, err)
				}
			}
			if n := must(findCall(t, "card").call(r.ctx, r.c, r.req(tok)))(t); n == 0 {
				t.Error("cards of an account-only error are missing")
			}
			all := must(r.c.GetAll(r.ctx, r.req(tok)))(t)
			if len(all.Accounts) != 0 || len(all.Cards) == 0 {
				t.Errorf("/all with an errored account: %d accounts, %d cards", len(all.Accounts), len(all.Cards))
			}
		})

		t.Run("blocked -> ErrCredentials", func(t *testing.T) {
			tok := r.create("testbank", "", "INVALID_CREDENTIALS")
			st := r.status(tok)
			if !st.Blocked || st.ResetToken == nil || st.Pending {
				t.Fatalf("blocked status: %+v", st)
			}
			for _, ac := range aggCalls {
				_, err := ac.call(r.ctx, r.c, r.req(tok))
				wantIs(t, ac.name, err, flanks.ErrCredentials)
			}
			// The user re-enters the credentials through Link.
			if _, err := r.sim.CompleteFlow(tok, ""); err != nil {
				t.Fatal(err)
			}
			if st := r.status(tok); st.Blocked || st.ResetToken != nil {
				t.Errorf("after the reset: blocked %v reset %s", st.Blocked, strOrNil(st.ResetToken))
			}
		})

		t.Run("SCA needed -> ErrSCARequired", func(t *testing.T) {
			tok := r.create("testbank", "", "SCA_SMS")
			st := r.status(tok)
			if st.SCAToken == nil || !st.Pending {
				t.Fatalf("SCA status: %+v", st)
			}
			for _, ac := range aggCalls {
				_, err := ac.call(r.ctx, r.c, r.req(tok))
				wantIs(t, ac.name, err, flanks.ErrSCARequired)
			}
			if _, err := r.sim.CompleteFlow(tok, ""); err != nil {
				t.Fatal(err)
			}
			_, err := r.c.ListAccounts(r.ctx, r.req(tok))
			wantIs(t, "right after SCA", err, flanks.ErrProcessing)
			r.clock.Advance(time.Hour)
			must(r.c.ListAccounts(r.ctx, r.req(tok)))(t)
			if st := r.status(tok); st.SCAToken != nil || st.Pending {
				t.Errorf("after SCA and the extraction: %+v", st)
			}
		})
	})
}

func findCall(t *testing.T, name string) aggCall {
	t.Helper()
	for _, ac := range aggCalls {
		if ac.name == name {
			return ac
		}
	}
	t.Fatalf("no aggregation call %q", name)
	return aggCall{}
}

const accountPath = "/v0/bank/credentials/account"

func TestRoundTrip_Faults(t *testing.T) {
	forEachMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{})
		tok := r.create("testbank", "", "XXXX")
		must(r.c.ListEntities(r.ctx))(t) // token (and JWKS) first
		inject := func(path string, f flankssim.Fault) {
			t.Helper()
			if err := r.sim.InjectFault(path, f); err != nil {
				t.Fatal(err)
			}
			r.sim.ResetRequests()
		}

		t.Run("429 with Retry-After, then success", func(t *testing.T) {
			inject(accountPath, flankssim.Fault{Kind: flankssim.FaultRateLimit, RetryAfter: 1})
			if len(must(r.c.ListAccounts(r.ctx, r.req(tok)))(t)) == 0 {
				t.Error("no accounts after the retry")
			}
			if n := r.sim.Requests(accountPath); n != 2 {
				t.Errorf("%d requests, want 2", n)
			}
		})

		t.Run("429 beyond MaxRetryAfter is returned", func(t *testing.T) {
			inject(accountPath, flankssim.Fault{Kind: flankssim.FaultRateLimit, RetryAfter: 3600})
			_, err := r.c.ListAccounts(r.ctx, r.req(tok))
			if e := wantIs(t, "long Retry-After", err, flanks.ErrRateLimited); e.RetryAfter != time.Hour {
				t.Errorf("RetryAfter = %v, want 1h", e.RetryAfter)
			}
			if n := r.sim.Requests(accountPath); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})

		t.Run("500 once, then success", func(t *testing.T) {
			inject(accountPath, flankssim.Fault{Kind: flankssim.FaultServerError})
			must(r.c.ListAccounts(r.ctx, r.req(tok)))(t)
			if n := r.sim.Requests(accountPath); n != 2 {
				t.Errorf("%d requests, want 2", n)
			}
		})

		t.Run("5xx on every attempt", func(t *testing.T) {
			inject(accountPath, flankssim.Fault{Kind: flankssim.FaultServerError, Status: http.StatusBadGateway, Times: 3})
			_, err := r.c.ListAccounts(r.ctx, r.req(tok))
			if e := wantIs(t, "502 x3", err, flanks.ErrUpstream); e.StatusCode != http.StatusBadGateway {
				t.Errorf("status %d", e.StatusCode)
			}
			if n := r.sim.Requests(accountPath); n != 3 {
				t.Errorf("%d requests, want 3 (the policy's attempts)", n)
			}
		})

		t.Run("500 on the token request, then success", func(t *testing.T) {
			c := r.newClient()
			inject("/v0/token", flankssim.Fault{Kind: flankssim.FaultServerError})
			must(c.ListEntities(r.ctx))(t)
			if n := r.sim.Requests("/v0/token"); n != 2 {
				t.Errorf("%d token requests, want 2", n)
			}
		})

		t.Run("malformed body -> ErrMalformedResponse", func(t *testing.T) {
			inject(accountPath, flankssim.Fault{Kind: flankssim.FaultMalformed})
			_, err := r.c.ListAccounts(r.ctx, r.req(tok))
			wantIs(t, "malformed", err, flanks.ErrMalformedResponse)
			if n := r.sim.Requests(accountPath); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
			must(r.c.ListAccounts(r.ctx, r.req(tok)))(t)
		})

		t.Run("503 on the link exchange is not retried", func(t *testing.T) {
			res, err := r.sim.CompleteLink(flankssim.LinkCompletion{Bank: "testbank"})
			if err != nil {
				t.Fatal(err)
			}
			inject("/v0/platform/link", flankssim.Fault{Kind: flankssim.FaultServerError, Status: http.StatusServiceUnavailable})
			_, err = r.c.ExchangeLinkCode(r.ctx, res.Code)
			wantIs(t, "503 exchange", err, flanks.ErrUpstream)
			if n := r.sim.Requests("/v0/platform/link"); n != 1 {
				t.Errorf("link exchange sent %d times, want exactly 1", n)
			}
			if strings.Contains(err.Error(), res.Code) {
				t.Errorf("error %q leaks the code", err)
			}
			// The fault answered before the simulator saw the code: it is
			// still unused, and the caller may exchange it again.
			ex := must(r.c.ExchangeLinkCode(r.ctx, res.Code))(t)
			if ex.CredentialsToken != res.CredentialsToken {
				t.Errorf("token %s, want %s", ex.CredentialsToken, res.CredentialsToken)
			}
		})

		t.Run("429 on the link exchange is not retried", func(t *testing.T) {
			res, err := r.sim.CompleteLink(flankssim.LinkCompletion{Bank: "testbank"})
			if err != nil {
				t.Fatal(err)
			}
			inject("/v0/platform/link", flankssim.Fault{Kind: flankssim.FaultRateLimit, RetryAfter: 1})
			_, err = r.c.ExchangeLinkCode(r.ctx, res.Code)
			wantIs(t, "429 exchange", err, flanks.ErrRateLimited)
			if n := r.sim.Requests("/v0/platform/link"); n != 1 {
				t.Errorf("link exchange sent %d times, want exactly 1", n)
			}
		})
	})
}

func TestRoundTrip_SingleTokenRenewal(t *testing.T) {
	forEachMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{SingleToken: true})
		tok := r.create("testbank", "", "XXXX")
		must(r.c.GetCredentialsStatus(r.ctx, tok))(t)

		// Another replica mints its own token, which revokes ours.
		other := r.newClient()
		must(other.GetCredentialsStatus(r.ctx, tok))(t)
		if n := r.sim.Requests("/v0/token"); n != 2 {
			t.Fatalf("%d token requests, want 2", n)
		}
		r.sim.ResetRequests()

		st := must(r.c.GetCredentialsStatus(r.ctx, tok))(t)
		if st.Name != "testbank" {
			t.Errorf("status after renewal: %+v", st)
		}
		if n := r.sim.Requests("/v0/token"); n != 1 {
			t.Errorf("%d token renewals, want 1", n)
		}
		if n := r.sim.Requests("/v0/bank/credentials/status"); n != 2 {
			t.Errorf("%d status requests, want 2 (401, then the resend)", n)
		}
		// The renewed token is cached again.
		must(r.c.ListAccounts(r.ctx, r.req(tok)))(t)
		if n := r.sim.Requests("/v0/token"); n != 1 {
			t.Errorf("%d token requests after the renewal, want still 1", n)
		}
	})
}
