package finqwaresim

import (
	"encoding/json"
	"net/http"

	"github.com/google/uuid"
)

// Error types of the public error object (https://docs.finqware.com/api/errors).
// The last two are the simulator's: the docs' internal-error section and
// rate-limit body are not published.
const (
	typeInvalidRequest = "invalid_request"
	typeUnauthorized   = "unauthorized"
	typeExternalAPI    = "external_api_error"
	typeInternal       = "internal_server_error"
	typeRateLimit      = "rate_limit_error"
)

// apiError is one error answer: the object {id, type, http, code, message}.
type apiError struct {
	status    int
	typ, code string
	msg       string
}

// errorObject is the wire form.
type errorObject struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	HTTP    int    `json:"http"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func badRequest(code, msg string) apiError {
	return apiError{status: http.StatusBadRequest, typ: typeInvalidRequest, code: code, msg: msg}
}

func unauthorized(code, msg string) apiError {
	return apiError{status: http.StatusUnauthorized, typ: typeUnauthorized, code: code, msg: msg}
}

func errNotFound(msg string) apiError {
	return apiError{status: http.StatusNotFound, typ: typeInvalidRequest, code: "not_found", msg: msg}
}

// writeError writes e as the public error object with a fresh id.
func writeError(w http.ResponseWriter, e apiError) {
	writeJSON(w, e.status, errorObject{ID: uuid.NewString(), Type: e.typ, HTTP: e.status, Code: e.code, Message: e.msg})
}

// writeJSON writes v with the given status. HTML escaping is off: the
// upstream is not a Go server.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing useful to do
}
