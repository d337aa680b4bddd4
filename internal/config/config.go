// Package config loads fingraph's configuration once from the environment and
// validates it. Nothing else in the server reads environment variables: the
// loaded Config is passed down explicitly (no globals), which keeps tests free
// to build any configuration they need.
package config

import (
	"fmt"
	"maps"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fingraph/fingraph/internal/secrets"
	"github.com/fingraph/fingraph/models"
)

// Env names the deployment environment.
type Env string

// The environments fingraph knows. Development and sandbox expose
// introspection and the demo token; production requires real auth keys.
const (
	EnvDevelopment Env = "development"
	EnvSandbox     Env = "sandbox"
	EnvProduction  Env = "production"
)

// Config is the whole server configuration. Field comments name the
// environment variable each one comes from.
type Config struct {
	Env             Env           // FINGRAPH_ENV
	Addr            string        // FINGRAPH_ADDR
	DataDir         string        // FINGRAPH_DATA_DIR
	DatabaseURL     string        // DATABASE_URL (empty: SQLite file in DataDir)
	LogLevel        string        // FINGRAPH_LOG_LEVEL
	Introspection   bool          // FINGRAPH_INTROSPECTION
	Sandbox         bool          // FINGRAPH_SANDBOX
	SandboxDelay    time.Duration // FINGRAPH_SANDBOX_EXTRACTION_DELAY: how long new sandbox credentials stay pending
	SandboxHistory  int           // FINGRAPH_SANDBOX_HISTORY_DAYS: days of simulated transactions
	SandboxLatency  time.Duration // FINGRAPH_SANDBOX_LATENCY: added to every simulated provider response
	SandboxDemo     []string      // FINGRAPH_SANDBOX_DEMO: providers whose demo connections the demo user gets ("all" or none)
	ShutdownTimeout time.Duration // FINGRAPH_SHUTDOWN_TIMEOUT
	RequestTimeout  time.Duration // FINGRAPH_REQUEST_TIMEOUT
	MaxBodyBytes    int64         // FINGRAPH_MAX_BODY_BYTES
	E2EKeys         string        // FINGRAPH_E2E_KEYS: JWKS with private RSA keys for end-to-end encryption
	SafelistFile    string        // FINGRAPH_SAFELIST_FILE: operations first-party clients may run
	PublicURL       string        // FINGRAPH_PUBLIC_URL: how browsers and providers reach this server
	ReturnURL       string        // FINGRAPH_ONBOARDING_RETURN_URL: the UI page after a bank consent
	MaxUploadBytes  int64         // FINGRAPH_MAX_UPLOAD_BYTES: cap of one multipart (upload) request
	// CORSOrigins are the browser origins allowed to call the API from
	// another origin (FINGRAPH_CORS_ORIGINS): exact origins, one "*" in a
	// host or port allowed; none by default in production, localhost in
	// development.
	CORSOrigins []string
	// Streams bound what one user may hold open per replica.
	MaxSubscriptions, MaxConnections int
	UploadTimeout                    time.Duration // FINGRAPH_UPLOAD_TIMEOUT: deadline of an upload operation (one statement file upstream too)
	MaxWebhookBytes                  int64         // FINGRAPH_MAX_WEBHOOK_BYTES: cap of one provider webhook delivery
	// MetricsAddr serves Prometheus /metrics on a listener of its own
	// (FINGRAPH_METRICS_ADDR; empty: no metrics). It must not be public.
	MetricsAddr string
	// Pprof adds Go's /debug/pprof profiles to the metrics listener
	// (FINGRAPH_PPROF, off by default; needs FINGRAPH_METRICS_ADDR): what
	// an operator profiles a live replica with, never on the public API.
	Pprof bool
	// Tracing is the OpenTelemetry configuration (standard OTEL_*
	// variables); off unless an exporter is configured.
	Tracing Tracing

	Analytics Analytics

	Secrets Secrets
	Limits  Limits
	Cache   Cache
	Auth    Auth
	Jobs    Jobs
	// Providers are the provider sections, by provider name, as the
	// caller of Load listed them (internal/app's provider table).
	Providers map[models.Provider]Section
}

