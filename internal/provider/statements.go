package provider

import (
	"context"
	"io"
)

// StatementFile is one bank statement to send upstream.
type StatementFile struct {
	// Name is the file name the user gave.
	Name string
	// Type is what CheckStatement named from the content (e.g. "PDF").
	Type string
	Size int64
	Body io.Reader
}

// StatementUploader is a provider that extracts accounts and transactions
// from uploaded bank statements (Flinks' Upload API) and analyses them for
// fraud. An upload is a session upstream: files are sent one per request,
// carrying the session id of the first answer, then completed into a
// login whose data the provider then serves like any linked credentials.
type StatementUploader interface {
	// CheckStatement names a file's type from its first bytes (at least
	// 512 when the file is that long), never from its name, and checks
	// its size. Its error is the user's: a Failure of kind
	// apperr.ErrInvalidInput with a public message.
	CheckStatement(name string, head []byte, size int64) (fileType string, err error)
	// MaxStatementBytes caps the files of one upload together.
	MaxStatementBytes() int64
	// UploadStatement sends one file; session is "" for the first file
	// and the returned session id afterwards.
	UploadStatement(ctx context.Context, session string, f StatementFile, tag, clientName string) (sessionID string, err error)
	// CompleteStatements ends the session after its last file: the link
	// is the login the provider extracts the statements into.
	CompleteStatements(ctx context.Context, session string) (*Link, error)
	// FraudAnalysis returns the fraud analysis of the completed upload
	// whose login handle is ref; Done is false while it runs.
	FraudAnalysis(ctx context.Context, ref string) (*FraudAnalysis, error)
}

// FraudAnalysis is a provider's verdict on uploaded documents.
type FraudAnalysis struct {
	// Done reports that every document's analysis finished.
	Done bool `json:"done"`
	// Message is the provider's summary, e.g. "No Fraud Signal Detected".
	Message   string          `json:"message,omitempty"`
	Documents []FraudDocument `json:"documents"`
}

// FraudDocument is the analysis of one uploaded document.
type FraudDocument struct {
	// Status is the provider's, kept as sent (COMPLETED when done).
	Status  string        `json:"status"`
	Results []FraudResult `json:"results"`
}

// FraudResult is the result for one document type.
type FraudResult struct {
	DocumentType string        `json:"documentType"`
	Signals      []FraudSignal `json:"signals"`
}

// FraudSignal is one triggered signal, e.g. "Unreconciled balances".
type FraudSignal struct {
	Type       string        `json:"type"`
	PageNumber int           `json:"pageNumber"`
	Count      int           `json:"count"`
	Details    []FraudDetail `json:"details"`
}

// FraudDetail is one value supporting a signal, as text.
type FraudDetail struct {
	SpecificType string `json:"specificType"`
	Value        string `json:"value"`
	DataType     string `json:"dataType"`
}
