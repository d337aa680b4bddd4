package models

import "time"

// Erasure records one deleted connection: when its cached data was purged
// and whether the provider has confirmed deleting it upstream. It holds no
// personal data and no user or credentials key, so an erased user leaves
// nothing that points back to them. The provider handle, needed to ask the
// provider again, is kept sealed only until the provider confirms.
type Erasure struct {
	ID                  string    `gorm:"primaryKey"`
	Provider            Provider  `gorm:"not null"`
	ProviderRef         string    `gorm:"-"`
	ProviderRefSealed   string    `gorm:"column:provider_ref;not null"` // "" once confirmed
	ProviderState       JSON      `gorm:"-"`
	ProviderStateSealed *string   `gorm:"column:provider_state"` // NULL once confirmed
	RequestedAt         time.Time `gorm:"not null"`
	PurgedAt            time.Time `gorm:"not null"`
	UpstreamConfirmedAt *time.Time
	Attempts            int       `gorm:"not null"`
	NextAttemptAt       time.Time `gorm:"not null"`
	LastError           string    `gorm:"not null;default:''"` // an error code, never a message
}