// Section is one provider's part of the configuration, owned by its
// adapter package: it reads its own variables (PROVIDER_BASE_URL, keys,
// timeouts) and validates them. A section whose base URL is unset means
// "use the built-in simulator" outside production.
type Section interface {
	// Load reads the section's variables.
	Load(r *Reader)
	// Validate checks them; it returns an *Error naming the variable.
	Validate(env Env) error
	// Configured reports whether a real provider base URL is set.
	Configured() bool
}

// Secrets are the keys protecting secrets at rest. Empty in development
// means keys generated into the data dir.
type Secrets struct {
	MasterKey         string // FINGRAPH_MASTER_KEY: base64 of 32 bytes
	MasterKeyPrevious string // FINGRAPH_MASTER_KEY_PREVIOUS: comma-separated older keys, still accepted
	IndexKey          string // FINGRAPH_INDEX_KEY: base64 of 32 bytes, for lookups by keyed hash
}

// Limits bound what one GraphQL operation and one user may ask for.
type Limits struct {
	MaxDepth      int     // FINGRAPH_MAX_DEPTH
	MaxAliases    int     // FINGRAPH_MAX_ALIASES
	MaxDirectives int     // FINGRAPH_MAX_DIRECTIVES
	MaxTokens     int     // FINGRAPH_MAX_TOKENS
	MaxCost       int     // FINGRAPH_MAX_COST
	RateBurst     float64 // FINGRAPH_RATE_BURST: cost points a user may spend at once
	RatePerSecond float64 // FINGRAPH_RATE_PER_SECOND: refill; 0 turns the rate limit off
	Suggestions   bool    // FINGRAPH_SUGGESTIONS: "Did you mean" hints in errors
}

// Cache configures how long fetched provider data counts as fresh.
type Cache struct {
	DefaultTTL time.Duration            // FINGRAPH_CACHE_TTL
	TTLs       map[string]time.Duration // FINGRAPH_CACHE_TTLS: "transactions=5m,identity=24h"
	StaleBound time.Duration            // FINGRAPH_STALE_BOUND: oldest cached data served while a provider fails
	// FetchBudget is how long a reader with cached rows waits for a
	// refresh before getting them marked stale (FINGRAPH_FETCH_BUDGET).
	FetchBudget time.Duration
	// FailureMemory is how long a failed fetch is shared by later readers
	// instead of asking again (FINGRAPH_FAILURE_MEMORY).
	FailureMemory time.Duration
	// WholeFetchMin is how many of the products a provider's
	// whole-connection call answers (Flanks' /credentials/all: ten) one
	// operation must need, and be due, for that one call to replace their
	// endpoints (FINGRAPH_WHOLE_FETCH_MIN; 0: more than half of them).
	WholeFetchMin int
	// RevalidateWindow is how long past its TTL a product whose last
	// fetch succeeded is still served at once, while one refresh runs in
	// the background (FINGRAPH_REVALIDATE_WINDOW; 0 turns it off).
	RevalidateWindow time.Duration
	// RevalidateWindows are per-product overrides of RevalidateWindow
	// (FINGRAPH_REVALIDATE_WINDOWS: "transactions=1h,identity=0s").
	RevalidateWindows map[string]time.Duration
}

// Jobs configures background work.
type Jobs struct {
	Work         bool          // FINGRAPH_JOBS: this process works jobs (every process enqueues)
	Timeout      time.Duration // FINGRAPH_JOB_TIMEOUT: bound of one job run
	RescueAfter  time.Duration // FINGRAPH_JOB_RESCUE_AFTER: a job running longer counts as lost and runs again
	PollInterval time.Duration // FINGRAPH_JOB_POLL_INTERVAL: idle workers look for jobs this often (SQLite)
	SweepEvery   time.Duration // FINGRAPH_SWEEP_INTERVAL: period of the refresh/reconcile sweep
	ActiveWithin time.Duration // FINGRAPH_ACTIVE_WITHIN: the sweep keeps data of users seen this recently fresh
	LinkDelay    time.Duration // FINGRAPH_LINK_FINISH_DELAY: when the safety-net job finishes a link its request did not
}

