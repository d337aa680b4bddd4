package flinkssim

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
)

// StatusProcessing is the Status the simulator reports while an upload's OCR runs (the
// seed only names COMPLETED; the value is invented).
const StatusProcessing = "PROCESSING"

type wireFraud struct {
	HTTPStatusCode   int            `json:"HttpStatusCode"`
	Message          string         `json:"Message,omitempty"`
	Login            wireFraudLogin `json:"Login"`
	DocumentAnalysis []wireDocument `json:"DocumentAnalysis"`
}

type wireFraudLogin struct {
	LoginID   string `json:"LoginId"`
	RequestID string `json:"RequestId"`
}

type wireDocument struct {
	Status       string           `json:"Status"`
	FullAnalysis []wireFullResult `json:"FullAnalysis"`
}

type wireFullResult struct {
	DocumentType string       `json:"DocumentType"`
	FraudSignals []wireSignal `json:"FraudSignals"`
}

type wireSignal struct {
	Type           string         `json:"Type"`
	PageNumber     int            `json:"PageNumber"`
	Count          int            `json:"Count"`
	UnderlyingData []wireEvidence `json:"UnderlyingData"`
}

type wireEvidence struct {
	Details []wireDetailValue `json:"Details"`
}

type wireDetailValue struct {
	SpecificType string `json:"SpecificType"`
	Value        string `json:"Value"`
	DataType     string `json:"DataType"`
}

var signalTypes = []string{"Unreconciled balances", "Dollar amount edits", "Date edits", "Editing software detected"}

// handleFraudAnalysis is GET /v3/{customerId}/upload/fraudanalysis/{loginId}, with the API
// secret as Bearer token.
func (s *Server) handleFraudAnalysis(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.APISecret)) != 1 {
		writeFlinks(w, http.StatusUnauthorized, "UNAUTHORIZED", "You must provide a valid API secret key")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lg, ok := s.logins[r.PathValue("lid")]
	switch {
	case !ok:
		writeFlinks(w, http.StatusUnauthorized, "INVALID_LOGIN", "Invalid LoginId")
		return
	case lg.upload == nil:
		writeFlinks(w, http.StatusNotFound, "", "No upload was found for this LoginId")
		return
	}
	resp := wireFraud{HTTPStatusCode: 200, Login: wireFraudLogin{LoginID: lg.id, RequestID: lg.requestID}}
	if s.now().Before(lg.readyAt) {
		resp.Message = "The documents are still being processed"
		for range lg.upload.files {
			resp.DocumentAnalysis = append(resp.DocumentAnalysis, wireDocument{Status: StatusProcessing, FullAnalysis: []wireFullResult{}})
		}
		writeJSON(w, http.StatusOK, resp)
		return
	}
	fraud := false
	for i, f := range lg.upload.files {
		res := wireFullResult{DocumentType: "BANK_STATEMENT", FraudSignals: []wireSignal{}}
		if f.fraud {
			fraud = true
			res.FraudSignals = s.signals(lg.upload.id, i)
		}
		resp.DocumentAnalysis = append(resp.DocumentAnalysis, wireDocument{Status: "COMPLETED", FullAnalysis: []wireFullResult{res}})
	}
	if !fraud {
		resp.Message = "No Fraud Signal Detected" // the "fraud found" shape has no Message
	}
	writeJSON(w, http.StatusOK, resp)
}

// signals draws a file's fraud signals from the seed.
func (s *Server) signals(aggregationID string, file int) []wireSignal {
	h := sha256.Sum256(fmt.Appendf(nil, "%s/%d", aggregationID, file))
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), binary.BigEndian.Uint64(h[:8])))
	out := make([]wireSignal, 1+rng.IntN(2))
	for i := range out {
		out[i] = wireSignal{
			Type: signalTypes[rng.IntN(len(signalTypes))], PageNumber: 1 + rng.IntN(3), Count: 1 + rng.IntN(4),
			UnderlyingData: []wireEvidence{{Details: []wireDetailValue{{SpecificType: "RunningBalance",
				Value: fmt.Sprintf("%d.%02d", 100+rng.IntN(5000), rng.IntN(100)), DataType: "Decimal"}}}},
		}
	}
	return out
}
