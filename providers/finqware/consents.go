package finqware

import (
	"context"
	"encoding/json"
	"errors"
)

// ConsentStatus is the status of a consent (https://docs.finqware.com/api/consents).
type ConsentStatus string

// The consent statuses.
const (
	ConsentActive  ConsentStatus = "ACTIVE"
	ConsentDeleted ConsentStatus = "DELETED"
	ConsentExpired ConsentStatus = "EXPIRED"
)

// Consent describes the consent behind a credentials_id.
type Consent struct {
	CredentialsID string        `json:"credentials_id"` // the consent's credentials_id
	Status        ConsentStatus `json:"status"`         // ACTIVE, DELETED or EXPIRED
	// ConsentExp is when the consent expires; zero when not set.
	ConsentExp Time `json:"consent_exp"`
	// MaxDataRetention is when the cached data is deleted; zero when not set.
	MaxDataRetention Time          `json:"max_data_retention"`
	Originator       Originator    `json:"originator"`      // the skill and bank behind it
	TenantAppInfo    TenantAppInfo `json:"tenant_app_info"` // the tenant app holding it
	UTCCreated       Time          `json:"utc_created"`     // creation time
	UTCLastUpdate    Time          `json:"utc_last_update"` // last status change
}

// Originator is where a consent comes from.
type Originator struct {
	Country  string `json:"country"`  // ISO 3166 alpha-2
	Servicer string `json:"servicer"` // the bank
	Skill    string `json:"skill"`    // the skill name
}

// TenantAppInfo names the tenant app that holds a consent.
type TenantAppInfo struct {
	ClientID string `json:"client_id"` // the tenant app's client_id
	Name     string `json:"name"`      // the tenant app's name
}

// consentEnvelope is {op_type, code, http, message, result}.
type consentEnvelope struct {
	OpType  string          `json:"op_type"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Result  json.RawMessage `json:"result"`
}

// DeleteConsentOptions tunes DeleteConsent.
type DeleteConsentOptions struct {
	// PCDDataRetention is how many minutes Finqware keeps the cached data
	// (pcd_data_retention); 0 deletes it at once; nil keeps the default.
	PCDDataRetention *int
}

// GetConsent returns the consent behind cred: POST {base}/consents/get
// (https://docs.finqware.com/api/consents). It answers for expired and
// deleted consents too. Idempotent: retried on 429/5xx.
func (c *Client) GetConsent(ctx context.Context, cred Credentials) (*Consent, error) {
	body, err := c.dataBody(cred)
	if err != nil {
		return nil, err
	}
	return c.consentCall(ctx, dataCall("/consents/get", body), nil)
}

// DeleteConsent revokes the consent behind cred: POST {base}/consents/delete
// (https://docs.finqware.com/api/consents); ACTIVE becomes DELETED. The
// upstream is idempotent, but the call is sent once, never retried. When
// Finqware answers 2xx without a result, the returned Consent holds only
// CredentialsID and Status DELETED.
func (c *Client) DeleteConsent(ctx context.Context, cred Credentials, opts *DeleteConsentOptions) (*Consent, error) {
	body, err := c.dataBody(cred)
	if err != nil {
		return nil, err
	}
	if opts != nil && opts.PCDDataRetention != nil {
		if *opts.PCDDataRetention < 0 {
			return nil, errors.New("finqware: DeleteConsent: negative pcd_data_retention")
		}
		body.PCDDataRetention = opts.PCDDataRetention
	}
	r := dataCall("/consents/delete", body)
	r.idempotent, r.allowEmpty = false, true
	return c.consentCall(ctx, r, &Consent{CredentialsID: cred.CredentialsID, Status: ConsentDeleted})
}

// consentCall decodes the envelope's result; fallback answers an envelope
// without one (nil: malformed).
func (c *Client) consentCall(ctx context.Context, r call, fallback *Consent) (*Consent, error) {
	var env consentEnvelope
	if err := c.do(ctx, r, &env); err != nil {
		return nil, err
	}
	if len(env.Result) == 0 || string(env.Result) == "null" {
		if fallback != nil {
			return fallback, nil
		}
		return nil, malformed("POST", r.label, 200, "result missing")
	}
	var out Consent
	if err := json.Unmarshal(env.Result, &out); err != nil {
		return nil, malformed("POST", r.label, 200, describeDecodeError(err))
	}
	return &out, nil
}
