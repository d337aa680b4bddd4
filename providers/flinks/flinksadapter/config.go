package flinksadapter

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/providers/flinks"
	"github.com/fingraph/fingraph/providers/guard"
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
	RateLimit     float64       // FLINKS_RATE_LIMIT: requests per second to the data API, per process (0: none)

	// The Upload API (bank statement uploads and their fraud analysis),
	// configured when FLINKS_UPLOAD_CLIENT_ID or FLINKS_UPLOAD_CERT is set.
	UploadURL          string        // FLINKS_UPLOAD_URL (empty: flinks.DefaultUploadURL)
	UploadClientID     string        // FLINKS_UPLOAD_CLIENT_ID: OAuth client of the upload token
	UploadClientSecret string        // FLINKS_UPLOAD_CLIENT_SECRET
	UploadCert         string        // FLINKS_UPLOAD_CERT: PEM file of the client certificate Flinks signed
	UploadKey          string        // FLINKS_UPLOAD_KEY: PEM file of its private key
	UploadCA           string        // FLINKS_UPLOAD_CA: PEM roots of the Upload API (empty: system roots)
	APISecret          string        // FLINKS_API_SECRET: Bearer of the fraud analysis, on the data API
	UploadTimeout      time.Duration // FLINKS_UPLOAD_TIMEOUT: bound of one Upload API request
	FraudPollInterval  time.Duration // FLINKS_FRAUD_POLL_INTERVAL: between fraud analysis polls
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
		RateLimit:     r.Float64("FLINKS_RATE_LIMIT", 0),

		UploadURL:          r.Str("FLINKS_UPLOAD_URL", ""),
		UploadClientID:     r.Str("FLINKS_UPLOAD_CLIENT_ID", ""),
		UploadClientSecret: r.Str("FLINKS_UPLOAD_CLIENT_SECRET", ""),
		UploadCert:         r.Str("FLINKS_UPLOAD_CERT", ""),
		UploadKey:          r.Str("FLINKS_UPLOAD_KEY", ""),
		UploadCA:           r.Str("FLINKS_UPLOAD_CA", ""),
		APISecret:          r.Str("FLINKS_API_SECRET", ""),
		UploadTimeout:      r.Duration("FLINKS_UPLOAD_TIMEOUT", 5*time.Minute),
		FraudPollInterval:  r.Duration("FLINKS_FRAUD_POLL_INTERVAL", 30*time.Second),
	}
}

// Configured implements config.Section.
func (c *Config) Configured() bool { return c.BaseURL != "" }

// UploadConfigured reports whether the Upload API part is set: by its
// OAuth client or its certificate, either of which only an Upload API
// customer has.
func (c *Config) UploadConfigured() bool { return c.UploadClientID != "" || c.UploadCert != "" }

// Validate implements config.Section. Flinks is optional, in production
// too.
func (c *Config) Validate(config.Env) error {
	if c.Days != string(flinks.Days90) && c.Days != string(flinks.Days365) {
		return &config.Error{Var: "FLINKS_DAYS_OF_TRANSACTIONS", Msg: "must be Days90 or Days365"}
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"FLINKS_TIMEOUT", c.Timeout}, {"FLINKS_POLL_INTERVAL", c.PollInterval}, {"FLINKS_POLL_TIMEOUT", c.PollTimeout},
		{"FLINKS_UPLOAD_TIMEOUT", c.UploadTimeout}, {"FLINKS_FRAUD_POLL_INTERVAL", c.FraudPollInterval}} {
		if d.v <= 0 {
			return &config.Error{Var: d.name, Msg: "must be positive"}
		}
	}
	if c.RateLimit < 0 {
		return &config.Error{Var: "FLINKS_RATE_LIMIT", Msg: "must not be negative (0: no limit)"}
	}
	if err := c.validateUpload(); err != nil {
		return err
	}
	// Checked without a base URL too: the sandbox simulator signs with it.
	if c.WebhookSecret != "" && len(c.WebhookSecret) < 16 {
		return &config.Error{Var: "FLINKS_WEBHOOK_SECRET", Msg: fmt.Sprintf("is %d characters; use at least 16", len(c.WebhookSecret))}
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
	return nil
}

