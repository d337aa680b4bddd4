package finqware

import (
	"errors"
	"strings"
)

// Credentials identify one user consent on the data and consent calls: the
// pair returned by ExchangeToken (https://docs.finqware.com/overview/security-model/user-level-elements).
type Credentials struct {
	// CredentialsID points to the consented objects.
	CredentialsID string
	// AccessToken authorizes access to them. Secret: server-side only.
	AccessToken string
	// TenantUserID is your end-user id; sent when set (or set by
	// WithTenantUserID). The current API requires it on data calls.
	TenantUserID string
}

// String keeps the access token out of logs.
func (c Credentials) String() string { return "finqware.Credentials{" + c.CredentialsID + "}" }

// GoString keeps the access token out of %#v.
func (c Credentials) GoString() string { return c.String() }

// dataBody is the common body of the data and consent calls: {client_id,
// client_secret, credentials_id, access_token, tenant_user_id, filter}
// (https://docs.finqware.com/api/accounts).
type dataBody struct {
	ClientID         string `json:"client_id"`
	ClientSecret     string `json:"client_secret"`
	CredentialsID    string `json:"credentials_id"`
	AccessToken      string `json:"access_token"`
	TenantUserID     string `json:"tenant_user_id,omitempty"`
	Filter           any    `json:"filter,omitempty"`
	PCDDataRetention *int   `json:"pcd_data_retention,omitempty"`
}

func (c *Client) dataBody(cred Credentials) (dataBody, error) {
	if strings.TrimSpace(cred.CredentialsID) == "" || cred.AccessToken == "" {
		return dataBody{}, errors.New("finqware: credentials id and access token are required")
	}
	return dataBody{ClientID: c.clientID, ClientSecret: c.clientSecret, CredentialsID: cred.CredentialsID,
		AccessToken: cred.AccessToken, TenantUserID: c.tenant(cred.TenantUserID)}, nil
}

// dataCall builds an idempotent read of the data API.
func dataCall(path string, body dataBody) call {
	return call{label: path, path: path, body: body, idempotent: true, secrets: []string{body.AccessToken}}
}
