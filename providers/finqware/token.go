package finqware

import (
	"context"
	"errors"
	"time"
)

// Token is the result of a temp_token exchange: the pair that points to and
// authorizes the user's data (https://docs.finqware.com/api/tokens). Store
// both server-side, encrypted; never send AccessToken to a front end.
type Token struct {
	// AccessToken authorizes the data calls for CredentialsID.
	AccessToken string
	// CredentialsID points to the objects the user consented to.
	CredentialsID string
	// ConsentExp is when the consent expires automatically; nil when not
	// sent (the seed's answer has no such field).
	ConsentExp *time.Time
	// MaxDataRetention is when Finqware deletes the cached data; nil when
	// not sent.
	MaxDataRetention *time.Time
}

// Credentials returns the pair as Credentials for the data calls.
func (t *Token) Credentials() Credentials {
	return Credentials{CredentialsID: t.CredentialsID, AccessToken: t.AccessToken}
}

// String keeps the access token out of logs.
func (t Token) String() string { return "finqware.Token{CredentialsID: " + t.CredentialsID + "}" }

// GoString keeps the access token out of %#v.
func (t Token) GoString() string { return t.String() }

type tokenBody struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	TempToken    string `json:"temp_token"`
}

type tokenWire struct {
	AccessToken      string `json:"access_token"`
	CredentialsID    string `json:"credentials_id"`
	ConsentExp       Time   `json:"consent_exp"`
	MaxDataRetention Time   `json:"max_data_retention"`
}

// ExchangeToken exchanges a session's temp_token for an access_token and a
// credentials_id: POST {base}/token (the seed; "/tokens" in the public docs,
// see WithTokenPath) with client_id, client_secret and temp_token. A
// temp_token is single use, so the call is sent once, never retried.
func (c *Client) ExchangeToken(ctx context.Context, tempToken string) (*Token, error) {
	if tempToken == "" {
		return nil, errors.New("finqware: ExchangeToken: empty temp token")
	}
	body := tokenBody{ClientID: c.clientID, ClientSecret: c.clientSecret, TempToken: tempToken}
	var w tokenWire
	r := call{label: c.tokenPath, path: c.tokenPath, body: body, secrets: []string{tempToken}}
	if err := c.do(ctx, r, &w); err != nil {
		return nil, err
	}
	if w.AccessToken == "" || w.CredentialsID == "" {
		return nil, malformed("POST", c.tokenPath, 200, "access_token or credentials_id missing")
	}
	return &Token{AccessToken: w.AccessToken, CredentialsID: w.CredentialsID,
		ConsentExp: w.ConsentExp.Ptr(), MaxDataRetention: w.MaxDataRetention.Ptr()}, nil
}
