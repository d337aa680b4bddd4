package models

import "time"

// User is an authenticated subject (the token's `sub`). The row is created
// on the first request so that every stored object can reference its owner.
type User struct {
	ID         string    `gorm:"primaryKey"`
	CreatedAt  time.Time `gorm:"not null"`
	LastSeenAt time.Time `gorm:"not null"`
}
