package flanks

import (
	"cmp"
	"context"
	"encoding/json"

	"github.com/shopspring/decimal"
)

// Account is a cash account from POST /v0/bank/credentials/account
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api). Text fields
// documented as nullable are "" when null.
type Account struct {
	// ID is Flanks' unique account id.
	ID string `json:"_id"`
	// IBAN is the account's IBAN.
	IBAN string `json:"iban"`
	// Entity is the bank identifier.
	Entity string `json:"entity"`
	// Alias is the account alias, or the IBAN when there is none.
	Alias string `json:"alias"`
	// Balance is the account balance.
	Balance decimal.Decimal `json:"balance"`
	// Currency is the ISO 4217 code.
	Currency    string `json:"currency"`
	Description string `json:"description"`
	// IsOwner tells whether the credentials' owner holds the account; nil
	// when unknown.
	IsOwner *bool `json:"isOwner"`
	// NumOwners counts holders with role Titular.
	NumOwners  int     `json:"numOwners"`
	Owners     []Owner `json:"owners"`
	ExternalID string  `json:"external_id"`
	// UpdatedAt is when the account was last seen.
	UpdatedAt Timestamp `json:"updated_at_timestamp"`
}

// AccountTransaction is a cash movement from POST /v0/bank/credentials/data
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api).
type AccountTransaction struct {
	ID string `json:"_id"`
	// AccountID is the account's id, usually the IBAN; treat it as opaque.
	AccountID string `json:"account_id"`
	Entity    string `json:"entity"`
	// Amount is the signed amount.
	Amount decimal.Decimal `json:"amount"`
	// Balance is the balance after the transaction, when known.
	Balance            decimal.NullDecimal `json:"balance"`
	Currency           string              `json:"currency"`
	CardNumber         string              `json:"cardNumber"`
	Category           string              `json:"category"`
	OperationDate      Date                `json:"operationDate"`
	ValueDate          Date                `json:"valueDate"`
	Description        string              `json:"description"`
	ProductDescription string              `json:"productDescription"`
	TransactionID      string              `json:"transaction_id"`
	Transfer           *Transfer           `json:"transfer"`
	ExternalID         string              `json:"external_id"`
	OrderID            string              `json:"order_id"`
	// PairTransactionID links the two legs of a forex operation.
	PairTransactionID string `json:"pair_transaction_id"`
}

// Transfer describes the parties of a cash transfer. Flanks names the payer
// ordenant/ibanOrdenant (seed); the Ruby SDK payer/ibanPayer. Both decode.
type Transfer struct {
	Beneficiary     string `json:"beneficiary"`
	IBANBeneficiary string `json:"ibanBeneficiary"`
	Payer           string `json:"ordenant"`
	IBANPayer       string `json:"ibanOrdenant"`
}

// UnmarshalJSON accepts both payer spellings.
func (t *Transfer) UnmarshalJSON(b []byte) error {
	var w struct {
		Beneficiary     string `json:"beneficiary"`
		IBANBeneficiary string `json:"ibanBeneficiary"`
		Ordenant        string `json:"ordenant"`
		IBANOrdenant    string `json:"ibanOrdenant"`
		Payer           string `json:"payer"`
		IBANPayer       string `json:"ibanPayer"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = Transfer{
		Beneficiary:     w.Beneficiary,
		IBANBeneficiary: w.IBANBeneficiary,
		Payer:           cmp.Or(w.Ordenant, w.Payer),
		IBANPayer:       cmp.Or(w.IBANOrdenant, w.IBANPayer),
	}
	return nil
}

// ListAccounts calls POST /v0/bank/credentials/account
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api).
func (c *Client) ListAccounts(ctx context.Context, req AggregationRequest) ([]Account, error) {
	return aggregate[[]Account](ctx, c, "/v0/bank/credentials/account", req)
}

// ListAccountTransactions calls POST /v0/bank/credentials/data; filter with
// req.Query, e.g. {"account_id": [...]}
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api).
func (c *Client) ListAccountTransactions(ctx context.Context, req AggregationRequest) ([]AccountTransaction, error) {
	return aggregate[[]AccountTransaction](ctx, c, "/v0/bank/credentials/data", req)
}
