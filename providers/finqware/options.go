package finqware

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/fingraph/fingraph/providers/guard"
)

// Option configures a Client; NewClient rejects invalid values.
type Option func(*Client) error

// WithCredentials sets the tenant app's client_id, client_secret and
// client_app_key from the developer portal
// (https://docs.finqware.com/overview/security-model/tenant-level-elements).
// Required. The client_secret authorizes the server-side calls (token
// exchange, data, consents); the client_app_key authorizes CreateSession and
// ListSkills and may be empty when those are never called.
func WithCredentials(clientID, clientSecret, clientAppKey string) Option {
	return func(c *Client) error {
		if strings.TrimSpace(clientID) == "" || clientSecret == "" {
			return errors.New("finqware: client id and client secret must not be empty")
		}
		c.clientID, c.clientSecret, c.clientAppKey = clientID, clientSecret, clientAppKey
		return nil
	}
}

// WithHTTPClient sets the HTTP client (transport, TLS, proxies). Without it
// the client uses its own http.Client with a 30 s timeout; a client without
// a Timeout gets a 30 s per-call deadline unless WithTimeout sets one.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("finqware: nil http client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTimeout bounds every method call, retries included, unless the
// caller's context ends sooner. Zero disables it.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return errors.New("finqware: negative timeout")
		}
		c.callTimeout = d
		return nil
	}
}

// WithGuards sets the circuit breaker, bulkhead, retry budget and retry
// policy (reliability.md goals 18 and 19). The zero Policy, the default,
// gives the documented defaults.
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
// obs (the server's metrics), under the name "finqware".
func WithObserver(obs guard.Observer) Option {
	return func(c *Client) error {
		c.observer = obs
		return nil
	}
}

// WithTenantUserID sets the tenant_user_id sent when a call does not give
// its own. The seed omits the field; the current API requires it on
// sessions and data calls (https://docs.finqware.com/api/sessions). Per-call
// values (CreateSessionRequest.TenantUserID, Credentials.TenantUserID) win.
func WithTenantUserID(id string) Option {
	return func(c *Client) error {
		if strings.TrimSpace(id) == "" {
			return errors.New("finqware: empty tenant user id")
		}
		c.tenantUserID = id
		return nil
	}
}

// WithTokenPath sets the token exchange path relative to the base URL:
// DefaultTokenPath ("/token", the seed) or "/tokens" (the public docs,
// https://docs.finqware.com/api/tokens).
func WithTokenPath(path string) Option {
	return func(c *Client) error {
		p, err := cleanPath(path)
		if err != nil {
			return err
		}
		c.tokenPath = p
		return nil
	}
}

// WithCatalogPath sets the Catalog API path relative to the base URL
// (DefaultCatalogPath, an assumption: the Catalog API is not published).
func WithCatalogPath(path string) Option {
	return func(c *Client) error {
		p, err := cleanPath(path)
		if err != nil {
			return err
		}
		c.catalogPath = p
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if strings.TrimSpace(ua) == "" || strings.ContainsAny(ua, "\r\n") {
			return errors.New("finqware: invalid user agent")
		}
		c.userAgent = ua
		return nil
	}
}

func cleanPath(p string) (string, error) {
	p = strings.TrimSpace(p)
	if p == "" || strings.ContainsAny(p, "?#\r\n ") || strings.Contains(p, "://") {
		return "", errors.New("finqware: invalid path")
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return p, nil
}
