package models

import (
	"time"

	"github.com/shopspring/decimal"
)

// Portfolio is a securities account holding investments.
type Portfolio struct {
	ID                string `gorm:"primaryKey"`
	CredentialsID     string `gorm:"not null"`
	UserID            string `gorm:"not null"`
	ProviderID        string `gorm:"not null"`
	Name              string `gorm:"not null"`
	Type              *string
	TaxType           *string
	Currency          string          `gorm:"not null"`
	Balance           decimal.Decimal `gorm:"not null;serializer:decimal"`
	SecuritiesAccount *string         `gorm:"column:ref_valores"`
	CashAccount       *string         `gorm:"column:ref_account"`
	CashAccounts      StringList      `gorm:"column:ref_accounts"`
	Owners            StringList
	ExternalID        *string
	SeenAt            *time.Time
	CreatedAt         time.Time `gorm:"not null"`
	UpdatedAt         time.Time `gorm:"not null"`
}

// AllCashAccounts lists every cash account of the portfolio: the
// provider's list, or the main account alone when the provider sent only
// that one. Never nil.
func (p *Portfolio) AllCashAccounts() []string {
	switch {
	case len(p.CashAccounts) > 0:
		return p.CashAccounts
	case p.CashAccount != nil:
		return []string{*p.CashAccount}
	}
	return []string{}
}

// Investment is one position. Amount is the number of shares; Balance its
// valuation in Currency.
type Investment struct {
	ID                  string `gorm:"primaryKey"`
	CredentialsID       string `gorm:"not null"`
	UserID              string `gorm:"not null"`
	PortfolioID         *string
	ProviderID          string `gorm:"not null"`
	ProviderPortfolioID *string
	Name                string  `gorm:"not null"`
	TypeCode            *string `gorm:"column:type"`
	// Kind is the provider-neutral kind (InvestmentKind), mapped by the
	// adapter from TypeCode.
	Kind              *string
	ISIN              *string `gorm:"column:isin"`
	Cusip             *string
	Symbol            *string
	Amount            decimal.Decimal     `gorm:"not null;serializer:decimal"`
	Balance           decimal.Decimal     `gorm:"not null;serializer:decimal"`
	Currency          string              `gorm:"not null"`
	Cost              decimal.NullDecimal `gorm:"serializer:decimal"`
	Performance       decimal.NullDecimal `gorm:"serializer:decimal"`
	PerformanceDetail JSON
	Analytics         JSON
	Interest          JSON
	Detail            JSON
	InitialDate       *Date
	ValuationDate     *Date
	ExpirationDate    *Date
	// IsNominal: Amount is a nominal value rather than a number of units.
	IsNominal *bool
	// Market and OperatingMarket are ISO 10383 MIC codes.
	Market          *string
	OperatingMarket *string
	ExternalID      *string
	SeenAt          *time.Time
	CreatedAt       time.Time `gorm:"not null"`
	UpdatedAt       time.Time `gorm:"not null"`
}

// InvestmentTransaction is a buy, sell, transfer or other movement of an
// investment. Type is the provider's standard type code ("4" transfer).
type InvestmentTransaction struct {
	ID                   string `gorm:"primaryKey"`
	CredentialsID        string `gorm:"not null"`
	UserID               string `gorm:"not null"`
	InvestmentID         *string
	ProviderID           string `gorm:"not null"`
	ProviderInvestmentID *string
	ISIN                 *string `gorm:"column:isin"`
	Type                 *string
	Direction            *string             `gorm:"column:symb"` // + adds shares, - removes them
	Description          string              `gorm:"not null"`
	Amount               decimal.Decimal     `gorm:"not null;serializer:decimal"`
	SharesAfter          decimal.NullDecimal `gorm:"serializer:decimal"`
	UnitPrice            decimal.NullDecimal `gorm:"serializer:decimal"`
	NetCash              decimal.NullDecimal `gorm:"serializer:decimal"`
	Commission           decimal.NullDecimal `gorm:"serializer:decimal"`
	Currency             string              `gorm:"not null"`
	OperationDate        Date                `gorm:"not null"`
	ValueDate            *Date
	// ExchangeRate is the exchange rate the provider applied to the movement.
	ExchangeRate      decimal.NullDecimal `gorm:"serializer:decimal"`
	BankTransactionID *string
	OrderID           *string
	PairTransactionID *string
	ExternalID        *string
	Extra             JSON      // counterpart (*Dest) fields of fund transfers and other details
	CreatedAt         time.Time `gorm:"not null"`
	UpdatedAt         time.Time `gorm:"not null"`
}

// The provider-neutral kinds of an investment (Investment.Kind), the
// values of the GraphQL InvestmentType enum. Adapters map their codes to
// these; anything else is InvestmentOther.
const (
	InvestmentFund           = "FUND"
	InvestmentVariableIncome = "VARIABLE_INCOME"
	InvestmentETF            = "ETF"
	InvestmentFixedIncome    = "FIXED_INCOME"
	InvestmentPensionPlan    = "PENSION_PLAN"
	InvestmentCrypto         = "CRYPTO"
	InvestmentLiquidity      = "LIQUIDITY"
	InvestmentCFD            = "CFD"
	InvestmentDerivative     = "DERIVATIVE"
	InvestmentBankProduct    = "BANK_PRODUCT"
	InvestmentAlternative    = "ALTERNATIVE"
	InvestmentOther          = "OTHER"
)