// Auth configures how bearer tokens are verified.
type Auth struct {
	JWKSURL   string // AUTH_JWKS_URL
	PublicKey string // AUTH_PUBLIC_KEY (PEM or JWK)
	Issuer    string // AUTH_ISSUER
	Audience  string // AUTH_AUDIENCE
}

// Error reports one invalid environment variable. Its message is a single
// line naming the variable, suitable for printing before exiting with
// status 2.
type Error struct {
	Var string
	Msg string
}

func (e *Error) Error() string { return e.Var + ": " + e.Msg }

// Load reads the configuration through getenv (os.Getenv in production,
// a map lookup in tests) and validates it, the provider sections included.
func Load(getenv func(string) string, sections map[models.Provider]Section) (Config, error) {
	r := NewReader(getenv)
	c := Config{
		Env:             Env(strings.ToLower(r.Str("FINGRAPH_ENV", string(EnvDevelopment)))),
		Addr:            r.Str("FINGRAPH_ADDR", "127.0.0.1:8080"),
		DataDir:         r.Str("FINGRAPH_DATA_DIR", "data"),
		DatabaseURL:     r.Str("DATABASE_URL", ""),
		LogLevel:        strings.ToLower(r.Str("FINGRAPH_LOG_LEVEL", "info")),
		ShutdownTimeout: r.Duration("FINGRAPH_SHUTDOWN_TIMEOUT", 30*time.Second),
		RequestTimeout:  r.Duration("FINGRAPH_REQUEST_TIMEOUT", 10*time.Second),
		MaxBodyBytes:    r.Int64("FINGRAPH_MAX_BODY_BYTES", 1<<20),
		SandboxDelay:    r.Duration("FINGRAPH_SANDBOX_EXTRACTION_DELAY", 0),
		SandboxHistory:  int(r.Int64("FINGRAPH_SANDBOX_HISTORY_DAYS", 730)),
		SandboxLatency:  r.Duration("FINGRAPH_SANDBOX_LATENCY", 0),
		SandboxDemo:     r.List("FINGRAPH_SANDBOX_DEMO", []string{"all"}),
		E2EKeys:         r.Str("FINGRAPH_E2E_KEYS", ""),
		SafelistFile:    r.Str("FINGRAPH_SAFELIST_FILE", ""),
		PublicURL:       r.Str("FINGRAPH_PUBLIC_URL", ""),
		ReturnURL:       r.Str("FINGRAPH_ONBOARDING_RETURN_URL", ""),
		MaxUploadBytes:  r.Int64("FINGRAPH_MAX_UPLOAD_BYTES", 190_000_000),
		UploadTimeout:   r.Duration("FINGRAPH_UPLOAD_TIMEOUT", 5*time.Minute),
		MaxWebhookBytes: r.Int64("FINGRAPH_MAX_WEBHOOK_BYTES", 16<<20),
		Secrets: Secrets{
			MasterKey:         r.Str("FINGRAPH_MASTER_KEY", ""),
			MasterKeyPrevious: r.Str("FINGRAPH_MASTER_KEY_PREVIOUS", ""),
			IndexKey:          r.Str("FINGRAPH_INDEX_KEY", ""),
		},
		Limits: Limits{
			// Depth 12 fits the deepest useful path, me > credentials > edges >
			// node > accounts > edges > node > transactions > edges > node > field.
			MaxDepth:      int(r.Int64("FINGRAPH_MAX_DEPTH", 12)),
			MaxAliases:    int(r.Int64("FINGRAPH_MAX_ALIASES", 15)),
			MaxDirectives: int(r.Int64("FINGRAPH_MAX_DIRECTIVES", 50)),
			MaxTokens:     int(r.Int64("FINGRAPH_MAX_TOKENS", 1000)),
			MaxCost:       int(r.Int64("FINGRAPH_MAX_COST", 10000)),
			RateBurst:     float64(r.Int64("FINGRAPH_RATE_BURST", 20000)),
			RatePerSecond: float64(r.Int64("FINGRAPH_RATE_PER_SECOND", 1000)),
		},
		Cache: Cache{
			DefaultTTL:    r.Duration("FINGRAPH_CACHE_TTL", 15*time.Minute),
			TTLs:          r.Durations("FINGRAPH_CACHE_TTLS"),
			StaleBound:    r.Duration("FINGRAPH_STALE_BOUND", 24*time.Hour),
			FetchBudget:   r.Duration("FINGRAPH_FETCH_BUDGET", 3*time.Second),
			FailureMemory: r.Duration("FINGRAPH_FAILURE_MEMORY", 10*time.Second),
			WholeFetchMin: int(r.Int64("FINGRAPH_WHOLE_FETCH_MIN", 0)),
			// A day, as the stale bound: an idle user's data is shown at
			// once on return, and refreshed behind the first read.
			RevalidateWindow:  r.Duration("FINGRAPH_REVALIDATE_WINDOW", 24*time.Hour),
			RevalidateWindows: r.Durations("FINGRAPH_REVALIDATE_WINDOWS"),
		},
		Auth: Auth{
			JWKSURL:   r.Str("AUTH_JWKS_URL", ""),
			PublicKey: r.Str("AUTH_PUBLIC_KEY", ""),
			Issuer:    r.Str("AUTH_ISSUER", ""),
			Audience:  r.Str("AUTH_AUDIENCE", ""),
		},
		Jobs: Jobs{
			Work:         r.Bool("FINGRAPH_JOBS", true),
			Timeout:      r.Duration("FINGRAPH_JOB_TIMEOUT", 2*time.Minute),
			RescueAfter:  r.Duration("FINGRAPH_JOB_RESCUE_AFTER", 10*time.Minute),
			PollInterval: r.Duration("FINGRAPH_JOB_POLL_INTERVAL", time.Second),
			SweepEvery:   r.Duration("FINGRAPH_SWEEP_INTERVAL", 15*time.Minute),
			ActiveWithin: r.Duration("FINGRAPH_ACTIVE_WITHIN", 24*time.Hour),
			LinkDelay:    r.Duration("FINGRAPH_LINK_FINISH_DELAY", 30*time.Second),
		},
		Providers:   sections,
		MetricsAddr: r.Str("FINGRAPH_METRICS_ADDR", ""),
		Pprof:       r.Bool("FINGRAPH_PPROF", false),
		Tracing:     loadTracing(r),
		Analytics:   loadAnalytics(r),
	}
	c.Introspection = r.Bool("FINGRAPH_INTROSPECTION", c.Env != EnvProduction)
	c.Limits.Suggestions = r.Bool("FINGRAPH_SUGGESTIONS", c.Env != EnvProduction)
	c.Sandbox = r.Bool("FINGRAPH_SANDBOX", c.Env != EnvProduction)
	var devOrigins []string
	if c.Env != EnvProduction {
		devOrigins = []string{"http://localhost:*", "http://127.0.0.1:*"}
	}
	c.CORSOrigins = r.List("FINGRAPH_CORS_ORIGINS", devOrigins)
	c.MaxSubscriptions = int(r.Int64("FINGRAPH_MAX_SUBSCRIPTIONS", 50))
	c.MaxConnections = int(r.Int64("FINGRAPH_MAX_CONNECTIONS", 10))
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Addr
	}
	if c.ReturnURL == "" {
		c.ReturnURL = strings.TrimRight(c.PublicURL, "/") + "/"
	}
	for _, sec := range sections {
		sec.Load(r)
	}
	if r.err != nil {
		return Config{}, r.err
	}
	return c, c.Validate()
}

