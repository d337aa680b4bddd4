package flinks

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// Webhook signature headers. Flinks sends WebhookSignatureHeader; a newer
// guide reads WebhookSignatureHeaderAlt, so VerifyWebhook accepts either
// (https://docs.flinks.com/reference/hmac,
// https://docs.flinks.com/guides/webhooks/hmac-validation).
const (
	WebhookSignatureHeader    = "flinks-authenticity-key"
	WebhookSignatureHeaderAlt = "X-Flinks-Signature"
)

// Webhook verification errors. Each also matches ErrInvalidWebhook; the
// receiver answers 401 to all of them.
var (
	// ErrInvalidWebhook matches every verification failure.
	ErrInvalidWebhook = errors.New("flinks: invalid webhook")
	// ErrWebhookSecretUnset: no secret is configured; verification fails
	// closed instead of accepting unsigned deliveries.
	ErrWebhookSecretUnset = errors.New("flinks: webhook secret not configured")
	// ErrWebhookSignatureMissing: neither signature header is present.
	ErrWebhookSignatureMissing = errors.New("flinks: webhook signature missing")
	// ErrWebhookSignatureMalformed: the header is not one base64 HMAC-SHA256
	// (e.g. hex, or several values).
	ErrWebhookSignatureMalformed = errors.New("flinks: webhook signature malformed")
	// ErrWebhookSignatureMismatch: the signature does not match the body.
	ErrWebhookSignatureMismatch = errors.New("flinks: webhook signature mismatch")
	// ErrWebhookEmptyBody: an empty body is never a Flinks delivery.
	ErrWebhookEmptyBody = errors.New("flinks: webhook body empty")
)

// webhookError joins a specific reason with ErrInvalidWebhook.
type webhookError struct{ reason error }

func (e *webhookError) Error() string   { return e.reason.Error() }
func (e *webhookError) Unwrap() []error { return []error{ErrInvalidWebhook, e.reason} }

func invalidWebhook(reason error) error { return &webhookError{reason: reason} }

// SignWebhook returns base64(HMAC-SHA256(secret, body)), the value Flinks
// puts in the flinks-authenticity-key header (https://docs.flinks.com/reference/hmac).
func SignWebhook(secret, body []byte) string {
	return base64.StdEncoding.EncodeToString(webhookMAC(secret, body))
}

func webhookMAC(secret, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return m.Sum(nil)
}

// VerifyWebhook checks a delivery's signature over the raw body bytes, as
// received (never re-serialised JSON). It fails closed without a secret,
// requires the flinks-authenticity-key or X-Flinks-Signature header, and
// compares with hmac.Equal only. When both headers are present, both must
// verify. The signature has no timestamp, so it does not stop replays:
// deduplicate on the body (reliability.md goal 2).
func VerifyWebhook(secret []byte, body []byte, header http.Header) error {
	if len(secret) == 0 {
		return invalidWebhook(ErrWebhookSecretUnset)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return invalidWebhook(ErrWebhookEmptyBody)
	}
	var values [][]string
	for _, name := range []string{WebhookSignatureHeader, WebhookSignatureHeaderAlt} {
		if v := header.Values(name); len(v) > 0 {
			values = append(values, v)
		}
	}
	if len(values) == 0 {
		return invalidWebhook(ErrWebhookSignatureMissing)
	}
	want := webhookMAC(secret, body)
	for _, v := range values {
		if len(v) != 1 {
			return invalidWebhook(ErrWebhookSignatureMalformed)
		}
		got, err := decodeSignature(v[0])
		if err != nil {
			return invalidWebhook(ErrWebhookSignatureMalformed)
		}
		if !hmac.Equal(want, got) {
			return invalidWebhook(ErrWebhookSignatureMismatch)
		}
	}
	return nil
}

// decodeSignature decodes a padded standard base64 HMAC-SHA256. A hex
// digest is valid base64 too, but decodes to 48 bytes, so it is refused.
func decodeSignature(v string) ([]byte, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(strings.TrimSpace(v))
	if err != nil || len(b) != sha256.Size {
		return nil, ErrWebhookSignatureMalformed
	}
	return b, nil
}

// Webhook ResponseType values (https://docs.flinks.com/guides/webhooks/introduction).
const (
	WebhookGetAccountsDetail = "GetAccountsDetail"
	WebhookKYC               = "KYC"
	WebhookInvestments       = "Investments"
)

// WebhookEvent is a decoded Flinks webhook delivery. Flinks documents two
// shapes used here (https://docs.flinks.com/guides/webhooks/introduction,
// https://docs.flinks.com/reference/kyc):
//
//   - "GetAccountsDetail": the GetAccountsDetail 200 body plus
//     "ResponseType": {ResponseType, HttpStatusCode, Accounts[], Login{Id,
//     ...}, Institution, RequestId}; Detail holds it.
//   - "KYC": {ResponseType, HttpStatusCode, Holders[{Name, Address, Email,
//     PhoneNumber}], Login{...}, Institution, RequestId}; the fields beyond
//     Holders and Login are assumed to match the detail payload.
//
// LoginID is read from Login.Id, else from a top-level LoginId. Other
// types (Investments, Upload fraud alerts, Pay events) decode with only
// the envelope fields and Raw.
type WebhookEvent struct {
	ResponseType   string
	HTTPStatusCode int
	LoginID        string
	RequestID      string
	Institution    string
	Login          *Login
	// Detail is set for GetAccountsDetail deliveries.
	Detail *AccountsDetail
	// Holders is set for KYC deliveries.
	Holders []Holder
	// Raw is the body as received.
	Raw json.RawMessage
}

// ParseWebhook decodes a delivery's body. Call VerifyWebhook first.
func ParseWebhook(body []byte) (*WebhookEvent, error) {
	var head struct {
		ResponseType   string     `json:"ResponseType"`
		HTTPStatusCode flexInt    `json:"HttpStatusCode"`
		LoginID        string     `json:"LoginId"`
		RequestID      string     `json:"RequestId"`
		Institution    string     `json:"Institution"`
		Login          *Login     `json:"Login"`
		Holders        []Holder   `json:"Holders"`
		Accounts       []Account  `json:"Accounts"`
		InstitutionID  FlexString `json:"InstitutionId"`
		InstName       string     `json:"InstitutionName"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return nil, &APIError{Method: "WEBHOOK", Path: "body", StatusCode: http.StatusOK,
			Message: describeDecodeError(err), sentinels: []error{ErrMalformedResponse, ErrInvalidWebhook}}
	}
	ev := &WebhookEvent{
		ResponseType: head.ResponseType, HTTPStatusCode: int(head.HTTPStatusCode),
		LoginID: head.LoginID, RequestID: head.RequestID, Institution: head.Institution,
		Login: head.Login, Raw: append(json.RawMessage(nil), body...),
	}
	if head.Login != nil && head.Login.ID != "" {
		ev.LoginID = head.Login.ID
	}
	switch head.ResponseType {
	case WebhookGetAccountsDetail:
		ev.Detail = &AccountsDetail{
			HTTPStatusCode: int(head.HTTPStatusCode), Accounts: head.Accounts,
			InstitutionName: head.InstName, Login: head.Login, InstitutionID: head.InstitutionID,
			Institution: head.Institution, RequestID: head.RequestID,
		}
	case WebhookKYC:
		ev.Holders = head.Holders
	}
	return ev, nil
}
