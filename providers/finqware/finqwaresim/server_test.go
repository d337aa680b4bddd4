package finqwaresim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestProtocolErrors(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do(http.MethodGet, e.base+"/accounts/get", "", nil)
	r.wantError(t, 405, "method_not_allowed")
	if r.header.Get("Allow") != "POST" {
		t.Errorf("Allow %q", r.header.Get("Allow"))
	}
	e.post("/nope", map[string]string{}).wantError(t, 404, "not_found")
	e.do(http.MethodPost, e.base+"/sessions", "text/plain", strings.NewReader("{}")).wantError(t, 400, "invalid_headers")
	e.do(http.MethodPost, e.base+"/sessions", "application/json", strings.NewReader("{")).wantError(t, 400, "invalid_body")
	e.do(http.MethodPost, e.base+"/sessions", "application/json", strings.NewReader("[1]")).wantError(t, 400, "invalid_body")
	e.do(http.MethodPost, e.base+"/sessions", "application/json",
		strings.NewReader(strings.Repeat(" ", maxJSONBody+1)+"{}")).wantError(t, 400, "invalid_body")

	req, _ := http.NewRequest(http.MethodPost, e.base+"/skills/get", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/html")
	resp, err := e.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotAcceptable {
		t.Errorf("Accept text/html: %d", resp.StatusCode)
	}
}

func TestCatalog(t *testing.T) {
	e := newEnv(t, Options{MaxUploadBytes: 1234})
	var skills []skillDef
	r := e.post("/skills/get", map[string]any{"client_id": DefaultClientID, "client_app_key": DefaultClientAppKey})
	r.json(t, &skills)
	if len(skills) != 3 {
		t.Fatalf("%d skills", len(skills))
	}
	byName := map[string]skillDef{}
	for _, s := range skills {
		byName[s.Name] = s
	}
	for _, name := range []string{SkillBT, SkillRZB} {
		s := byName[name]
		if s.Type != "aisp" || !s.Sandbox || s.Country != "RO" || len(s.Steps) != 1 || s.Steps[0].Name != StepSCA ||
			s.Steps[0].Kind != "redirect" || !s.Steps[0].Fields[0].Required || s.Steps[0].Fields[0].Name != "psu_redirect_link" {
			t.Errorf("%s: %+v", name, s)
		}
	}
	dep := byName[SkillDeposit]
	var names, kinds []string
	for _, st := range dep.Steps {
		names, kinds = append(names, st.Name), append(kinds, st.Kind)
	}
	if strings.Join(names, ",") != "product_form,kyc_upload,confirmation" || strings.Join(kinds, ",") != "form,upload,confirm" ||
		dep.Steps[1].Upload == nil || dep.Steps[1].Upload.MaxBytes != 1234 || dep.Type != "marketplace" {
		t.Errorf("deposit skill %+v", dep)
	}
	var filtered []skillDef
	e.post("/skills/get", map[string]any{"client_id": DefaultClientID, "client_secret": DefaultClientSecret,
		"filter": map[string]any{"type": "marketplace", "sandbox": true}}).json(t, &filtered)
	if len(filtered) != 1 || filtered[0].Name != SkillDeposit {
		t.Errorf("filtered %+v", filtered)
	}
	e.post("/skills/get", map[string]any{"client_id": DefaultClientID, "client_app_key": "x"}).wantError(t, 401, "invalid_api_keys")
	e.post("/skills/get", map[string]any{"client_id": DefaultClientID}).wantError(t, 400, "missing_fields")
	e.post("/skills/get", map[string]any{"client_id": DefaultClientID, "client_app_key": DefaultClientAppKey,
		"filter": map[string]any{"bank": "x"}}).wantError(t, 400, "invalid_field")
}

func TestStartAndClose(t *testing.T) {
	sim, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	base, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	if !strings.HasSuffix(base, "/v1") || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("base %q", base)
	}
	if _, err := sim.Start(""); err == nil {
		t.Fatal("second Start succeeded")
	}
	e := &env{t: t, sim: sim, base: base, root: strings.TrimSuffix(base, "/v1"), http: &http.Client{Timeout: 10 * time.Second}}
	s := e.createSession(SkillBT, "")
	st := e.okStep(s.SessionID, s.Nonce, SkillBT, StepSCA, map[string]string{"psu_redirect_link": redirectLink})
	var rd struct{ URL string }
	_ = json.Unmarshal(st.Data, &rd)
	if rd.URL != e.root+"/sandbox/consent/"+s.SessionID {
		t.Fatalf("consent url %q", rd.URL)
	}
	if err := sim.Close(); err != nil {
		t.Fatal(err)
	}
	if resp, err := e.http.Get(base + "/skills/get"); err == nil {
		resp.Body.Close()
		t.Fatal("server still answering after Close")
	}
}

func TestPublicURL(t *testing.T) {
	if _, err := New(Options{PublicURL: "not a url"}); err == nil {
		t.Fatal("bad PublicURL accepted")
	}
	if _, err := New(Options{ErrorRate: 2}); err == nil {
		t.Fatal("ErrorRate 2 accepted")
	}
	e := newEnv(t, Options{PublicURL: "https://bank.sandbox.example/"})
	_, st := e.scaSession(SkillBT, "")
	if !strings.Contains(string(st.Data), `"url":"https://bank.sandbox.example/sandbox/consent/`) {
		t.Fatalf("data %s", st.Data)
	}
}