// Validate checks single values and the rules that tie several together.
func (c Config) Validate() error {
	checks := []func() error{
		c.validateEnv, c.validateAddr, c.validateDatabase, c.validateLimits, c.validateCache, c.validateSecrets,
		c.validateAuth, c.validateJobs, c.validatePublic, c.validateTelemetry,
		c.validateAnalytics,
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(c.Providers)) {
		if err := c.Providers[name].Validate(c.Env); err != nil {
			return err
		}
	}
	return nil
}

// Dev reports whether the server runs with developer conveniences: a
// locally minted signing key, the demo token in the playground.
func (c Config) Dev() bool { return c.Env != EnvProduction }

// SQLitePath returns the SQLite database file, or "" when DATABASE_URL
// selects PostgreSQL.
func (c Config) SQLitePath() string {
	switch {
	case c.DatabaseURL == "":
		return filepath.Join(c.DataDir, "fingraph.db")
	case strings.HasPrefix(c.DatabaseURL, "sqlite://"):
		return strings.TrimPrefix(c.DatabaseURL, "sqlite://")
	case strings.HasPrefix(c.DatabaseURL, "sqlite:"):
		return strings.TrimPrefix(c.DatabaseURL, "sqlite:")
	}
	return ""
}

func (c Config) validateEnv() error {
	switch c.Env {
	case EnvDevelopment, EnvSandbox, EnvProduction:
		return nil
	}
	return &Error{"FINGRAPH_ENV", fmt.Sprintf("must be development, sandbox or production, not %q", c.Env)}
}

