package flanks

import (
	"context"
	"encoding/json"

	"github.com/shopspring/decimal"
)

// Portfolio is a securities account from POST /v0/bank/credentials/portfolio
// (https://docs.flanks.io/pages/data-model). Nullable text is "" when null.
type Portfolio struct {
	// ID derives from the credentials token and RefValores.
	ID   string `json:"_id"`
	Name string `json:"name"`
	// Type is the portfolio type (M, UM, F, ..., MIX when mixed).
	Type     string `json:"type"`
	TaxType  string `json:"tax_type"`
	Currency string `json:"currency"`
	// RefValores is the bank's securities account number.
	RefValores string `json:"refValores"`
	// RefAccount is the IBAN of the main cash account.
	RefAccount string `json:"refAccount"`
	// RefAccounts lists the IBANs of all linked cash accounts.
	RefAccounts []string            `json:"refAccounts"`
	Owners      []Owner             `json:"owners"`
	Balance     decimal.NullDecimal `json:"balance"`
	Entity      string              `json:"entity"`
	ExternalID  string              `json:"external_id"`
	UpdatedAt   Timestamp           `json:"updated_at_timestamp"`
}

// Investment is a position from POST /v0/bank/credentials/investment
// (https://docs.flanks.io/pages/data-model). Ratios are per unit (0.2 = 20 %).
type Investment struct {
	// ID derives from the credentials token and the ISIN.
	ID     string `json:"_id"`
	Name   string `json:"name"`
	ISIN   string `json:"isin"`
	CUSIP  string `json:"cusip"`
	Symbol string `json:"symbol"`
	Entity string `json:"entity"`
	// Type is the investment type code (F, VI, PP, FI, C, ETF, ...).
	Type    string `json:"type"`
	Subtype string `json:"subtype"`
	// Amount is the number of shares (nominal when IsNominal).
	Amount      decimal.NullDecimal `json:"amount"`
	IsNominal   *bool               `json:"is_nominal"`
	Balance     decimal.NullDecimal `json:"balance"`
	Currency    string              `json:"currency"`
	PortfolioID string              `json:"portfolio_id"`
	// Detail is public product information whose shape depends on the
	// product type (see GetInvestmentDetail).
	Detail            json.RawMessage     `json:"detail"`
	ExternalID        string              `json:"external_id"`
	Cost              decimal.NullDecimal `json:"cost"`
	CNMV              *CNMV               `json:"cnmv"`
	DGS               *DGS                `json:"dgs"`
	InitialDate       Date                `json:"initial_date"`
	ValuationDate     Date                `json:"valuation_date"`
	ExpirationDate    Date                `json:"expiration_date"`
	Performance       decimal.NullDecimal `json:"performance"`
	PerformanceDetail *PerformanceDetail  `json:"performance_detail"`
	Analytics         *Analytics          `json:"analytics"`
	Interest          *Interest           `json:"interest"`
	// Market and OperatingMarket are ISO 10383 MIC codes.
	Market          string              `json:"market"`
	OperatingMarket string              `json:"operating_market"`
	CapitalGain     decimal.NullDecimal `json:"capital_gain"`
	AccruedInterest decimal.NullDecimal `json:"accrued_interest"`
	PriceExCoupon   decimal.NullDecimal `json:"price_ex_cupon"`
	Leverage        decimal.NullDecimal `json:"leverage"`
	CountryModel    []json.RawMessage   `json:"country_model"`
	PlacingBank     string              `json:"placing_bank"`
	UpdatedAt       Timestamp           `json:"updated_at_timestamp"`
}

// CNMV is the fund registration with Spain's CNMV.
type CNMV struct {
	ISIN                   string `json:"isin"`
	Gestora                string `json:"gestora"`
	CIFGestora             string `json:"cif_gestora"`
	Depositaria            string `json:"depositaria"`
	CIFDepositaria         string `json:"cif_depositaria"`
	NumRegistroGestora     string `json:"num_registro_gestora"`
	NumRegistroDepositaria string `json:"num_registro_depositaria"`
}

// DGS is the pension plan registration with Spain's DGS.
type DGS struct {
	Gestora    string `json:"gestora"`
	CIFGestora string `json:"cif_gestora"`
}

// PerformanceDetail holds per-unit performance over several windows.
type PerformanceDetail struct {
	MTD                 decimal.NullDecimal `json:"MTD"`
	QTD                 decimal.NullDecimal `json:"QTD"`
	HalfYear            decimal.NullDecimal `json:"Halfyear"`
	YTD                 decimal.NullDecimal `json:"YTD"`
	Yearly              decimal.NullDecimal `json:"Yearly"`
	InitialToDate       decimal.NullDecimal `json:"InitialToDate"`
	InitialToDateYearly decimal.NullDecimal `json:"InitialToDateYearly"`
}

// Analytics holds per-unit risk ratios.
type Analytics struct {
	Risk               decimal.NullDecimal `json:"risk"`
	SharpeRatio        decimal.NullDecimal `json:"sharpe_ratio"`
	BetaRatio          decimal.NullDecimal `json:"beta_ratio"`
	TrackingErrorRatio decimal.NullDecimal `json:"tracking_error_ratio"`
	Volatility         decimal.NullDecimal `json:"volatility"`
	PER                decimal.NullDecimal `json:"PER"`
	ROE                decimal.NullDecimal `json:"ROE"`
	PES                decimal.NullDecimal `json:"PES"`
	EPS                decimal.NullDecimal `json:"EPS"`
	ROA                decimal.NullDecimal `json:"ROA"`
}

// Interest is an investment's rate; a null Benchmark means a fixed rate.
type Interest struct {
	Rate      decimal.NullDecimal `json:"rate"`
	Benchmark string              `json:"benchmark"`
}

// ListPortfolios calls POST /v0/bank/credentials/portfolio
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api).
func (c *Client) ListPortfolios(ctx context.Context, req AggregationRequest) ([]Portfolio, error) {
	return aggregate[[]Portfolio](ctx, c, "/v0/bank/credentials/portfolio", req)
}

// ListInvestments calls POST /v0/bank/credentials/investment
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api).
func (c *Client) ListInvestments(ctx context.Context, req AggregationRequest) ([]Investment, error) {
	return aggregate[[]Investment](ctx, c, "/v0/bank/credentials/investment", req)
}

// GetInvestmentDetail calls POST /v0/bank/credentials/investment/detail,
// the same free-form data as Investment.Detail, whose structure depends on
// the product type; it is returned as raw JSON
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api).
func (c *Client) GetInvestmentDetail(ctx context.Context, req AggregationRequest) (json.RawMessage, error) {
	return aggregate[json.RawMessage](ctx, c, "/v0/bank/credentials/investment/detail", req)
}
