package finqware

import (
	"context"

	"github.com/shopspring/decimal"
)

// Account is one bank account behind a credentials_id
// (https://docs.finqware.com/api/accounts).
type Account struct {
	// ID is Finqware's account id, used in balance and transaction filters.
	ID string `json:"id"`
	// ServicerID identifies the bank at Finqware.
	ServicerID string `json:"servicer_id"`
	// ServicerName is the bank's name.
	ServicerName string `json:"servicer_name"`
	// Timestamp is when Finqware read the account from the bank.
	Timestamp Time `json:"timestamp"`
	// Data is the account itself.
	Data AccountData `json:"data"`
}

// AccountData is the data object of an account.
type AccountData struct {
	AccountSchemes []AccountScheme  `json:"account_schemes"`  // identifications: IBAN, BICFI, ...
	Balances       []AccountBalance `json:"balances"`         // balances read with the account
	AccountType    string           `json:"account_type"`     // e.g. "Personal current account"
	AccountSubType string           `json:"account_sub_type"` // the bank's sub-type
	Currency       string           `json:"currency"`         // ISO 4217
	Name           string           `json:"name"`             // the bank's account name, may be ""
	Nickname       string           `json:"nickname"`         // the user's nickname, may be ""
}

// AccountScheme is one identification of an account: IBAN, BICFI, ...
type AccountScheme struct {
	SchemeName     string `json:"scheme_name"`    // "IBAN", "BICFI", ...
	Identification string `json:"identification"` // the value in that scheme
}

// AccountBalance is a balance embedded in an account. BalanceAmount is the
// positive amount as served (its scale kept); see SignedAmount.
type AccountBalance struct {
	BalanceAmount        decimal.Decimal `json:"balance_amount"`         // positive, as served
	BalanceCurrency      string          `json:"balance_currency"`       // ISO 4217
	BalanceType          string          `json:"balance_type"`           // ISO 20022 type, e.g. "Expected"
	CreditLimitIncluded  bool            `json:"credit_limit_included"`  // the amount includes the credit limit
	CreditDebitIndicator CreditDebit     `json:"credit_debit_indicator"` // the sign of BalanceAmount
}

// SignedAmount returns the balance with its sign: negative for a debit
// (overdraft).
func (b AccountBalance) SignedAmount() decimal.Decimal {
	return b.CreditDebitIndicator.Signed(b.BalanceAmount)
}

// Scheme returns the identification of the named scheme ("IBAN", "BICFI"),
// or "".
func (a *Account) Scheme(name string) string {
	for _, s := range a.Data.AccountSchemes {
		if s.SchemeName == name {
			return s.Identification
		}
	}
	return ""
}

// IBAN returns the account's IBAN, or "".
func (a *Account) IBAN() string { return a.Scheme("IBAN") }

// GetAccounts lists the accounts behind cred: POST {base}/accounts/get
// (https://docs.finqware.com/api/accounts). Idempotent: retried on 429/5xx.
func (c *Client) GetAccounts(ctx context.Context, cred Credentials) ([]Account, error) {
	body, err := c.dataBody(cred)
	if err != nil {
		return nil, err
	}
	var out []Account
	if err := c.do(ctx, dataCall("/accounts/get", body), &out); err != nil {
		return nil, err
	}
	return out, nil
}