func (c Config) validateAddr() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return &Error{"FINGRAPH_ADDR", fmt.Sprintf("must be host:port (e.g. 127.0.0.1:8080), not %q", c.Addr)}
	}
	if c.DataDir == "" {
		return &Error{"FINGRAPH_DATA_DIR", "must not be empty"}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
		return nil
	}
	return &Error{"FINGRAPH_LOG_LEVEL", fmt.Sprintf("must be debug, info, warn or error, not %q", c.LogLevel)}
}

func (c Config) validateDatabase() error {
	u := c.DatabaseURL
	switch {
	case u == "" && c.Env == EnvProduction:
		return &Error{"DATABASE_URL", "is required when FINGRAPH_ENV=production (postgres://...)"}
	case u == "", c.SQLitePath() != "":
		if c.SQLitePath() == "" {
			return &Error{"DATABASE_URL", "sqlite: URL has no file path"}
		}
		return nil
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		if _, err := url.Parse(u); err != nil {
			return &Error{"DATABASE_URL", "is not a valid URL"}
		}
		return nil
	}
	return &Error{"DATABASE_URL", "must start with postgres://, postgresql:// or sqlite:"}
}

func (c Config) validateLimits() error {
	switch {
	case c.ShutdownTimeout <= 0:
		return &Error{"FINGRAPH_SHUTDOWN_TIMEOUT", "must be positive"}
	case c.RequestTimeout <= 0:
		return &Error{"FINGRAPH_REQUEST_TIMEOUT", "must be positive"}
	case c.MaxBodyBytes < 1024:
		return &Error{"FINGRAPH_MAX_BODY_BYTES", "must be at least 1024"}
	}
	if c.SandboxLatency < 0 {
		return &Error{"FINGRAPH_SANDBOX_LATENCY", "must not be negative"}
	}
	if c.SandboxHistory < 1 || c.SandboxHistory > 3650 {
		return &Error{"FINGRAPH_SANDBOX_HISTORY_DAYS", "must be between 1 and 3650"}
	}
	l := c.Limits
	for _, v := range []struct {
		name string
		n    int
	}{{"FINGRAPH_MAX_DEPTH", l.MaxDepth}, {"FINGRAPH_MAX_ALIASES", l.MaxAliases}, {"FINGRAPH_MAX_DIRECTIVES", l.MaxDirectives},
		{"FINGRAPH_MAX_TOKENS", l.MaxTokens}, {"FINGRAPH_MAX_COST", l.MaxCost}} {
		if v.n < 1 {
			return &Error{v.name, "must be at least 1"}
		}
	}
	if l.RatePerSecond < 0 {
		return &Error{"FINGRAPH_RATE_PER_SECOND", "must not be negative"}
	}
	if l.RatePerSecond > 0 && l.RateBurst < float64(l.MaxCost) {
		return &Error{"FINGRAPH_RATE_BURST", "must be at least FINGRAPH_MAX_COST, or the costliest allowed query could never run"}
	}
	return nil
}

