package flinks

import (
	"context"
	"errors"
	"net/http"
)

// AnalysisStatus is a document's processing status. Flinks documents
// StatusCompleted; other values are kept as sent.
type AnalysisStatus string

// StatusCompleted means the document's analysis is ready.
const StatusCompleted AnalysisStatus = "COMPLETED"

// DocumentTypeBankStatement is the DocumentType of bank statements, the
// only documents Flinks checks for fraud.
const DocumentTypeBankStatement = "BANK_STATEMENT"

// FraudAnalysis is the answer of the Upload fraud analysis endpoint
// (https://docs.flinks.com/api/upload/endpoints/fraud/fraud-analysis). The
// "no fraud" shape carries Message "No Fraud Signal Detected" and empty
// FraudSignals; the "fraud found" shape has no Message.
type FraudAnalysis struct {
	HTTPStatusCode   int                `json:"HttpStatusCode"`
	Message          string             `json:"Message"`
	Login            FraudLogin         `json:"Login"`
	DocumentAnalysis []DocumentAnalysis `json:"DocumentAnalysis"`
}

// FraudLogin identifies the upload's login.
type FraudLogin struct {
	LoginID   string `json:"LoginId"`
	RequestID string `json:"RequestId"`
}

// DocumentAnalysis is the analysis of one uploaded document.
type DocumentAnalysis struct {
	Status       AnalysisStatus   `json:"Status"`
	FullAnalysis []DocumentResult `json:"FullAnalysis"`
}

// DocumentResult is the result for one document type.
type DocumentResult struct {
	DocumentType string        `json:"DocumentType"`
	FraudSignals []FraudSignal `json:"FraudSignals"`
}

// FraudSignal is one triggered signal, e.g. "Unreconciled balances".
type FraudSignal struct {
	Type           string           `json:"Type"`
	PageNumber     int              `json:"PageNumber"`
	Count          int              `json:"Count"`
	UnderlyingData []SignalEvidence `json:"UnderlyingData"`
}

// SignalEvidence groups a signal's supporting details.
type SignalEvidence struct {
	Details []SignalDetail `json:"Details"`
}

// SignalDetail is one supporting value; Value is kept as text.
type SignalDetail struct {
	SpecificType string     `json:"SpecificType"`
	Value        FlexString `json:"Value"`
	DataType     string     `json:"DataType"`
}

// Completed reports whether every document's Status is COMPLETED (and there
// is at least one). Poll again, about every 30 s, until it is.
func (f *FraudAnalysis) Completed() bool {
	if len(f.DocumentAnalysis) == 0 {
		return false
	}
	for _, d := range f.DocumentAnalysis {
		if d.Status != StatusCompleted {
			return false
		}
	}
	return true
}

// Signals returns every fraud signal of every document.
func (f *FraudAnalysis) Signals() []FraudSignal {
	var out []FraudSignal
	for _, d := range f.DocumentAnalysis {
		for _, r := range d.FullAnalysis {
			out = append(out, r.FraudSignals...)
		}
	}
	return out
}

// FraudDetected reports whether any fraud signal was raised.
func (f *FraudAnalysis) FraudDetected() bool { return len(f.Signals()) > 0 }

// GetFraudAnalysis returns the fraud analysis of an Upload login (the
// Login.Id of UploadClient.Complete). It needs WithAPISecret: the Bearer
// token is the API secret key, not the Upload OAuth token.
//
// GET {base}/upload/fraudanalysis/{loginId} on the data API host
// (.../v3/{customerId}/upload/fraudanalysis/{loginId}), header
// Authorization: Bearer <API secret>. A read: retried on 408/425/429/5xx
// and network errors.
func (c *Client) GetFraudAnalysis(ctx context.Context, loginID string) (*FraudAnalysis, error) {
	if c.apiSecret == "" {
		return nil, errors.New("flinks: GetFraudAnalysis needs an API secret (WithAPISecret)")
	}
	id, err := pathID("LoginId", loginID)
	if err != nil {
		return nil, err
	}
	r := &request{
		method: http.MethodGet, path: "/upload/fraudanalysis/" + id,
		label:      "GET /upload/fraudanalysis/{loginId}",
		header:     http.Header{"Authorization": {"Bearer " + c.apiSecret}},
		idempotent: true, secrets: []string{loginID},
	}
	var out FraudAnalysis
	if err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
