package models

import "time"

// Provider names an upstream aggregator.
type Provider string

// The providers fingraph integrates.
const (
	ProviderFlanks   Provider = "flanks"
	ProviderFlinks   Provider = "flinks"
	ProviderFinqware Provider = "finqware"
)

// Product names one kind of data a credentials can hold. Each has its own
// sync record and freshness.
type Product string

// Products, named after the GraphQL fields that read them.
const (
	ProductAccounts          Product = "accounts"
	ProductTransactions      Product = "transactions"
	ProductPortfolios        Product = "portfolios"
	ProductInvestments       Product = "investments"
	ProductInvTxns           Product = "investment_transactions"
	ProductLiabilities       Product = "liabilities"
	ProductLiabTxns          Product = "liability_transactions"
	ProductCards             Product = "cards"
	ProductCardTxns          Product = "card_transactions"
	ProductIdentity          Product = "identity"
	ProductHolders           Product = "holders"
	ProductMifid             Product = "mifid"
	ProductCredentialsStatus Product = "status"
)

// Credentials is one user's connection to one institution through one
// provider. ProviderRef is the provider's handle of the connection (Flanks
// credentials_token, Flinks LoginId, Finqware credentials_id) and
// ProviderState the adapter's own document of further secrets (a pending
// request id, an access token): both are secrets, never exposed through the
// API and never stored in plain text. The store seals them (bound to this
// row) and finds rows by ProviderRefIndex, a keyed hash of the handle.
type Credentials struct {
	ID                string   `gorm:"primaryKey"`
	UserID            string   `gorm:"not null;index"`
	Provider          Provider `gorm:"not null"`
	ProviderRef       string   `gorm:"-"`
	ProviderRefSealed string   `gorm:"column:provider_ref;not null"`
	ProviderRefIndex  string   `gorm:"not null;default:''"`
	ProviderState     JSON     `gorm:"-"`
	// ProviderStateSealed is the stored form of ProviderState.
	ProviderStateSealed *string `gorm:"column:provider_state"`
	EntityID            string  `gorm:"not null"`
	EntityName          string  `gorm:"not null"`
	ExternalID          *string

	Pending       bool `gorm:"not null"`
	Blocked       bool `gorm:"not null"`
	SCARequired   bool `gorm:"column:sca_required;not null"`
	ResetRequired bool `gorm:"not null"`
	// RequiredActions are the user flows the provider needs ("sca",
	// "reset", "reconsent"); SCARequired and ResetRequired mirror two.
	RequiredActions  StringList `gorm:"not null"`
	ConsentExpiresAt *time.Time
	ProductStatus    JSON // per product {created, errored}, as last reported
	LastUpdateAt     *time.Time
	// LastTransactionDate is the date of the newest transaction the
	// provider had retrieved at its last extraction.
	LastTransactionDate *Date
	ProviderCreatedAt   *time.Time

	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`

	// SealErr is set on read when ProviderRef or ProviderState cannot be
	// opened (a master key missing from the keyring, a tampered value):
	// the row is still listed and its cached data served, but nothing may
	// reach the provider for it, and ProviderRef and ProviderState are
	// empty. One such row must not hide the owner's other credentials.
	SealErr error `gorm:"-"`
}

// TableName pins the table name (GORM would pluralise to "credentials"
// anyway; spelled out because the word is already plural).
func (Credentials) TableName() string { return "credentials" }

// SyncRecord remembers the last fetch of one product of one credentials:
// when, whether it worked, and why not. Freshness is decided from it.
type SyncRecord struct {
	CredentialsID string  `gorm:"primaryKey"`
	Product       Product `gorm:"primaryKey"`
	Status        string  `gorm:"not null"` // ok, pending, error
	ErrorCode     string  `gorm:"not null;default:''"`
	FetchedAt     *time.Time
	AttemptedAt   time.Time `gorm:"not null"`
}

// ProductFlags are the provider's extraction flags of one product, kept in
// Credentials.ProductStatus as {"accounts": {"created": true, ...}, ...}.
type ProductFlags struct {
	Created bool `json:"created"`
	Errored bool `json:"errored"`
}
