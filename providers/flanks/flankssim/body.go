package flankssim

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
)

// maxBodyBytes caps request bodies; Flanks requests are small JSON objects.
const maxBodyBytes = 1 << 20

// requestBody is a decoded JSON object body, kept raw so each field can be validated
// with its own error_type.
type requestBody map[string]json.RawMessage

// bodyHandler handles an authenticated request whose body has been decoded.
type bodyHandler func(w http.ResponseWriter, r *http.Request, b requestBody)

// authed wraps h with the bearer check.
func (s *Server) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.checkBearer(w, r) {
			return
		}
		h(w, r)
	}
}

// withBody wraps h with the bearer check and body decoding (JSON or JWE).
func (s *Server) withBody(h bodyHandler) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request) {
		b, ok := s.readBody(w, r)
		if !ok {
			return
		}
		h(w, r, b)
	})
}

// readBody decodes a JSON object body, decrypting it first when it is sent as
// application/jose. An empty body decodes to an empty object so that missing fields are
// reported field by field. It writes the error response itself and reports false.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) (requestBody, bool) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		writeLegacy(w, http.StatusRequestEntityTooLarge, "Request body too large")
		return nil, false
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return requestBody{}, true
	}
	switch mediaType(r) {
	case "application/json":
	case "application/jose":
		if raw, err = s.keys.decrypt(string(raw)); err != nil {
			writeLegacy(w, http.StatusBadRequest, err.Error())
			return nil, false
		}
	default:
		writeLegacy(w, http.StatusUnsupportedMediaType,
			"Unsupported Content-Type: send application/json or application/jose")
		return nil, false
	}
	var b requestBody
	if err := json.Unmarshal(raw, &b); err != nil || b == nil {
		writeLegacy(w, http.StatusBadRequest, "Invalid JSON body: expected a JSON object")
		return nil, false
	}
	return b, true
}

// mediaType returns the lower-cased media type of the request, without parameters.
func mediaType(r *http.Request) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return strings.ToLower(mt)
}

// present reports whether the field exists and is not JSON null.
func (b requestBody) present(field string) bool {
	v, ok := b[field]
	return ok && string(v) != "null"
}

// str reads a string field. A missing, null or empty required field is "missing"; a value
// of another JSON type is "string_type".
func (b requestBody) str(field string, required bool, errs *[]fieldError) string {
	if !b.present(field) {
		if required {
			*errs = append(*errs, fieldError{ErrorType: "missing", Field: field})
		}
		return ""
	}
	var v string
	if err := json.Unmarshal(b[field], &v); err != nil {
		*errs = append(*errs, fieldError{ErrorType: "string_type", Field: field})
		return ""
	}
	if v == "" && required {
		*errs = append(*errs, fieldError{ErrorType: "missing", Field: field})
	}
	return v
}

// boolean reads an optional boolean field.
func (b requestBody) boolean(field string, errs *[]fieldError) bool {
	if !b.present(field) {
		return false
	}
	var v bool
	if err := json.Unmarshal(b[field], &v); err != nil {
		*errs = append(*errs, fieldError{ErrorType: "bool_type", Field: field})
	}
	return v
}

// integer reads an optional integer field, def when absent.
func (b requestBody) integer(field string, def int, errs *[]fieldError) int {
	if !b.present(field) {
		return def
	}
	var v int
	if err := json.Unmarshal(b[field], &v); err != nil {
		*errs = append(*errs, fieldError{ErrorType: "int_type", Field: field})
		return def
	}
	return v
}

// object reads an optional JSON object field into dst.
func (b requestBody) object(field string, dst any, errs *[]fieldError) {
	if !b.present(field) {
		return
	}
	dec := json.NewDecoder(bytes.NewReader(b[field]))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		*errs = append(*errs, fieldError{ErrorType: "dict_type", Field: field})
	}
}