func (c Config) validateCache() error {
	if c.Cache.DefaultTTL <= 0 {
		return &Error{"FINGRAPH_CACHE_TTL", "must be positive"}
	}
	if c.Cache.StaleBound <= 0 {
		return &Error{"FINGRAPH_STALE_BOUND", "must be positive"}
	}
	if c.Cache.FetchBudget <= 0 || c.Cache.FetchBudget >= c.RequestTimeout {
		return &Error{"FINGRAPH_FETCH_BUDGET", "must be positive and shorter than FINGRAPH_REQUEST_TIMEOUT"}
	}
	if c.Cache.FailureMemory <= 0 {
		return &Error{"FINGRAPH_FAILURE_MEMORY", "must be positive"}
	}
	if c.Cache.WholeFetchMin < 0 {
		return &Error{"FINGRAPH_WHOLE_FETCH_MIN", "must not be negative (0: more than half of the products)"}
	}
	if c.Cache.RevalidateWindow < 0 {
		return &Error{"FINGRAPH_REVALIDATE_WINDOW", "must not be negative (0 turns it off)"}
	}
	if err := checkProductDurations("FINGRAPH_CACHE_TTLS", "TTL", c.Cache.TTLs, true); err != nil {
		return err
	}
	return checkProductDurations("FINGRAPH_REVALIDATE_WINDOWS", "window", c.Cache.RevalidateWindows, false)
}

// checkProductDurations validates a per-product duration list: known
// products only, durations positive (or, without positive, not negative).
func checkProductDurations(key, what string, m map[string]time.Duration, positive bool) error {
	known := models.CacheProducts()
	for p, d := range m {
		if !slices.Contains(known, models.Product(p)) {
			names := make([]string, len(known))
			for i, k := range known {
				names[i] = string(k)
			}
			return &Error{key, fmt.Sprintf("unknown product %q (want one of %s)", p, strings.Join(names, ", "))}
		}
		if positive && d <= 0 {
			return &Error{key, fmt.Sprintf("%s of %s must be positive", what, p)}
		}
		if d < 0 {
			return &Error{key, fmt.Sprintf("%s of %s must not be negative", what, p)}
		}
	}
	return nil
}

func (c Config) validateSecrets() error {
	k := c.Secrets
	if c.Env == EnvProduction && (k.MasterKey == "" || k.IndexKey == "") {
		return &Error{"FINGRAPH_MASTER_KEY", "FINGRAPH_MASTER_KEY and FINGRAPH_INDEX_KEY are required when FINGRAPH_ENV=production"}
	}
	if k.MasterKey == "" && k.MasterKeyPrevious != "" {
		return &Error{"FINGRAPH_MASTER_KEY_PREVIOUS", "needs FINGRAPH_MASTER_KEY (the current key)"}
	}
	if k.MasterKey != "" {
		if _, err := secrets.ParseKeys(k.MasterKey, k.MasterKeyPrevious); err != nil {
			return &Error{"FINGRAPH_MASTER_KEY", err.Error()}
		}
	}
	if k.IndexKey != "" {
		if _, err := secrets.ParseIndexKey(k.IndexKey); err != nil {
			return &Error{"FINGRAPH_INDEX_KEY", err.Error()}
		}
	}
	return nil
}

