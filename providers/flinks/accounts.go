package flinks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// DaysOfTransactions selects the transaction history of GetAccountsDetail.
type DaysOfTransactions string

// Documented DaysOfTransactions values
// (https://docs.flinks.com/api/connect/endpoints/account-linking/get-accounts-detail).
const (
	Days90  DaysOfTransactions = "Days90"
	Days365 DaysOfTransactions = "Days365"
)

// RefreshDelta asks only for the transactions after TransactionID on
// AccountID.
type RefreshDelta struct {
	AccountID     string `json:"AccountId"`
	TransactionID string `json:"TransactionId"`
}

// AccountsDetailRequest is the body of /GetAccountsDetail. The With* flags
// are always sent, so the zero value asks for accounts only.
type AccountsDetailRequest struct {
	// RequestID comes from Authorize. Required.
	RequestID           string `json:"RequestId"`
	WithAccountIdentity bool   `json:"WithAccountIdentity"`
	WithKYC             bool   `json:"WithKYC"`
	WithTransactions    bool   `json:"WithTransactions"`
	WithBalance         bool   `json:"WithBalance"`
	// DaysOfTransactions is Days90 (Flinks' default when empty) or Days365.
	DaysOfTransactions DaysOfTransactions `json:"DaysOfTransactions,omitempty"`
	// AccountsFilter restricts the answer to these account ids (include the
	// Connect accountId when account selection is on).
	AccountsFilter []string       `json:"AccountsFilter,omitempty"`
	DateFrom       Date           `json:"DateFrom,omitzero"`
	DateTo         Date           `json:"DateTo,omitzero"`
	RefreshDelta   []RefreshDelta `json:"RefreshDelta,omitempty"`
}

// GetAccountsDetail returns a session's accounts, balances, holders and
// transactions
// (https://docs.flinks.com/api/connect/endpoints/account-linking/get-accounts-detail).
//
// While Flinks is still extracting it answers 202: the error then matches
// ErrOperationPending (or ErrOperationDispatched, with the partial data
// returned alongside the error when Flinks sent any), and PendingRequestID
// gives the id to poll with GetAccountsDetailAsync.
//
// POST .../BankingServices/GetAccountsDetail with x-api-key. A read:
// retried on 408/425/429/5xx and network errors.
func (c *Client) GetAccountsDetail(ctx context.Context, req AccountsDetailRequest) (*AccountsDetail, error) {
	if req.RequestID == "" {
		return nil, errors.New("flinks: GetAccountsDetail needs a RequestId")
	}
	if d := req.DaysOfTransactions; d != "" && d != Days90 && d != Days365 {
		return nil, errors.New("flinks: DaysOfTransactions must be Days90 or Days365")
	}
	r := &request{
		method: http.MethodPost, path: "/BankingServices/GetAccountsDetail",
		label: "POST /BankingServices/GetAccountsDetail", body: &req,
		header: c.dataHeader(), idempotent: true,
	}
	return c.accountsDetail(ctx, r)
}

// GetAccountsDetailAsync polls a pending GetAccountsDetail once, without
// blocking: a 200 returns the data, a 202 returns an error matching
// ErrOperationPending (poll again in 10 s, for at most 30 min). This is
// the single poll step the server's durable job runs
// (https://docs.flinks.com/api/connect/endpoints/account-linking/get-accounts-detail-async).
//
// GET .../BankingServices/GetAccountsDetailAsync/{requestId} with
// x-api-key. A read: retried like GetAccountsDetail.
func (c *Client) GetAccountsDetailAsync(ctx context.Context, requestID string) (*AccountsDetail, error) {
	id, err := pathID("RequestId", requestID)
	if err != nil {
		return nil, err
	}
	r := &request{
		method: http.MethodGet, path: "/BankingServices/GetAccountsDetailAsync/" + id,
		label:  "GET /BankingServices/GetAccountsDetailAsync/{requestId}",
		header: c.dataHeader(), idempotent: true,
	}
	return c.accountsDetail(ctx, r)
}

func (c *Client) accountsDetail(ctx context.Context, r *request) (*AccountsDetail, error) {
	var out AccountsDetail
	err := c.do(ctx, r, &out)
	switch {
	case err == nil:
		return &out, nil
	case errors.Is(err, ErrOperationDispatched) && len(out.Accounts) > 0:
		return &out, err
	default:
		return nil, err
	}
}

// dataHeader is the auth of the data endpoints: x-api-key when configured.
func (c *Client) dataHeader() http.Header {
	if c.apiKey == "" {
		return nil
	}
	return http.Header{"X-Api-Key": {c.apiKey}}
}

// Polling defaults of the asynchronous flow
// (https://docs.flinks.com/docs/receive-pending-data).
const (
	DefaultPollInterval = 10 * time.Second
	DefaultPollMaxWait  = 30 * time.Minute
)

// ErrPollTimeout: WaitAccountsDetail gave up after WaitOptions.MaxWait; the
// error also matches the last pending error.
var ErrPollTimeout = errors.New("flinks: gave up waiting for the operation")

// WaitOptions tunes WaitAccountsDetail. Zero fields take the defaults.
type WaitOptions struct {
	// Interval between polls. Default 10 s.
	Interval time.Duration
	// MaxWait bounds the whole wait, by the client's clock. Default 30 min.
	MaxWait time.Duration
}

// WaitAccountsDetail is a blocking convenience for scripts and tests: it
// calls GetAccountsDetail and, while the answer is pending or dispatched,
// polls GetAccountsDetailAsync every Interval (waiting with the client's
// sleeper, see WithSleeper) until data comes, another error, ctx ends, or
// MaxWait passes (ErrPollTimeout). Servers should run GetAccountsDetailAsync
// from a durable job instead.
func (c *Client) WaitAccountsDetail(ctx context.Context, req AccountsDetailRequest, opts WaitOptions) (*AccountsDetail, error) {
	if opts.Interval < 0 || opts.MaxWait < 0 {
		return nil, errors.New("flinks: negative wait option")
	}
	if opts.Interval == 0 {
		opts.Interval = DefaultPollInterval
	}
	if opts.MaxWait == 0 {
		opts.MaxWait = DefaultPollMaxWait
	}
	start := c.now()
	d, err := c.GetAccountsDetail(ctx, req)
	for {
		rid, pending := PendingRequestID(err)
		if !pending {
			return d, err
		}
		if elapsed := c.now().Sub(start); elapsed+opts.Interval > opts.MaxWait {
			return nil, fmt.Errorf("%w after %s: %w", ErrPollTimeout, elapsed.Round(time.Second), err)
		}
		if serr := c.sleep(ctx, opts.Interval); serr != nil {
			return nil, serr
		}
		d, err = c.GetAccountsDetailAsync(ctx, rid)
	}
}
