package flankssim

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

func TestFaults_Scripted(t *testing.T) {
	s := newSim(t, Options{Seed: 1})
	tok := s.create("testbank", "", "XXXX")
	path := credentialsPath + "account"
	body := map[string]any{"credentials_token": tok}
	must(t, s.srv.InjectFault(path, Fault{Kind: FaultRateLimit, Times: 2, RetryAfter: 7}))
	must(t, s.srv.InjectFault(path, Fault{Kind: FaultServerError, Status: 503}))
	must(t, s.srv.InjectFault(path, Fault{Kind: FaultMalformed}))
	must(t, s.srv.InjectFault(path, Fault{Kind: FaultAccepted}))
	s.srv.ResetRequests()
	for i := range 2 {
		status, raw, hdr := s.do(http.MethodPost, path, body, s.token)
		if status != 429 || hdr.Get("Retry-After") != "7" {
			t.Errorf("request %d: %d Retry-After=%q %s", i, status, hdr.Get("Retry-After"), raw)
		}
	}
	if status, raw, _ := s.do(http.MethodPost, path, body, s.token); status != 503 || decodeObject(t, raw)["error"] != "Internal Error" {
		t.Errorf("server_error: %d %s", status, raw)
	}
	status, raw, _ := s.do(http.MethodPost, path, body, s.token)
	var v any
	if status != 200 || json.Unmarshal(raw, &v) == nil {
		t.Errorf("malformed: %d %s", status, raw)
	}
	s.post(path, body, http.StatusAccepted)
	s.post(path, body, 200)
	s.post(credentialsPath+"card", body, 200)
	if got := s.srv.Requests(path); got != 6 {
		t.Errorf("Requests(%s) = %d, want 6", path, got)
	}
	if got := s.srv.Requests(credentialsPath + "card"); got != 1 {
		t.Errorf("Requests(card) = %d, want 1", got)
	}
}

func TestFaults_AnyPathAndControlEndpoint(t *testing.T) {
	s := newSim(t, Options{Seed: 1})
	cfg := decodeObject(t, s.post("/sandbox/faults", map[string]any{
		"latency_ms": 1, "faults": []any{map[string]any{"path": AnyPath, "kind": "server_error", "times": 1}},
	}, 200))
	if len(cfg["faults"].([]any)) != 1 || cfg["latency_ms"].(json.Number).String() != "1" {
		t.Fatalf("config %v", cfg)
	}
	s.call(http.MethodGet, "/v0/bank/available", nil, 500)
	s.call(http.MethodGet, "/v0/bank/available", nil, 200)
	s.post("/sandbox/faults", map[string]any{"faults": []any{map[string]any{"path": "/x", "kind": "nope"}}}, 400)
	s.post("/sandbox/faults", map[string]any{"error_rate": 3}, 400)
	cfg = decodeObject(t, s.call(http.MethodDelete, "/sandbox/faults", nil, 200))
	if cfg["latency_ms"].(json.Number).String() != "0" || len(cfg["faults"].([]any)) != 0 {
		t.Errorf("after DELETE: %v", cfg)
	}
	stats := decodeObject(t, s.call(http.MethodGet, "/sandbox/stats", nil, 200))
	if n := stats["requests"].(map[string]any)["/v0/bank/available"].(json.Number).String(); n != "2" {
		t.Errorf("stats for /v0/bank/available = %s, want 2", n)
	}
	s.call(http.MethodDelete, "/sandbox/stats", nil, 200)
	if got := s.srv.Requests("/v0/bank/available"); got != 0 {
		t.Errorf("after reset: %d", got)
	}
}

func TestFaults_ErrorRateIsDeterministic(t *testing.T) {
	run := func() []int {
		s := newSim(t, Options{Seed: 77, ErrorRate: 0.5})
		var out []int
		for range 20 {
			status, _, _ := s.do(http.MethodGet, "/v0/bank/available", nil, s.token)
			out = append(out, status)
		}
		return out
	}
	a, b := run(), run()
	fails := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("request %d: %d vs %d with the same seed", i, a[i], b[i])
		}
		if a[i] >= 500 {
			fails++
		}
	}
	if fails == 0 || fails == len(a) {
		t.Errorf("%d of %d requests failed at rate 0.5", fails, len(a))
	}
}

func TestFaults_Latency(t *testing.T) {
	s := newSim(t, Options{Seed: 1})
	s.srv.SetLatency(5 * time.Millisecond)
	start := time.Now()
	s.call(http.MethodGet, "/v0/bank/available", nil, 200)
	if time.Since(start) < 5*time.Millisecond {
		t.Error("latency not applied")
	}
	if err := s.srv.InjectFault("/x", Fault{Kind: FaultServerError, Status: 404}); err == nil {
		t.Error("server_error with status 404 accepted")
	}
}

func TestServer_StartClose(t *testing.T) {
	srv, err := New(Options{JWEKeys: testKeys(t)})
	if err != nil {
		t.Fatal(err)
	}
	base, err := srv.Start("")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(base + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	must(t, srv.Close())
	if _, err := http.Get(base + "/.well-known/jwks.json"); err == nil {
		t.Error("server still answers after Close")
	}
	must(t, srv.Close())
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
