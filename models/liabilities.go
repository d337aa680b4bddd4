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
	OpeningDate      *Date
	ExpirationDate   *Date
	Periodicity      *string
	Interest         JSON
	SeenAt           *time.Time
	CreatedAt        time.Time `gorm:"not null"`
	UpdatedAt        time.Time `gorm:"not null"`
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
	CreatedAt     time.Time           `gorm:"not null"`
	UpdatedAt     time.Time           `gorm:"not null"`
}
