package flanks

import (
	"context"

	"github.com/shopspring/decimal"
)

// Card is a payment card from POST /v0/bank/credentials/card
// (https://docs.flanks.io/pages/data-model).
type Card struct {
	ID             string `json:"_id"`
	ExternalID     string `json:"external_id"`
	Entity         string `json:"entity"`
	Product        string `json:"product"`
	ContractNumber string `json:"contractNumber"`
	// PAN is masked except for the last four digits.
	PAN              string              `json:"pan"`
	EmissionDate     Date                `json:"emissionDate"`
	ExpirationDate   Date                `json:"expirationDate"`
	AvailableBalance decimal.NullDecimal `json:"availableBalance"`
	// CardType is credit or debit.
	CardType  string    `json:"cardType"`
	Owners    []Owner   `json:"owners"`
	UpdatedAt Timestamp `json:"updated_at_timestamp"`
}

// CardTransaction is a card movement from
// POST /v0/bank/credentials/card/transaction
// (https://docs.flanks.io/pages/data-model).
type CardTransaction struct {
	ID            string              `json:"_id"`
	CardID        string              `json:"card_id"`
	OperationDate Date                `json:"operationDate"`
	ValueDate     Date                `json:"valueDate"`
	Amount        decimal.Decimal     `json:"amount"`
	Commission    decimal.NullDecimal `json:"commission"`
	Currency      string              `json:"currency"`
	// Shop is the shop name or description.
	Shop       string `json:"shop"`
	Category   string `json:"category"`
	Entity     string `json:"entity"`
	ExternalID string `json:"external_id"`
}

// ListCards calls POST /v0/bank/credentials/card
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api).
func (c *Client) ListCards(ctx context.Context, req AggregationRequest) ([]Card, error) {
	return aggregate[[]Card](ctx, c, "/v0/bank/credentials/card", req)
}

// ListCardTransactions calls POST /v0/bank/credentials/card/transaction
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api).
func (c *Client) ListCardTransactions(ctx context.Context, req AggregationRequest) ([]CardTransaction, error) {
	return aggregate[[]CardTransaction](ctx, c, "/v0/bank/credentials/card/transaction", req)
}
