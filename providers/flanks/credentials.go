package flanks

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"strconv"
)

// errNoCredentialsToken rejects calls that would send an empty token.
var errNoCredentialsToken = errors.New("flanks: credentials token is required")

// CredentialsStatus is the state of one set of bank credentials, from
// POST /v0/bank/credentials/status
// (https://docs.flanks.io/pages/flanks-apis/credentials-api). Poll it on the
// Created flags you need.
type CredentialsStatus struct {
	// Pending is false once the initial extraction finished, with or without errors.
	Pending bool `json:"pending"`
	// Blocked is true when the credentials no longer allow a login.
	Blocked bool `json:"blocked"`
	// ResetToken is set when blocked or after ForceReset.
	ResetToken *string `json:"reset_token"`
	// SCAToken is set when the bank needs SCA (2FA).
	SCAToken *string `json:"sca_token"`
	// TransactionToken is set after ForceTransaction.
	TransactionToken *string `json:"transaction_token"`
	// LastTransactionDate is the date of the last transaction retrieved.
	LastTransactionDate Date `json:"last_transaction_date"`
	// Name is the bank identifier.
	Name string `json:"name"`
	// CreatedAt is when the credentials token was created.
	CreatedAt Timestamp `json:"created_at_timestamp"`
	// LastUpdate is the day the last extraction finished.
	LastUpdate Date `json:"last_update"`
	// Time is the UTC hour ("HH:MM") the last extraction finished.
	Time string `json:"time"`
	// LastUpdateAt is when the last extraction finished.
	LastUpdateAt Timestamp `json:"last_update_timestamp"`
	// Errored flags the data an extraction error affected.
	Errored ExtractionFlags `json:"errored"`
	// Created flags the data whose extraction finished (with or without error).
	Created ExtractionFlags `json:"created"`
}

// ExtractionFlags is the shape of the status `errored` and `created` objects.
type ExtractionFlags struct {
	// Product flags product extractions.
	Product ProductFlags `json:"product"`
	// Transactions flags transaction extractions; Flanks names the key
	// "transaction" or "transactions" depending on the doc version.
	Transactions TransactionFlags `json:"transaction"`
}