// validateUpload checks the Upload API part: all of it or none, with the
// data API it needs, and files that load now rather than at the first
// upload.
func (c *Config) validateUpload() error {
	if !c.UploadConfigured() {
		for _, v := range []struct{ name, val string }{{"FLINKS_UPLOAD_CLIENT_SECRET", c.UploadClientSecret},
			{"FLINKS_UPLOAD_KEY", c.UploadKey}, {"FLINKS_UPLOAD_CA", c.UploadCA}, {"FLINKS_UPLOAD_URL", c.UploadURL}} {
			if v.val != "" {
				return &config.Error{Var: v.name, Msg: "is set without FLINKS_UPLOAD_CLIENT_ID and FLINKS_UPLOAD_CERT"}
			}
		}
		return nil
	}
	if !c.Configured() {
		return &config.Error{Var: "FLINKS_BASE_URL", Msg: "is required with FLINKS_UPLOAD_* (the fraud analysis is on the data API)"}
	}
	for _, v := range []struct{ name, val string }{{"FLINKS_UPLOAD_CLIENT_ID", c.UploadClientID},
		{"FLINKS_UPLOAD_CLIENT_SECRET", c.UploadClientSecret}, {"FLINKS_UPLOAD_CERT", c.UploadCert},
		{"FLINKS_UPLOAD_KEY", c.UploadKey}, {"FLINKS_API_SECRET", c.APISecret}} {
		if v.val == "" {
			return &config.Error{Var: v.name, Msg: "is required with the Flinks Upload API (FLINKS_UPLOAD_CLIENT_ID or FLINKS_UPLOAD_CERT is set)"}
		}
	}
	u, err := c.NewUploadClient(guard.Hooks{})
	if err != nil {
		return err
	}
	u.Close()
	return nil
}

// uploadVars names the variable of each Upload API input.
var uploadVars = map[flinks.UploadInput]string{
	flinks.InputUploadURL: "FLINKS_UPLOAD_URL", flinks.InputClientID: "FLINKS_UPLOAD_CLIENT_ID",
	flinks.InputClientSecret: "FLINKS_UPLOAD_CLIENT_SECRET", flinks.InputCert: "FLINKS_UPLOAD_CERT",
	flinks.InputKey: "FLINKS_UPLOAD_KEY", flinks.InputCA: "FLINKS_UPLOAD_CA",
}

// uploadConfigError turns a *flinks.ConfigError into a *config.Error
// naming the variable. Its message holds the file path and the problem,
// never a secret or file content.
func uploadConfigError(err error) error {
	var ce *flinks.ConfigError
	if !errors.As(err, &ce) {
		return fmt.Errorf("flinks upload client: %w", err)
	}
	name, ok := uploadVars[ce.Input]
	if !ok {
		name = "FLINKS_UPLOAD_" + strings.ToUpper(string(ce.Input))
	}
	msg := ce.Err.Error()
	if ce.Path != "" {
		msg = fmt.Sprintf("%q: %s", ce.Path, msg)
	}
	return &config.Error{Var: name, Msg: msg}
}

// NewUploadClient builds the Upload API client the section describes,
// observed and traced through h; an invalid input is a *config.Error
// naming its variable. Call Close on the client when done (the adapter's
// Close does).
func (c *Config) NewUploadClient(h guard.Hooks, opts ...flinks.UploadOption) (*flinks.UploadClient, error) {
	opts = append([]flinks.UploadOption{flinks.WithUploadObserver(h.Observer), flinks.WithUploadTransport(h.WrapTransport)}, opts...)
	if c.UploadTimeout > 0 {
		opts = append([]flinks.UploadOption{flinks.WithUploadTimeout(c.UploadTimeout)}, opts...)
	}
	u, err := flinks.NewUploadClient(flinks.UploadConfig{BaseURL: c.UploadURL, ClientID: c.UploadClientID,
		ClientSecret: c.UploadClientSecret, CertFile: c.UploadCert, KeyFile: c.UploadKey, CAFile: c.UploadCA}, opts...)
	if err != nil {
		return nil, uploadConfigError(err)
	}
	return u, nil
}

// NewClient builds the Flinks data client the section describes, observed
// and traced through h.
func (c *Config) NewClient(h guard.Hooks) (*flinks.Client, error) {
	opts := []flinks.Option{flinks.WithHTTPClient(h.HTTPClient(c.Timeout)), flinks.WithTimeout(c.Timeout),
		flinks.WithSecretKey(c.SecretKey), flinks.WithObserver(h.Observer),
		flinks.WithGuards(guard.Policy{RateLimit: guard.RateLimitPolicy{PerSecond: c.RateLimit}})}
	if c.CustomerID != "" {
		opts = append(opts, flinks.WithCustomerID(c.CustomerID))
	}
	if c.APIKey != "" {
		opts = append(opts, flinks.WithAPIKey(c.APIKey))
	}
	if c.APISecret != "" {
		opts = append(opts, flinks.WithAPISecret(c.APISecret))
	}
	return flinks.NewClient(c.BaseURL, opts...)
}

// New builds the adapter the section describes, with statement uploads
// when the Upload API is configured, observed and traced through h. Close
// the adapter when done: it holds the Upload API client's connections.
func (c *Config) New(h guard.Hooks) (*Adapter, error) {
	client, err := c.NewClient(h)
	if err != nil {
		return nil, err
	}
	o := Options{WebhookSecret: []byte(c.WebhookSecret), PollInterval: c.PollInterval,
		PollTimeout: c.PollTimeout, Days: flinks.DaysOfTransactions(c.Days)}
	if !c.UploadConfigured() {
		return New(client, o), nil
	}
	up, err := c.NewUploadClient(h)
	if err != nil {
		return nil, err
	}
	return NewWithUploads(client, o, up, UploadOptions{FraudPollInterval: c.FraudPollInterval}), nil
}
