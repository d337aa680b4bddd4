package finqwareadapter_test

import (
	"errors"
	"testing"

	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/finqware/finqwareadapter"
	"github.com/fingraph/fingraph/providers/guard"
)

func load(env map[string]string) (*finqwareadapter.Config, error) {
	sec := &finqwareadapter.Config{}
	_, err := config.Load(func(k string) string { return env[k] },
		map[models.Provider]config.Section{models.ProviderFinqware: sec})
	return sec, err
}

// TestConfigRateLimit: FINQWARE_RATE_LIMIT is a rate per second, never
// negative, and the client builds with it.
func TestConfigRateLimit(t *testing.T) {
	c, err := load(map[string]string{"FINQWARE_CLIENT_ID": "i", "FINQWARE_CLIENT_SECRET": "s",
		"FINQWARE_CLIENT_APP_KEY": "k", "FINQWARE_RATE_LIMIT": "0.5"})
	if err != nil || c.RateLimit != 0.5 {
		t.Fatalf("rate limit %v, %v", c.RateLimit, err)
	}
	if _, err := c.NewClient(guard.Hooks{}); err != nil {
		t.Fatal(err)
	}
	_, err = load(map[string]string{"FINQWARE_RATE_LIMIT": "-1"})
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Var != "FINQWARE_RATE_LIMIT" {
		t.Fatalf("err = %v, want one naming FINQWARE_RATE_LIMIT", err)
	}
}
