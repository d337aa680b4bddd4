package finqwaresim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestCreateSession(t *testing.T) {
	e := newEnv(t, Options{})
	s := e.createSession(SkillBT, "")
	if s.Status != StatusCreated || s.Nonce == "" || s.SessionID == "" {
		t.Fatalf("session %+v", s)
	}
	tests := []struct {
		name   string
		body   map[string]any
		status int
		code   string
	}{
		{"missing skill", map[string]any{"client_id": DefaultClientID, "client_app_key": DefaultClientAppKey},
			400, "missing_fields"},
		{"unknown skill", map[string]any{"client_id": DefaultClientID, "client_app_key": DefaultClientAppKey,
			"skill": "nope_ro_aisp_sbx_#1.0"}, 400, "invalid_skill_name"},
		{"wrong app key", map[string]any{"client_id": DefaultClientID, "client_app_key": "x", "skill": SkillBT},
			401, "invalid_client_app_key"},
		{"wrong client id", map[string]any{"client_id": "x", "client_app_key": DefaultClientAppKey, "skill": SkillBT},
			401, "invalid_client_id"},
		{"unknown field", map[string]any{"client_id": DefaultClientID, "client_app_key": DefaultClientAppKey,
			"skill": SkillBT, "client_secret": "x"}, 400, "unknown_fields"},
		{"non-string field", map[string]any{"client_id": DefaultClientID, "client_app_key": DefaultClientAppKey,
			"skill": 7}, 400, "invalid_field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.post("/sessions", tt.body).wantError(t, tt.status, tt.code)
		})
	}
}

func TestRequireTenantUserID(t *testing.T) {
	e := newEnv(t, Options{RequireTenantUserID: true})
	e.post("/sessions", map[string]string{"client_id": DefaultClientID, "client_app_key": DefaultClientAppKey,
		"skill": SkillBT}).wantError(t, 400, "missing_fields")
	tok := e.consent(SkillBT, "user-1")
	e.data("/accounts/get", tok, nil).wantError(t, 400, "missing_fields")
	r := e.post("/accounts/get", map[string]string{"client_id": DefaultClientID, "client_secret": DefaultClientSecret,
		"credentials_id": tok.CredentialsID, "access_token": tok.AccessToken, "tenant_user_id": "user-1"})
	if r.status != 200 {
		t.Fatalf("with tenant_user_id: %d %s", r.status, r.body)
	}
	r = e.post("/accounts/get", map[string]string{"client_id": DefaultClientID, "client_secret": DefaultClientSecret,
		"credentials_id": tok.CredentialsID, "access_token": tok.AccessToken, "tenant_user_id": "user-2"})
	r.wantError(t, 401, "invalid_credentials_id")
}

func TestNonceChain(t *testing.T) {
	e := newEnv(t, Options{})
	s := e.createSession(SkillDeposit, "")
	form := map[string]any{"value": "1000", "currency": "EUR", "period": "12"}
	st := e.okStep(s.SessionID, s.Nonce, SkillDeposit, StepProductForm, form)
	if st.Nonce == "" || st.Nonce == s.Nonce || st.Status != StatusInProgress {
		t.Fatalf("step answer %+v: want a fresh nonce", st)
	}
	kyc := map[string]any{"document_type": "passport"}
	// The consumed nonce is refused, and the refusal leaves the current one usable.
	e.step(s.SessionID, s.Nonce, SkillDeposit, StepKYCUpload, kyc).wantError(t, 401, "invalid_nonce")
	e.step(s.SessionID, "not-a-nonce", SkillDeposit, StepKYCUpload, kyc).wantError(t, 401, "invalid_nonce")
	other := e.createSession(SkillDeposit, "")
	e.step(s.SessionID, other.Nonce, SkillDeposit, StepKYCUpload, kyc).wantError(t, 401, "invalid_nonce")
	st2 := e.okStep(s.SessionID, st.Nonce, SkillDeposit, StepKYCUpload, kyc)
	if st2.Nonce == st.Nonce || st2.Nonce == "" {
		t.Fatalf("second step nonce %q", st2.Nonce)
	}
}

