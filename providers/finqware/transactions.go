package finqware

import (
	"context"
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"
)

// Transaction is one transaction of an account
// (https://docs.finqware.com/api/transactions).
type Transaction struct {
	ID        string `json:"id"`         // the transaction id (per consent)
	AccountID string `json:"account_id"` // Account.ID
	// Timestamp is when the transaction entered Finqware's database: filter
	// on it (TimestampGte) to sync incrementally.
	Timestamp Time `json:"timestamp"`
	// UTXID is stable across consents: use it as the dedupe (upsert) key.
	UTXID string          `json:"utx_id"`
	Data  TransactionData `json:"data"` // the transaction itself
}

// TransactionData is the data object of a transaction. Amount is positive
// as served (its scale kept); see SignedAmount.
type TransactionData struct {
	Amount decimal.Decimal `json:"amount"` // positive, as served
	// Balance is the account balance after the transaction, when served.
	Balance              decimal.NullDecimal `json:"balance"`
	BookingDateTime      Time                `json:"booking_date_time"`      // when the bank booked it
	CreditDebitIndicator CreditDebit         `json:"credit_debit_indicator"` // the sign of Amount
	Currency             string              `json:"currency"`               // ISO 4217
	Info                 string              `json:"info"`                   // the bank's description
	Status               string              `json:"status"`                 // e.g. "booked"
	// Category is filterable; the docs' item example does not show it.
	Category string `json:"category,omitempty"`
	// Details and ExchangeRate are kept raw: documented as null.
	Details      json.RawMessage `json:"details,omitempty"`       // raw; null in the docs
	ExchangeRate json.RawMessage `json:"exchange_rate,omitempty"` // raw; null in the docs
}

// SignedAmount returns the amount with its sign: negative for a debit, with
// the served scale ("42.10" debit gives -42.10).
func (t *Transaction) SignedAmount() decimal.Decimal {
	return t.Data.CreditDebitIndicator.Signed(t.Data.Amount)
}

// TransactionFilter narrows GetTransactions (https://docs.finqware.com/api/transactions).
// Zero fields do not filter; conditions combine with AND. Amount
// comparisons apply to the positive amount as served.
type TransactionFilter struct {
	AccountID            string      // account_id: Account.ID
	Currency             string      // currency, e.g. "RON"
	Status               string      // status, e.g. "booked"
	CreditDebitIndicator CreditDebit // credit_debit_indicator: Credit or Debit
	Category             string      // category, e.g. "shopping"

	// Amount* compare with the positive amount: eq, gte, gt, lte, lt.
	AmountEq, AmountGte, AmountGt, AmountLte, AmountLt *decimal.Decimal

	// BookingDate* compare with booking_date_time: booking_date_{eq,gte,gt,lte,lt}.
	BookingDateEq, BookingDateGte, BookingDateGt, BookingDateLte, BookingDateLt time.Time

	// Timestamp* compare with the insertion time in Finqware's database.
	TimestampEq, TimestampGte, TimestampGt, TimestampLte, TimestampLt time.Time
}

// MarshalJSON implements json.Marshaler with the wire keys: account_id,
// currency, status, credit_debit_indicator, category, eq/gte/gt/lte/lt,
// booking_date_{eq,gte,gt,lte,lt} and timestamp_{eq,gte,gt,lte,lt}.
func (f TransactionFilter) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	str := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	str("account_id", f.AccountID)
	str("currency", f.Currency)
	str("status", f.Status)
	str("credit_debit_indicator", string(f.CreditDebitIndicator))
	str("category", f.Category)
	for k, v := range map[string]*decimal.Decimal{"eq": f.AmountEq, "gte": f.AmountGte, "gt": f.AmountGt,
		"lte": f.AmountLte, "lt": f.AmountLt} {
		if v != nil {
			m[k] = v.String()
		}
	}
	for k, v := range map[string]time.Time{
		"booking_date_eq": f.BookingDateEq, "booking_date_gte": f.BookingDateGte, "booking_date_gt": f.BookingDateGt,
		"booking_date_lte": f.BookingDateLte, "booking_date_lt": f.BookingDateLt,
		"timestamp_eq": f.TimestampEq, "timestamp_gte": f.TimestampGte, "timestamp_gt": f.TimestampGt,
		"timestamp_lte": f.TimestampLte, "timestamp_lt": f.TimestampLt,
	} {
		if !v.IsZero() {
			m[k] = formatFilterTime(v)
		}
	}
	return json.Marshal(m)
}

func (f *TransactionFilter) empty() bool {
	b, _ := f.MarshalJSON()
	return string(b) == "{}"
}

// GetTransactions lists the transactions behind cred: POST
// {base}/transactions/get (https://docs.finqware.com/api/transactions). No
// pagination is documented. Idempotent: retried on 429/5xx.
func (c *Client) GetTransactions(ctx context.Context, cred Credentials, filter *TransactionFilter) ([]Transaction, error) {
	body, err := c.dataBody(cred)
	if err != nil {
		return nil, err
	}
	if filter != nil && !filter.empty() {
		body.Filter = filter
	}
	var out []Transaction
	if err := c.do(ctx, dataCall("/transactions/get", body), &out); err != nil {
		return nil, err
	}
	return out, nil
}