// UnmarshalJSON accepts both "transaction" and "transactions".
func (f *ExtractionFlags) UnmarshalJSON(b []byte) error {
	var w struct {
		Product      ProductFlags      `json:"product"`
		Transaction  *TransactionFlags `json:"transaction"`
		Transactions *TransactionFlags `json:"transactions"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*f = ExtractionFlags{Product: w.Product}
	switch {
	case w.Transaction != nil:
		f.Transactions = *w.Transaction
	case w.Transactions != nil:
		f.Transactions = *w.Transactions
	}
	return nil
}

// ProductFlags has one flag per product extraction.
type ProductFlags struct {
	Auth       bool `json:"auth"`
	Account    bool `json:"account"`
	Card       bool `json:"card"`
	Portfolio  bool `json:"portfolio"`
	Investment bool `json:"investment"`
	Liability  bool `json:"liability"`
	Holders    bool `json:"holders"`
}

// TransactionFlags has one flag per transaction extraction.
type TransactionFlags struct {
	Account    bool `json:"account"`
	Card       bool `json:"card"`
	Investment bool `json:"investment"`
	Liability  bool `json:"liability"`
}

// credentialsRequest is the {credentials_token} body.
type credentialsRequest struct {
	CredentialsToken string `json:"credentials_token"`
}

// GetCredentialsStatus calls POST /v0/bank/credentials/status
// (https://docs.flanks.io/pages/flanks-apis/credentials-api).
func (c *Client) GetCredentialsStatus(ctx context.Context, credentialsToken string) (*CredentialsStatus, error) {
	if credentialsToken == "" {
		return nil, errNoCredentialsToken
	}
	var out CredentialsStatus
	err := c.do(ctx, &request{
		method: http.MethodPost, path: "/v0/bank/credentials/status", auth: true, idempotent: true,
		body: credentialsRequest{credentialsToken}, secrets: []string{credentialsToken},
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Force selects the flow forced by UpdateCredentialsStatus.
type Force string

// Forceable flows (https://docs.flanks.io/pages/flanks-apis/credentials-api).
const (
	// ForceSCA sets sca_token and waits for an SCA login, then updates the data.
	ForceSCA Force = "sca"
	// ForceReset sets reset_token so the user can re-enter changed bank
	// credentials under the same credentials_token.
	ForceReset Force = "reset"
	// ForceTransaction enables the transaction_token flow, which lets Flanks
	// read account transactions older than 90 days.
	ForceTransaction Force = "transaction"
)

// ForceResult carries the token of the forced flow, to hand to Link.
type ForceResult struct {
	SCAToken         string `json:"sca_token"`
	ResetToken       string `json:"reset_token"`
	TransactionToken string `json:"transaction_token"`

	force Force
}

// Token returns the token matching the forced flow.
func (r *ForceResult) Token() string {
	switch r.force {
	case ForceSCA:
		return r.SCAToken
	case ForceReset:
		return r.ResetToken
	default:
		return r.TransactionToken
	}
}

// forceRequest is the PUT status body.
type forceRequest struct {
	CredentialsToken string `json:"credentials_token"`
	Force            Force  `json:"force"`
}

// UpdateCredentialsStatus calls PUT /v0/bank/credentials/status to force an
// SCA, reset or transaction flow. It needs user interaction and stops the
// automatic updates (https://docs.flanks.io/pages/flanks-apis/credentials-api).
func (c *Client) UpdateCredentialsStatus(ctx context.Context, credentialsToken string, force Force) (*ForceResult, error) {
	if credentialsToken == "" {
		return nil, errNoCredentialsToken
	}
	if force != ForceSCA && force != ForceReset && force != ForceTransaction {
		return nil, errors.New("flanks: force must be sca, reset or transaction")
	}
	out := ForceResult{}
	err := c.do(ctx, &request{
		method: http.MethodPut, path: "/v0/bank/credentials/status", auth: true, idempotent: true,
		body: forceRequest{credentialsToken, force}, secrets: []string{credentialsToken},
	}, &out)
	if err != nil {
		return nil, err
	}
	out.force = force
	return &out, nil
}

// DeleteCredentialsResult is the answer of DELETE /v0/bank/credentials.
type DeleteCredentialsResult struct {
	// Message is the server's confirmation, if any.
	Message string `json:"message"`
}

// DeleteCredentials calls DELETE /v0/bank/credentials (JSON body). Flanks then
// deletes the credentials and all their data, which cannot be retrieved
// afterwards (https://docs.flanks.io/pages/flanks-apis/credentials-api).
func (c *Client) DeleteCredentials(ctx context.Context, credentialsToken string) (*DeleteCredentialsResult, error) {
	if credentialsToken == "" {
		return nil, errNoCredentialsToken
	}
	var out DeleteCredentialsResult
	err := c.do(ctx, &request{
		method: http.MethodDelete, path: "/v0/bank/credentials", auth: true, idempotent: true, allowEmpty: true,
		body: credentialsRequest{credentialsToken}, secrets: []string{credentialsToken},
	}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CredentialsItem is one active credentials token of the company.
type CredentialsItem struct {
	CredentialsToken string     `json:"credentials_token"`
	ExternalID       string     `json:"external_id"`
	Bank             string     `json:"bank"`
	Status           FlexString `json:"status"`
}

// CredentialsPage is one page of POST /v0/bank/credentials/list.
type CredentialsPage struct {
	Items []CredentialsItem
	// Page is this page's number (1-based); Pages the total.
	Page, Pages int
}

// credentialsPageWire tolerates page numbers sent as strings and the
// "credentials" key of some SDKs.
type credentialsPageWire struct {
	Items       []CredentialsItem `json:"items"`
	Credentials []CredentialsItem `json:"credentials"`
	Page        FlexString        `json:"page"`
	Pages       FlexString        `json:"pages"`
}

// ListCredentialsPage calls POST /v0/bank/credentials/list for one page
// (1-based) (https://docs.flanks.io/pages/flanks-apis/credentials-api).
func (c *Client) ListCredentialsPage(ctx context.Context, page int) (*CredentialsPage, error) {
	var w credentialsPageWire
	err := c.do(ctx, &request{
		method: http.MethodPost, path: "/v0/bank/credentials/list", auth: true, idempotent: true,
		body: struct {
			Page int `json:"page"`
		}{max(page, 1)},
	}, &w)
	if err != nil {
		return nil, err
	}
	p := &CredentialsPage{Items: append(w.Items, w.Credentials...)}
	p.Page, _ = strconv.Atoi(string(w.Page))
	p.Pages, _ = strconv.Atoi(string(w.Pages))
	return p, nil
}

// ListCredentials iterates over every page of POST /v0/bank/credentials/list.
// It stops at the first error, which it yields.
func (c *Client) ListCredentials(ctx context.Context) iter.Seq2[CredentialsItem, error] {
	return func(yield func(CredentialsItem, error) bool) {
		for page := 1; ; {
			p, err := c.ListCredentialsPage(ctx, page)
			if err != nil {
				yield(CredentialsItem{}, err)
				return
			}
			for _, it := range p.Items {
				if !yield(it, nil) {
					return
				}
			}
			next := max(p.Page, page) + 1
			if len(p.Items) == 0 || next > p.Pages {
				return
			}
			page = next
		}
	}
}
