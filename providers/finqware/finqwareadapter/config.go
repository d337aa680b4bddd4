package finqwareadapter

import (
	"time"

	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/providers/finqware"
	"github.com/fingraph/fingraph/providers/guard"
)

// Config is the Finqware section of the server configuration. Field
// comments name the environment variables.
type Config struct {
	BaseURL      string        // FINQWARE_BASE_URL (empty with no client id: the built-in simulator)
	ClientID     string        // FINQWARE_CLIENT_ID
	ClientSecret string        // FINQWARE_CLIENT_SECRET (server side only)
	ClientAppKey string        // FINQWARE_CLIENT_APP_KEY (starts sessions)
	TokenPath    string        // FINQWARE_TOKEN_PATH: /token (seed) or /tokens (public docs)
	Timeout      time.Duration // FINQWARE_TIMEOUT
	RateLimit    float64       // FINQWARE_RATE_LIMIT: requests per second to Finqware, per process (0: none)
}

var _ config.Section = (*Config)(nil)

// Load implements config.Section.
func (c *Config) Load(r *config.Reader) {
	*c = Config{
		BaseURL:      r.Str("FINQWARE_BASE_URL", ""),
		ClientID:     r.Str("FINQWARE_CLIENT_ID", ""),
		ClientSecret: r.Str("FINQWARE_CLIENT_SECRET", ""),
		ClientAppKey: r.Str("FINQWARE_CLIENT_APP_KEY", ""),
		TokenPath:    r.Str("FINQWARE_TOKEN_PATH", finqware.DefaultTokenPath),
		Timeout:      r.Duration("FINQWARE_TIMEOUT", 30*time.Second),
		RateLimit:    r.Float64("FINQWARE_RATE_LIMIT", 0),
	}
}

// Configured implements config.Section: a base URL or a client id means
// the real API (its default base URL when only the id is set).
func (c *Config) Configured() bool { return c.BaseURL != "" || c.ClientID != "" }

// Validate implements config.Section. Finqware is optional, in production
// too: without its variables the server simply has no Finqware.
func (c *Config) Validate(config.Env) error {
	if c.RateLimit < 0 {
		return &config.Error{Var: "FINQWARE_RATE_LIMIT", Msg: "must not be negative (0: no limit)"}
	}
	if !c.Configured() {
		return nil
	}
	if c.BaseURL != "" {
		if err := config.CheckHTTPURL(c.BaseURL); err != nil {
			return &config.Error{Var: "FINQWARE_BASE_URL", Msg: err.Error()}
		}
	}
	if c.ClientID == "" || c.ClientSecret == "" || c.ClientAppKey == "" {
		return &config.Error{Var: "FINQWARE_CLIENT_ID",
			Msg: "FINQWARE_CLIENT_ID, FINQWARE_CLIENT_SECRET and FINQWARE_CLIENT_APP_KEY go together"}
	}
	if c.TokenPath != "/token" && c.TokenPath != "/tokens" {
		return &config.Error{Var: "FINQWARE_TOKEN_PATH", Msg: "must be /token or /tokens"}
	}
	if c.Timeout <= 0 {
		return &config.Error{Var: "FINQWARE_TIMEOUT", Msg: "must be positive"}
	}
	return nil
}

// NewClient builds the Finqware client the section describes, observed
// and traced through h.
func (c *Config) NewClient(h guard.Hooks) (*finqware.Client, error) {
	base := c.BaseURL
	if base == "" {
		base = finqware.DefaultBaseURL
	}
	return finqware.NewClient(base,
		finqware.WithCredentials(c.ClientID, c.ClientSecret, c.ClientAppKey),
		finqware.WithHTTPClient(h.HTTPClient(c.Timeout)),
		finqware.WithTimeout(c.Timeout),
		finqware.WithTokenPath(c.TokenPath),
		finqware.WithGuards(guard.Policy{RateLimit: guard.RateLimitPolicy{PerSecond: c.RateLimit}}),
		finqware.WithObserver(h.Observer))
}
