package flanksadapter

import (
	"fmt"
	"time"

	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/providers/flanks"
	"github.com/fingraph/fingraph/providers/guard"
)

// Config is the Flanks section of the server configuration. Field
// comments name the environment variables.
type Config struct {
	BaseURL      string // FLANKS_BASE_URL (empty: the built-in simulator)
	ClientID     string // FLANKS_CLIENT_ID
	ClientSecret string // FLANKS_CLIENT_SECRET
	Username     string // FLANKS_USERNAME: legacy password-grant Apps only
	Password     string // FLANKS_PASSWORD
	JWE          bool   // FLANKS_JWE
	JWKSURL      string // FLANKS_JWKS_URL
	JWEEnc       string // FLANKS_JWE_ENC: A256CBC-HS512 or A256GCM
	Timeout      time.Duration
	RateLimit    float64 // FLANKS_RATE_LIMIT: requests per second to Flanks, per process (0: none)
}

var _ config.Section = (*Config)(nil)

// Load implements config.Section.
func (c *Config) Load(r *config.Reader) {
	*c = Config{
		BaseURL:      r.Str("FLANKS_BASE_URL", ""),
		ClientID:     r.Str("FLANKS_CLIENT_ID", ""),
		ClientSecret: r.Str("FLANKS_CLIENT_SECRET", ""),
		Username:     r.Str("FLANKS_USERNAME", ""),
		Password:     r.Str("FLANKS_PASSWORD", ""),
		JWE:          r.Bool("FLANKS_JWE", false),
		JWKSURL:      r.Str("FLANKS_JWKS_URL", flanks.DefaultJWKSURL),
		JWEEnc:       r.Str("FLANKS_JWE_ENC", "A256CBC-HS512"),
		Timeout:      r.Duration("FLANKS_TIMEOUT", 30*time.Second),
		RateLimit:    r.Float64("FLANKS_RATE_LIMIT", 0),
	}
}

// Configured implements config.Section.
func (c *Config) Configured() bool { return c.BaseURL != "" }

// Validate implements config.Section.
func (c *Config) Validate(env config.Env) error {
	if c.RateLimit < 0 {
		return &config.Error{Var: "FLANKS_RATE_LIMIT", Msg: "must not be negative (0: no limit)"}
	}
	if c.BaseURL == "" {
		if env == config.EnvProduction {
			return &config.Error{Var: "FLANKS_BASE_URL", Msg: "is required when FINGRAPH_ENV=production (the sandbox is for development)"}
		}
		return nil
	}
	if err := config.CheckHTTPURL(c.BaseURL); err != nil {
		return &config.Error{Var: "FLANKS_BASE_URL", Msg: err.Error()}
	}
	if c.ClientID == "" || c.ClientSecret == "" {
		return &config.Error{Var: "FLANKS_CLIENT_ID", Msg: "FLANKS_CLIENT_ID and FLANKS_CLIENT_SECRET are required with FLANKS_BASE_URL"}
	}
	if (c.Username == "") != (c.Password == "") {
		return &config.Error{Var: "FLANKS_USERNAME", Msg: "FLANKS_USERNAME and FLANKS_PASSWORD go together (password grant)"}
	}
	if c.JWE {
		if err := config.CheckHTTPURL(c.JWKSURL); err != nil {
			return &config.Error{Var: "FLANKS_JWKS_URL", Msg: err.Error()}
		}
	}
	if c.JWEEnc != "A256CBC-HS512" && c.JWEEnc != "A256GCM" {
		return &config.Error{Var: "FLANKS_JWE_ENC", Msg: fmt.Sprintf("must be A256CBC-HS512 or A256GCM, not %q", c.JWEEnc)}
	}
	if c.Timeout <= 0 {
		return &config.Error{Var: "FLANKS_TIMEOUT", Msg: "must be positive"}
	}
	return nil
}

// NewClient builds the Flanks client the section describes, observed and
// traced through h.
func (c *Config) NewClient(h guard.Hooks) (*flanks.Client, error) {
	opts := []flanks.Option{
		flanks.WithClientCredentials(c.ClientID, c.ClientSecret),
		flanks.WithHTTPClient(h.HTTPClient(c.Timeout)),
		flanks.WithTimeout(c.Timeout),
		flanks.WithRateLimit(guard.RateLimitPolicy{PerSecond: c.RateLimit}),
		flanks.WithObserver(h.Observer),
	}
	if c.Username != "" {
		opts = append(opts, flanks.WithPasswordGrant(c.Username, c.Password))
	}
	if c.JWE {
		opts = append(opts, flanks.WithJWE(flanks.JWEConfig{JWKSURL: c.JWKSURL, Enc: flanks.ContentEncryption(c.JWEEnc)}))
	}
	return flanks.NewClient(c.BaseURL, opts...)
}
