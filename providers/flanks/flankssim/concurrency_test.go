package flankssim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
)

// TestConcurrentUse drives every kind of state change at once, for the race detector.
func TestConcurrentUse(t *testing.T) {
	s := newSim(t, Options{Seed: 13})
	tok := s.create("testbank", "", "XXXX")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := map[string]any{"credentials_token": tok}
			for j := range 3 {
				fire(t, s, http.MethodPost, credentialsPath+"all", body, s.token)
				fire(t, s, http.MethodPost, credentialsPath+"status", body, s.token)
				fire(t, s, http.MethodPut, credentialsPath+"status", map[string]any{"credentials_token": tok, "force": "sca"}, s.token)
				_, _ = s.srv.CompleteFlow(tok, "")
				_, _ = s.srv.CompleteLink(LinkCompletion{Bank: "bbva"})
				fire(t, s, http.MethodGet, "/v0/platform/link", nil, s.token)
				fire(t, s, http.MethodPost, credentialsPath+"list", map[string]any{"page": 1}, s.token)
				_ = s.srv.InjectFault(credentialsPath+"card", Fault{Kind: FaultRateLimit})
				fire(t, s, http.MethodPost, credentialsPath+"card", body, s.token)
				fire(t, s, http.MethodGet, "/sandbox/stats", nil, "")
				if i == 0 && j == 2 {
					fire(t, s, http.MethodPost, "/v0/token", map[string]any{"client_id": DefaultClientID, "client_secret": DefaultClientSecret}, "")
				}
			}
		}()
	}
	wg.Wait()
	if got := s.srv.Requests(credentialsPath + "all"); got != 24 {
		t.Errorf("Requests(all) = %d, want 24", got)
	}
}

// fire sends a request from a helper goroutine, where t.Fatal is not allowed.
func fire(t *testing.T, s *sim, method, path string, body any, bearer string) {
	var r io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Error(err)
			return
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.base+path, r)
	if err != nil {
		t.Error(err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}
