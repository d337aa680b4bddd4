// Package flinks is a client for the Flinks Connect data API
// (https://docs.flinks.com/api/connect), the Flinks webhooks
// (https://docs.flinks.com/guides/webhooks/introduction) and the Flinks
// Upload API over mutual TLS
// (https://help.flinks.com/support/solutions/articles/43000785958).
//
// The data API flow in cached mode is: GenerateAuthorizeToken (one-use
// token, 30 min) -> Authorize{LoginId, MostRecentCached: true} -> RequestId
// -> GetAccountsDetail, which answers 202 OPERATION_PENDING while Flinks is
// still extracting; then poll GetAccountsDetailAsync (one non-blocking call,
// every 10 s, for at most 30 min) until it answers 200. Client.Authorize,
// Client.GetAccountsDetail and Client.GetAccountsDetailAsync map each step;
// the 202 answers are errors matching ErrOperationPending or
// ErrOperationDispatched that carry the RequestId (see PendingRequestID).
//
// Every HTTP call goes through one httpx.Caller per client (breaker,
// bulkhead, retry budget, bounded full-jitter retries of idempotent calls);
// see guard.Policy and WithGuards.
//
// The package reads no environment variables. The server passes
// FLINKS_BASE_URL to NewClient and FLINKS_CUSTOMER_ID, FLINKS_SECRET_KEY,
// FLINKS_API_KEY and FLINKS_API_SECRET through options; the Upload API has
// its own UploadConfig (see NewUploadClient).
package flinks

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fingraph/fingraph/providers/guard"
	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// ToolboxBaseURL is the data API base of the public sandbox instance
// "toolbox"; NewClient fills the {customerId} placeholder from
// WithCustomerID (https://docs.flinks.com/docs/receive-data-from-us).
const ToolboxBaseURL = "https://toolbox-api.private.fin.ag/v3/{customerId}"

// ToolboxCustomerID is the customer id of the toolbox instance used in the
// Flinks documentation (https://docs.flinks.com/reference/opening-a-session).
const ToolboxCustomerID = "43387ca6-0391-4c82-857d-70d95f087ecb"

// customerIDPlaceholder is the literal a base URL may carry instead of the
// customer id.
const customerIDPlaceholder = "{customerId}"

const (
	defaultHTTPTimeout = 30 * time.Second
	defaultUserAgent   = "fingraph-flinks/1"
	// clientName and uploadClientName name the clients to a
	// guard.Observer.
	clientName       = "flinks"
	uploadClientName = "flinks_upload"
)

// Client calls the Flinks Connect data API of one instance and customer. It
// is safe for concurrent use; all callers share one breaker, bulkhead and
// retry budget.
type Client struct {
	baseURL     string // .../v3/{customerId}, without a trailing slash
	customerID  string
	secretKey   string // FLINKS_SECRET_KEY: flinks-auth-key of GenerateAuthorizeToken
	apiKey      string // FLINKS_API_KEY: x-api-key of the data endpoints
	apiSecret   string // FLINKS_API_SECRET: Bearer of the fraud analysis
	userAgent   string
	httpClient  *http.Client
	callTimeout time.Duration
	policy      guard.Policy
	observer    guard.Observer
	caller      *httpx.Caller

	now    func() time.Time
	sleep  func(context.Context, time.Duration) error
	jitter func(n int64) int64
}

// NewClient returns a client for the data API base URL baseURL, e.g.
// "https://toolbox-api.private.fin.ag/v3/43387ca6-...". The base may carry
// the customer id already, end in "/v3" (WithCustomerID is then appended),
// or hold the literal "{customerId}" (filled from WithCustomerID).
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	c := &Client{userAgent: defaultUserAgent, now: time.Now, sleep: httpx.Sleep}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	base, err := resolveBaseURL(baseURL, c.customerID)
	if err != nil {
		return nil, err
	}
	c.baseURL = base
	if c.httpClient == nil {
		c.httpClient = &http.Client{Timeout: defaultHTTPTimeout}
	} else if c.httpClient.Timeout == 0 && c.callTimeout == 0 {
		// Every upstream call must be bounded (reliability.md goal 17).
		c.callTimeout = defaultHTTPTimeout
	}
	now := func() time.Time { return c.now() }
	c.caller = &httpx.Caller{
		HTTP:   c.httpClient,
		Retry:  c.policy.RetryPolicy(),
		Guards: c.policy.Guards(now),
		Now:    now,
		Sleep:  func(ctx context.Context, d time.Duration) error { return c.sleep(ctx, d) },
		Jitter: func(n int64) int64 { return c.jitterN(n) },
		Name:   clientName, Observer: c.observer,
	}
	httpx.Observed(c.observer).Watch(clientName, c.caller.Guards.State)
	return c, nil
}

// jitterN draws the full-jitter delay: uniform in [0, n).
func (c *Client) jitterN(n int64) int64 {
	if c.jitter != nil {
		return c.jitter(n)
	}
	return rand.Int64N(n)
}

// BaseURL returns the resolved data API base, ".../v3/{customerId}".
func (c *Client) BaseURL() string { return c.baseURL }

// String identifies the client without its secrets.
func (c *Client) String() string { return "flinks.Client(" + c.baseURL + ")" }

// GoString keeps secrets out of %#v.
func (c *Client) GoString() string { return c.String() }

// resolveBaseURL validates raw and places the customer id in it.
func resolveBaseURL(raw, customerID string) (string, error) {
	if strings.TrimSpace(raw) == "" {
		return "", errors.New("flinks: base URL is required")
	}
	if strings.Contains(raw, customerIDPlaceholder) {
		if customerID == "" {
			return "", errors.New("flinks: base URL holds {customerId} but no customer id was given")
		}
		raw = strings.ReplaceAll(raw, customerIDPlaceholder, url.PathEscape(customerID))
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("flinks: base URL must be an absolute http(s) URL")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("flinks: base URL must not carry user info, query or fragment")
	}
	path := strings.TrimRight(u.Path, "/")
	segs := strings.Split(path, "/")
	last := segs[len(segs)-1]
	switch {
	case strings.EqualFold(last, "v3"):
		if customerID == "" {
			return "", errors.New("flinks: base URL ends in /v3 but no customer id was given")
		}
		path += "/" + url.PathEscape(customerID)
	case customerID != "" && !strings.EqualFold(last, customerID):
		return "", errors.New("flinks: base URL names a different customer id than WithCustomerID")
	}
	u.Path, u.RawPath = path, ""
	return u.String(), nil
}

// withCallTimeout applies WithTimeout to one method call.
func (c *Client) withCallTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.callTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.callTimeout)
}
