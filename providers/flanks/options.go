package flanks

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// Option configures a Client; NewClient rejects invalid values.
type Option func(*Client) error

// WithClientCredentials sets the App's client_id and client_secret used by
// POST /v0/token (https://docs.flanks.io/api-documentation). Required.
func WithClientCredentials(id, secret string) Option {
	return func(c *Client) error {
		if strings.TrimSpace(id) == "" || secret == "" {
			return errors.New("flanks: client id and secret must not be empty")
		}
		c.creds.clientID, c.creds.clientSecret = id, secret
		return nil
	}
}

// WithPasswordGrant switches POST /v0/token to the password grant of legacy
// Apps, whose username is the "api email"
// (https://docs.flanks.io/api-documentation). The client credentials are
// still required.
func WithPasswordGrant(username, password string) Option {
	return func(c *Client) error {
		if strings.TrimSpace(username) == "" || password == "" {
			return errors.New("flanks: username and password must not be empty")
		}
		c.creds.username, c.creds.password = username, password
		return nil
	}
}

// WithHTTPClient sets the HTTP client (transport, TLS, proxies). Without it
// the client uses its own http.Client with a 30 s timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("flanks: nil http client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTimeout bounds every method call, retries and token fetch included,
// unless the caller's context ends sooner. Zero disables it.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return errors.New("flanks: negative timeout")
		}
		c.callTimeout = d
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if strings.TrimSpace(ua) == "" || strings.ContainsAny(ua, "\r\n") {
			return errors.New("flanks: invalid user agent")
		}
		c.userAgent = ua
		return nil
	}
}

// RetryPolicy bounds retries of idempotent calls (reliability.md goal 18).
// Zero fields take the defaults.
type RetryPolicy struct {
	// MaxAttempts counts the first try; 1 disables retries. Default and
	// maximum 3.
	MaxAttempts int
	// BaseDelay is the backoff ceiling of the first retry. Default 100 ms.
	BaseDelay time.Duration
	// MaxDelay caps the backoff ceiling. Default 2 s.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After the client waits for; a
	// longer hint ends the call with the typed error. Default 10 s.
	MaxRetryAfter time.Duration
}

const maxAttemptsLimit = 3

// WithRetry sets the retry policy.
func WithRetry(p RetryPolicy) Option {
	return func(c *Client) error {
		if p.MaxAttempts < 0 || p.MaxAttempts > maxAttemptsLimit {
			return errors.New("flanks: retry attempts must be between 1 and 3")
		}
		if p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0 {
			return errors.New("flanks: negative retry delay")
		}
		c.retry = p.withDefaults()
		return nil
	}
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = maxAttemptsLimit
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = 100 * time.Millisecond
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = 2 * time.Second
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = 10 * time.Second
	}
	return p
}

// WithJWE sends every request body as a compact JWE
// (https://docs.flanks.io/pages/flanks-apis/request-encryption).
func WithJWE(cfg JWEConfig) Option {
	return func(c *Client) error {
		cfg, err := cfg.withDefaults()
		if err != nil {
			return err
		}
		c.jwe = newKeyCache(cfg)
		return nil
	}
}