func (c Config) validateAuth() error {
	a := c.Auth
	if a.JWKSURL != "" && a.PublicKey != "" {
		return &Error{"AUTH_PUBLIC_KEY", "set either AUTH_JWKS_URL or AUTH_PUBLIC_KEY, not both"}
	}
	if a.JWKSURL != "" {
		if err := CheckHTTPURL(a.JWKSURL); err != nil {
			return &Error{"AUTH_JWKS_URL", err.Error()}
		}
	}
	if c.Env == EnvProduction && a.JWKSURL == "" && a.PublicKey == "" {
		return &Error{"AUTH_JWKS_URL", "AUTH_JWKS_URL or AUTH_PUBLIC_KEY is required when FINGRAPH_ENV=production"}
	}
	if (a.JWKSURL != "" || a.PublicKey != "") && (a.Issuer == "" || a.Audience == "") {
		return &Error{"AUTH_ISSUER", "AUTH_ISSUER and AUTH_AUDIENCE are required with external token keys"}
	}
	return nil
}

func (c Config) validateJobs() error {
	j := c.Jobs
	for _, v := range []struct {
		name string
		d    time.Duration
	}{{"FINGRAPH_JOB_TIMEOUT", j.Timeout}, {"FINGRAPH_JOB_RESCUE_AFTER", j.RescueAfter},
		{"FINGRAPH_JOB_POLL_INTERVAL", j.PollInterval}, {"FINGRAPH_SWEEP_INTERVAL", j.SweepEvery},
		{"FINGRAPH_ACTIVE_WITHIN", j.ActiveWithin}, {"FINGRAPH_LINK_FINISH_DELAY", j.LinkDelay}} {
		if v.d <= 0 {
			return &Error{v.name, "must be positive"}
		}
	}
	if j.RescueAfter <= j.Timeout {
		return &Error{"FINGRAPH_JOB_RESCUE_AFTER", "must be longer than FINGRAPH_JOB_TIMEOUT, or running jobs would be run twice"}
	}
	return nil
}

func (c Config) validatePublic() error {
	if err := CheckHTTPURL(c.PublicURL); err != nil {
		return &Error{"FINGRAPH_PUBLIC_URL", err.Error()}
	}
	if err := CheckHTTPURL(c.ReturnURL); err != nil {
		return &Error{"FINGRAPH_ONBOARDING_RETURN_URL", err.Error()}
	}
	if c.MaxUploadBytes < c.MaxBodyBytes {
		return &Error{"FINGRAPH_MAX_UPLOAD_BYTES", "must be at least FINGRAPH_MAX_BODY_BYTES"}
	}
	if c.UploadTimeout <= 0 {
		return &Error{"FINGRAPH_UPLOAD_TIMEOUT", "must be positive"}
	}
	if err := checkOrigins(c.CORSOrigins); err != nil {
		return &Error{"FINGRAPH_CORS_ORIGINS", err.Error()}
	}
	if c.MaxSubscriptions < 1 || c.MaxConnections < 1 {
		return &Error{"FINGRAPH_MAX_SUBSCRIPTIONS", "and FINGRAPH_MAX_CONNECTIONS must be at least 1"}
	}
	if c.MaxWebhookBytes < 1024 {
		return &Error{"FINGRAPH_MAX_WEBHOOK_BYTES", "must be at least 1024"}
	}
	return nil
}

// CheckHTTPURL returns an error unless s is an absolute http(s) URL.
func CheckHTTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("must be an http(s) URL, not %q", s)
	}
	return nil
}

// checkOrigins accepts "*" or origins as browsers send them:
// scheme://host[:port], no path, at most one "*".
func checkOrigins(list []string) error {
	for _, o := range list {
		if o == "*" {
			continue
		}
		probe := strings.Replace(strings.Replace(o, ":*", ":1", 1), "*", "x", 1) // a wildcard port or label
		u, err := url.Parse(probe)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") ||
			u.RawQuery != "" || strings.Count(o, "*") > 1 {
			return fmt.Errorf("%q is not an origin like https://app.example.com", o)
		}
	}
	return nil
}
