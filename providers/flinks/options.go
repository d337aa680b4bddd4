package flinks

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/fingraph/fingraph/providers/guard"
)

// Option configures a Client; NewClient rejects invalid values.
type Option func(*Client) error

// WithCustomerID sets the Flinks customer id (FLINKS_CUSTOMER_ID), used to
// fill or check the base URL's /v3/{customerId}
// (https://docs.flinks.com/docs/receive-data-from-us).
func WithCustomerID(id string) Option {
	return func(c *Client) error {
		if err := checkHeaderValue(id); err != nil || strings.ContainsAny(id, "/?#") {
			return errors.New("flinks: invalid customer id")
		}
		c.customerID = id
		return nil
	}
}

// WithSecretKey sets the secret key (FLINKS_SECRET_KEY) sent as
// flinks-auth-key to /GenerateAuthorizeToken. With it, Authorize fetches a
// one-use authorize token by itself when the request has none
// (https://docs.flinks.com/guides/connect/authentication-reference).
func WithSecretKey(key string) Option {
	return func(c *Client) error {
		if err := checkHeaderValue(key); err != nil {
			return errors.New("flinks: invalid secret key")
		}
		c.secretKey = key
		return nil
	}
}

// WithAPIKey sets the x-api-key header (FLINKS_API_KEY) of the data
// endpoints: GetAccountsDetail(Async), GetAccountsSummary(Async) and
// DeleteCard. Without it the header is not sent, as in the legacy examples
// (https://docs.flinks.com/guides/connect/authentication-reference).
func WithAPIKey(key string) Option {
	return func(c *Client) error {
		if err := checkHeaderValue(key); err != nil {
			return errors.New("flinks: invalid api key")
		}
		c.apiKey = key
		return nil
	}
}

// WithAPISecret sets the API secret key (FLINKS_API_SECRET) sent as
// "Authorization: Bearer" to the Upload fraud analysis endpoint
// (https://docs.flinks.com/api/upload/endpoints/fraud/fraud-analysis).
func WithAPISecret(secret string) Option {
	return func(c *Client) error {
		if err := checkHeaderValue(secret); err != nil {
			return errors.New("flinks: invalid api secret")
		}
		c.apiSecret = secret
		return nil
	}
}

// WithHTTPClient sets the HTTP client (transport, proxies). Without it the
// client uses its own http.Client with a 30 s timeout; a client without a
// Timeout gets a 30 s per-call deadline instead.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("flinks: nil http client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTimeout bounds every method call, retries included, unless the
// caller's context ends sooner. Zero keeps the default.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return errors.New("flinks: negative timeout")
		}
		c.callTimeout = d
		return nil
	}
}

// WithGuards sets the breaker, bulkhead, retry budget and retry policy
// (reliability.md goals 18 and 19). The zero Policy gives the defaults.
func WithGuards(p guard.Policy) Option {
	return func(c *Client) error {
		if err := p.Validate(); err != nil {
			return err
		}
		c.policy = p
		return nil
	}
}

// WithObserver reports every call, retry and the state of the guards to
// obs (the server's metrics), under the name "flinks".
func WithObserver(obs guard.Observer) Option {
	return func(c *Client) error {
		c.observer = obs
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if strings.TrimSpace(ua) == "" || checkHeaderValue(ua) != nil {
			return errors.New("flinks: invalid user agent")
		}
		c.userAgent = ua
		return nil
	}
}

// WithClock replaces the clock of the guards and of WaitAccountsDetail
// (tests, simulations).
func WithClock(now func() time.Time) Option {
	return func(c *Client) error {
		if now == nil {
			return errors.New("flinks: nil clock")
		}
		c.now = now
		return nil
	}
}

// WithSleeper replaces how the client waits between retries and between
// WaitAccountsDetail polls; it must return early with ctx.Err() when ctx
// ends. Tests pass one that advances a fake clock.
func WithSleeper(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) error {
		if sleep == nil {
			return errors.New("flinks: nil sleeper")
		}
		c.sleep = sleep
		return nil
	}
}

// checkHeaderValue rejects values that could split a header.
func checkHeaderValue(v string) error {
	if v == "" || strings.ContainsAny(v, "\r\n\x00") {
		return errors.New("invalid header value")
	}
	return nil
}
