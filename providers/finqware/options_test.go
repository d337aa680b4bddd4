package finqware

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/providers/guard"
)

func TestNewClientValidation(t *testing.T) {
	creds := WithCredentials("id", "secret", "key")
	tests := []struct {
		name string
		base string
		opts []Option
	}{
		{"no credentials", "", nil},
		{"empty secret", "", []Option{WithCredentials("id", "", "key")}},
		{"relative base", "api.finqware.com/v1", []Option{creds}},
		{"ftp base", "ftp://api.finqware.com/v1", []Option{creds}},
		{"base with query", "https://api.finqware.com/v1?x=1", []Option{creds}},
		{"base with user", "https://u:p@api.finqware.com/v1", []Option{creds}},
		{"nil http client", "", []Option{creds, WithHTTPClient(nil)}},
		{"negative timeout", "", []Option{creds, WithTimeout(-time.Second)}},
		{"empty token path", "", []Option{creds, WithTokenPath(" ")}},
		{"absolute token path", "", []Option{creds, WithTokenPath("https://x/tokens")}},
		{"catalog path with query", "", []Option{creds, WithCatalogPath("/skills?x")}},
		{"empty tenant", "", []Option{creds, WithTenantUserID("")}},
		{"bad user agent", "", []Option{creds, WithUserAgent("a\nb")}},
		{"bad guard policy", "", []Option{creds, WithGuards(guard.Policy{Breaker: guard.BreakerPolicy{FailureRatio: 2}})}},
	}
	for _, tt := range tests {
		if c, err := NewClient(tt.base, tt.opts...); err == nil {
			t.Errorf("%s: NewClient = %v, want an error", tt.name, c)
		}
	}
}

func TestNewClientDefaults(t *testing.T) {
	c, err := NewClient("", WithCredentials("id", "s3cret", "k3y"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != DefaultBaseURL || c.tokenPath != "/token" || c.catalogPath != "/skills/get" {
		t.Errorf("defaults %s %s %s", c.BaseURL(), c.tokenPath, c.catalogPath)
	}
	if c.httpClient.Timeout != defaultHTTPTimeout || c.callTimeout != 0 || c.caller.HTTP != c.httpClient {
		t.Errorf("timeouts %v %v", c.httpClient.Timeout, c.callTimeout)
	}
	if c.caller.Guards.Breaker == nil || c.caller.Guards.Bulkhead == nil || c.caller.Guards.Budget == nil {
		t.Error("default guards missing")
	}
	if s := c.String(); strings.Contains(s, "s3cret") || !strings.Contains(s, DefaultBaseURL) {
		t.Errorf("String %q", s)
	}

	// A caller's http.Client without a timeout still gets a per-call deadline.
	c, err = NewClient("https://api.finqware.com/v1/", WithCredentials("id", "s", ""), WithHTTPClient(&http.Client{}))
	if err != nil || c.callTimeout != defaultHTTPTimeout || c.BaseURL() != "https://api.finqware.com/v1" {
		t.Fatalf("%v %v", c, err)
	}
	if _, err := c.CreateSession(t.Context(), CreateSessionRequest{Skill: "s"}); err == nil ||
		errors.Is(err, ErrUpstream) || !strings.Contains(err.Error(), "client_app_key") {
		t.Errorf("CreateSession without an app key: %v", err)
	}
	if _, err := c.ListSkills(t.Context(), nil); err == nil || !strings.Contains(err.Error(), "client_app_key") {
		t.Errorf("ListSkills without an app key: %v", err)
	}
	p := guard.Policy{}
	p.Breaker.Disabled, p.Bulkhead.Disabled, p.Budget.Disabled = true, true, true
	c, err = NewClient("", WithCredentials("id", "s", ""), WithGuards(p), WithTimeout(time.Second), WithUserAgent("x/1"))
	if err != nil || c.caller.Guards.Breaker != nil || c.caller.Guards.Bulkhead != nil || c.callTimeout != time.Second ||
		c.userAgent != "x/1" {
		t.Fatalf("options not applied: %v", err)
	}
}
