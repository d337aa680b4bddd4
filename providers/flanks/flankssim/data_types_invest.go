package flankssim

import "encoding/json"

// portfolio is an item of /portfolio.
type portfolio struct {
	ID          string      `json:"_id"`
	Name        string      `json:"name"`
	Type        string      `json:"type"` // the investments' type code, or MIX
	Currency    string      `json:"currency"`
	RefValores  *string     `json:"refValores"`
	RefAccount  *string     `json:"refAccount"`
	RefAccounts []string    `json:"refAccounts"`
	Owners      []string    `json:"owners"`
	Balance     json.Number `json:"balance"`
	Entity      string      `json:"entity"`
	ExternalID  *string     `json:"external_id"`
	UpdatedAt   int64       `json:"updated_at_timestamp"`
}

// cnmvInfo is present on funds (type F) registered with the CNMV.
type cnmvInfo struct {
	ISIN                   string `json:"isin"`
	Gestora                string `json:"gestora"`
	CIFGestora             string `json:"cif_gestora"`
	Depositaria            string `json:"depositaria"`
	CIFDepositaria         string `json:"cif_depositaria"`
	NumRegistroGestora     string `json:"num_registro_gestora"`
	NumRegistroDepositaria string `json:"num_registro_depositaria"`
}

// dgsInfo is present on pension plans (type PP).
type dgsInfo struct {
	Gestora    string `json:"gestora"`
	CIFGestora string `json:"cif_gestora"`
}

// performanceDetail has per-unit returns over several windows (keys as in the seed).
type performanceDetail struct {
	MTD                 *json.Number `json:"MTD"`
	QTD                 *json.Number `json:"QTD"`
	Halfyear            *json.Number `json:"Halfyear"`
	YTD                 *json.Number `json:"YTD"`
	Yearly              *json.Number `json:"Yearly"`
	InitialToDate       *json.Number `json:"InitialToDate"`
	InitialToDateYearly *json.Number `json:"InitialToDateYearly"`
}

// analytics holds ratios over 1; fund ratios are null on equities and the reverse.
type analytics struct {
	Risk               *json.Number `json:"risk"`
	SharpeRatio        *json.Number `json:"sharpe_ratio"`
	BetaRatio          *json.Number `json:"beta_ratio"`
	TrackingErrorRatio *json.Number `json:"tracking_error_ratio"`
	Volatility         *json.Number `json:"volatility"`
	PER                *json.Number `json:"PER"`
	ROE                *json.Number `json:"ROE"`
	PES                *json.Number `json:"PES"`
	EPS                *json.Number `json:"EPS"`
	ROA                *json.Number `json:"ROA"`
}

// investmentInterest is the interest of fixed income and bank products.
type investmentInterest struct {
	Rate      *json.Number `json:"rate"`
	Benchmark *string      `json:"benchmark"`
}

// investmentDetail is the public product information of "detail" and of
// /investment/detail. The seed leaves its structure to the product type; this one is
// invented and plausible.
type investmentDetail struct {
	InvestmentID string       `json:"investment_id"`
	ISIN         string       `json:"isin"`
	Name         string       `json:"name"`
	Source       string       `json:"source"`
	Category     *string      `json:"category"`
	AssetClass   string       `json:"asset_class"`
	Region       *string      `json:"region"`
	SRRI         *int         `json:"srri"`
	TER          *json.Number `json:"ter"`
	Currency     string       `json:"currency"`
}

// investment is an item of /investment.
type investment struct {
	ID                string              `json:"_id"`
	Name              string              `json:"name"`
	ISIN              string              `json:"isin"`
	Cusip             *string             `json:"cusip"`
	Symbol            *string             `json:"symbol"`
	Entity            string              `json:"entity"`
	Amount            json.Number         `json:"amount"`
	Balance           json.Number         `json:"balance"`
	Currency          string              `json:"currency"`
	PortfolioID       string              `json:"portfolio_id"`
	Type              string              `json:"type"`
	Subtype           *string             `json:"subtype"`
	Detail            *investmentDetail   `json:"detail"`
	ExternalID        *string             `json:"external_id"`
	Cost              *json.Number        `json:"cost"`
	IsNominal         bool                `json:"is_nominal"`
	CNMV              *cnmvInfo           `json:"cnmv,omitempty"`
	DGS               *dgsInfo            `json:"dgs,omitempty"`
	InitialDate       *string             `json:"initial_date"`
	ValuationDate     *string             `json:"valuation_date"`
	ExpirationDate    *string             `json:"expiration_date"`
	Performance       *json.Number        `json:"performance"`
	PerformanceDetail *performanceDetail  `json:"performance_detail"`
	Analytics         *analytics          `json:"analytics"`
	Interest          *investmentInterest `json:"interest"`
	Market            *string             `json:"market"`
	OperatingMarket   *string             `json:"operating_market"`
	CapitalGain       *json.Number        `json:"capital_gain"`
	AccruedInterest   *json.Number        `json:"accrued_interest"`
	PriceExCupon      *json.Number        `json:"price_ex_cupon"`
	Leverage          *json.Number        `json:"leverage"`
	CountryModel      []any               `json:"country_model"`
	PlacingBank       *string             `json:"placing_bank"`
	UpdatedAt         int64               `json:"updated_at_timestamp"`
}

