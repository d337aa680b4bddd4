package flinks

import (
	"context"
	"errors"
	"net/http"
)

// AccountsSummary is the answer of GetAccountsSummary: the same envelope
// as AccountsDetail, with accounts that carry no transactions but add
// EftEligibleRatio and ETransferEligibleRatio
// (https://help.flinks.com/support/solutions/articles/43000705318).
type AccountsSummary = AccountsDetail

// accountsSummaryRequest is the body of /GetAccountsSummary.
type accountsSummaryRequest struct {
	RequestID   string `json:"RequestId"`
	WithBalance bool   `json:"WithBalance"`
}

// GetAccountsSummary returns a session's accounts and balances without
// transactions. Like GetAccountsDetail it may answer 202
// (ErrOperationPending); poll GetAccountsSummaryAsync then.
//
// POST .../BankingServices/GetAccountsSummary {RequestId, WithBalance: true}
// with x-api-key. A read: retried on 408/425/429/5xx and network errors.
func (c *Client) GetAccountsSummary(ctx context.Context, requestID string) (*AccountsSummary, error) {
	if requestID == "" {
		return nil, errors.New("flinks: GetAccountsSummary needs a RequestId")
	}
	r := &request{
		method: http.MethodPost, path: "/BankingServices/GetAccountsSummary",
		label:  "POST /BankingServices/GetAccountsSummary",
		body:   &accountsSummaryRequest{RequestID: requestID, WithBalance: true},
		header: c.dataHeader(), idempotent: true,
	}
	return c.accountsDetail(ctx, r)
}

// GetAccountsSummaryAsync polls a pending GetAccountsSummary once
// (https://docs.flinks.com/reference/getaccountssummaryasync).
//
// GET .../BankingServices/GetAccountsSummaryAsync/{requestId} with
// x-api-key; retried like GetAccountsSummary.
func (c *Client) GetAccountsSummaryAsync(ctx context.Context, requestID string) (*AccountsSummary, error) {
	id, err := pathID("RequestId", requestID)
	if err != nil {
		return nil, err
	}
	r := &request{
		method: http.MethodGet, path: "/BankingServices/GetAccountsSummaryAsync/" + id,
		label:  "GET /BankingServices/GetAccountsSummaryAsync/{requestId}",
		header: c.dataHeader(), idempotent: true,
	}
	return c.accountsDetail(ctx, r)
}
