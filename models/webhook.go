package models

import "time"

// WebhookEvent is one delivery a provider pushed, stored before it is
// acknowledged: the raw body sealed (it carries account data) and unique
// on its hash, so a redelivery or a replay is recognised for ever, and a
// processing job turns it into cached data. The payload is blanked once
// processed; the hash stays.
type WebhookEvent struct {
	ID            string    `gorm:"primaryKey"`
	Provider      Provider  `gorm:"not null"`
	BodyHash      string    `gorm:"not null"`
	Payload       []byte    `gorm:"-"`
	PayloadSealed *string   `gorm:"column:payload"`
	ReceivedAt    time.Time `gorm:"not null"`
	ProcessedAt   *time.Time
	LastError     string `gorm:"not null;default:''"` // an error code, never a message
}
