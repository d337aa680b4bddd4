package models

import (
	"time"

	"github.com/shopspring/decimal"
)

// Liability is a loan, mortgage or credit line; Balance is what remains to
// be repaid.
type Liability struct {
	ID               string `gorm:"primaryKey"`
	CredentialsID    string `gorm:"not null"`
	UserID           string `gorm:"not null"`
	ProviderID       string `gorm:"not null"`
	Name             string `gorm:"not null"`
	Type             *string
	ContractNumber   *string
	Balance          decimal.Decimal     `gorm:"not null;serializer:decimal"`
	AvailableBalance decimal.NullDecimal `gorm:"serializer:decimal"`
	Currency         string              `gorm:"not null"`
	InitialCapital   decimal.NullDecimal `gorm:"serializer:decimal"`
	// InitialCapitalCurrency is the currency of InitialCapital when the
	// provider states it (it may differ from Currency).
	InitialCapitalCurrency *string
	// Limit is the contract maximum of a credit line or confirming line.
	Limit          decimal.NullDecimal `gorm:"column:credit_limit;serializer:decimal"`
	OpeningDate    *Date
	ExpirationDate *Date
	Periodicity    *string
	Interest       JSON
	ExternalID     *string
	SeenAt         *time.Time
	CreatedAt      time.Time `gorm:"not null"`
	UpdatedAt      time.Time `gorm:"not null"`
}

// LiabilityTransaction is a repayment or drawdown of a liability.
type LiabilityTransaction struct {
	ID            string `gorm:"primaryKey"`
	CredentialsID string `gorm:"not null"`
	UserID        string `gorm:"not null"`
	LiabilityID   *string
	ProviderID    string              `gorm:"not null"`
	Amount        decimal.Decimal     `gorm:"not null;serializer:decimal"`
	BalanceAfter  decimal.NullDecimal `gorm:"serializer:decimal"`
	Currency      string              `gorm:"not null"`
	Description   string              `gorm:"not null"`
	OperationDate Date                `gorm:"not null"`
	ValueDate     *Date
	Interest      decimal.NullDecimal `gorm:"serializer:decimal"`
	Commission    decimal.NullDecimal `gorm:"serializer:decimal"`
	// BalanceCurrency is the currency of BalanceAfter when the provider
	// states it apart from the amount's.
	BalanceCurrency *string
	// CreditAccount is the current account the movement was charged to.
	CreditAccount *string
	ExternalID    *string
	CreatedAt     time.Time `gorm:"not null"`
	UpdatedAt     time.Time `gorm:"not null"`
}
