package flinkssim

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/google/uuid"
)

// FraudNameMarker in a file's name (any case), or FraudContentMarker in its bytes, makes
// the fraud analysis of its upload report signals for that file (the seed's "fraud found"
// shape); otherwise the analysis is clean ("No Fraud Signal Detected").
const (
	FraudNameMarker    = "fraud"
	FraudContentMarker = "FLINKSSIM-FRAUD"
)

// aggregation is an upload session (AggregationId).
type aggregation struct {
	id        string
	files     []uploadedFile
	total     int64
	completed bool
	loginID   string
}

type uploadedFile struct {
	name, kind string
	size       int64
	fraud      bool
}

func (s *Server) uploadRoutes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("POST /api/v1/token", s.api(EndpointUploadToken, false, s.mtls(s.handleUploadToken)))
	// The seed's flow table writes /upload and /upload/complete; its examples and the
	// notes use /api/v1/...: both are served.
	for _, prefix := range []string{"/api/v1", ""} {
		m.HandleFunc("POST "+prefix+"/upload", s.api(EndpointUpload, false, s.mtls(s.bearer(s.handleUpload))))
		m.HandleFunc("POST "+prefix+"/upload/complete", s.api(EndpointUploadComplete, false, s.mtls(s.bearer(s.handleComplete))))
	}
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeFlinks(w, http.StatusNotFound, "", "Not found")
	})
	return m
}

// mtls refuses requests that did not come over TLS with a verified client certificate
// (the listener already requires one; this guards a handler mounted elsewhere).
func (s *Server) mtls(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
			writeFlinks(w, http.StatusForbidden, "", "A client certificate issued by Flinks is required")
			return
		}
		h(w, r)
	}
}

