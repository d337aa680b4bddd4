package models

import "time"

// Identity is the credentials owner as the institution knows them.
type Identity struct {
	ID                   string `gorm:"primaryKey"`
	CredentialsID        string `gorm:"not null;uniqueIndex"`
	UserID               string `gorm:"not null"`
	Name                 *string
	FirstSurname         *string `gorm:"column:surname1"`
	SecondSurname        *string `gorm:"column:surname2"`
	FullName             *string
	BirthDate            *Date
	Address              JSON
	ContactInfo          JSON
	DocumentNumber       *string `gorm:"-"`                      // plaintext, in memory only
	DocumentNumberSealed *string `gorm:"column:document_number"` // sealed by the store
	Gender               *string
	Occupation           *string
	Sector               *string
	CreatedAt            time.Time `gorm:"not null"`
	UpdatedAt            time.Time `gorm:"not null"`
}

// Holder is a person related to one product (account, card, portfolio or
// liability), e.g. a co-owner ("Titular") or an authorised user.
type Holder struct {
	ID                string `gorm:"primaryKey"`
	CredentialsID     string `gorm:"not null"`
	UserID            string `gorm:"not null"`
	ProviderProductID string `gorm:"not null"`
	ProductName       *string
	Name              string `gorm:"not null"`
	Relation          *string
	CreatedAt         time.Time `gorm:"not null"`
	UpdatedAt         time.Time `gorm:"not null"`
}

// Mifid is the raw MiFID suitability questionnaire of a credentials.
type Mifid struct {
	CredentialsID string `gorm:"primaryKey"`
	UserID        string `gorm:"not null"`
	Raw           JSON
	CreatedAt     time.Time `gorm:"not null"`
	UpdatedAt     time.Time `gorm:"not null"`
}

// TableName keeps the singular table name.
func (Mifid) TableName() string { return "mifid" }
