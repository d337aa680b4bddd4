package flankssim

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

func TestToken_Grants(t *testing.T) {
	s := newSim(t, Options{Seed: 1})
	tests := []struct {
		name string
		body map[string]any
		want int
		err  string
	}{
		{"client credentials", map[string]any{"client_id": DefaultClientID, "client_secret": DefaultClientSecret, "grant_type": "client_credentials"}, 200, ""},
		{"no grant_type", map[string]any{"client_id": DefaultClientID, "client_secret": DefaultClientSecret}, 200, ""},
		{"password grant", map[string]any{"client_id": DefaultClientID, "client_secret": DefaultClientSecret, "grant_type": "password", "username": DefaultUsername, "password": DefaultPassword}, 200, ""},
		{"wrong secret", map[string]any{"client_id": DefaultClientID, "client_secret": "nope", "grant_type": "client_credentials"}, 403, "Invalid client credentials"},
		{"unknown client", map[string]any{"client_id": "other", "client_secret": DefaultClientSecret}, 403, "Invalid client credentials"},
		{"wrong password", map[string]any{"client_id": DefaultClientID, "client_secret": DefaultClientSecret, "grant_type": "password", "username": DefaultUsername, "password": "bad"}, 403, "Invalid username or password"},
		{"missing fields", map[string]any{"grant_type": "client_credentials"}, 400, "Missing fields: client_id, client_secret"},
		{"bad grant", map[string]any{"client_id": DefaultClientID, "client_secret": DefaultClientSecret, "grant_type": "implicit"}, 400, "Invalid grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, raw, _ := s.do(http.MethodPost, "/v0/token", tt.body, "")
			if status != tt.want {
				t.Fatalf("status %d, want %d: %s", status, tt.want, raw)
			}
			m := decodeObject(t, raw)
			if tt.err != "" {
				if m["error"] != tt.err {
					t.Errorf("error = %v, want %q", m["error"], tt.err)
				}
				return
			}
			want := []string{"access_token", "expires_in", "refresh_token", "scope", "token_type"}
			if got := keysOf(m); !equalStrings(got, want) {
				t.Errorf("keys = %v, want %v", got, want)
			}
			if m["token_type"] != "Bearer" || m["expires_in"].(interface{ String() string }).String() != "36000" {
				t.Errorf("token_type/expires_in = %v/%v", m["token_type"], m["expires_in"])
			}
		})
	}
}

func TestToken_RefreshGrantIsSingleUse(t *testing.T) {
	s := newSim(t, Options{Seed: 1})
	first := decodeObject(t, s.post("/v0/token", map[string]any{"client_id": DefaultClientID, "client_secret": DefaultClientSecret}, 200))
	body := map[string]any{"client_id": DefaultClientID, "client_secret": DefaultClientSecret,
		"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
	s.post("/v0/token", body, 200)
	s.post("/v0/token", body, 403)
}

func TestToken_FormEncodedIsRejected(t *testing.T) {
	s := newSim(t, Options{Seed: 1})
	req, _ := http.NewRequest(http.MethodPost, s.base+"/v0/token",
		bytes.NewBufferString("client_id="+DefaultClientID+"&client_secret="+DefaultClientSecret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("status %d, want 415", resp.StatusCode)
	}
}

func TestBearer_Required(t *testing.T) {
	s := newSim(t, Options{Seed: 1, TokenTTL: time.Hour})
	tok := s.create("testbank", "", "XXXX")
	body := map[string]any{"credentials_token": tok}
	tests := []struct {
		name, bearer, header, want string
	}{
		{"no header", "", "", "Not authenticated"},
		{"basic scheme", "", "Basic Zm9vOmJhcg==", "Not authenticated"},
		{"unknown token", "not-a-token", "", "Invalid credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, raw, _ := s.doWithAuth(http.MethodPost, "/v0/bank/credentials/status", body, tt.bearer, tt.header)
			if status != http.StatusUnauthorized {
				t.Fatalf("status %d: %s", status, raw)
			}
			if got := decodeObject(t, raw)["error"]; got != tt.want {
				t.Errorf("error = %v, want %q", got, tt.want)
			}
		})
	}
	for _, path := range []string{"/v0/bank/available", "/v0/platform/link"} {
		if status, _, _ := s.do(http.MethodGet, path, nil, ""); status != http.StatusUnauthorized {
			t.Errorf("GET %s without bearer: %d", path, status)
		}
	}
	s.post("/v0/bank/credentials/status", body, 200)
	s.clock.Advance(time.Hour)
	status, raw, _ := s.do(http.MethodPost, "/v0/bank/credentials/status", body, s.token)
	if status != http.StatusUnauthorized || decodeObject(t, raw)["error"] != "Invalid credentials" {
		t.Errorf("expired token: %d %s", status, raw)
	}
}

func TestToken_SingleTokenInvalidatesPrevious(t *testing.T) {
	for _, single := range []bool{false, true} {
		s := newSim(t, Options{Seed: 1, SingleToken: single})
		old := s.token
		s.token = s.getToken()
		status, _, _ := s.do(http.MethodGet, "/v0/bank/available", nil, old)
		want := http.StatusOK
		if single {
			want = http.StatusUnauthorized
		}
		if status != want {
			t.Errorf("SingleToken=%v: old token status %d, want %d", single, status, want)
		}
		s.call(http.MethodGet, "/v0/bank/available", nil, 200)
	}
}

// doWithAuth is do with a raw Authorization header when header is set.
func (s *sim) doWithAuth(method, path string, body any, bearer, header string) (int, []byte, http.Header) {
	if header == "" {
		return s.do(method, path, body, bearer)
	}
	req, _ := http.NewRequest(method, s.base+path, bytes.NewReader(mustJSON(s.t, body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes(), resp.Header
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
