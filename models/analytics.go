package models

import (
	"time"

	"github.com/shopspring/decimal"
)

// TxnRollup is the count and exact sum of one credentials' account
// transactions in one month, category, currency and direction: what the
// analysts' aggregates read instead of every transaction. The store keeps
// it equal to the transactions (see migration 00013). Total is the sum;
// TotalInt, TotalFrac (the fraction times 10^10) and TotalScale (the
// largest scale of the amounts) are the same value as integers, which
// SQLite can sum exactly.
type TxnRollup struct {
	CredentialsID string          `gorm:"primaryKey"`
	UserID        string          `gorm:"not null"`
	Provider      Provider        `gorm:"not null"`
	InstitutionID string          `gorm:"not null"`
	Month         Date            `gorm:"primaryKey"`
	Category      string          `gorm:"primaryKey"` // "" when uncategorised
	Currency      string          `gorm:"primaryKey"`
	Direction     string          `gorm:"primaryKey"` // DirectionIn or DirectionOut
	TxnCount      int64           `gorm:"not null"`
	Total         decimal.Decimal `gorm:"not null;serializer:decimal"`
	TotalInt      int64           `gorm:"not null"`
	TotalFrac     int64           `gorm:"not null"`
	TotalScale    int32           `gorm:"not null"`
}

// TableName pins the table name.
func (TxnRollup) TableName() string { return "transaction_rollups" }

// Directions of money: in (amount zero or more) and out (below zero).
const (
	DirectionIn  = "in"
	DirectionOut = "out"
)

// AccessLogEntry is one row of the access trail: an analyst or admin
// (ActorID, ActorRole) read data of UserID (nil: an aggregate over every
// user) in one operation, named by its operation name and the SHA-256 of
// its text, never its variables. Rows are only ever inserted, and deleted
// after the retention period.
type AccessLogEntry struct {
	ID        int64     `gorm:"primaryKey;autoIncrement"`
	At        time.Time `gorm:"not null"`
	ActorID   string    `gorm:"not null"`
	ActorRole string    `gorm:"not null"`
	UserID    *string
	Operation string `gorm:"not null"`
	QueryHash string `gorm:"not null"`
}

// TableName pins the table name.
func (AccessLogEntry) TableName() string { return "access_log" }

// CredentialsState sums up where a credentials stands, for analysts: the
// first that applies of blocked, SCA required, pending, errored (the last
// fetch of some product failed), else ok.
type CredentialsState string

// The credentials states.
const (
	CredentialsOK          CredentialsState = "ok"
	CredentialsPending     CredentialsState = "pending"
	CredentialsBlocked     CredentialsState = "blocked"
	CredentialsSCARequired CredentialsState = "sca_required"
	CredentialsErrored     CredentialsState = "errored"
)
