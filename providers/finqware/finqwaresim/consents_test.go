package finqwaresim

import (
	"testing"
	"time"
)

func (e *env) consentInfo(tok tokenAnswer) consentResult {
	e.t.Helper()
	var env consentEnvelope
	r := e.data("/consents/get", tok, nil)
	if r.status != 200 {
		e.t.Fatalf("consents/get: %d %s", r.status, r.body)
	}
	r.json(e.t, &env)
	if env.OpType != "read" || env.Code != "credentials_info" || env.HTTP != 200 {
		e.t.Fatalf("envelope %+v", env)
	}
	return env.Result
}

func TestConsentTTL(t *testing.T) {
	e := newEnv(t, Options{ConsentTTL: time.Hour})
	tok := e.consent(SkillBT, "")
	if r := e.data("/accounts/get", tok, nil); r.status != 200 {
		t.Fatalf("fresh consent: %d", r.status)
	}
	e.clock.Advance(time.Hour - time.Second)
	if r := e.data("/transactions/get", tok, nil); r.status != 200 {
		t.Fatalf("1 s before expiry: %d", r.status)
	}
	e.clock.Advance(time.Second)
	for _, p := range []string{"/accounts/get", "/balances/get", "/transactions/get"} {
		e.data(p, tok, nil).wantError(t, 401, "expired_credentials")
	}
	if got := e.consentInfo(tok); got.Status != ConsentExpired || got.ConsentExp == nil {
		t.Fatalf("consent %+v", got)
	}
}

func TestExpireAndDeleteConsent(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.consent(SkillRZB, "user-9")
	info := e.consentInfo(tok)
	if info.Status != ConsentActive || info.CredentialsID != tok.CredentialsID || info.Originator["skill"] != SkillRZB ||
		info.Originator["servicer"] != "Raiffeisen Bank" || info.TenantAppInfo["client_id"] != DefaultClientID ||
		info.ConsentExp != nil {
		t.Fatalf("consent %+v", info)
	}
	if err := e.sim.ExpireConsent(tok.CredentialsID); err != nil {
		t.Fatal(err)
	}
	e.data("/accounts/get", tok, nil).wantError(t, 401, "expired_credentials")
	if err := e.sim.ExpireConsent("nope"); err != ErrUnknownCredentials {
		t.Fatalf("unknown: %v", err)
	}

	tok2 := e.consent(SkillRZB, "user-9")
	del := func(extra map[string]any) reply {
		body := map[string]any{"client_id": DefaultClientID, "client_secret": DefaultClientSecret,
			"credentials_id": tok2.CredentialsID, "access_token": tok2.AccessToken}
		for k, v := range extra {
			body[k] = v
		}
		return e.post("/consents/delete", body)
	}
	del(map[string]any{"pcd_data_retention": -1}).wantError(t, 400, "invalid_pcd_data_retention")
	for range 2 { // idempotent
		var env consentEnvelope
		r := del(map[string]any{"pcd_data_retention": 0})
		if r.status != 200 {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		r.json(t, &env)
		if env.OpType != "delete" || env.Result.Status != ConsentDeleted ||
			env.Result.MaxDataRetention == nil || *env.Result.MaxDataRetention != e.clock.Now().Format(time.RFC3339) {
			t.Fatalf("delete answer %+v", env)
		}
	}
	e.data("/transactions/get", tok2, nil).wantError(t, 401, "inactive_credentials")
	if got := e.consentInfo(tok2); got.Status != ConsentDeleted {
		t.Fatalf("status %s after delete", got.Status)
	}
}

func TestDataAuth(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.consent(SkillBT, "")
	body := func(mod func(map[string]any)) map[string]any {
		b := map[string]any{"client_id": DefaultClientID, "client_secret": DefaultClientSecret,
			"credentials_id": tok.CredentialsID, "access_token": tok.AccessToken}
		mod(b)
		return b
	}
	tests := []struct {
		name   string
		mod    func(map[string]any)
		status int
		code   string
	}{
		{"wrong secret", func(b map[string]any) { b["client_secret"] = "x" }, 401, "invalid_client_secret"},
		{"wrong client", func(b map[string]any) { b["client_id"] = "x" }, 401, "invalid_client_id"},
		{"unknown credentials", func(b map[string]any) { b["credentials_id"] = "x" }, 401, "invalid_credentials_id"},
		{"wrong access token", func(b map[string]any) { b["access_token"] = "x" }, 401, "invalid_access_token"},
		{"missing token", func(b map[string]any) { delete(b, "access_token") }, 400, "missing_fields"},
		{"unknown field", func(b map[string]any) { b["page"] = 2 }, 400, "unknown_fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.post("/accounts/get", body(tt.mod)).wantError(t, tt.status, tt.code)
		})
	}
}
