package flinksadapter_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flinks"
	"github.com/fingraph/fingraph/providers/flinks/flinksadapter"
	"github.com/fingraph/fingraph/providers/flinks/flinkssim"
)

func login(t *testing.T, sim *flinkssim.Server, user string) *models.Credentials {
	t.Helper()
	id, err := sim.CreateLogin(user, flinkssim.TestPassword)
	if err != nil {
		t.Fatal(err)
	}
	return &models.Credentials{Provider: models.ProviderFlinks, ProviderRef: id}
}

// TestPendingThenPoll: a 202 becomes provider.Pending carrying the
// RequestId in the state; polling with that state ends with every product.
func TestPendingThenPoll(t *testing.T) {
	ctx := context.Background()
	a, sim := newAdapter(t, flinkssim.Options{PendingPolls: 2}, flinksadapter.Options{PollInterval: time.Second})
	c := login(t, sim, flinkssim.UserPending)
	_, err := a.Fetch(ctx, c, models.ProductAccounts)
	var pend *provider.Pending
	if !errors.As(err, &pend) || pend.RetryAfter != time.Second || len(pend.State) == 0 {
		t.Fatalf("first fetch: %v", err)
	}
	c.ProviderState = pend.State
	if st, _ := a.Status(ctx, c); !st.Pending {
		t.Fatal("status is not pending while Flinks extracts")
	}
	polls := 0
	var rows *provider.Rows
	for rows == nil {
		if polls++; polls > 5 {
			t.Fatal("still pending after 5 polls")
		}
		rows, err = a.Poll(ctx, c)
		if errors.As(err, &pend) {
			c.ProviderState, err = pend.State, nil
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if polls != 3 || sim.Requests(flinkssim.EndpointGetAccountsDetailAsync) != 3 {
		t.Fatalf("%d polls, %d Async calls; want 3", polls, sim.Requests(flinkssim.EndpointGetAccountsDetailAsync))
	}
	if len(rows.Accounts) != 1 || len(rows.Transactions) == 0 || rows.Identity == nil || len(rows.Products) != len(a.Products()) {
		t.Fatalf("rows: %d accounts, %d transactions, identity %v", len(rows.Accounts), len(rows.Transactions), rows.Identity)
	}
	c.ProviderState = rows.State
	if st, _ := a.Status(ctx, c); st.Pending || st.EntityID != flinkssim.Institution {
		t.Fatalf("status after the data: %+v", st)
	}
}

// TestPollTimeout: a pending extraction older than the poll timeout fails
// as a TIMEOUT instead of polling for ever.
func TestPollTimeout(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	a, sim := newAdapter(t, flinkssim.Options{PendingPolls: 100}, flinksadapter.Options{PollTimeout: time.Minute, Now: clock})
	c := login(t, sim, flinkssim.UserPending)
	_, err := a.Fetch(context.Background(), c, models.ProductAccounts)
	var pend *provider.Pending
	if !errors.As(err, &pend) {
		t.Fatal(err)
	}
	c.ProviderState = pend.State
	now = now.Add(2 * time.Minute)
	_, err = a.Poll(context.Background(), c)
	if f := provider.FailureOf(err); f.Code != provider.CodeTimeout || !errors.Is(err, apperr.ErrUpstreamUnavailable) {
		t.Fatalf("poll after the timeout: %v", err)
	}
	if st, _ := a.Status(context.Background(), c); st.Pending {
		t.Fatal("still pending after the poll timeout")
	}
}

// TestMoneyAndCredit: balances keep their cents exactly; a credit card's
// balance (what is owed) is negative.
func TestMoneyAndCredit(t *testing.T) {
	a, sim := newAdapter(t, flinkssim.Options{}, flinksadapter.Options{})
	rows, err := a.Fetch(context.Background(), login(t, sim, flinkssim.UserDispatched), models.ProductAccounts)
	var pend *provider.Pending
	for errors.As(err, &pend) {
		c := login(t, sim, flinkssim.UserDispatched)
		c.ProviderState = pend.State
		rows, err = a.Poll(context.Background(), c)
	}
	if err != nil {
		t.Fatal(err)
	}
	if rows.Identity == nil || rows.Identity.FullName == nil || len(rows.Holders) == 0 {
		t.Fatalf("no holder identity: %+v", rows.Identity)
	}
	credit := 0
	for _, acct := range rows.Accounts {
		if acct.Balance.Exponent() < -2 {
			t.Errorf("balance %s has more than cents", acct.Balance)
		}
		if acct.Description != nil && *acct.Description == "CreditCard" {
			credit++
			if !acct.Balance.IsNegative() {
				t.Errorf("credit card balance %s is not negative", acct.Balance)
			}
		}
	}
	if credit != 1 {
		t.Fatalf("%d credit cards among %d accounts", credit, len(rows.Accounts))
	}
}

// TestLinkCodes: a bare LoginId, the Connect redirect URL and its REDIRECT
// event all link; anything else is INVALID input, never a provider call.
func TestLinkCodes(t *testing.T) {
	a, sim := newAdapter(t, flinkssim.Options{}, flinksadapter.Options{})
	id := login(t, sim, flinkssim.UserGreatdayNoMFA).ProviderRef
	for _, code := range []string{id, "https://app.example/done?loginId=" + id + "&institution=FlinksCapital",
		`{"step":"REDIRECT","loginId":"` + id + `","institution":"FlinksCapital","url":"https://app.example/done"}`} {
		l, err := a.Link(context.Background(), code)
		if err != nil || l.Ref != id {
			t.Errorf("Link(%.40q) = %+v, %v", code, l, err)
		}
	}
	before := sim.Requests(flinkssim.EndpointAuthorize)
	for _, code := range []string{"", "not-a-guid", "https://app.example/done?error=cancelled"} {
		if _, err := a.Link(context.Background(), code); !errors.Is(err, apperr.ErrInvalidInput) {
			t.Errorf("Link(%q) = %v; want invalid input", code, err)
		}
	}
	if sim.Requests(flinkssim.EndpointAuthorize) != before {
		t.Error("an unreadable code reached Flinks")
	}
	if _, err := a.Link(context.Background(), "6d1d7b1e-0f1e-4c36-9d1a-2c3d4e5f6a7b"); !errors.Is(err, apperr.ErrInvalidInput) {
		t.Errorf("an unknown LoginId: %v", err)
	}
}

// TestWebhookVerification: only deliveries signed with the configured
// secret pass; without a secret every delivery is refused.
func TestWebhookVerification(t *testing.T) {
	body := []byte(`{"ResponseType":"GetAccountsDetail","HttpStatusCode":200,"Login":{"Id":"6d1d7b1e-0f1e-4c36-9d1a-2c3d4e5f6a7b"},"Accounts":[]}`)
	secret := []byte("0123456789abcdef0123")
	sig := func(v string) http.Header { h := http.Header{}; h.Set(flinks.WebhookSignatureHeader, v); return h }
	signed := sig(flinks.SignWebhook(secret, body))
	a := flinksadapter.New(nil, flinksadapter.Options{WebhookSecret: secret})
	if err := a.VerifyWebhook(signed, body); err != nil {
		t.Fatalf("a good signature: %v", err)
	}
	other := sig(flinks.SignWebhook([]byte("another secret 0123"), body))
	for name, h := range map[string]http.Header{"none": {}, "other secret": other, "garbage": sig("!!")} {
		if a.VerifyWebhook(h, body) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if a.VerifyWebhook(signed, append(body, ' ')) == nil {
		t.Error("a changed body kept its signature")
	}
	if flinksadapter.New(nil, flinksadapter.Options{}).VerifyWebhook(signed, body) == nil {
		t.Error("no secret configured, yet a delivery passed")
	}
	d, err := a.ParseWebhook(body)
	if err != nil || d.Ref != "6d1d7b1e-0f1e-4c36-9d1a-2c3d4e5f6a7b" || d.Rows == nil {
		t.Fatalf("ParseWebhook: %+v, %v", d, err)
	}
	if _, err := a.ParseWebhook([]byte(`{"ResponseType":"GetAccountsDetail"}`)); err == nil {
		t.Error("a delivery without a LoginId parsed")
	}
}

// TestDeleteGoneLogin: deleting a login Flinks already forgot succeeds.
func TestDeleteGoneLogin(t *testing.T) {
	a, sim := newAdapter(t, flinkssim.Options{}, flinksadapter.Options{})
	c := login(t, sim, flinkssim.UserGreatdayNoMFA)
	for i := range 2 {
		if err := a.Delete(context.Background(), c); err != nil {
			t.Fatalf("delete %d: %v", i+1, err)
		}
	}
	for _, id := range sim.Logins() {
		if id == c.ProviderRef {
			t.Fatal("the login survived DeleteCard")
		}
	}
}
