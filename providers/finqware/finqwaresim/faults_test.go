package finqwaresim

import (
	"net/http"
	"testing"
)

func TestFaults(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.consent(SkillBT, "")
	const p = "/v1/accounts/get"
	tests := []struct {
		name  string
		fault Fault
		check func(t *testing.T, r reply)
	}{
		{"rate limit", Fault{Kind: FaultRateLimit, RetryAfter: 7}, func(t *testing.T, r reply) {
			r.wantError(t, 429, "too_many_requests")
			if r.header.Get("Retry-After") != "7" {
				t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
			}
		}},
		{"server error", Fault{Kind: FaultServerError, Status: 503}, func(t *testing.T, r reply) {
			r.wantError(t, 503, "internal_server_error")
		}},
		{"default 500", Fault{Kind: FaultServerError}, func(t *testing.T, r reply) { r.wantError(t, 500, "internal_server_error") }},
		{"external api", Fault{Kind: FaultExternalAPI}, func(t *testing.T, r reply) {
			if e := r.wantError(t, 400, "external_api_connection_error"); e.Type != typeExternalAPI {
				t.Errorf("type %q", e.Type)
			}
		}},
		{"malformed", Fault{Kind: FaultMalformed}, func(t *testing.T, r reply) {
			if r.status != 200 || len(r.body) == 0 || r.body[len(r.body)-1] == ']' {
				t.Errorf("malformed: %d %s", r.status, r.body)
			}
		}},
		{"empty", Fault{Kind: FaultEmpty}, func(t *testing.T, r reply) {
			if r.status != 200 || len(r.body) != 0 {
				t.Errorf("empty: %d %q", r.status, r.body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := e.sim.InjectFault(p, tt.fault); err != nil {
				t.Fatal(err)
			}
			tt.check(t, e.data("/accounts/get", tok, nil))
			if r := e.data("/accounts/get", tok, nil); r.status != 200 {
				t.Fatalf("fault outlived its one use: %d", r.status)
			}
		})
	}
	if err := e.sim.InjectFault(AnyPath, Fault{Kind: FaultServerError, Times: 2}); err != nil {
		t.Fatal(err)
	}
	e.data("/balances/get", tok, nil).wantError(t, 500, "internal_server_error")
	e.data("/transactions/get", tok, nil).wantError(t, 500, "internal_server_error")
	if r := e.data("/transactions/get", tok, nil); r.status != 200 {
		t.Fatalf("after Times: %d", r.status)
	}
	for _, bad := range []Fault{{Kind: "nope"}, {Kind: FaultServerError, Status: 404}, {Kind: FaultRateLimit, Times: -1}} {
		if err := e.sim.InjectFault(p, bad); err == nil {
			t.Errorf("InjectFault(%+v) accepted", bad)
		}
	}
}

func TestFaultHasNoSideEffect(t *testing.T) {
	e := newEnv(t, Options{})
	s := e.createSession(SkillBT, "")
	path := "/v1/sessions/" + s.SessionID + "/steps"
	_ = e.sim.InjectFault(path, Fault{Kind: FaultServerError, Status: 502})
	data := map[string]string{"psu_redirect_link": redirectLink}
	e.step(s.SessionID, s.Nonce, SkillBT, StepSCA, data).wantError(t, 502, "internal_server_error")
	e.okStep(s.SessionID, s.Nonce, SkillBT, StepSCA, data) // the nonce was not consumed
	if n := e.sim.Calls(path); n != 2 {
		t.Fatalf("Calls = %d", n)
	}
	e.sim.ResetCalls()
	if n := e.sim.Calls(path); n != 0 {
		t.Fatalf("after ResetCalls: %d", n)
	}
}

func TestErrorRateAndClear(t *testing.T) {
	e := newEnv(t, Options{Seed: 1, ErrorRate: 1})
	r := e.post("/skills/get", map[string]any{"client_id": DefaultClientID, "client_app_key": DefaultClientAppKey})
	if r.status < 500 {
		t.Fatalf("ErrorRate 1 answered %d", r.status)
	}
	e.sim.ClearFaults()
	r = e.post("/skills/get", map[string]any{"client_id": DefaultClientID, "client_app_key": DefaultClientAppKey})
	if r.status != http.StatusOK {
		t.Fatalf("after ClearFaults: %d", r.status)
	}
	e.sim.SetErrorRate(5) // clamped to 1
	r = e.post("/skills/get", map[string]any{"client_id": DefaultClientID, "client_app_key": DefaultClientAppKey})
	if r.status < 500 {
		t.Fatalf("SetErrorRate(5) answered %d", r.status)
	}
	// Faults never touch the sandbox bank pages.
	if r := e.do(http.MethodGet, e.root+"/sandbox/consent/nope", "", nil); r.status != 404 {
		t.Fatalf("sandbox page under faults: %d", r.status)
	}
}
