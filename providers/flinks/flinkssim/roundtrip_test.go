package flinkssim

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/providers/flinks"
	"github.com/fingraph/fingraph/providers/guard"
)

func TestCachedFlowGreatday(t *testing.T) {
	e := newEnv(t, Options{Seed: 7, HistoryDays: 365})
	ctx := context.Background()
	id := e.login(t, UserGreatday)
	rid := e.authorize(t, id)
	req := allData(rid)
	req.DaysOfTransactions = flinks.Days365
	d, err := e.client.GetAccountsDetail(ctx, req)
	if err != nil {
		t.Fatalf("GetAccountsDetail: %v", err)
	}
	if d.LoginID() != id || d.RequestID != rid || d.Institution != Institution || d.InstitutionID != "14" || len(d.Accounts) != 3 {
		t.Fatalf("detail header = %+v", d)
	}
	if d.Login.LastRefresh.IsZero() || d.Login.Username != UserGreatday {
		t.Errorf("login = %+v", d.Login)
	}
	h, ok := d.Holder()
	if !ok || h.Name == "" || h.Email == "" || h.PhoneNumber == "" || h.Address.City == "" || h.Address.Country != "CA" {
		t.Errorf("holder = %+v", h)
	}
	asOf := truncateDay(e.clock.Now())
	types := []string{}
	for _, a := range d.Accounts {
		types = append(types, a.Type)
		if a.Currency != "CAD" || len(a.Transactions) == 0 || a.Balance == nil {
			t.Fatalf("account %+v", a)
		}
		checkRunningBalances(t, a)
		oldest := a.Transactions[len(a.Transactions)-1].Date.Time
		if a.Transactions[0].Date.After(asOf) || oldest.Before(asOf.AddDate(0, 0, -365)) {
			t.Errorf("%s: dates %v..%v outside 365 days before %v", a.Type, oldest, a.Transactions[0].Date, asOf)
		}
	}
	if !slices.Equal(types, []string{"Chequing", "Savings", "CreditCard"}) {
		t.Errorf("account types = %v", types)
	}

	// Days90 (the default) is a strict subset, newest first.
	d90, err := e.client.GetAccountsDetail(ctx, allData(rid))
	if err != nil {
		t.Fatal(err)
	}
	n90, n365 := len(d90.Accounts[0].Transactions), len(d.Accounts[0].Transactions)
	if n90 == 0 || n90 >= n365 || d90.Accounts[0].Transactions[0].ID != d.Accounts[0].Transactions[0].ID {
		t.Errorf("Days90 has %d of %d transactions", n90, n365)
	}
	// Flags off: no transactions, no balance, no holder; AccountsFilter.
	bare, err := e.client.GetAccountsDetail(ctx, flinks.AccountsDetailRequest{RequestID: rid, AccountsFilter: []string{d.Accounts[1].ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(bare.Accounts) != 1 || bare.Accounts[0].ID != d.Accounts[1].ID || bare.Accounts[0].Transactions != nil ||
		bare.Accounts[0].Balance != nil || bare.Accounts[0].Holder != nil {
		t.Errorf("bare = %+v", bare.Accounts)
	}
}

// checkRunningBalances checks each transaction's Balance follows from the next older
// one, and the account balance is the newest running balance.
func checkRunningBalances(t *testing.T, a flinks.Account) {
	t.Helper()
	sign := decimal.NewFromInt(1)
	if a.Type == "CreditCard" {
		sign = sign.Neg() // the balance owed grows with debits
	}
	for i := 0; i+1 < len(a.Transactions); i++ {
		cur, older := a.Transactions[i], a.Transactions[i+1]
		amt, ok := cur.Amount()
		if !ok || cur.Date.Before(older.Date.Time) {
			t.Fatalf("%s: transaction %d: amount %v, order %v/%v", a.Type, i, ok, cur.Date, older.Date)
		}
		if amt.Exponent() != -2 {
			t.Fatalf("%s: amount %s lost its 2-decimal scale", a.Type, flinks.AmountString(amt))
		}
		if want := older.Balance.Decimal.Add(amt.Mul(sign)); !want.Equal(cur.Balance.Decimal) {
			t.Fatalf("%s: transaction %d balance %s; want %s", a.Type, i, cur.Balance.Decimal, want)
		}
	}
	if !a.Balance.Current.Decimal.Equal(a.Transactions[0].Balance.Decimal) {
		t.Errorf("%s: current %s != newest running balance %s", a.Type, a.Balance.Current.Decimal, a.Transactions[0].Balance.Decimal)
	}
}

func TestDataIsDeterministic(t *testing.T) {
	amounts := func(seed int64) ([]string, []string) {
		e := newEnv(t, Options{Seed: seed})
		rid := e.authorize(t, e.login(t, UserGreatdayNoMFA))
		d, err := e.client.GetAccountsDetail(context.Background(), allData(rid))
		if err != nil {
			t.Fatal(err)
		}
		var amts, ids []string
		for _, a := range d.Accounts {
			ids = append(ids, a.ID)
			for _, tx := range a.Transactions {
				amt, _ := tx.Amount()
				amts = append(amts, tx.Date.String()+" "+tx.Description+" "+flinks.AmountString(amt))
			}
		}
		h, _ := d.Holder()
		return append(amts, h.Name, h.Email), ids
	}
	a1, ids1 := amounts(3)
	a2, ids2 := amounts(3)
	a3, _ := amounts(4)
	if !slices.Equal(a1, a2) {
		t.Error("the same seed and user gave different data")
	}
	if slices.Equal(a1, a3) {
		t.Error("different seeds gave the same data")
	}
	if slices.Equal(ids1, ids2) {
		t.Error("two logins share account ids")
	}
}

func TestLoginIDsAreRandom(t *testing.T) {
	seen := map[string]bool{}
	for range 2 {
		s, err := New(Options{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			id, err := s.CreateLogin("greatday", TestPassword)
			if err != nil || seen[id] {
				t.Fatalf("CreateLogin = %q, %v (duplicate %v)", id, err, seen[id])
			}
			seen[id] = true
		}
		_ = s.Close()
	}
	s, _ := New(Options{})
	if _, err := s.CreateLogin(UserGreatday, "wrong"); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := s.CreateLogin("nobody", TestPassword); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestExtractionPendingThenReady(t *testing.T) {
	e := newEnv(t, Options{ExtractionDelay: 2 * time.Minute})
	ctx := context.Background()
	rid := e.authorize(t, e.login(t, UserGreatday))
	_, err := e.client.GetAccountsDetail(ctx, allData(rid))
	got, ok := flinks.PendingRequestID(err)
	if !errors.Is(err, flinks.ErrOperationPending) || !ok || got != rid {
		t.Fatalf("first call: %v", err)
	}
	if _, err := e.client.GetAccountsDetailAsync(ctx, rid); !errors.Is(err, flinks.ErrOperationPending) {
		t.Fatalf("poll before the delay: %v", err)
	}
	e.clock.Advance(2 * time.Minute)
	d, err := e.client.GetAccountsDetailAsync(ctx, rid)
	if err != nil || len(d.Accounts) != 3 || len(d.Accounts[0].Transactions) == 0 {
		t.Fatalf("poll after the delay: %v", err)
	}
}

func TestWaitAccountsDetailAgainstSimulator(t *testing.T) {
	e := newEnv(t, Options{ExtractionDelay: 35 * time.Second})
	rid := e.authorize(t, e.login(t, UserGreatday))
	start := e.clock.Now()
	d, err := e.client.WaitAccountsDetail(context.Background(), allData(rid), flinks.WaitOptions{})
	if err != nil || len(d.Accounts) != 3 {
		t.Fatalf("Wait: %v", err)
	}
	if waited := e.clock.Now().Sub(start); waited != 40*time.Second {
		t.Errorf("waited %v; want 4 polls of 10 s", waited)
	}
	if n := e.sim.Requests(EndpointGetAccountsDetailAsync); n != 4 {
		t.Errorf("%d async polls; want 4", n)
	}
}

func TestTestPendingUser(t *testing.T) {
	e := newEnv(t, Options{PendingPolls: 2})
	ctx := context.Background()
	rid := e.authorize(t, e.login(t, UserPending))
	if _, err := e.client.GetAccountsDetail(ctx, allData(rid)); !errors.Is(err, flinks.ErrOperationPending) {
		t.Fatalf("GetAccountsDetail: %v", err)
	}
	for i := range 2 {
		if _, err := e.client.GetAccountsDetailAsync(ctx, rid); !errors.Is(err, flinks.ErrOperationPending) {
			t.Fatalf("poll %d: %v", i, err)
		}
	}
	if d, err := e.client.GetAccountsDetailAsync(ctx, rid); err != nil || len(d.Accounts) != 1 {
		t.Fatalf("last poll: %v", err)
	}
}

func TestAsyncAcceptsPost(t *testing.T) {
	e := newEnv(t, Options{})
	rid := e.authorize(t, e.login(t, UserGreatdayNoMFA))
	req, _ := http.NewRequest(http.MethodPost, e.base+"/BankingServices/GetAccountsDetailAsync/"+rid, nil)
	req.Header.Set("x-api-key", DefaultAPIKey)
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST Async = %d; node-flinks' method must be served", resp.StatusCode)
	}
}

func TestDispatchedUser(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	rid := e.authorize(t, e.login(t, UserDispatched))
	partial, err := e.client.GetAccountsDetail(ctx, allData(rid))
	if !errors.Is(err, flinks.ErrOperationDispatched) || partial == nil || len(partial.Accounts) != 2 || partial.Accounts[0].Transactions != nil {
		t.Fatalf("dispatched = %+v, %v", partial, err)
	}
	d, err := e.client.GetAccountsDetailAsync(ctx, rid)
	if err != nil || len(d.Accounts[0].Transactions) == 0 {
		t.Fatalf("after dispatch: %v", err)
	}
}

func TestAuthorizeErrorUsers(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	for user, want := range map[string]error{
		UserServiceUnavailable: flinks.ErrRetryLater,
		UserDisabled:           flinks.ErrDisabledLogin,
	} {
		_, err := e.client.AuthorizeCached(ctx, e.login(t, user))
		if !errors.Is(err, want) {
			t.Errorf("%s: err = %v; want %v", user, err, want)
		}
	}
	if _, err := e.client.AuthorizeCached(ctx, "0f5b8e0c-3c7d-4d8b-9c56-7e2f1a0b9d44"); !errors.Is(err, flinks.ErrInvalidLogin) {
		t.Errorf("unknown login: %v", err)
	}
}

func TestAuthHeaders(t *testing.T) {
	ctx := context.Background()
	t.Run("wrong secret key", func(t *testing.T) {
		e := newEnv(t, Options{}, flinks.WithSecretKey("wrong"))
		if _, err := e.client.AuthorizeCached(ctx, e.login(t, UserGreatday)); !errors.Is(err, flinks.ErrUnauthorized) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("token required unless optional", func(t *testing.T) {
		for _, optional := range []bool{false, true} {
			e := newEnv(t, Options{OptionalAuthorizeToken: optional})
			c, _ := flinks.NewClient(e.base, flinks.WithAPIKey(DefaultAPIKey)) // no secret key: no token
			_, err := c.AuthorizeCached(ctx, e.login(t, UserGreatday))
			if optional != (err == nil) || (!optional && !errors.Is(err, flinks.ErrUnauthorized)) {
				t.Fatalf("optional=%v: err = %v", optional, err)
			}
		}
	})
	t.Run("a token is single use", func(t *testing.T) {
		e := newEnv(t, Options{})
		id := e.login(t, UserGreatday)
		tok, err := e.client.GenerateAuthorizeToken(ctx)
		if err != nil {
			t.Fatal(err)
		}
		req := flinks.AuthorizeRequest{AuthorizeToken: tok, LoginID: id, MostRecentCached: true}
		if _, err := e.client.Authorize(ctx, req); err != nil {
			t.Fatal(err)
		}
		if _, err := e.client.Authorize(ctx, req); !errors.Is(err, flinks.ErrUnauthorized) {
			t.Fatalf("reused token: %v", err)
		}
	})
	t.Run("a token expires after 30 min", func(t *testing.T) {
		e := newEnv(t, Options{})
		id := e.login(t, UserGreatday)
		tok, _ := e.client.GenerateAuthorizeToken(ctx)
		e.clock.Advance(30*time.Minute + time.Second)
		if _, err := e.client.Authorize(ctx, flinks.AuthorizeRequest{AuthorizeToken: tok, LoginID: id, MostRecentCached: true}); !errors.Is(err, flinks.ErrUnauthorized) {
			t.Fatalf("expired token: %v", err)
		}
	})
	t.Run("x-api-key", func(t *testing.T) {
		for _, optional := range []bool{false, true} {
			e := newEnv(t, Options{OptionalAPIKey: optional})
			rid := e.authorize(t, e.login(t, UserGreatday))
			c, _ := flinks.NewClient(e.base) // no x-api-key
			_, err := c.GetAccountsSummary(ctx, rid)
			if optional != (err == nil) {
				t.Fatalf("optional=%v: err = %v", optional, err)
			}
			bad, _ := flinks.NewClient(e.base, flinks.WithAPIKey("wrong"))
			if _, err := bad.GetAccountsSummary(ctx, rid); !errors.Is(err, flinks.ErrUnauthorized) {
				t.Fatalf("wrong key: %v", err)
			}
		}
	})
	t.Run("wrong customer id", func(t *testing.T) {
		e := newEnv(t, Options{})
		c, _ := flinks.NewClient(e.base[:len(e.base)-len(DefaultCustomerID)]+"{customerId}",
			flinks.WithCustomerID("00000000-0000-0000-0000-000000000000"), flinks.WithSecretKey(DefaultSecretKey))
		if _, err := c.GenerateAuthorizeToken(ctx); !errors.Is(err, flinks.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestSessionLifetime(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := context.Background()
	rid := e.authorize(t, e.login(t, UserGreatday))
	e.clock.Advance(DefaultSessionTTL + time.Second)
	if _, err := e.client.GetAccountsDetail(ctx, allData(rid)); !errors.Is(err, flinks.ErrSessionExpired) {
		t.Fatalf("expired: %v", err)
	}
	if _, err := e.client.GetAccountsDetail(ctx, allData(rid)); !errors.Is(err, flinks.ErrSessionNonExistent) {
		t.Fatalf("after expiry: %v", err)
	}
	if _, err := e.client.GetAccountsDetailAsync(ctx, "0f5b8e0c-3c7d-4d8b-9c56-7e2f1a0b9d44"); !errors.Is(err, flinks.ErrSessionNonExistent) {
		t.Fatalf("unknown: %v", err)
	}
}

func TestDeleteCard(t *testing.T) {
	e := newEnv(t, Options{ExtractionDelay: time.Minute})
	ctx := context.Background()
	id := e.login(t, UserGreatday)
	rid := e.authorize(t, id)
	if err := e.client.DeleteCard(ctx, id); !errors.Is(err, flinks.ErrCardInUse) {
		t.Fatalf("while extracting: %v", err)
	}
	e.clock.Advance(time.Minute)
	if err := e.client.DeleteCard(ctx, id); err != nil {
		t.Fatalf("DeleteCard: %v", err)
	}
	if _, err := e.client.AuthorizeCached(ctx, id); !errors.Is(err, flinks.ErrInvalidLogin) {
		t.Errorf("Authorize after delete: %v", err)
	}
	if _, err := e.client.GetAccountsDetail(ctx, allData(rid)); !errors.Is(err, flinks.ErrSessionNonExistent) {
		t.Errorf("old RequestId after delete: %v", err)
	}
	if err := e.client.DeleteCard(ctx, id); !errors.Is(err, flinks.ErrInvalidLogin) {
		t.Errorf("second delete: %v", err)
	}
	if slices.Contains(e.sim.Logins(), id) {
		t.Error("the login survived DeleteCard")
	}
}

func TestLiveAuthorizeWithMFA(t *testing.T) {
	e := newEnv(t, Options{Seed: 11})
	ctx := context.Background()
	res, err := e.client.Authorize(ctx, flinks.AuthorizeRequest{Username: UserGreatday, Password: TestPassword, Institution: Institution})
	if err != nil || !res.MFARequired() || len(res.SecurityChallenges) != 1 {
		t.Fatalf("live Authorize: %+v, %v", res, err)
	}
	prompt := res.SecurityChallenges[0].Prompt
	answer := ""
	for _, p := range mfaPrompts {
		if p[0] == prompt {
			answer = p[1]
		}
	}
	_, err = e.client.Authorize(ctx, flinks.AuthorizeRequest{RequestID: res.RequestID, SecurityResponses: flinks.SecurityResponses{prompt: {"Paris"}}})
	if !errors.Is(err, flinks.ErrSecurityResponse) {
		t.Fatalf("wrong answer: %v", err)
	}
	_, err = e.client.Authorize(ctx, flinks.AuthorizeRequest{RequestID: res.RequestID, SecurityResponses: flinks.SecurityResponses{"Other?": {"x"}}})
	if !errors.Is(err, flinks.ErrSecurityResponse) {
		t.Fatalf("unknown prompt: %v", err)
	}
	ok, err := e.client.Authorize(ctx, flinks.AuthorizeRequest{RequestID: res.RequestID, SecurityResponses: flinks.SecurityResponses{prompt: {answer}}})
	if err != nil || ok.MFARequired() || ok.LoginID() == "" {
		t.Fatalf("right answer: %+v, %v", ok, err)
	}
	if d, err := e.client.GetAccountsDetail(ctx, allData(ok.RequestID)); err != nil || len(d.Accounts) != 3 {
		t.Fatalf("data of the live login: %v", err)
	}
	noMFA, err := e.client.Authorize(ctx, flinks.AuthorizeRequest{Username: UserGreatdayNoMFA, Password: TestPassword, Institution: Institution})
	if err != nil || noMFA.MFARequired() || noMFA.LoginID() == "" {
		t.Fatalf("no-MFA user: %+v, %v", noMFA, err)
	}
	if _, err := e.client.Authorize(ctx, flinks.AuthorizeRequest{Username: UserGreatday, Password: "nope", Institution: Institution}); !errors.Is(err, flinks.ErrInvalidLogin) {
		t.Fatalf("bad password: %v", err)
	}
}

func TestSummary(t *testing.T) {
	e := newEnv(t, Options{})
	rid := e.authorize(t, e.login(t, UserGreatday))
	s, err := e.client.GetAccountsSummary(context.Background(), rid)
	if err != nil || len(s.Accounts) != 3 {
		t.Fatalf("summary: %v", err)
	}
	for _, a := range s.Accounts {
		if a.Transactions != nil || !a.EftEligibleRatio.Valid || a.Balance == nil {
			t.Errorf("summary account %+v", a)
		}
	}
	if _, err := e.client.GetAccountsSummaryAsync(context.Background(), rid); err != nil {
		t.Fatalf("summary async: %v", err)
	}
}

func TestRefreshRestartsExtraction(t *testing.T) {
	e := newEnv(t, Options{ExtractionDelay: time.Minute})
	ctx := context.Background()
	id := e.login(t, UserGreatday)
	e.clock.Advance(time.Minute)
	res, err := e.client.Authorize(ctx, flinks.AuthorizeRequest{LoginID: id, MostRecentCached: false})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.GetAccountsDetail(ctx, allData(res.RequestID)); !errors.Is(err, flinks.ErrOperationPending) {
		t.Fatalf("after refresh: %v", err)
	}
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	t.Run("429 then success is retried", func(t *testing.T) {
		e := newEnv(t, Options{})
		rid := e.authorize(t, e.login(t, UserGreatday))
		if err := e.sim.InjectFault(EndpointGetAccountsDetail, Fault{Kind: FaultRateLimit, RetryAfter: 3}); err != nil {
			t.Fatal(err)
		}
		start := e.clock.Now()
		if _, err := e.client.GetAccountsDetail(ctx, allData(rid)); err != nil {
			t.Fatalf("after 429: %v", err)
		}
		if e.clock.Now().Sub(start) != 3*time.Second || e.sim.Requests(EndpointGetAccountsDetail) != 2 {
			t.Errorf("waited %v over %d calls", e.clock.Now().Sub(start), e.sim.Requests(EndpointGetAccountsDetail))
		}
	})
	t.Run("5xx exhausts the retries", func(t *testing.T) {
		e := newEnv(t, Options{})
		rid := e.authorize(t, e.login(t, UserGreatday))
		_ = e.sim.InjectFault(EndpointGetAccountsDetailAsync, Fault{Kind: FaultServerError, Status: 503, Times: 3})
		if _, err := e.client.GetAccountsDetailAsync(ctx, rid); !errors.Is(err, flinks.ErrUpstream) {
			t.Fatalf("err = %v", err)
		}
		if _, err := e.client.GetAccountsDetailAsync(ctx, rid); err != nil {
			t.Fatalf("after the fault: %v", err)
		}
	})
	t.Run("malformed and Flinks rate limit", func(t *testing.T) {
		e := newEnv(t, Options{})
		rid := e.authorize(t, e.login(t, UserGreatday))
		_ = e.sim.InjectFault(AnyPath, Fault{Kind: FaultMalformed})
		_ = e.sim.InjectFault(EndpointGetAccountsSummary, Fault{Kind: FaultTooManyRequests})
		if _, err := e.client.GetAccountsSummary(ctx, rid); !errors.Is(err, flinks.ErrRateLimited) {
			t.Fatalf("TOO_MANY_REQUESTS: %v", err)
		}
		if _, err := e.client.GetAccountsSummary(ctx, rid); !errors.Is(err, flinks.ErrMalformedResponse) {
			t.Fatalf("malformed: %v", err)
		}
	})
	t.Run("error rate opens the breaker", func(t *testing.T) {
		e := newEnv(t, Options{ErrorRate: 1}, flinks.WithGuards(guard.Policy{Breaker: guard.BreakerPolicy{MaxConsecutiveFailures: 2}}))
		for range 3 {
			_, _ = e.client.GenerateAuthorizeToken(ctx)
		}
		before := e.sim.Requests(EndpointGenerateAuthorizeToken)
		if _, err := e.client.GenerateAuthorizeToken(ctx); !errors.Is(err, guard.ErrCircuitOpen) || !errors.Is(err, flinks.ErrUpstream) {
			t.Fatalf("err = %v", err)
		}
		if e.sim.Requests(EndpointGenerateAuthorizeToken) != before {
			t.Error("the open breaker let a call through")
		}
	})
	if err := (&Server{}).InjectFault("x", Fault{Kind: "nope"}); err == nil {
		t.Error("unknown kind accepted")
	}
}

func TestStartAndClose(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	base, err := s.Start("127.0.0.1:0")
	if err != nil || !strings.HasSuffix(base, "/v3/"+DefaultCustomerID) {
		t.Fatalf("Start = %q, %v", base, err)
	}
	up, err := s.StartUpload("")
	if err != nil || !strings.HasPrefix(up, "https://127.0.0.1:") {
		t.Fatalf("StartUpload = %q, %v", up, err)
	}
	c, _ := flinks.NewClient(base, flinks.WithSecretKey(DefaultSecretKey))
	if _, err := c.GenerateAuthorizeToken(context.Background()); err != nil {
		t.Fatalf("started server: %v", err)
	}
	if !strings.HasPrefix(s.ConnectURL(""), strings.TrimSuffix(base, "/v3/"+DefaultCustomerID)+"/v2/") {
		t.Errorf("ConnectURL = %s", s.ConnectURL(""))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GenerateAuthorizeToken(context.Background()); !errors.Is(err, flinks.ErrUpstream) {
		t.Fatalf("closed server still answers: %v", err)
	}
	if _, err := New(Options{ErrorRate: 2}); err == nil {
		t.Error("ErrorRate 2 accepted")
	}
}
