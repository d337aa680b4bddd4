package flankssim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
)

// DataCode is one of the numeric codes Flanks returns "at the JSON response among the other
// fields" when aggregated data cannot be served (docs.flanks.io/troubleshooting-the-api).
type DataCode int

// The data codes the simulator produces.
const (
	// CodeIncomplete means the extraction of the requested product failed (errored flag true).
	CodeIncomplete DataCode = 20001
	// CodeProcessing means the extraction has not finished yet: poll /credentials/status.
	CodeProcessing DataCode = 20002
	// CodeCredentialsError means the bank rejected the stored credentials (blocked).
	CodeCredentialsError DataCode = 50002
	// CodeSCARequired means the user must complete strong customer authentication first.
	CodeSCARequired DataCode = 50003
)

// name is the upper-case label the troubleshooting page gives each code.
func (c DataCode) name() string {
	switch c {
	case CodeIncomplete:
		return "INCOMPLETE"
	case CodeProcessing:
		return "PROCESSING"
	case CodeCredentialsError:
		return "CREDENTIALS_ERROR"
	case CodeSCARequired:
		return "SCA_REQUIRED"
	}
	return "UNKNOWN"
}

// legacyError is the v0 envelope {"error": "..."}; Code is set only for data codes.
type legacyError struct {
	Error string   `json:"error"`
	Code  DataCode `json:"code,omitempty"`
}

// fieldError is one entry of the newer ValidationError envelope.
type fieldError struct {
	ErrorType string `json:"error_type"`
	Field     string `json:"field"`
}

// validationEnvelope is the newer error envelope used for request validation.
type validationEnvelope struct {
	Success bool `json:"success"`
	Error   struct {
		Code    string       `json:"code"`
		Details []fieldError `json:"details"`
	} `json:"error"`
	TraceID string `json:"trace_id"`
}

// writeJSON writes v with the given status. HTML escaping is off because the upstream is
// not a Go server and sends "&" and "<" verbatim.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing useful to do
}

// writeLegacy writes the v0 error envelope.
func writeLegacy(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, legacyError{Error: msg})
}

// writeDataError writes a data code with the legacy envelope.
func writeDataError(w http.ResponseWriter, code DataCode) {
	writeJSON(w, http.StatusBadRequest, legacyError{Error: code.name(), Code: code})
}

// writeValidation writes the newer ValidationError envelope with a fresh trace id.
func writeValidation(w http.ResponseWriter, details []fieldError) {
	var env validationEnvelope
	env.Error.Code = "ValidationError"
	env.Error.Details = details
	env.TraceID = traceID()
	writeJSON(w, http.StatusBadRequest, env)
}

// traceID returns 16 random bytes in hex, like the trace ids of the newer API.
func traceID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
