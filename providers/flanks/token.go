package flanks

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// defaultTokenLifetime applies when /v0/token omits expires_in.
const defaultTokenLifetime = 10 * time.Minute

// maxRenewMargin is how early a token is renewed at most; shorter tokens
// renew 10 % early.
const maxRenewMargin = time.Minute

// tokenCache holds the one access token all callers share: one legacy doc
// version says a new token invalidates the previous one, so minting one per
// caller would log the others out.
type tokenCache struct {
	mu      sync.Mutex
	token   string
	renewAt time.Time
	group   singleflight.Group
}

// tokenRequest is the JSON body of POST /v0/token
// (https://docs.flanks.io/api-documentation).
type tokenRequest struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	GrantType    string `json:"grant_type"`
	Username     string `json:"username,omitempty"`
	Password     string `json:"password,omitempty"`
}

// tokenResponse is the answer of POST /v0/token.
type tokenResponse struct {
	AccessToken string     `json:"access_token"`
	ExpiresIn   FlexString `json:"expires_in"`
	TokenType   string     `json:"token_type"`
}

func (t *tokenCache) valid(now time.Time) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.token, t.token != "" && now.Before(t.renewAt)
}

func (t *tokenCache) current() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.token
}

func (t *tokenCache) store(token string, now time.Time, lifetime time.Duration) {
	margin := min(maxRenewMargin, lifetime/10)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.token, t.renewAt = token, now.Add(lifetime-margin)
}

// invalidate drops tok if it is still the cached token, so a burst of 401s
// for the same token triggers a single renewal.
func (t *tokenCache) invalidate(tok string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token == tok {
		t.token, t.renewAt = "", time.Time{}
	}
}

// token returns the cached access token, fetching it at most once for all
// concurrent callers.
func (c *Client) token(ctx context.Context) (string, error) {
	if tok, ok := c.tokens.valid(c.now()); ok {
		return tok, nil
	}
	ch := c.tokens.group.DoChan("token", func() (any, error) {
		if tok, ok := c.tokens.valid(c.now()); ok {
			return tok, nil
		}
		// Detached from the first caller so its cancellation does not fail
		// the others waiting on the same fetch.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cmp.Or(c.callTimeout, defaultHTTPTimeout))
		defer cancel()
		return c.fetchToken(fctx)
	})
	select {
	case <-ctx.Done():
		return "", fmt.Errorf("flanks: access token: %w", ctx.Err())
	case res := <-ch:
		if res.Err != nil {
			return "", res.Err
		}
		return res.Val.(string), nil
	}
}

// fetchToken calls POST /v0/token and caches the result.
func (c *Client) fetchToken(ctx context.Context) (string, error) {
	body := tokenRequest{ClientID: c.creds.clientID, ClientSecret: c.creds.clientSecret, GrantType: "client_credentials"}
	if c.creds.username != "" {
		body.GrantType, body.Username, body.Password = "password", c.creds.username, c.creds.password
	}
	var resp tokenResponse
	// Exempt from the retry budget: the fetch is single-flighted, so its
	// retries cannot multiply load, and every waiting caller depends on it.
	r := &request{method: http.MethodPost, path: "/v0/token", body: body, idempotent: true, unbudgeted: true}
	if err := c.do(ctx, r, &resp); err != nil {
		return "", err
	}
	if resp.AccessToken == "" {
		return "", c.malformed(r, http.StatusOK, "missing access_token")
	}
	c.tokens.store(resp.AccessToken, c.now(), tokenLifetime(resp.ExpiresIn))
	return resp.AccessToken, nil
}

// tokenLifetime reads expires_in seconds (36000 and 3600 are both seen).
func tokenLifetime(v FlexString) time.Duration {
	whole, _, _ := strings.Cut(string(v), ".")
	secs, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || secs <= 0 {
		return defaultTokenLifetime
	}
	return time.Duration(min(secs, int64(30*24*time.Hour/time.Second))) * time.Second
}
