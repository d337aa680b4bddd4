// Package flanks is a client for the Flanks v0 aggregation API
// (https://docs.flanks.io/api-documentation): OAuth token, credentials
// status and lifecycle, aggregation reads, link codes and entities, with
// optional JWE request encryption.
//
// The package reads no environment variables; the server's config passes
// FLANKS_BASE_URL, FLANKS_CLIENT_ID and FLANKS_CLIENT_SECRET to NewClient.
package flanks

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fingraph/fingraph/providers/guard"
	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// DefaultBaseURL is the Flanks API host (https://docs.flanks.io/api-documentation).
const DefaultBaseURL = "https://api.flanks.io"

// DefaultJWKSURL publishes the keys accepted for request encryption
// (https://docs.flanks.io/pages/flanks-apis/request-encryption).
const DefaultJWKSURL = "https://api.flanks.io/.well-known/jwks.json"

const (
	defaultHTTPTimeout = 30 * time.Second
	defaultUserAgent   = "fingraph-flanks/1"
	// clientName names the client to a guard.Observer.
	clientName = "flanks"
)

// Client calls the Flanks API. It is safe for concurrent use; all callers
// share one cached access token, and one circuit breaker, bulkhead and
// retry budget (see WithBreaker, WithBulkhead, WithRetryBudget).
type Client struct {
	baseURL     string
	httpClient  *http.Client
	callTimeout time.Duration
	userAgent   string
	creds       appCredentials
	retry       RetryPolicy
	jwe         *keyCache
	tokens      tokenCache
	policies    guardPolicies
	guards      guards
	observer    guard.Observer

	// Replaced by tests so no test sleeps or depends on the wall clock.
	now    func() time.Time
	sleep  func(context.Context, time.Duration) error
	jitter func(n int64) int64
}

// appCredentials are the App secrets for POST /v0/token.
type appCredentials struct {
	clientID, clientSecret string
	username, password     string
}

// NewClient returns a client for baseURL (DefaultBaseURL when empty).
// WithClientCredentials is required.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		baseURL:   base,
		userAgent: defaultUserAgent,
		retry:     RetryPolicy{}.withDefaults(),
		now:       time.Now,
		sleep:     httpx.Sleep,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.creds.clientID == "" {
		return nil, errors.New("flanks: client credentials are required")
	}
	if c.httpClient == nil {
		c.httpClient = &http.Client{Timeout: defaultHTTPTimeout}
	} else if c.httpClient.Timeout == 0 && c.callTimeout == 0 {
		// Every upstream call must be bounded (reliability.md goal 17).
		c.callTimeout = defaultHTTPTimeout
	}
	c.guards = c.newGuards(c.policies)
	httpx.Observed(c.observer).Watch(clientName, c.guards.state)
	return c, nil
}

// String identifies the client without its secrets.
func (c *Client) String() string { return "flanks.Client(" + c.baseURL + ")" }

// GoString keeps secrets out of %#v.
func (c *Client) GoString() string { return c.String() }

func parseBaseURL(raw string) (string, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("flanks: base URL must be an absolute http(s) URL")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("flanks: base URL must not carry user info, query or fragment")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// withCallTimeout applies WithTimeout to one method call.
func (c *Client) withCallTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.callTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.callTimeout)
}
