package models

import "time"

// UploadStatus is where a statement upload stands.
type UploadStatus string

// The statement upload statuses, in order; failed ends any of them.
const (
	UploadQueued  UploadStatus = "queued"  // stored, waiting for the job
	UploadSending UploadStatus = "sending" // files going upstream one by one
	// UploadCompleting: the provider is being asked to complete the
	// upload. Recorded before the call, because the call cannot be
	// repeated: a run that finds it set knows the provider may already
	// have completed the upload.
	UploadCompleting UploadStatus = "completing"
	UploadAnalysing  UploadStatus = "analysing" // completed upstream; fraud analysis running
	UploadCompleted  UploadStatus = "completed"
	UploadFailed     UploadStatus = "failed"
)

// Terminal reports a status that takes no more steps.
func (s UploadStatus) Terminal() bool { return s == UploadCompleted || s == UploadFailed }

// StatementUpload is a set of bank statements a user uploaded for a
// provider to extract into a login (Flinks' Upload API), and the fraud
// analysis of those documents. A durable job sends its files, completes
// it and polls the analysis; the login becomes Credentials.
type StatementUpload struct {
	ID            string       `gorm:"primaryKey"`
	UserID        string       `gorm:"not null"`
	Provider      Provider     `gorm:"not null"`
	Status        UploadStatus `gorm:"not null"`
	Tag           *string
	ClientName    *string
	Session       string  `gorm:"not null;default:''"` // the provider's upload session (AggregationId)
	CredentialsID *string // the login the statements became
	// Fraud is the provider.FraudAnalysis document, sealed: its details
	// quote amounts and names from the statements.
	Fraud       JSON    `gorm:"-"`
	FraudSealed *string `gorm:"column:fraud"`
	ErrorCode   string  `gorm:"not null;default:''"`
	// Attempts counts failed runs of the current step, to give up.
	Attempts    int `gorm:"not null;default:0"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CompletedAt *time.Time
	// Files are loaded with the upload (without their content).
	Files []StatementFile `gorm:"foreignKey:UploadID"`
}

// TableName keeps the plural table name explicit.
func (StatementUpload) TableName() string { return "statement_uploads" }

// NodeType implements Node.
func (u *StatementUpload) NodeType() string { return "StatementUpload" }

// NodeKey implements Node.
func (u *StatementUpload) NodeKey() string { return u.ID }

// GlobalID is the object's opaque API id.
func (u *StatementUpload) GlobalID() string { return GlobalID(u) }

// FileStatus is where one file of an upload stands.
type FileStatus string

// The file statuses.
const (
	FileQueued   FileStatus = "queued"
	FileSent     FileStatus = "sent" // acknowledged upstream: never sent again
	FileRejected FileStatus = "rejected"
)

// StatementFile is one file of an upload. Its content is sealed and kept
// only until the provider acknowledges it.
type StatementFile struct {
	UploadID      string     `gorm:"primaryKey"`
	Position      int        `gorm:"primaryKey;autoIncrement:false"`
	Name          string     `gorm:"not null"`
	Type          string     `gorm:"not null"` // from the content, e.g. PDF
	Size          int64      `gorm:"not null"`
	Status        FileStatus `gorm:"not null"`
	Content       []byte     `gorm:"-"`
	ContentSealed *string    `gorm:"column:content"`
	ErrorCode     string     `gorm:"not null;default:''"`
	SentAt        *time.Time
}

// TableName keeps the plural table name explicit.
func (StatementFile) TableName() string { return "statement_files" }
