package gqlhttp

import (
	"mime"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// Multipart serves the GraphQL multipart request spec (file uploads) with
// gqlgen's transport, behind a CSRF guard: multipart/form-data is a
// "simple" content type a foreign page can POST without a preflight, so
// the request must also carry a header a browser only sends after one
// (as Apollo's csrfPrevention and gqlgen's docs recommend).
type Multipart struct {
	// MaxUploadSize caps the whole request; MaxMemory is how much of it
	// is held in memory before the rest spools to temporary files.
	MaxUploadSize, MaxMemory int64
}

var _ graphql.Transport = Multipart{}

// PreflightHeaders are the headers that prove a preflighted request; any
// one, with any non-empty value, will do.
var PreflightHeaders = []string{"GraphQL-Require-Preflight", "Apollo-Require-Preflight", "X-Apollo-Operation-Name"}

// Supports claims POSTs of multipart/form-data.
func (Multipart) Supports(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// Do refuses a request without a preflight header, then lets gqlgen parse
// the parts.
func (m Multipart) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if !preflighted(r) {
		WriteErrors(w, r, http.StatusBadRequest, Error(CodeBadRequest,
			"multipart requests must carry a GraphQL-Require-Preflight header (CSRF protection)"))
		return
	}
	transport.MultipartForm{MaxUploadSize: m.MaxUploadSize, MaxMemory: m.MaxMemory}.Do(w, r, exec)
}

func preflighted(r *http.Request) bool {
	for _, h := range PreflightHeaders {
		if r.Header.Get(h) != "" {
			return true
		}
	}
	return false
}
