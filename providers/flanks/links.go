package flanks

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// LinkCode is an unused link code from GET /v0/platform/link
// (https://docs.flanks.io/api-documentation).
type LinkCode struct {
	// Code is exchanged once for a credentials token.
	Code string `json:"code"`
	// LinkToken identifies the Link the user went through.
	LinkToken string `json:"link_token"`
	// Extra holds the custom query parameters set on the Link URL.
	Extra StringMap `json:"extra"`
}

// ListLinkCodesOptions filters GET /v0/platform/link; with no filter all
// pending codes of the company are returned.
type ListLinkCodesOptions struct {
	// ClientID selects one application (which may hold several links).
	ClientID string
	// LinkToken selects one link.
	LinkToken string
}

// ListLinkCodes calls GET /v0/platform/link (https://docs.flanks.io/api-documentation).
func (c *Client) ListLinkCodes(ctx context.Context, opts *ListLinkCodesOptions) ([]LinkCode, error) {
	q := url.Values{}
	var secrets []string
	if opts != nil {
		if opts.ClientID != "" {
			q.Set("client_id", opts.ClientID)
		}
		if opts.LinkToken != "" {
			q.Set("link_token", opts.LinkToken)
			secrets = append(secrets, opts.LinkToken)
		}
	}
	var out []LinkCode
	err := c.do(ctx, &request{
		method: http.MethodGet, path: "/v0/platform/link", query: q,
		auth: true, idempotent: true, secrets: secrets,
	}, &out)
	return out, err
}

// LinkExchange is the answer of POST /v0/platform/link.
type LinkExchange struct {
	Message string `json:"message"`
	// CredentialsToken identifies the new bank credentials.
	CredentialsToken string `json:"credentials_token"`
	// Extra holds the custom query parameters set on the Link URL.
	Extra     StringMap `json:"extra"`
	LinkToken string    `json:"link_token"`
}

// ExchangeLinkCode calls POST /v0/platform/link to trade a one-use link code
// for a credentials token (https://docs.flanks.io/api-documentation).
//
// It is never retried: a resend after a lost response would spend the code
// twice. A 202 Accepted (the token is held back by security checks for up to
// about 72 h) returns an *APIError matching ErrLinkPending.
func (c *Client) ExchangeLinkCode(ctx context.Context, code string) (*LinkExchange, error) {
	if code == "" {
		return nil, errors.New("flanks: link code is required")
	}
	var out LinkExchange
	err := c.do(ctx, &request{
		method: http.MethodPost, path: "/v0/platform/link", auth: true, pending202: true,
		body: struct {
			Code string `json:"code"`
		}{code}, secrets: []string{code},
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}