func TestNonceExpiry(t *testing.T) {
	e := newEnv(t, Options{})
	s := e.createSession(SkillBT, "")
	e.clock.Advance(DefaultNonceTTL - time.Second)
	data := map[string]string{"psu_redirect_link": redirectLink}
	st := e.okStep(s.SessionID, s.Nonce, SkillBT, StepSCA, data) // 1 s left: accepted

	d := newEnv(t, Options{NonceTTL: 10 * time.Minute})
	s2 := d.createSession(SkillDeposit, "")
	d.clock.Advance(10 * time.Minute)
	d.step(s2.SessionID, s2.Nonce, SkillDeposit, StepProductForm,
		map[string]any{"value": "500", "currency": "RON", "period": "3"}).wantError(t, 401, "expired_nonce")
	if st.Nonce == "" {
		t.Fatal("sca step answer without the next nonce")
	}
}

func TestStepErrorsKeepTheNonce(t *testing.T) {
	e := newEnv(t, Options{})
	s := e.createSession(SkillDeposit, "")
	okForm := map[string]any{"value": "1000", "currency": "EUR", "period": 12}
	tests := []struct {
		name      string
		sessionID string
		skill     string
		step      string
		data      any
		status    int
		code      string
	}{
		{"unknown session", "00000000-0000-0000-0000-000000000000", SkillDeposit, StepProductForm, okForm, 404, "invalid_session_id"},
		{"other skill", s.SessionID, SkillBT, StepProductForm, okForm, 400, "invalid_skill_name"},
		{"unknown step", s.SessionID, SkillDeposit, "sca", okForm, 400, "invalid_step"},
		{"out of order", s.SessionID, SkillDeposit, StepConfirmation, map[string]any{"accept_terms": true}, 400, "invalid_step"},
		{"missing field", s.SessionID, SkillDeposit, StepProductForm, map[string]any{"value": "1000"}, 400, "missing_fields"},
		{"unknown field", s.SessionID, SkillDeposit, StepProductForm,
			map[string]any{"value": "1000", "currency": "EUR", "period": "12", "x": 1}, 400, "unknown_fields"},
		{"bad option", s.SessionID, SkillDeposit, StepProductForm,
			map[string]any{"value": "1000", "currency": "USD", "period": "12"}, 400, "invalid_field"},
		{"bad decimal", s.SessionID, SkillDeposit, StepProductForm,
			map[string]any{"value": "lots", "currency": "EUR", "period": "12"}, 400, "invalid_field"},
		{"below minimum", s.SessionID, SkillDeposit, StepProductForm,
			map[string]any{"value": "99.99", "currency": "EUR", "period": "12"}, 400, "invalid_field"},
		{"data not an object", s.SessionID, SkillDeposit, StepProductForm, []int{1}, 400, "invalid_field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.step(tt.sessionID, s.Nonce, tt.skill, tt.step, tt.data).wantError(t, tt.status, tt.code)
		})
	}
	e.post("/sessions/"+s.SessionID+"/steps", map[string]any{"client_id": DefaultClientID, "nonce": s.Nonce,
		"skill": SkillDeposit, "step": StepProductForm}).wantError(t, 400, "missing_fields")
	// After every refusal the session's first nonce still works.
	e.okStep(s.SessionID, s.Nonce, SkillDeposit, StepProductForm, okForm)
}

