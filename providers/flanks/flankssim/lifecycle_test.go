package flankssim

import (
	"net/http"
	"testing"
	"time"
)

func (s *sim) status(tok string) map[string]any {
	s.t.Helper()
	return decodeObject(s.t, s.post(credentialsPath+"status", map[string]any{"credentials_token": tok}, 200))
}

func flag(st map[string]any, group, kind, name string) bool {
	return st[group].(map[string]any)[kind].(map[string]any)[name].(bool)
}

// dataCode posts to an aggregation endpoint that must fail with a data code.
func (s *sim) dataCode(path, tok string, extra map[string]any) (int, string) {
	s.t.Helper()
	body := map[string]any{"credentials_token": tok}
	for k, v := range extra {
		body[k] = v
	}
	raw := s.post(credentialsPath+path, body, http.StatusBadRequest)
	m := decodeObject(s.t, raw)
	return int(dec(s.t, m["code"]).IntPart()), m["error"].(string)
}

func TestLifecycle_ExtractionOverTime(t *testing.T) {
	s := newSim(t, Options{Seed: 2, ExtractionDelay: 11 * time.Minute})
	tok := s.create("testbank", "", "XXXX")
	st := s.status(tok)
	if st["pending"] != true || flag(st, "created", "product", "auth") || st["last_update"] != nil {
		t.Fatalf("fresh credentials: %v", st)
	}
	if code, name := s.dataCode("account", tok, nil); code != 20002 || name != "PROCESSING" {
		t.Errorf("while pending: %d %s", code, name)
	}
	s.clock.Advance(2 * time.Minute) // auth and account done (1/11 and 2/11 of the delay)
	st = s.status(tok)
	if !flag(st, "created", "product", "account") || flag(st, "created", "product", "card") || st["pending"] != true {
		t.Fatalf("after 2 minutes: %v", st["created"])
	}
	s.post(credentialsPath+"account", map[string]any{"credentials_token": tok}, 200)
	if code, _ := s.dataCode("data", tok, nil); code != 20002 {
		t.Errorf("transactions before their flag: code %d", code)
	}
	s.clock.Advance(9 * time.Minute)
	st = s.status(tok)
	if st["pending"] != false || !flag(st, "created", "transaction", "liability") {
		t.Fatalf("after the delay: %v", st)
	}
	if st["last_update"] != "2025-03-14" || st["time"] != "10:41" || st["last_transaction_date"] == nil {
		t.Errorf("last_update/time/last_transaction_date = %v/%v/%v", st["last_update"], st["time"], st["last_transaction_date"])
	}
	s.post(credentialsPath+"data", map[string]any{"credentials_token": tok}, 200)
}

func TestLifecycle_Triggers(t *testing.T) {
	s := newSim(t, Options{Seed: 2})
	blocked := s.create("testbank", "", "INVALID_CREDENTIALS")
	st := s.status(blocked)
	if st["blocked"] != true || st["reset_token"] == nil || st["pending"] != false || !flag(st, "errored", "product", "account") {
		t.Errorf("INVALID_CREDENTIALS status: %v", st)
	}
	if code, name := s.dataCode("account", blocked, nil); code != 50002 || name != "CREDENTIALS_ERROR" {
		t.Errorf("blocked: %d %s", code, name)
	}
	all := decodeObject(t, s.post(credentialsPath+"all", map[string]any{"credentials_token": blocked}, 200))
	if len(all["accounts"].([]any)) != 0 || all["identity"] != nil {
		t.Errorf("/all of blocked credentials has data")
	}

	dataErr := s.create("testbank", "", "DATA_ERROR_PRODUCT_ACCOUNT")
	st = s.status(dataErr)
	if !flag(st, "errored", "product", "account") || flag(st, "errored", "product", "card") {
		t.Errorf("DATA_ERROR_PRODUCT_ACCOUNT errored: %v", st["errored"])
	}
	if code, name := s.dataCode("account", dataErr, nil); code != 20001 || name != "INCOMPLETE" {
		t.Errorf("errored account: %d %s", code, name)
	}
	if got := decodeList(t, s.post(credentialsPath+"account", map[string]any{"credentials_token": dataErr, "ignore_data_error": true}, 200)); len(got) != 0 {
		t.Errorf("ignore_data_error on a failed extraction gave %d accounts", len(got))
	}
	s.post(credentialsPath+"card", map[string]any{"credentials_token": dataErr}, 200)

	internal := s.create("testbank", "", "INTERNAL_ERROR")
	if code, _ := s.dataCode("portfolio", internal, nil); code != 20001 {
		t.Errorf("INTERNAL_ERROR: code %d", code)
	}
}

