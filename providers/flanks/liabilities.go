package flanks

import (
	"context"

	"github.com/shopspring/decimal"
)

// Liability is a loan or credit from POST /v0/bank/credentials/liability
// (https://docs.flanks.io/pages/data-model).
type Liability struct {
	ID   string `json:"_id"`
	Name string `json:"name"`
	// Type is Credit, Loan or Confirming.
	Type string `json:"type"`
	// Balance is the amount still to return.
	Balance        decimal.Decimal `json:"balance"`
	Currency       string          `json:"currency"`
	ContractNumber string          `json:"contractNumber"`
	// AvailableBalance is the unused credit, if any.
	AvailableBalance       decimal.NullDecimal `json:"availableBalance"`
	OpeningDate            Date                `json:"openingDate"`
	ExpirationDate         Date                `json:"expirationDate"`
	InitialCapital         decimal.NullDecimal `json:"initialCapital"`
	InitialCapitalCurrency string              `json:"initialCapitalCurrency"`
	Interest               *LiabilityInterest  `json:"interest"`
	Entity                 string              `json:"entity"`
	ExternalID             string              `json:"external_id"`
	// Limit is the contract maximum when Type is Confirming.
	Limit decimal.NullDecimal `json:"limit"`
	// Periodicity is daily, monthly, quarterly, annually or biannually.
	Periodicity string    `json:"periodicity"`
	Owners      []Owner   `json:"owners"`
	UpdatedAt   Timestamp `json:"updated_at_timestamp"`
}

// LiabilityInterest is a liability's rate.
type LiabilityInterest struct {
	Benchmark string              `json:"benchmark"`
	Rate      decimal.NullDecimal `json:"rate"`
	Spread    decimal.NullDecimal `json:"spread"`
	// Type is fixed or variable.
	Type string `json:"type"`
}

// LiabilityTransaction is a movement from
// POST /v0/bank/credentials/liability/transaction
// (https://docs.flanks.io/pages/data-model).
type LiabilityTransaction struct {
	ID                string              `json:"_id"`
	LiabilityID       string              `json:"liability_id"`
	Entity            string              `json:"entity"`
	Amount            decimal.Decimal     `json:"amount"`
	CurrencyAmount    string              `json:"currencyAmount"`
	Balance           decimal.NullDecimal `json:"balance"`
	CurrencyBalance   string              `json:"currencyBalance"`
	Description       string              `json:"description"`
	OperationDate     Date                `json:"operationDate"`
	ValueDate         Date                `json:"valueDate"`
	CreditAccount     string              `json:"credit_account"`
	Interest          decimal.NullDecimal `json:"interest"`
	Commission        decimal.NullDecimal `json:"commission"`
	ExternalID        string              `json:"external_id"`
	TransactionID     string              `json:"transaction_id"`
	PairTransactionID string              `json:"pair_transaction_id"`
	OrderID           string              `json:"order_id"`
}

// ListLiabilities calls POST /v0/bank/credentials/liability
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api).
func (c *Client) ListLiabilities(ctx context.Context, req AggregationRequest) ([]Liability, error) {
	return aggregate[[]Liability](ctx, c, "/v0/bank/credentials/liability", req)
}

// ListLiabilityTransactions calls POST /v0/bank/credentials/liability/transaction
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api).
func (c *Client) ListLiabilityTransactions(ctx context.Context, req AggregationRequest) ([]LiabilityTransaction, error) {
	return aggregate[[]LiabilityTransaction](ctx, c, "/v0/bank/credentials/liability/transaction", req)
}