func oauthError(w http.ResponseWriter, status int, code string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="flinks-upload"`)
	}
	writeJSON(w, status, map[string]string{"error": code})
}

// handleUploadToken is POST /api/v1/token: client credentials in Basic auth, form body
// with grant_type=client_credentials and scope ocr.write.
func (s *Server) handleUploadToken(w http.ResponseWriter, r *http.Request) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	if r.PostForm.Get("grant_type") != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	if !s.basicAuthOK(r) {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	if !strings.Contains(" "+r.PostForm.Get("scope")+" ", " ocr.write ") {
		oauthError(w, http.StatusBadRequest, "invalid_scope")
		return
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	s.mu.Lock()
	s.uploadTokens[tok] = s.now().Add(s.opts.UploadTokenTTL)
	s.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer",
		"expires_in": int(s.opts.UploadTokenTTL / time.Second)})
}

// basicAuthOK compares the Basic credentials raw (the seed's examples) or form-decoded
// (RFC 6749 §2.3.1, what golang.org/x/oauth2 sends).
func (s *Server) basicAuthOK(r *http.Request) bool {
	id, secret, ok := r.BasicAuth()
	if !ok {
		return false
	}
	eq := func(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
	if eq(id, s.opts.UploadClientID) && eq(secret, s.opts.UploadClientSecret) {
		return true
	}
	uid, err1 := url.QueryUnescape(id)
	usec, err2 := url.QueryUnescape(secret)
	return err1 == nil && err2 == nil && eq(uid, s.opts.UploadClientID) && eq(usec, s.opts.UploadClientSecret)
}

// bearer checks the upload OAuth token and its expiry by Now.
func (s *Server) bearer(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		exp, known := s.uploadTokens[tok]
		if known && !s.now().Before(exp) {
			delete(s.uploadTokens, tok)
			known = false
		}
		s.mu.Unlock()
		if !ok || !known {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writeFlinks(w, http.StatusUnauthorized, "", "The access token is missing, invalid or expired")
			return
		}
		h(w, r)
	}
}

type uploadBody struct {
	AggregationID string `json:"AggregationId"`
	Files         []struct {
		FileName string `json:"FileName"`
		Content  string `json:"Content"`
	} `json:"Files"`
	Tag        string `json:"Tag"`
	ClientName string `json:"ClientName"`
}

// handleUpload is POST /api/v1/upload: one base64 file per request.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	maxBody := int64(base64.StdEncoding.EncodedLen(int(s.opts.MaxFileSize))) + 64<<10
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeFlinks(w, http.StatusRequestEntityTooLarge, "", fmt.Sprintf("A file may not exceed %d bytes", s.opts.MaxFileSize))
		return
	case err != nil:
		writeFlinks(w, http.StatusBadRequest, "", "The request body could not be read")
		return
	}
	var body uploadBody
	if err := json.Unmarshal(raw, &body); err != nil {
		writeFlinks(w, http.StatusBadRequest, "", "The request body is not valid JSON")
		return
	}
	if len(body.Files) != 1 {
		writeFlinks(w, http.StatusBadRequest, "", "Send exactly one file per request")
		return
	}
	f := body.Files[0]
	content, err := base64.StdEncoding.DecodeString(f.Content)
	switch {
	case strings.TrimSpace(f.FileName) == "" || strings.ContainsAny(f.FileName, `/\`):
		writeFlinks(w, http.StatusBadRequest, "", "FileName is required and may not hold a path")
		return
	case err != nil || len(content) == 0:
		writeFlinks(w, http.StatusBadRequest, "", "Content must be base64-encoded file content")
		return
	case int64(len(content)) > s.opts.MaxFileSize:
		writeFlinks(w, http.StatusRequestEntityTooLarge, "", fmt.Sprintf("A file may not exceed %d bytes", s.opts.MaxFileSize))
		return
	}
	kind := sniff(content)
	if kind == "" {
		writeFlinks(w, http.StatusBadRequest, "", "Accepted file types are PDF, PNG, JPG, JPEG, TIF and TIFF")
		return
	}
	if extKinds[strings.ToLower(path.Ext(f.FileName))] != kind {
		writeFlinks(w, http.StatusBadRequest, "", "The file extension does not match the file content")
		return
	}
	status, resp := s.addFile(body.AggregationID, uploadedFile{name: f.FileName, kind: kind, size: int64(len(content)),
		fraud: strings.Contains(strings.ToLower(f.FileName), FraudNameMarker) || bytes.Contains(content, []byte(FraudContentMarker))})
	writeJSON(w, status, resp)
}

// addFile records a file in its aggregation, creating one when id is empty.
func (s *Server) addFile(id string, f uploadedFile) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	agg, ok := s.aggregations[id]
	switch {
	case id == "":
		agg = &aggregation{id: uuid.NewString()}
	case !ok:
		return http.StatusBadRequest, wireError{HTTPStatusCode: 400, Message: "Unknown AggregationId"}
	case agg.completed:
		return http.StatusBadRequest, wireError{HTTPStatusCode: 400, Message: "This upload is already complete"}
	}
	if agg.total+f.size > s.opts.MaxUploadSize {
		return http.StatusRequestEntityTooLarge, wireError{HTTPStatusCode: 413,
			Message: fmt.Sprintf("An upload may not exceed %d bytes", s.opts.MaxUploadSize)}
	}
	agg.files = append(agg.files, f)
	agg.total += f.size
	s.aggregations[agg.id] = agg
	return http.StatusOK, map[string]any{"HttpStatusCode": 200, "AggregationId": agg.id,
		"Message": "The files were uploaded successfully. Please send the next file(s)."}
}

// handleComplete is POST /api/v1/upload/complete: it starts "OCR" and creates the login.
func (s *Server) handleComplete(w http.ResponseWriter, r *http.Request) {
	var body struct {
		AggregationID string `json:"AggregationId"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	agg, ok := s.aggregations[body.AggregationID]
	switch {
	case !ok:
		s.mu.Unlock()
		writeFlinks(w, http.StatusBadRequest, "", "Unknown AggregationId")
		return
	case agg.completed:
		s.mu.Unlock()
		writeFlinks(w, http.StatusBadRequest, "", "This upload is already complete")
		return
	}
	lg := s.newLoginLocked(profiles[userUpload], "")
	lg.upload, agg.completed, agg.loginID = agg, true, lg.id
	s.mu.Unlock()
	s.scheduleWebhook(lg.id, lg.gen)
	writeJSON(w, http.StatusOK, map[string]any{"HttpStatusCode": 200, "AggregationId": agg.id,
		"Login":   map[string]string{"Id": lg.id},
		"Message": "All files were uploaded successfully. The OCR process will start shortly."})
}

// extKinds maps the accepted extensions to the type their content must have.
var extKinds = map[string]string{".pdf": "PDF", ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".tif": "TIFF", ".tiff": "TIFF"}

// sniff recognises the accepted types by their magic bytes.
func sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "PDF"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "PNG"
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "JPEG"
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "TIFF"
	}
	return ""
}
