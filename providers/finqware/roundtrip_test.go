package finqware

// Round trips: the real client against the real simulator. The two
// packages were written independently from the same documents, so a drift
// on either side fails here. Both share one fake clock; no test sleeps.

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/finqware/finqwaresim"
)

type simEnv struct {
	t      *testing.T
	client *Client
	sim    *finqwaresim.Server
	base   string
	clock  *fakeClock

	mu     sync.Mutex
	sleeps []time.Duration
}

func newSimEnv(t *testing.T, opts finqwaresim.Options, copts ...Option) *simEnv {
	t.Helper()
	clk := &fakeClock{t: time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)}
	opts.Now = clk.Now
	if opts.HistoryDays == 0 {
		opts.HistoryDays = 90
	}
	sim, base := finqwaresim.NewTestServer(t, opts)
	all := append([]Option{WithCredentials(finqwaresim.DefaultClientID, finqwaresim.DefaultClientSecret,
		finqwaresim.DefaultClientAppKey)}, copts...)
	c, err := NewClient(base, all...)
	if err != nil {
		t.Fatal(err)
	}
	e := &simEnv{t: t, client: c, sim: sim, base: base, clock: clk}
	wire(c, clk, func(d time.Duration) {
		e.mu.Lock()
		e.sleeps = append(e.sleeps, d)
		e.mu.Unlock()
	})
	return e
}

