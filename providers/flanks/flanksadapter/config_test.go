package flanksadapter_test

import (
	"errors"
	"testing"

	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks/flanksadapter"
	"github.com/fingraph/fingraph/providers/guard"
)

func load(env map[string]string) (*flanksadapter.Config, error) {
	sec := &flanksadapter.Config{}
	_, err := config.Load(func(k string) string { return env[k] }, map[models.Provider]config.Section{models.ProviderFlanks: sec})
	return sec, err
}

func TestConfigInvalid(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantVar string
	}{
		{"production without a base URL", map[string]string{"FINGRAPH_ENV": "production", "DATABASE_URL": "postgres://x/y",
			"FINGRAPH_MASTER_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "FINGRAPH_INDEX_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
			"AUTH_PUBLIC_KEY": "k", "AUTH_ISSUER": "i", "AUTH_AUDIENCE": "a"}, "FLANKS_BASE_URL"},
		{"url without credentials", map[string]string{"FLANKS_BASE_URL": "https://api.flanks.io"}, "FLANKS_CLIENT_ID"},
		{"bad url", map[string]string{"FLANKS_BASE_URL": "api.flanks.io"}, "FLANKS_BASE_URL"},
		{"username without password", map[string]string{"FLANKS_BASE_URL": "https://a", "FLANKS_CLIENT_ID": "i", "FLANKS_CLIENT_SECRET": "s", "FLANKS_USERNAME": "api@example.com"}, "FLANKS_USERNAME"},
		{"bad enc", map[string]string{"FLANKS_BASE_URL": "https://a", "FLANKS_CLIENT_ID": "i", "FLANKS_CLIENT_SECRET": "s", "FLANKS_JWE_ENC": "A128GCM"}, "FLANKS_JWE_ENC"},
		{"bad timeout", map[string]string{"FLANKS_TIMEOUT": "soon"}, "FLANKS_TIMEOUT"},
		{"negative rate limit", map[string]string{"FLANKS_RATE_LIMIT": "-1"}, "FLANKS_RATE_LIMIT"},
		{"rate limit not a number", map[string]string{"FLANKS_RATE_LIMIT": "fast"}, "FLANKS_RATE_LIMIT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(tt.env)
			var ce *config.Error
			if !errors.As(err, &ce) || ce.Var != tt.wantVar {
				t.Fatalf("err = %v, want a config.Error on %s", err, tt.wantVar)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c, err := load(map[string]string{"FLANKS_BASE_URL": "https://api.flanks.io", "FLANKS_CLIENT_ID": "i", "FLANKS_CLIENT_SECRET": "s"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Configured() || c.JWEEnc != "A256CBC-HS512" || c.Timeout <= 0 || c.JWKSURL == "" || c.RateLimit != 0 {
		t.Fatalf("defaults %+v", c)
	}
	if _, err := c.NewClient(guard.Hooks{}); err != nil {
		t.Fatal(err)
	}
	unset, err := load(nil)
	if err != nil || unset.Configured() {
		t.Fatalf("no base URL: configured=%v err=%v", unset.Configured(), err)
	}
}

func TestConfigRateLimit(t *testing.T) {
	c, err := load(map[string]string{"FLANKS_BASE_URL": "https://api.flanks.io", "FLANKS_CLIENT_ID": "i",
		"FLANKS_CLIENT_SECRET": "s", "FLANKS_RATE_LIMIT": "2.5"})
	if err != nil || c.RateLimit != 2.5 {
		t.Fatalf("rate limit %v, %v", c.RateLimit, err)
	}
	if _, err := c.NewClient(guard.Hooks{}); err != nil {
		t.Fatal(err)
	}
}
