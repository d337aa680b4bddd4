package flankssim

import (
	"net/http"
	"testing"
)

func TestErrors_Envelopes(t *testing.T) {
	s := newSim(t, Options{Seed: 1})
	tests := []struct {
		name, method, path string
		body               any
		status             int
		legacy             string // expected "error" of the legacy envelope; "" for ValidationError
		field              string // expected details[0].field of the ValidationError envelope
	}{
		{"missing credentials_token", http.MethodPost, credentialsPath + "account", map[string]any{}, 400, "", "credentials_token"},
		{"mistyped credentials_token", http.MethodPost, credentialsPath + "status", map[string]any{"credentials_token": 12}, 400, "", "credentials_token"},
		{"mistyped ignore_data_error", http.MethodPost, credentialsPath + "data", map[string]any{"credentials_token": "x", "ignore_data_error": "yes"}, 400, "", "ignore_data_error"},
		{"unknown credentials_token", http.MethodPost, credentialsPath + "card", map[string]any{"credentials_token": "nope"}, 400, "Invalid credentials_token", ""},
		{"not found", http.MethodPost, "/v0/bank/credentials/nothing", map[string]any{}, 404, "Not found", ""},
		{"method not allowed", http.MethodGet, credentialsPath + "account", nil, 405, "Method not allowed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := s.call(tt.method, tt.path, tt.body, tt.status)
			m := decodeObject(t, raw)
			if tt.legacy != "" {
				if m["error"] != tt.legacy {
					t.Errorf("error = %v, want %q", m["error"], tt.legacy)
				}
				return
			}
			checkKeys(t, "validation envelope", m, "success", "error", "trace_id")
			e := m["error"].(map[string]any)
			d := e["details"].([]any)[0].(map[string]any)
			checkKeys(t, "detail", d, "error_type", "field")
			if m["success"] != false || e["code"] != "ValidationError" || d["field"] != tt.field || m["trace_id"] == "" {
				t.Errorf("envelope %s", raw)
			}
		})
	}
	status, _, hdr := s.do(http.MethodGet, credentialsPath+"account", nil, s.token)
	if status != 405 || hdr.Get("Allow") != "POST" {
		t.Errorf("405 Allow = %q", hdr.Get("Allow"))
	}
}

func TestErrors_DataCodeEnvelope(t *testing.T) {
	s := newSim(t, Options{Seed: 1})
	tok := s.create("testbank", "", "INVALID_CREDENTIALS")
	m := decodeObject(t, s.post(credentialsPath+"data", map[string]any{"credentials_token": tok}, 400))
	checkKeys(t, "data code", m, "error", "code")
	if m["error"] != "CREDENTIALS_ERROR" || m["code"].(interface{ String() string }).String() != "50002" {
		t.Errorf("envelope %v", m)
	}
}