// browser follows the bank page like a webview: GET the redirect URL,
// press a button, return the Location the bank redirects to.
func (e *simEnv) browser(rd *Redirect, decision string) string {
	e.t.Helper()
	hc := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	req, _ := http.NewRequest(rd.Method, rd.URL, nil)
	resp, err := hc.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), `value="`+decision+`"`) {
		e.t.Fatalf("bank page %d: %s", resp.StatusCode, page)
	}
	resp, err = hc.PostForm(rd.URL, url.Values{"decision": {decision}})
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		e.t.Fatalf("bank answer %d", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

// aispConsent runs CreateSession and the sca step and approves through
// the bank page.
func (e *simEnv) aispConsent(skill, tenant string) *Token {
	e.t.Helper()
	ctx := context.Background()
	s, err := e.client.CreateSession(ctx, CreateSessionRequest{Skill: skill, TenantUserID: tenant})
	if err != nil {
		e.t.Fatal(err)
	}
	st, err := e.client.SubmitStep(ctx, s.SessionID, StepRequest{Nonce: s.Nonce, Skill: skill, Step: "sca",
		Data: map[string]string{"psu_redirect_link": "myapp://finqware/callback"}})
	if err != nil {
		e.t.Fatal(err)
	}
	rd, ok := st.Redirect()
	if !ok || st.Status != SessionInProgress {
		e.t.Fatalf("sca answer %+v", st)
	}
	temp, err := TempTokenFromRedirect(e.browser(rd, "approve"))
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.client.ExchangeToken(ctx, temp)
	if err != nil {
		e.t.Fatal(err)
	}
	tok2 := *tok
	return &tok2
}

func TestRoundTripAISP(t *testing.T) {
	for _, skill := range []string{finqwaresim.SkillBT, finqwaresim.SkillRZB} {
		for _, tokenPath := range []string{"/token", "/tokens"} {
			t.Run(skill+tokenPath, func(t *testing.T) {
				t.Parallel()
				e := newSimEnv(t, finqwaresim.Options{Seed: 11, RequireTenantUserID: true, ConsentTTL: 90 * 24 * time.Hour},
					WithTokenPath(tokenPath), WithTenantUserID("user-7"))
				ctx := context.Background()
				skills, err := e.client.ListSkills(ctx, &SkillFilter{Type: SkillAISP, Country: "RO"})
				if err != nil {
					t.Fatal(err)
				}
				i := slices.IndexFunc(skills, func(s Skill) bool { return s.Name == skill })
				if i < 0 || len(skills[i].Steps) != 1 || skills[i].Steps[0].Kind != StepRedirect || !skills[i].Sandbox {
					t.Fatalf("catalog %+v", skills)
				}
				tok := e.aispConsent(skill, "")
				if tok.ConsentExp == nil || !tok.ConsentExp.Equal(e.clock.Now().Add(90*24*time.Hour)) || tok.MaxDataRetention == nil {
					t.Fatalf("token dates %v %v", tok.ConsentExp, tok.MaxDataRetention)
				}
				if e.sim.Calls("/v1"+tokenPath) != 1 {
					t.Fatalf("token exchange did not use %s", tokenPath)
				}
				cred := tok.Credentials()
				accts, err := e.client.GetAccounts(ctx, cred)
				if err != nil || len(accts) == 0 || len(accts) > 3 {
					t.Fatalf("accounts %v %v", accts, err)
				}
				for _, a := range accts {
					if !strings.HasPrefix(a.IBAN(), "RO") || a.Timestamp.IsZero() || (a.Data.Currency != "RON" && a.Data.Currency != "EUR") {
						t.Errorf("account %+v", a)
					}
				}
				bals, err := e.client.GetBalances(ctx, cred, &BalanceFilter{AccountID: accts[0].ID})
				if err != nil || len(bals) != 3 {
					t.Fatalf("balances %v %v", bals, err)
				}
				for _, b := range bals {
					if !b.Timestamp.Equal(e.clock.Now()) || b.AccountID != accts[0].ID || b.Data.Amount.Exponent() != -2 {
						t.Errorf("balance %+v (timestamps are naive UTC: %v)", b, b.Timestamp)
					}
				}
				from := e.clock.Now().AddDate(0, 0, -30).Truncate(24 * time.Hour)
				txs, err := e.client.GetTransactions(ctx, cred, &TransactionFilter{AccountID: accts[0].ID, BookingDateGte: from})
				if err != nil || len(txs) == 0 {
					t.Fatalf("transactions %d %v", len(txs), err)
				}
				debits := 0
				for _, tx := range txs {
					signed := FormatAmount(tx.SignedAmount())
					if tx.AccountID != accts[0].ID || tx.Data.BookingDateTime.Before(from) || tx.UTXID == "" ||
						tx.Data.Amount.Exponent() != -2 || tx.Data.Amount.IsNegative() {
						t.Fatalf("transaction %+v", tx)
					}
					if tx.Data.CreditDebitIndicator.IsDebit() {
						debits++
						if !strings.HasPrefix(signed, "-") || signed[1:] != FormatAmount(tx.Data.Amount) {
							t.Fatalf("debit %s signed as %s", FormatAmount(tx.Data.Amount), signed)
						}
					}
				}
				if debits == 0 {
					t.Fatal("no debit in 30 days")
				}
				consent, err := e.client.GetConsent(ctx, cred)
				if err != nil || consent.Status != ConsentActive || consent.Originator.Skill != skill {
					t.Fatalf("consent %+v %v", consent, err)
				}
				retention := 0
				for range 2 { // idempotent upstream
					consent, err = e.client.DeleteConsent(ctx, cred, &DeleteConsentOptions{PCDDataRetention: &retention})
					if err != nil || consent.Status != ConsentDeleted {
						t.Fatalf("delete %+v %v", consent, err)
					}
				}
				if _, err := e.client.GetTransactions(ctx, cred, nil); !errors.Is(err, ErrInactiveCredentials) || !errors.Is(err, ErrUnauthorized) {
					t.Fatalf("after delete: %v", err)
				}
				if c, err := e.client.GetConsent(ctx, cred); err != nil || c.Status != ConsentDeleted {
					t.Fatalf("consent after delete %+v %v", c, err)
				}
			})
		}
	}
}

func TestRoundTripIncrementalSync(t *testing.T) {
	e := newSimEnv(t, finqwaresim.Options{Seed: 5})
	ctx := context.Background()
	cred := e.aispConsent(finqwaresim.SkillBT, "").Credentials()
	first, err := e.client.GetTransactions(ctx, cred, nil)
	if err != nil {
		t.Fatal(err)
	}
	var last time.Time
	for _, tx := range first {
		if tx.Timestamp.After(last) {
			last = tx.Timestamp.Time
		}
	}
	// Nothing is newer than the newest timestamp: microseconds survive the round trip.
	if none, err := e.client.GetTransactions(ctx, cred, &TransactionFilter{TimestampGt: last}); err != nil || len(none) != 0 {
		t.Fatalf("sync with nothing new: %d %v", len(none), err)
	}
	e.clock.Advance(time.Hour)
	utx, err := e.sim.AddTransactions(cred.CredentialsID, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.client.GetTransactions(ctx, cred, &TransactionFilter{TimestampGt: last})
	if err != nil || len(got) != 2 {
		t.Fatalf("incremental sync: %d %v", len(got), err)
	}
	for _, tx := range got {
		if !slices.Contains(utx, tx.UTXID) || !tx.SignedAmount().IsNegative() {
			t.Errorf("new transaction %+v", tx)
		}
	}
}

func TestRoundTripMarketplace(t *testing.T) {
	e := newSimEnv(t, finqwaresim.Options{})
	ctx := context.Background()
	skills, err := e.client.ListSkills(ctx, &SkillFilter{Type: SkillMarketplace})
	if err != nil || len(skills) != 1 {
		t.Fatalf("catalog %v %v", skills, err)
	}
	skill := skills[0]
	answers := map[string]any{"value": "1500.00", "currency": "RON", "period": "12", "document_type": "id_card",
		"accept_terms": true}
	s, err := e.client.CreateSession(ctx, CreateSessionRequest{Skill: skill.Name})
	if err != nil {
		t.Fatal(err)
	}
	nonce := s.Nonce
	var last *StepResult
	doc := strings.Repeat("JPEG", 256)
	// Drive the session from the catalog alone, as the onboarding UI will.
	for _, def := range skill.Steps {
		data := map[string]any{}
		for _, f := range def.Fields {
			data[f.Name] = answers[f.Name]
		}
		last, err = e.client.SubmitStep(ctx, s.SessionID, StepRequest{Nonce: nonce, Skill: skill.Name, Step: def.Name, Data: data})
		if err != nil {
			t.Fatalf("step %s: %v", def.Name, err)
		}
		nonce = last.Nonce
		if def.Kind == StepUpload {
			if def.Upload == nil || !slices.Contains(def.Upload.ContentTypes, "image/jpeg") {
				t.Fatalf("upload spec %+v", def.Upload)
			}
			up, err := e.client.UploadStepFile(ctx, last.StepID, UploadRequest{Nonce: nonce, FileName: "id.jpg",
				ContentType: "image/jpeg", Body: strings.NewReader(doc)})
			if err != nil {
				t.Fatalf("upload: %v", err)
			}
			if up.StepID != last.StepID || up.Size != int64(len(doc)) || up.Nonce == nonce {
				t.Fatalf("upload result %+v", up)
			}
			nonce = up.Nonce
		}
	}
	if last.Status != SessionCompleted || last.TempToken == "" {
		t.Fatalf("last step %+v", last)
	}
	ups := e.sim.Uploads(s.SessionID)
	if len(ups) != 1 || string(ups[0].Data) != doc || ups[0].FileName != "id.jpg" {
		t.Fatalf("uploads %+v", ups)
	}
	tok, err := e.client.ExchangeToken(ctx, last.TempToken)
	if err != nil {
		t.Fatal(err)
	}
	accts, err := e.client.GetAccounts(ctx, tok.Credentials())
	if err != nil || len(accts) != 1 || FormatAmount(accts[0].Data.Balances[0].SignedAmount()) != "1500.00" ||
		accts[0].Data.Currency != "RON" {
		t.Fatalf("deposit %+v %v", accts, err)
	}
}

func TestRoundTripDenied(t *testing.T) {
	e := newSimEnv(t, finqwaresim.Options{})
	ctx := context.Background()
	s, _ := e.client.CreateSession(ctx, CreateSessionRequest{Skill: finqwaresim.SkillRZB})
	st, err := e.client.SubmitStep(ctx, s.SessionID, StepRequest{Nonce: s.Nonce, Skill: finqwaresim.SkillRZB, Step: "sca",
		Data: map[string]string{"psu_redirect_link": "https://app.example/cb"}})
	if err != nil {
		t.Fatal(err)
	}
	rd, _ := st.Redirect()
	_, err = TempTokenFromRedirect(e.browser(rd, "deny"))
	var denied *ConsentDeniedError
	if !errors.As(err, &denied) || denied.Code != "access_denied" {
		t.Fatalf("denial: %v", err)
	}
	_, err = e.client.SubmitStep(ctx, s.SessionID, StepRequest{Nonce: st.Nonce, Skill: finqwaresim.SkillRZB, Step: "sca",
		Data: map[string]string{"psu_redirect_link": "https://app.example/cb"}})
	if !errors.Is(err, ErrInvalidNonce) {
		t.Fatalf("step after denial: %v", err)
	}
}

func TestRoundTripErrors(t *testing.T) {
	ctx := context.Background()
	sca := func(link string) map[string]string { return map[string]string{"psu_redirect_link": link} }
	t.Run("nonce reuse and expiry", func(t *testing.T) {
		e := newSimEnv(t, finqwaresim.Options{})
		s, _ := e.client.CreateSession(ctx, CreateSessionRequest{Skill: finqwaresim.SkillDeposit})
		form := map[string]any{"value": "500", "currency": "EUR", "period": 6}
		st, err := e.client.SubmitStep(ctx, s.SessionID, StepRequest{Nonce: s.Nonce, Skill: finqwaresim.SkillDeposit,
			Step: "product_form", Data: form})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.client.SubmitStep(ctx, s.SessionID, StepRequest{Nonce: s.Nonce, Skill: finqwaresim.SkillDeposit,
			Step: "kyc_upload", Data: map[string]string{"document_type": "passport"}})
		if !errors.Is(err, ErrInvalidNonce) || errors.Is(err, ErrNonceExpired) {
			t.Fatalf("reused nonce: %v", err)
		}
		_, err = e.client.SubmitStep(ctx, s.SessionID, StepRequest{Nonce: st.Nonce, Skill: finqwaresim.SkillDeposit,
			Step: "confirmation", Data: map[string]bool{"accept_terms": true}})
		if !errors.Is(err, ErrInvalidStep) || !errors.Is(err, ErrBadRequest) {
			t.Fatalf("out of order: %v", err)
		}
		e.clock.Advance(30 * time.Minute)
		_, err = e.client.SubmitStep(ctx, s.SessionID, StepRequest{Nonce: st.Nonce, Skill: finqwaresim.SkillDeposit,
			Step: "kyc_upload", Data: map[string]string{"document_type": "passport"}})
		if !errors.Is(err, ErrNonceExpired) || !errors.Is(err, ErrInvalidNonce) {
			t.Fatalf("expired nonce: %v", err)
		}
	})
	t.Run("upload too large keeps the nonce", func(t *testing.T) {
		e := newSimEnv(t, finqwaresim.Options{MaxUploadBytes: 64})
		s, _ := e.client.CreateSession(ctx, CreateSessionRequest{Skill: finqwaresim.SkillDeposit})
		st, _ := e.client.SubmitStep(ctx, s.SessionID, StepRequest{Nonce: s.Nonce, Skill: finqwaresim.SkillDeposit,
			Step: "product_form", Data: map[string]any{"value": "500", "currency": "EUR", "period": "6"}})
		kyc, err := e.client.SubmitStep(ctx, s.SessionID, StepRequest{Nonce: st.Nonce, Skill: finqwaresim.SkillDeposit,
			Step: "kyc_upload", Data: map[string]string{"document_type": "passport"}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.client.UploadStepFile(ctx, kyc.StepID, UploadRequest{Nonce: kyc.Nonce, FileName: "a.pdf",
			ContentType: "application/pdf", Body: strings.NewReader(strings.Repeat("x", 65))})
		var apiErr *APIError
		if !errors.Is(err, ErrBadRequest) || !errors.As(err, &apiErr) || apiErr.Code != "invalid_input" {
			t.Fatalf("too large: %v", err)
		}
		if _, err := e.client.UploadStepFile(ctx, kyc.StepID, UploadRequest{Nonce: kyc.Nonce, FileName: "a.pdf",
			ContentType: "application/pdf", Body: strings.NewReader("small")}); err != nil {
			t.Fatalf("retry with a small file: %v", err)
		}
	})
	t.Run("sessions and tokens", func(t *testing.T) {
		e := newSimEnv(t, finqwaresim.Options{})
		if _, err := e.client.CreateSession(ctx, CreateSessionRequest{Skill: "nope_ro_aisp_sbx_#9.0"}); !errors.Is(err, ErrInvalidSkill) {
			t.Errorf("unknown skill: %v", err)
		}
		_, err := e.client.SubmitStep(ctx, "00000000-0000-0000-0000-000000000000", StepRequest{Nonce: "n",
			Skill: finqwaresim.SkillBT, Step: "sca", Data: sca("https://a.example/cb")})
		if !errors.Is(err, ErrInvalidSession) || !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown session: %v", err)
		}
		s, _ := e.client.CreateSession(ctx, CreateSessionRequest{Skill: finqwaresim.SkillBT})
		if _, err := e.client.SubmitStep(ctx, s.SessionID, StepRequest{Nonce: s.Nonce, Skill: finqwaresim.SkillBT,
			Step: "sca", Data: map[string]string{}}); !errors.Is(err, ErrBadRequest) {
			t.Errorf("missing psu_redirect_link: %v", err)
		}
		if _, err := e.client.SubmitStep(ctx, s.SessionID, StepRequest{Nonce: s.Nonce, Skill: finqwaresim.SkillBT,
			Step: "sca", Data: sca("https://a.example/cb")}); err != nil {
			t.Fatal(err)
		}
		loc, _ := e.sim.ApproveConsent(s.SessionID)
		temp, _ := TempTokenFromRedirect(loc)
		if _, err := e.client.ExchangeToken(ctx, temp); err != nil {
			t.Fatal(err)
		}
		if _, err := e.client.ExchangeToken(ctx, temp); !errors.Is(err, ErrInvalidTempToken) || !errors.Is(err, ErrUnauthorized) {
			t.Errorf("replayed temp token: %v", err)
		}
		bad, _ := NewClient(e.base, WithCredentials(finqwaresim.DefaultClientID, "wrong", finqwaresim.DefaultClientAppKey))
		if _, err := bad.ExchangeToken(ctx, "x"); !errors.Is(err, ErrInvalidClient) {
			t.Errorf("wrong secret: %v", err)
		}
	})
	t.Run("consent expiry and tenant", func(t *testing.T) {
		e := newSimEnv(t, finqwaresim.Options{ConsentTTL: time.Hour, RequireTenantUserID: true})
		cred := e.aispConsent(finqwaresim.SkillBT, "u-1").Credentials()
		if _, err := e.client.GetAccounts(ctx, cred); !errors.Is(err, ErrBadRequest) {
			t.Errorf("without tenant_user_id: %v", err)
		}
		cred.TenantUserID = "u-1"
		if _, err := e.client.GetAccounts(ctx, cred); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Hour)
		if _, err := e.client.GetBalances(ctx, cred, nil); !errors.Is(err, ErrExpiredCredentials) {
			t.Errorf("expired: %v", err)
		}
		if c, err := e.client.GetConsent(ctx, cred); err != nil || c.Status != ConsentExpired {
			t.Errorf("consent %+v %v", c, err)
		}
		cred2 := e.aispConsent(finqwaresim.SkillBT, "u-1").Credentials()
		cred2.TenantUserID = "u-1"
		if err := e.sim.ExpireConsent(cred2.CredentialsID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.client.GetTransactions(ctx, cred2, nil); !errors.Is(err, ErrExpiredCredentials) {
			t.Errorf("ExpireConsent: %v", err)
		}
	})
}

func TestRoundTripFaults(t *testing.T) {
	ctx := context.Background()
	e := newSimEnv(t, finqwaresim.Options{})
	cred := e.aispConsent(finqwaresim.SkillBT, "").Credentials()
	inject := func(path string, f finqwaresim.Fault) {
		t.Helper()
		e.sim.ResetCalls()
		if err := e.sim.InjectFault(path, f); err != nil {
			t.Fatal(err)
		}
	}

	inject("/v1/accounts/get", finqwaresim.Fault{Kind: finqwaresim.FaultRateLimit, RetryAfter: 1})
	if _, err := e.client.GetAccounts(ctx, cred); err != nil || e.sim.Calls("/v1/accounts/get") != 2 {
		t.Fatalf("429 then 200: %v after %d calls", err, e.sim.Calls("/v1/accounts/get"))
	}
	e.mu.Lock()
	if !slices.Equal(e.sleeps, []time.Duration{time.Second}) {
		t.Errorf("sleeps %v, want the Retry-After", e.sleeps)
	}
	e.mu.Unlock()

	inject("/v1/transactions/get", finqwaresim.Fault{Kind: finqwaresim.FaultServerError, Status: 503, Times: 3})
	if _, err := e.client.GetTransactions(ctx, cred, nil); !errors.Is(err, ErrUpstream) || e.sim.Calls("/v1/transactions/get") != 3 {
		t.Fatalf("503 x3: %v after %d calls", err, e.sim.Calls("/v1/transactions/get"))
	}

	inject("/v1/sessions", finqwaresim.Fault{Kind: finqwaresim.FaultServerError, Times: 3})
	if _, err := e.client.CreateSession(ctx, CreateSessionRequest{Skill: finqwaresim.SkillBT}); !errors.Is(err, ErrUpstream) ||
		e.sim.Calls("/v1/sessions") != 1 {
		t.Fatalf("500 on a write: %v after %d calls (want exactly 1)", err, e.sim.Calls("/v1/sessions"))
	}
	e.sim.ClearFaults()

	inject("/v1/balances/get", finqwaresim.Fault{Kind: finqwaresim.FaultMalformed})
	if _, err := e.client.GetBalances(ctx, cred, nil); !errors.Is(err, ErrMalformedResponse) || e.sim.Calls("/v1/balances/get") != 1 {
		t.Fatalf("malformed: %v", err)
	}
	inject("/v1/consents/get", finqwaresim.Fault{Kind: finqwaresim.FaultEmpty})
	if _, err := e.client.GetConsent(ctx, cred); !errors.Is(err, ErrMalformedResponse) {
		t.Fatalf("empty: %v", err)
	}
	inject("/v1/transactions/get", finqwaresim.Fault{Kind: finqwaresim.FaultExternalAPI})
	if _, err := e.client.GetTransactions(ctx, cred, nil); !errors.Is(err, ErrExternalAPI) || !errors.Is(err, ErrBadRequest) {
		t.Fatalf("bank error: %v", err)
	}
}
