package finqwaresim

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is the injected clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2024, 3, 15, 12, 0, 0, 0, time.UTC)} }

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

// env is one simulator on an httptest server.
type env struct {
	t     *testing.T
	sim   *Server
	base  string // ends with /v1
	root  string
	clock *fakeClock
	http  *http.Client
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	clk := newClock()
	if opts.Now == nil {
		opts.Now = clk.Now
	}
	if opts.HistoryDays == 0 {
		opts.HistoryDays = 60
	}
	sim, base := NewTestServer(t, opts)
	return &env{t: t, sim: sim, base: base, root: strings.TrimSuffix(base, "/v1"), clock: clk,
		http: &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}}
}

// reply is a decoded answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// errObj decodes the error object and checks its status and code.
func (r reply) wantError(t *testing.T, status int, code string) errorObject {
	t.Helper()
	var e errorObject
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	r.json(t, &e)
	if e.Code != code || e.HTTP != status || e.ID == "" || e.Type == "" || e.Message == "" {
		t.Fatalf("error object %+v, want code %q http %d with id, type and message", e, code, status)
	}
	return e
}

// post sends a JSON body to base+path.
func (e *env) post(path string, body any) reply {
	e.t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(http.MethodPost, e.base+path, "application/json", bytes.NewReader(b))
}

func (e *env) do(method, url, contentType string, body io.Reader) reply {
	e.t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := e.http.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

type sessionReply struct {
	Nonce     string `json:"nonce"`
	SessionID string `json:"session_id"`
	Status    string `json:"status"`
}

type stepReply struct {
	StepID    string          `json:"step_id"`
	Nonce     string          `json:"nonce"`
	Status    string          `json:"status"`
	Data      json.RawMessage `json:"data"`
	TempToken string          `json:"temp_token"`
}

func (e *env) createSession(skill, tenant string) sessionReply {
	e.t.Helper()
	body := map[string]string{"client_id": DefaultClientID, "client_app_key": DefaultClientAppKey, "skill": skill}
	if tenant != "" {
		body["tenant_user_id"] = tenant
	}
	r := e.post("/sessions", body)
	if r.status != http.StatusOK {
		e.t.Fatalf("create session: %d %s", r.status, r.body)
	}
	var s sessionReply
	r.json(e.t, &s)
	return s
}

func (e *env) step(sessionID, nonce, skill, step string, data any) reply {
	e.t.Helper()
	return e.post("/sessions/"+sessionID+"/steps", map[string]any{"client_id": DefaultClientID, "nonce": nonce,
		"skill": skill, "step": step, "data": data})
}

func (e *env) okStep(sessionID, nonce, skill, step string, data any) stepReply {
	e.t.Helper()
	r := e.step(sessionID, nonce, skill, step, data)
	if r.status != http.StatusOK {
		e.t.Fatalf("step %s: %d %s", step, r.status, r.body)
	}
	var s stepReply
	r.json(e.t, &s)
	return s
}

const redirectLink = "https://app.example/finqware/callback?state=xyz"

// scaSession runs an AISP session up to the bank page.
func (e *env) scaSession(skill, tenant string) (sessionReply, stepReply) {
	e.t.Helper()
	s := e.createSession(skill, tenant)
	st := e.okStep(s.SessionID, s.Nonce, skill, StepSCA, map[string]string{"psu_redirect_link": redirectLink})
	return s, st
}

// consent runs an AISP flow to the token exchange.
func (e *env) consent(skill, tenant string) tokenAnswer {
	e.t.Helper()
	s, _ := e.scaSession(skill, tenant)
	loc, err := e.sim.ApproveConsent(s.SessionID)
	if err != nil {
		e.t.Fatalf("ApproveConsent: %v", err)
	}
	return e.exchange("/token", tempTokenOf(e.t, loc))
}

func tempTokenOf(t *testing.T, loc string) string {
	t.Helper()
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	tok := u.Query().Get("temp_token")
	if tok == "" {
		t.Fatalf("no temp_token in %s", loc)
	}
	return tok
}

func (e *env) exchange(path, temp string) tokenAnswer {
	e.t.Helper()
	r := e.post(path, map[string]string{"client_id": DefaultClientID, "client_secret": DefaultClientSecret,
		"temp_token": temp})
	if r.status != http.StatusOK {
		e.t.Fatalf("exchange: %d %s", r.status, r.body)
	}
	var a tokenAnswer
	r.json(e.t, &a)
	return a
}

func (e *env) data(path string, tok tokenAnswer, filter any) reply {
	e.t.Helper()
	body := map[string]any{"client_id": DefaultClientID, "client_secret": DefaultClientSecret,
		"credentials_id": tok.CredentialsID, "access_token": tok.AccessToken}
	if filter != nil {
		body["filter"] = filter
	}
	return e.post(path, body)
}

// upload sends a multipart upload to url.
func (e *env) upload(url, nonce, fileName, contentType string, content []byte) reply {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("client_id", DefaultClientID)
	_ = mw.WriteField("nonce", nonce)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="file"; filename="` + fileName + `"`}
	h["Content-Type"] = []string{contentType}
	p, err := mw.CreatePart(h)
	if err != nil {
		e.t.Fatal(err)
	}
	_, _ = p.Write(content)
	_ = mw.Close()
	return e.do(http.MethodPost, url, mw.FormDataContentType(), &buf)
}
