package finqwaresim

import (
	"testing"
	"time"
)

func TestTokenExchange(t *testing.T) {
	for _, path := range []string{"/token", "/tokens"} {
		t.Run(path, func(t *testing.T) {
			e := newEnv(t, Options{})
			s, _ := e.scaSession(SkillBT, "")
			loc, err := e.sim.ApproveConsent(s.SessionID)
			if err != nil {
				t.Fatal(err)
			}
			temp := tempTokenOf(t, loc)
			body := func(secret, tok string) map[string]string {
				return map[string]string{"client_id": DefaultClientID, "client_secret": secret, "temp_token": tok}
			}
			e.post(path, body("wrong", temp)).wantError(t, 401, "invalid_client_secret")
			e.post(path, body(DefaultClientSecret, "unknown")).wantError(t, 401, "invalid_temp_token")
			tok := e.exchange(path, temp) // a refused attempt does not spend the temp_token
			if tok.CredentialsID == "" || tok.AccessToken == "" || tok.ConsentExp != "" || tok.MaxDataRetention != "" {
				t.Fatalf("answer %+v: want the seed's pair only when consents never expire", tok)
			}
			e.post(path, body(DefaultClientSecret, temp)).wantError(t, 401, "invalid_temp_token")
			if e.sim.Calls("/v1"+path) != 4 {
				t.Errorf("Calls(%s) = %d, want 4", path, e.sim.Calls("/v1"+path))
			}
		})
	}
}

func TestTempTokenExpires(t *testing.T) {
	e := newEnv(t, Options{TempTokenTTL: time.Minute})
	s, _ := e.scaSession(SkillBT, "")
	loc, _ := e.sim.ApproveConsent(s.SessionID)
	e.clock.Advance(time.Minute)
	e.post("/token", map[string]string{"client_id": DefaultClientID, "client_secret": DefaultClientSecret,
		"temp_token": tempTokenOf(t, loc)}).wantError(t, 401, "invalid_temp_token")
}

func TestConsentExpiryDates(t *testing.T) {
	e := newEnv(t, Options{ConsentTTL: 90 * 24 * time.Hour})
	tok := e.consent(SkillBT, "")
	want := e.clock.Now().Add(90 * 24 * time.Hour)
	if tok.ConsentExp != want.Format(time.RFC3339) ||
		tok.MaxDataRetention != want.Add(DataRetentionAfterConsent).Format(time.RFC3339) {
		t.Fatalf("answer %+v", tok)
	}
}

func TestRestartNeverRepeatsSecrets(t *testing.T) {
	seen := map[string]bool{}
	var ibans [2]string
	for run := range 2 {
		e := newEnv(t, Options{Seed: 7}) // same seed, fresh process state
		s, st := e.scaSession(SkillBT, "u")
		tok := e.consent(SkillBT, "u")
		for _, v := range []string{s.SessionID, s.Nonce, st.Nonce, st.StepID, tok.AccessToken, tok.CredentialsID} {
			if seen[v] {
				t.Fatalf("run %d handed out %q again", run, v)
			}
			seen[v] = true
		}
		var accts []accountWire
		e.data("/accounts/get", tok, nil).json(t, &accts)
		ibans[run] = accts[0].Data.AccountSchemes[0].Identification + accts[0].ID
	}
	if ibans[0] != ibans[1] {
		t.Fatalf("same seed gave different data: %q vs %q", ibans[0], ibans[1])
	}
}
