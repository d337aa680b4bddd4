package models

import "time"

// FetchLease says which replica is fetching one (credentials, product)
// until when.
type FetchLease struct {
	Key       string    `gorm:"primaryKey"`
	Owner     string    `gorm:"not null"`
	ExpiresAt time.Time `gorm:"not null"`
}
