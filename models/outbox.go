package models

import "time"

// OutboxJob is a background job enqueued in the transaction of the change
// that needs it; the jobs runner hands it to the queue after the commit.
type OutboxJob struct {
	ID        int64  `gorm:"primaryKey;autoIncrement"`
	Kind      string `gorm:"not null"`
	Args      JSON   `gorm:"not null"`
	CreatedAt time.Time
}

// TableName pins the table name.
func (OutboxJob) TableName() string { return "job_outbox" }
