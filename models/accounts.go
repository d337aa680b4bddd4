package models

import (
	"time"

	"github.com/shopspring/decimal"
)

// Account is a cash account.
type Account struct {
	ID            string  `gorm:"primaryKey"`
	CredentialsID string  `gorm:"not null"`
	UserID        string  `gorm:"not null"`
	ProviderID    string  `gorm:"not null"`
	IBAN          *string `gorm:"column:iban"`
	Alias         *string
	Description   *string
	Balance       decimal.Decimal `gorm:"not null;serializer:decimal"`
	Currency      string          `gorm:"not null"`
	IsOwner       *bool
	NumOwners     *int32
	Owners        StringList
	ExternalID    *string    // the provider's id derived from the connection's external id
	SeenAt        *time.Time // the provider's updated_at_timestamp
	CreatedAt     time.Time  `gorm:"not null"`
	UpdatedAt     time.Time  `gorm:"not null"`
}

// AccountTransaction is one movement on a cash account; Amount is signed.
type AccountTransaction struct {
	ID                 string              `gorm:"primaryKey"`
	CredentialsID      string              `gorm:"not null"`
	UserID             string              `gorm:"not null"`
	AccountID          string              `gorm:"not null"`
	ProviderID         string              `gorm:"not null"`
	Amount             decimal.Decimal     `gorm:"not null;serializer:decimal"`
	BalanceAfter       decimal.NullDecimal `gorm:"serializer:decimal"`
	Currency           string              `gorm:"not null"`
	OperationDate      Date                `gorm:"not null"`
	ValueDate          *Date
	Description        string `gorm:"not null"`
	Category           *string
	CardNumber         *string `gorm:"column:card_number_masked"` // last 4 digits only
	ProductDescription *string
	Beneficiary        *string
	BeneficiaryIBAN    *string `gorm:"column:beneficiary_iban"`
	Payer              *string
	PayerIBAN          *string `gorm:"column:payer_iban"`
	BankTransactionID  *string
	OrderID            *string
	PairTransactionID  *string
	ExternalID         *string
	CreatedAt          time.Time `gorm:"not null"`
	UpdatedAt          time.Time `gorm:"not null"`
}

// Transfer holds the parties of a transfer.
type Transfer struct {
	Beneficiary     *string
	BeneficiaryIban *string
	Payer           *string
	PayerIban       *string
}

// Transfer returns the transfer parties, or nil when the movement is not a
// transfer.
func (t *AccountTransaction) Transfer() *Transfer {
	if t.Beneficiary == nil && t.BeneficiaryIBAN == nil && t.Payer == nil && t.PayerIBAN == nil {
		return nil
	}
	return &Transfer{t.Beneficiary, t.BeneficiaryIBAN, t.Payer, t.PayerIBAN}
}