// commissionDetail breaks down an investment transaction's commission.
type commissionDetail struct {
	Entity *json.Number `json:"entity"`
	Broker *json.Number `json:"broker"`
	Canon  *json.Number `json:"canon"`
	ITF    *json.Number `json:"ITF"`
	FX     *json.Number `json:"fx"`
}

// expensesDetail breaks down an investment transaction's expenses.
type expensesDetail struct {
	Custody     *json.Number `json:"custody"`
	IVA         *json.Number `json:"iva"`
	Financial   *json.Number `json:"financial"`
	Liquidation *json.Number `json:"liquidation"`
}

// retentionDetail is the withholding at origin and destination.
type retentionDetail struct {
	Origin      *json.Number `json:"origin"`
	Destination *json.Number `json:"destination"`
}

// investmentTxn is an item of /investment/transaction. Amount is signed like symb, and
// balance is the number of shares after the transaction. The *Dest fields are set on the
// outgoing side of a fund transfer (type "4", symb "-").
type investmentTxn struct {
	ID                            string           `json:"_id"`
	AccountDest                   *string          `json:"accountDest"`
	AccruedInterest               *json.Number     `json:"accrued_interest"`
	Amount                        json.Number      `json:"amount"`
	AmountDest                    *json.Number     `json:"amountDest"`
	Balance                       *json.Number     `json:"balance"`
	Commission                    *json.Number     `json:"commission"`
	CommissionDest                *json.Number     `json:"commissionDest"`
	CommissionDetail              commissionDetail `json:"commission_detail"`
	Currency                      string           `json:"currency"`
	CurrencyDest                  *string          `json:"currencyDest"`
	Description                   string           `json:"description"`
	Entity                        string           `json:"entity"`
	Exchange                      json.Number      `json:"exchange"`
	ExchangeToPaymentCurrency     json.Number      `json:"exchangeToPaymentCurrency"`
	ExchangeToTransactionCurrency json.Number      `json:"exchangeToTransactionCurrency"`
	Expenses                      *json.Number     `json:"expenses"`
	ExpensesDetail                expensesDetail   `json:"expenses_detail"`
	ExternalID                    *string          `json:"external_id"`
	InvestmentID                  string           `json:"investment_id"`
	ISIN                          string           `json:"isin"`
	ISINDest                      *string          `json:"isinDest"`
	Leverage                      *json.Number     `json:"leverage"`
	NetCash                       json.Number      `json:"netCash"`
	NetCashDest                   *json.Number     `json:"netCashDest"`
	OperationDate                 string           `json:"operationDate"`
	OrderID                       *string          `json:"order_id"`
	OriginGain                    json.Number      `json:"origin_gain"`
	OriginGainDetail              []any            `json:"origin_gain_detail"`
	OriginalCurrency              string           `json:"originalCurrency"`
	PairTransactionID             *string          `json:"pair_transaction_id"`
	PaymentCurrency               string           `json:"paymentCurrency"`
	RefAccountIBAN                *string          `json:"refAccountIBAN"`
	ReferenceCurrency             string           `json:"referenceCurrency"`
	RefValos                      *string          `json:"refValos"`
	Retention                     *json.Number     `json:"retention"`
	RetentionDetail               *retentionDetail `json:"retention_detail"`
	ReversalType                  *string          `json:"reversal_type"`
	Symb                          string           `json:"symb"`
	SymbDest                      *string          `json:"symbDest"`
	TransactionID                 *string          `json:"transaction_id"`
	TransactionCurrency           string           `json:"transactionCurrency"`
	UnitPrice                     json.Number      `json:"unitPrice"`
	Type                          string           `json:"type"`
	UnitPriceDest                 *json.Number     `json:"unitPriceDest"`
	ValueDate                     string           `json:"valueDate"`
	ValueDateDest                 *string          `json:"valueDateDest"`
	CountryModel                  []any            `json:"country_model"`
}
