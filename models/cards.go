package models

import (
	"time"

	"github.com/shopspring/decimal"
)

// Card is a debit or credit card. Only the last four PAN digits are ever
// stored (PCI DSS 3.4.1): the provider's masked PAN is cut down before it
// reaches this struct.
type Card struct {
	ID               string `gorm:"primaryKey"`
	CredentialsID    string `gorm:"not null"`
	UserID           string `gorm:"not null"`
	ProviderID       string `gorm:"not null"`
	Product          *string
	ContractNumber   *string
	PANLast4         string `gorm:"column:pan_last4;not null"`
	CardType         *string
	AvailableBalance decimal.NullDecimal `gorm:"serializer:decimal"`
	Currency         *string
	EmissionDate     *Date
	ExpirationDate   *Date
	ExternalID       *string
	SeenAt           *time.Time
	CreatedAt        time.Time `gorm:"not null"`
	UpdatedAt        time.Time `gorm:"not null"`
}

// CardTransaction is one card payment or refund.
type CardTransaction struct {
	ID            string `gorm:"primaryKey"`
	CredentialsID string `gorm:"not null"`
	UserID        string `gorm:"not null"`
	CardID        *string
	ProviderID    string              `gorm:"not null"`
	Amount        decimal.Decimal     `gorm:"not null;serializer:decimal"`
	Commission    decimal.NullDecimal `gorm:"serializer:decimal"`
	Currency      string              `gorm:"not null"`
	Shop          *string
	Category      *string
	OperationDate Date `gorm:"not null"`
	ValueDate     *Date
	ExternalID    *string
	CreatedAt     time.Time `gorm:"not null"`
	UpdatedAt     time.Time `gorm:"not null"`
}

// MaskedPan shows only the last four digits, e.g. "**** **** **** 1234".
func (c *Card) MaskedPan() string { return "**** **** **** " + c.PANLast4 }
