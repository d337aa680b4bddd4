package flankssim

import (
	"net/http"
	"testing"
	"time"
)

func TestLinks_CompleteListExchange(t *testing.T) {
	s := newSim(t, Options{Seed: 6})
	raw := s.post("/sandbox/link/complete", map[string]any{
		"link_token": "link-A", "bank": "testbank", "external_id": "user-9",
		"extra": map[string]any{"utm": "onboarding"}, "password": "XXXX",
	}, http.StatusCreated)
	res := decodeObject(t, raw)
	checkKeys(t, "sandbox link", res, "code", "link_token", "credentials_token_hint")
	if _, err := s.srv.CompleteLink(LinkCompletion{LinkToken: "link-B", ClientID: "other-app", Bank: "bbva"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  int
	}{{"", 2}, {"?link_token=link-A", 1}, {"?client_id=other-app", 1}, {"?client_id=" + DefaultClientID + "&link_token=link-B", 0}}
	for _, tt := range tests {
		if got := decodeList(t, s.call(http.MethodGet, "/v0/platform/link"+tt.query, nil, 200)); len(got) != tt.want {
			t.Errorf("GET link%s: %d codes, want %d", tt.query, len(got), tt.want)
		}
	}
	ex := decodeObject(t, s.post("/v0/platform/link", map[string]any{"code": res["code"]}, 200))
	if ex["message"] != "Successfully retrieved" || ex["credentials_token"] != res["credentials_token_hint"] || ex["link_token"] != "link-A" {
		t.Errorf("exchange: %v", ex)
	}
	extra := ex["extra"].(map[string]any)
	if extra["utm"] != "onboarding" || extra["external_id"] != "user-9" {
		t.Errorf("extra = %v", extra)
	}
	raw = s.post("/v0/platform/link", map[string]any{"code": res["code"]}, 400)
	if decodeObject(t, raw)["error"] != "Invalid code" {
		t.Errorf("second exchange: %s", raw)
	}
	if got := decodeList(t, s.call(http.MethodGet, "/v0/platform/link?link_token=link-A", nil, 200)); len(got) != 0 {
		t.Error("used code still listed")
	}
	s.post(credentialsPath+"account", map[string]any{"credentials_token": ex["credentials_token"]}, 200)
}

func TestLinks_DelayedExchange(t *testing.T) {
	s := newSim(t, Options{Seed: 6, LinkExchangeDelay: time.Hour})
	res, err := s.srv.CompleteLink(LinkCompletion{Bank: "testbank"})
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"code": res.Code}
	s.post("/v0/platform/link", body, http.StatusAccepted)
	s.post("/v0/platform/link", body, http.StatusAccepted) // not used up
	s.clock.Advance(time.Hour)
	ex := decodeObject(t, s.post("/v0/platform/link", body, 200))
	if ex["credentials_token"] != res.CredentialsToken {
		t.Errorf("token %v, want %v", ex["credentials_token"], res.CredentialsToken)
	}
	s.post("/v0/platform/link", body, 400)

	quick, _ := s.srv.CompleteLink(LinkCompletion{Bank: "testbank", ExchangeDelay: -1})
	s.post("/v0/platform/link", map[string]any{"code": quick.Code}, 200)
}

func TestLinks_Errors(t *testing.T) {
	s := newSim(t, Options{Seed: 6})
	raw := s.post("/sandbox/link/complete", map[string]any{"bank": "testbank", "password": "ALREADY_EXISTS"}, http.StatusConflict)
	if decodeObject(t, raw)["error"] != "CREDENTIALS_ALREADY_EXIST" {
		t.Errorf("ALREADY_EXISTS: %s", raw)
	}
	s.post("/sandbox/link/complete", map[string]any{"bank": "nobank"}, 400)
	s.post("/sandbox/link/complete", map[string]any{}, 400)
	raw = s.post("/v0/platform/link", map[string]any{}, 400)
	if decodeObject(t, raw)["error"].(map[string]any)["details"].([]any)[0].(map[string]any)["field"] != "code" {
		t.Errorf("missing code: %s", raw)
	}
	s.post("/v0/platform/link", map[string]any{"code": "nope"}, 400)
}

func TestLinks_TriggersShapeCredentials(t *testing.T) {
	s := newSim(t, Options{Seed: 6})
	res, err := s.srv.CompleteLink(LinkCompletion{Bank: "testbank", Password: "SCA_APP, DATA_ERROR_PRODUCT_CARD"})
	if err != nil {
		t.Fatal(err)
	}
	if st := s.status(res.CredentialsToken); st["sca_token"] == nil {
		t.Errorf("SCA_APP: %v", st)
	}
	if _, err := s.srv.CompleteFlow(res.CredentialsToken, ""); err != nil {
		t.Fatal(err)
	}
	if st := s.status(res.CredentialsToken); !flag(st, "errored", "product", "card") {
		t.Errorf("DATA_ERROR_PRODUCT_CARD: %v", st["errored"])
	}
}

func TestSandbox_CreateCredentials(t *testing.T) {
	s := newSim(t, Options{Seed: 6})
	raw := s.post("/sandbox/credentials", map[string]any{"bank": "ing", "external_id": "demo", "credentials_token": "demo-token"}, http.StatusCreated)
	if decodeObject(t, raw)["credentials_token"] != "demo-token" {
		t.Errorf("create: %s", raw)
	}
	s.post("/sandbox/credentials", map[string]any{"bank": "ing", "credentials_token": "demo-token"}, http.StatusConflict)
	if st := s.status("demo-token"); st["name"] != "ing" {
		t.Errorf("status name %v", st["name"])
	}
}

func TestEntities(t *testing.T) {
	s := newSim(t, Options{Seed: 6})
	ents := decodeList(t, s.call(http.MethodGet, "/v0/bank/available", nil, 200))
	var hasTestbank bool
	for _, e := range ents {
		hasTestbank = hasTestbank || e["id"] == "testbank"
	}
	if len(ents) < 3 || !hasTestbank {
		t.Errorf("entities %v", ents)
	}
}