func TestSCAStepRedirectsToTheConsentPage(t *testing.T) {
	e := newEnv(t, Options{})
	s := e.createSession(SkillRZB, "")
	e.step(s.SessionID, s.Nonce, SkillRZB, StepSCA, map[string]string{}).wantError(t, 400, "missing_fields")
	e.step(s.SessionID, s.Nonce, SkillRZB, StepSCA, map[string]string{"psu_redirect_link": "not a url"}).
		wantError(t, 400, "invalid_field")
	st := e.okStep(s.SessionID, s.Nonce, SkillRZB, StepSCA, map[string]string{"psu_redirect_link": "myapp://finqware/callback"})
	var rd struct {
		Method  string            `json:"method"`
		URL     string            `json:"url"`
		Headers map[string]string `json:"headers"`
	}
	if err := json.Unmarshal(st.Data, &rd); err != nil {
		t.Fatal(err)
	}
	if rd.Method != "GET" || rd.URL != e.root+"/sandbox/consent/"+s.SessionID || rd.Headers == nil {
		t.Fatalf("redirect %+v", rd)
	}
	if st.Status != StatusInProgress || st.TempToken != "" {
		t.Fatalf("sca answer %+v: the temp_token comes from the bank redirect", st)
	}
	// While the user is at the bank, no further step is accepted.
	e.step(s.SessionID, st.Nonce, SkillRZB, StepSCA, map[string]string{"psu_redirect_link": redirectLink}).
		wantError(t, 400, "invalid_step")

	page := e.do(http.MethodGet, rd.URL, "", nil)
	html := string(page.body)
	if page.status != 200 || !strings.Contains(page.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(html, `value="approve"`) || !strings.Contains(html, `value="deny"`) ||
		!strings.Contains(html, "Raiffeisen Bank") {
		t.Fatalf("consent page %d: %s", page.status, html)
	}
	res := e.do(http.MethodPost, rd.URL, "application/x-www-form-urlencoded", strings.NewReader("decision=approve"))
	if res.status != http.StatusFound {
		t.Fatalf("approve: %d %s", res.status, res.body)
	}
	loc, _ := url.Parse(res.header.Get("Location"))
	if loc.Scheme != "myapp" || loc.Host != "finqware" || loc.Query().Get("temp_token") == "" {
		t.Fatalf("Location %s", loc)
	}
	if st, _ := e.sim.SessionStatus(s.SessionID); st != StatusCompleted {
		t.Fatalf("status %s after approval", st)
	}
	if again := e.do(http.MethodGet, rd.URL, "", nil); again.status != http.StatusGone {
		t.Fatalf("page after the decision: %d", again.status)
	}
	if _, err := e.sim.ApproveConsent(s.SessionID); err != ErrAlreadyDecided {
		t.Fatalf("second approval: %v", err)
	}
	e.exchange("/tokens", loc.Query().Get("temp_token"))
}

func TestDenyConsent(t *testing.T) {
	e := newEnv(t, Options{})
	s, st := e.scaSession(SkillBT, "")
	loc, err := e.sim.DenyConsent(s.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(loc)
	q := u.Query()
	if q.Get("error") != "access_denied" || q.Get("error_description") == "" || q.Get("temp_token") != "" ||
		q.Get("state") != "xyz" || !strings.HasPrefix(loc, "https://app.example/finqware/callback?") {
		t.Fatalf("deny redirect %s", loc)
	}
	if got, _ := e.sim.SessionStatus(s.SessionID); got != StatusFailed {
		t.Fatalf("status %s", got)
	}
	if _, err := e.sim.ApproveConsent(s.SessionID); err != ErrAlreadyDecided {
		t.Fatalf("approve after deny: %v", err)
	}
	// The session is over: its last nonce is dead.
	e.step(s.SessionID, st.Nonce, SkillBT, StepSCA, map[string]string{"psu_redirect_link": redirectLink}).
		wantError(t, 401, "invalid_nonce")

	page := e.newDenyViaPage()
	if page.status != http.StatusFound || !strings.Contains(page.header.Get("Location"), "error=access_denied") {
		t.Fatalf("deny via page: %d %s", page.status, page.header.Get("Location"))
	}
}

func (e *env) newDenyViaPage() reply {
	s, _ := e.scaSession(SkillBT, "")
	return e.do(http.MethodPost, e.root+"/sandbox/consent/"+s.SessionID, "application/x-www-form-urlencoded",
		strings.NewReader("decision=deny"))
}

func TestConsentControlsErrors(t *testing.T) {
	e := newEnv(t, Options{})
	if _, err := e.sim.ApproveConsent("nope"); err != ErrUnknownSession {
		t.Errorf("unknown session: %v", err)
	}
	s := e.createSession(SkillBT, "")
	if _, err := e.sim.ApproveConsent(s.SessionID); err != ErrNoConsentRequested {
		t.Errorf("before the sca step: %v", err)
	}
	if r := e.do(http.MethodGet, e.root+"/sandbox/consent/nope", "", nil); r.status != 404 {
		t.Errorf("unknown page: %d", r.status)
	}
	if r := e.do(http.MethodGet, e.root+"/sandbox/consent/"+s.SessionID, "", nil); r.status != http.StatusConflict {
		t.Errorf("page before the sca step: %d", r.status)
	}
	r := e.do(http.MethodPost, e.root+"/sandbox/consent/"+s.SessionID, "application/x-www-form-urlencoded",
		strings.NewReader("decision=maybe"))
	if r.status != 400 {
		t.Errorf("bad decision: %d", r.status)
	}
}