func TestLifecycle_SCAAtCreation(t *testing.T) {
	s := newSim(t, Options{Seed: 2, ExtractionDelay: time.Minute})
	tok := s.create("testbank", "", "SCA_SMS")
	st := s.status(tok)
	if st["sca_token"] == nil || st["pending"] != true {
		t.Fatalf("SCA_SMS status: %v", st)
	}
	if code, name := s.dataCode("account", tok, nil); code != 50003 || name != "SCA_REQUIRED" {
		t.Errorf("before SCA: %d %s", code, name)
	}
	if _, err := s.srv.CompleteFlow(tok, "INVALID_SCA"); err == nil {
		t.Error("INVALID_SCA challenge completed the flow")
	}
	raw := s.post("/sandbox/credentials/complete", map[string]any{"credentials_token": tok}, 200)
	if got := decodeObject(t, raw)["completed"].([]any); len(got) != 1 || got[0] != "sca" {
		t.Errorf("completed = %v", got)
	}
	if code, _ := s.dataCode("account", tok, nil); code != 20002 {
		t.Errorf("right after SCA: code %d, want PROCESSING", code)
	}
	s.clock.Advance(time.Minute)
	if st := s.status(tok); st["sca_token"] != nil || st["pending"] != false {
		t.Errorf("after SCA and the delay: %v", st)
	}
	s.post(credentialsPath+"account", map[string]any{"credentials_token": tok}, 200)
	s.post("/sandbox/credentials/complete", map[string]any{"credentials_token": tok}, 409)
}

func TestLifecycle_ForceFlows(t *testing.T) {
	s := newSim(t, Options{Seed: 2})
	tok := s.create("testbank", "", "XXXX")
	before := s.status(tok)["last_update_timestamp"]
	for _, force := range []string{"sca", "reset", "transaction"} {
		m := decodeObject(t, s.call(http.MethodPut, credentialsPath+"status", map[string]any{"credentials_token": tok, "force": force}, 200))
		if got := keysOf(m); len(got) != 1 || got[0] != force+"_token" || m[force+"_token"] == "" {
			t.Errorf("force %s: %v", force, m)
		}
	}
	st := s.status(tok)
	if st["sca_token"] == nil || st["reset_token"] == nil || st["transaction_token"] == nil {
		t.Fatalf("forced tokens missing: %v", st)
	}
	s.post(credentialsPath+"account", map[string]any{"credentials_token": tok}, 200) // stored data still served
	s.clock.Advance(48 * time.Hour)
	s.token = s.getToken() // the old one expired
	if got := s.status(tok)["last_update_timestamp"]; got.(interface{ String() string }).String() != before.(interface{ String() string }).String() {
		t.Errorf("forced credentials were auto-updated: %v -> %v", before, got)
	}
	flows, err := s.srv.CompleteFlow(tok, "")
	if err != nil || len(flows) != 3 {
		t.Fatalf("CompleteFlow = %v, %v", flows, err)
	}
	st = s.status(tok)
	if st["sca_token"] != nil || st["reset_token"] != nil || st["transaction_token"] != nil {
		t.Errorf("tokens not cleared: %v", st)
	}
	if st["last_update_timestamp"] == before {
		t.Error("completing the flow did not refresh the data")
	}
	raw := s.call(http.MethodPut, credentialsPath+"status", map[string]any{"credentials_token": tok, "force": "everything"}, 400)
	if decodeObject(t, raw)["error"].(map[string]any)["details"].([]any)[0].(map[string]any)["field"] != "force" {
		t.Errorf("bad force: %s", raw)
	}
}

func TestLifecycle_DailyRefresh(t *testing.T) {
	s := newSim(t, Options{Seed: 2})
	tok := s.create("testbank", "", "XXXX")
	s.clock.Advance(24 * time.Hour)
	s.token = s.getToken()
	if got := s.status(tok)["last_update"]; got != "2025-03-15" {
		t.Errorf("last_update after a day = %v, want the daily update of 2025-03-15", got)
	}
}

func TestCredentials_Delete(t *testing.T) {
	s := newSim(t, Options{Seed: 2})
	tok := s.create("testbank", "", "XXXX")
	m := decodeObject(t, s.call(http.MethodDelete, "/v0/bank/credentials", map[string]any{"credentials_token": tok}, 200))
	if m["message"] == "" {
		t.Errorf("delete response %v", m)
	}
	for _, p := range []string{"status", "account", "all"} {
		raw := s.post(credentialsPath+p, map[string]any{"credentials_token": tok}, 400)
		if decodeObject(t, raw)["error"] != "Invalid credentials_token" {
			t.Errorf("%s after delete: %s", p, raw)
		}
	}
	s.call(http.MethodDelete, "/v0/bank/credentials", map[string]any{"credentials_token": tok}, 400)
}

func TestCredentials_ListPaging(t *testing.T) {
	s := newSim(t, Options{Seed: 2})
	var want []string
	for i := range 23 {
		want = append(want, s.create("testbank", "ext-"+string(rune('a'+i)), "XXXX"))
	}
	var got []string
	pages := 0
	for page := 1; ; page++ {
		m := decodeObject(t, s.post(credentialsPath+"list", map[string]any{"page": page}, 200))
		pages = int(dec(t, m["pages"]).IntPart())
		for _, it := range m["items"].([]any) {
			item := it.(map[string]any)
			got = append(got, item["credentials_token"].(string))
			if item["bank"] != "testbank" || item["status"] != "active" || item["external_id"] == nil {
				t.Errorf("item %v", item)
			}
		}
		if page >= pages {
			break
		}
	}
	if pages != 3 || !equalStrings(got, want) {
		t.Errorf("pages %d, got %d tokens, want %d in creation order", pages, len(got), len(want))
	}
	s.post(credentialsPath+"list", map[string]any{"page": 0}, 400)
	empty := decodeObject(t, s.post(credentialsPath+"list", map[string]any{"page": 9}, 200))
	if len(empty["items"].([]any)) != 0 {
		t.Error("page past the end has items")
	}
}
