package finqware

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fingraph/fingraph/providers/guard"
	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// DefaultBaseURL is the Finqware API base with API keys in the body
// (https://docs.finqware.com/dev-guide/signing-api-requests).
const DefaultBaseURL = "https://api.finqware.com/v1"

// Default paths, relative to the base URL.
const (
	// DefaultTokenPath is the seed's token exchange path; the public docs
	// use "/tokens" (https://docs.finqware.com/api/tokens).
	DefaultTokenPath = "/token"
	// DefaultCatalogPath is the assumed Catalog API path (the Catalog API is
	// listed in the docs but its content is not published).
	DefaultCatalogPath = "/skills/get"
)

const (
	defaultHTTPTimeout = 30 * time.Second
	defaultUserAgent   = "fingraph-finqware/1"
	// clientName names the client to a guard.Observer.
	clientName = "finqware"
)

// Client calls the Finqware API. It is safe for concurrent use; all calls
// share one circuit breaker, bulkhead and retry budget (WithGuards).
type Client struct {
	baseURL      string
	httpClient   *http.Client
	callTimeout  time.Duration
	userAgent    string
	clientID     string
	clientSecret string
	clientAppKey string
	tenantUserID string
	tokenPath    string
	catalogPath  string
	policy       guard.Policy
	observer     guard.Observer
	caller       *httpx.Caller

	// now is the clock of the guards and of Retry-After dates; tests
	// replace it (and caller.Sleep, caller.Jitter).
	now func() time.Time
}

// NewClient returns a client for baseURL (DefaultBaseURL when empty).
// WithCredentials is required.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		baseURL:     base,
		userAgent:   defaultUserAgent,
		tokenPath:   DefaultTokenPath,
		catalogPath: DefaultCatalogPath,
		now:         time.Now,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	if c.clientID == "" {
		return nil, errors.New("finqware: WithCredentials is required")
	}
	if c.httpClient == nil {
		c.httpClient = &http.Client{Timeout: defaultHTTPTimeout}
	} else if c.httpClient.Timeout == 0 && c.callTimeout == 0 {
		// Every upstream call must be bounded (reliability.md goal 17).
		c.callTimeout = defaultHTTPTimeout
	}
	now := func() time.Time { return c.now() }
	c.caller = &httpx.Caller{
		HTTP:     c.httpClient,
		Retry:    c.policy.RetryPolicy(),
		Guards:   c.policy.Guards(now),
		Now:      now,
		Name:     clientName,
		Observer: c.observer,
	}
	httpx.Observed(c.observer).Watch(clientName, c.caller.Guards.State)
	return c, nil
}

// String identifies the client without its secrets.
func (c *Client) String() string { return "finqware.Client(" + c.baseURL + ")" }

// GoString keeps secrets out of %#v.
func (c *Client) GoString() string { return c.String() }

// BaseURL returns the API base URL the client calls.
func (c *Client) BaseURL() string { return c.baseURL }

func parseBaseURL(raw string) (string, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("finqware: base URL must be an absolute http(s) URL")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("finqware: base URL must not carry user info, query or fragment")
	}
	return strings.TrimRight(u.String(), "/"), nil
}
