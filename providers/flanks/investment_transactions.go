package flanks

import (
	"context"
	"encoding/json"

	"github.com/shopspring/decimal"
)

// InvestmentTransaction is a securities movement from
// POST /v0/bank/credentials/investment/transaction
// (https://docs.flanks.io/pages/data-model). All quantities are in Currency.
// The *Dest fields describe the counterpart of a fund switch (type 4,
// symb "-").
type InvestmentTransaction struct {
	ID           string `json:"_id"`
	InvestmentID string `json:"investment_id"`
	Entity       string `json:"entity"`
	ISIN         string `json:"isin"`
	// Type is the standard operation type; new values appear over time.
	Type FlexString `json:"type"`
	// ReversalType is the reverted type when Type is "28".
	ReversalType FlexString `json:"reversal_type"`
	Description  string     `json:"description"`
	// Symb is "+" or "-": the operation adds or removes titles.
	Symb string `json:"symb"`
	// Amount is the signed number of shares.
	Amount          decimal.NullDecimal `json:"amount"`
	Balance         decimal.NullDecimal `json:"balance"`
	UnitPrice       decimal.NullDecimal `json:"unitPrice"`
	NetCash         decimal.NullDecimal `json:"netCash"`
	Commission      decimal.NullDecimal `json:"commission"`
	Expenses        decimal.NullDecimal `json:"expenses"`
	Retention       decimal.NullDecimal `json:"retention"`
	AccruedInterest decimal.NullDecimal `json:"accrued_interest"`
	Leverage        decimal.NullDecimal `json:"leverage"`
	Currency        string              `json:"currency"`
	OperationDate   Date                `json:"operationDate"`
	ValueDate       Date                `json:"valueDate"`
	// Exchange converts investment currency to portfolio currency.
	Exchange decimal.NullDecimal `json:"exchange"`
	// ExchangeToPaymentCurrency converts to PaymentCurrency.
	ExchangeToPaymentCurrency decimal.NullDecimal `json:"exchangeToPaymentCurrency"`
	// ExchangeToTransactionCurrency converts to TransactionCurrency.
	ExchangeToTransactionCurrency decimal.NullDecimal `json:"exchangeToTransactionCurrency"`
	OriginalCurrency              string              `json:"originalCurrency"`
	PaymentCurrency               string              `json:"paymentCurrency"`
	TransactionCurrency           string              `json:"transactionCurrency"`
	ReferenceCurrency             string              `json:"referenceCurrency"`
	CommissionDetail              *CommissionDetail   `json:"commission_detail"`
	ExpensesDetail                *ExpensesDetail     `json:"expenses_detail"`
	RetentionDetail               *RetentionDetail    `json:"retention_detail"`
	// OriginGain and OriginGainDetail are loosely documented; kept raw.
	OriginGain       json.RawMessage `json:"origin_gain"`
	OriginGainDetail json.RawMessage `json:"origin_gain_detail"`
	// RefAccountIBAN is the portfolio's cash account.
	RefAccountIBAN string `json:"refAccountIBAN"`
	// RefValos (sic) is the portfolio contract.
	RefValos          string              `json:"refValos"`
	TransactionID     string              `json:"transaction_id"`
	OrderID           string              `json:"order_id"`
	PairTransactionID string              `json:"pair_transaction_id"`
	ExternalID        string              `json:"external_id"`
	AccountDest       string              `json:"accountDest"`
	AmountDest        decimal.NullDecimal `json:"amountDest"`
	CommissionDest    decimal.NullDecimal `json:"commissionDest"`
	CurrencyDest      string              `json:"currencyDest"`
	ISINDest          string              `json:"isinDest"`
	NetCashDest       decimal.NullDecimal `json:"netCashDest"`
	SymbDest          string              `json:"symbDest"`
	UnitPriceDest     decimal.NullDecimal `json:"unitPriceDest"`
	ValueDateDest     Date                `json:"valueDateDest"`
	CountryModel      []json.RawMessage   `json:"country_model"`
}

// CommissionDetail breaks down a commission.
type CommissionDetail struct {
	Entity decimal.NullDecimal `json:"entity"`
	Broker decimal.NullDecimal `json:"broker"`
	Canon  decimal.NullDecimal `json:"canon"`
	ITF    decimal.NullDecimal `json:"ITF"`
	FX     decimal.NullDecimal `json:"fx"`
}

// ExpensesDetail breaks down expenses.
type ExpensesDetail struct {
	Custody     decimal.NullDecimal `json:"custody"`
	IVA         decimal.NullDecimal `json:"iva"`
	Financial   decimal.NullDecimal `json:"financial"`
	Liquidation decimal.NullDecimal `json:"liquidation"`
}

// RetentionDetail splits a withholding into origin and destination.
type RetentionDetail struct {
	Origin      decimal.NullDecimal `json:"origin"`
	Destination decimal.NullDecimal `json:"destination"`
}

// ListInvestmentTransactions calls POST /v0/bank/credentials/investment/transaction
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api).
func (c *Client) ListInvestmentTransactions(ctx context.Context, req AggregationRequest) ([]InvestmentTransaction, error) {
	return aggregate[[]InvestmentTransaction](ctx, c, "/v0/bank/credentials/investment/transaction", req)
}
