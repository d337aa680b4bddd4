package flinksadapter

import (
	"fmt"
	"net/http"
	"time"

	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/providers/flinks"
)

// Config is the Flinks section of the server configuration. Field
// comments name the environment variables.
type Config struct {
	BaseURL       string        // FLINKS_BASE_URL, e.g. https://toolbox-api.private.fin.ag/v3/{customerId} (empty: the simulator)
	CustomerID    string        // FLINKS_CUSTOMER_ID
	SecretKey     string        // FLINKS_SECRET_KEY: flinks-auth-key of GenerateAuthorizeToken
	APIKey        string        // FLINKS_API_KEY: x-api-key of the data endpoints
	WebhookSecret string        // FLINKS_WEBHOOK_SECRET: verifies webhook deliveries (none: all refused)
	Timeout       time.Duration // FLINKS_TIMEOUT
	PollInterval  time.Duration // FLINKS_POLL_INTERVAL: between GetAccountsDetailAsync polls
	PollTimeout   time.Duration // FLINKS_POLL_TIMEOUT: give up a pending extraction after this
	Days          string        // FLINKS_DAYS_OF_TRANSACTIONS: Days90 or Days365
}

var _ config.Section = (*Config)(nil)

// Load implements config.Section.
func (c *Config) Load(r *config.Reader) {
	*c = Config{
		BaseURL:       r.Str("FLINKS_BASE_URL", ""),
		CustomerID:    r.Str("FLINKS_CUSTOMER_ID", ""),
		SecretKey:     r.Str("FLINKS_SECRET_KEY", ""),
		APIKey:        r.Str("FLINKS_API_KEY", ""),
		WebhookSecret: r.Str("FLINKS_WEBHOOK_SECRET", ""),
		Timeout:       r.Duration("FLINKS_TIMEOUT", 30*time.Second),
		PollInterval:  r.Duration("FLINKS_POLL_INTERVAL", 10*time.Second),
		PollTimeout:   r.Duration("FLINKS_POLL_TIMEOUT", 30*time.Minute),
		Days:          r.Str("FLINKS_DAYS_OF_TRANSACTIONS", string(flinks.Days365)),
	}
}

// Configured implements config.Section.
func (c *Config) Configured() bool { return c.BaseURL != "" }

// Validate implements config.Section. Flinks is optional, in production
// too.
func (c *Config) Validate(config.Env) error {
	if c.Days != string(flinks.Days90) && c.Days != string(flinks.Days365) {
		return &config.Error{Var: "FLINKS_DAYS_OF_TRANSACTIONS", Msg: "must be Days90 or Days365"}
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"FLINKS_TIMEOUT", c.Timeout}, {"FLINKS_POLL_INTERVAL", c.PollInterval}, {"FLINKS_POLL_TIMEOUT", c.PollTimeout}} {
		if d.v <= 0 {
			return &config.Error{Var: d.name, Msg: "must be positive"}
		}
	}
	if !c.Configured() {
		return nil
	}
	if err := config.CheckHTTPURL(c.BaseURL); err != nil {
		return &config.Error{Var: "FLINKS_BASE_URL", Msg: err.Error()}
	}
	if c.SecretKey == "" {
		return &config.Error{Var: "FLINKS_SECRET_KEY", Msg: "is required with FLINKS_BASE_URL (GenerateAuthorizeToken)"}
	}
	if c.WebhookSecret != "" && len(c.WebhookSecret) < 16 {
		return &config.Error{Var: "FLINKS_WEBHOOK_SECRET", Msg: fmt.Sprintf("is %d characters; use at least 16", len(c.WebhookSecret))}
	}
	return nil
}

// NewClient builds the Flinks data client the section describes.
func (c *Config) NewClient() (*flinks.Client, error) {
	opts := []flinks.Option{flinks.WithHTTPClient(&http.Client{Timeout: c.Timeout}), flinks.WithTimeout(c.Timeout),
		flinks.WithSecretKey(c.SecretKey)}
	if c.CustomerID != "" {
		opts = append(opts, flinks.WithCustomerID(c.CustomerID))
	}
	if c.APIKey != "" {
		opts = append(opts, flinks.WithAPIKey(c.APIKey))
	}
	return flinks.NewClient(c.BaseURL, opts...)
}

// New builds the adapter the section describes.
func (c *Config) New() (*Adapter, error) {
	client, err := c.NewClient()
	if err != nil {
		return nil, err
	}
	return New(client, Options{WebhookSecret: []byte(c.WebhookSecret), PollInterval: c.PollInterval,
		PollTimeout: c.PollTimeout, Days: flinks.DaysOfTransactions(c.Days)}), nil
}
