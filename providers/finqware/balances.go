package finqware

import (
	"context"
	"encoding/json"

	"github.com/shopspring/decimal"
)

// Balance is one balance of an account (https://docs.finqware.com/api/balances).
type Balance struct {
	ID        string `json:"id"`         // the balance id
	AccountID string `json:"account_id"` // Account.ID
	// Timestamp is when Finqware queried the bank (served naive, as UTC).
	Timestamp Time        `json:"timestamp"`
	Data      BalanceData `json:"data"` // the balance itself
}

// BalanceData is the data object of a balance. Amount is positive as served
// (its scale kept); see SignedAmount.
type BalanceData struct {
	Amount               decimal.Decimal `json:"amount"`                 // positive, as served
	CreditDebitIndicator CreditDebit     `json:"credit_debit_indicator"` // the sign of Amount
	CreditLimitIncluded  bool            `json:"credit_limit_included"`  // Amount includes the credit limit
	// CreditLine is kept raw: its shape is not documented.
	CreditLine json.RawMessage `json:"credit_line,omitempty"`
	Currency   string          `json:"currency"` // ISO 4217
	// NativeDate is the bank's date, given for types such as ClosingBooked.
	NativeDate Time `json:"native_date"`
	// NativeTimestamp is the bank's time, given for interim balances.
	NativeTimestamp Time `json:"native_timestamp"`
	// Type is the ISO 20022 balance type: ClosingAvailable, ClosingBooked,
	// Expected, InterimAvailable, ...
	Type string `json:"type"`
}

// SignedAmount returns the amount with its sign: negative for a debit.
func (b *Balance) SignedAmount() decimal.Decimal {
	return b.Data.CreditDebitIndicator.Signed(b.Data.Amount)
}

// BalanceFilter narrows GetBalances; zero fields do not filter.
type BalanceFilter struct {
	AccountID string `json:"account_id,omitempty"` // Account.ID
	Type      string `json:"type,omitempty"`       // balance type, e.g. "ClosingBooked"
	Currency  string `json:"currency,omitempty"`   // ISO 4217
}

// GetBalances lists the balances behind cred: POST {base}/balances/get
// (https://docs.finqware.com/api/balances). Idempotent: retried on 429/5xx.
func (c *Client) GetBalances(ctx context.Context, cred Credentials, filter *BalanceFilter) ([]Balance, error) {
	body, err := c.dataBody(cred)
	if err != nil {
		return nil, err
	}
	if filter != nil && *filter != (BalanceFilter{}) {
		body.Filter = filter
	}
	var out []Balance
	if err := c.do(ctx, dataCall("/balances/get", body), &out); err != nil {
		return nil, err
	}
	return out, nil
}
