package finqwaresim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"time"
)

// Upload is one file received on /steps/{step_id}/upload, recorded for
// tests and demos.
type Upload struct {
	UploadID    string    // the upload_id answered
	SessionID   string    // the session of the step
	StepID      string    // the step_id of the URL
	Step        string    // the step name, e.g. "kyc_upload"
	FileName    string    // the part's file name
	ContentType string    // the part's Content-Type
	Size        int64     // bytes received
	SHA256      string    // hex digest of Data
	Data        []byte    // the file
	At          time.Time // when it arrived, by Options.Now
}

// uploadAnswer is the (assumed) answer to an upload.
type uploadAnswer struct {
	UploadID    string `json:"upload_id"`
	StepID      string `json:"step_id"`
	Nonce       string `json:"nonce"`
	Status      string `json:"status"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// multipartField caps the text fields of an upload.
const multipartField = 4096

// handleUpload serves POST /v1/steps/{step_id}/upload and the seed's
// /steps/{step_id}/upload. The body is undocumented; the simulator takes
// multipart/form-data with fields client_id and nonce and one part "file",
// capped at MaxUploadBytes. The nonce is the session's latest; the answer
// carries the next one.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxUploadBytes+1<<20)
	u, v, e := s.readUpload(r)
	if e != nil {
		_, _ = io.Copy(io.Discard, r.Body) // let the client finish sending, so it reads the answer
		writeError(w, *e)
		return
	}
	if e := s.checkClient(v, false); e != nil {
		writeError(w, *e)
		return
	}
	s.mu.Lock()
	ans, e := s.uploadLocked(r.PathValue("step_id"), v["nonce"], u)
	s.mu.Unlock()
	if e != nil {
		writeError(w, *e)
		return
	}
	writeJSON(w, http.StatusOK, ans)
}

// readUpload parses the multipart body.
func (s *Server) readUpload(r *http.Request) (*Upload, map[string]string, *apiError) {
	fail := func(code, msg string) (*Upload, map[string]string, *apiError) {
		e := badRequest(code, msg)
		return nil, nil, &e
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return fail("invalid_headers", "Content-Type must be multipart/form-data")
	}
	limit := s.opts.MaxUploadBytes
	mr, err := r.MultipartReader()
	if err != nil {
		return fail("invalid_body", "unreadable multipart body")
	}
	v := map[string]string{}
	var u *Upload
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail("invalid_body", "unreadable multipart body or upload too large")
		}
		switch name := part.FormName(); name {
		case "client_id", "nonce":
			b, err := io.ReadAll(io.LimitReader(part, multipartField+1))
			if err != nil || len(b) > multipartField {
				return fail("invalid_field", name+" too long")
			}
			v[name] = string(b)
		case "file":
			if u != nil {
				return fail("invalid_input", "one file per request")
			}
			var buf bytes.Buffer
			n, err := io.Copy(&buf, io.LimitReader(part, limit+1))
			if err != nil {
				return fail("invalid_body", "unreadable file part or upload too large")
			}
			if n > limit {
				return fail("invalid_input", fmt.Sprintf("file exceeds %d bytes", limit))
			}
			sum := sha256.Sum256(buf.Bytes())
			u = &Upload{FileName: part.FileName(), ContentType: part.Header.Get("Content-Type"), Size: n,
				SHA256: hex.EncodeToString(sum[:]), Data: buf.Bytes()}
		default:
			return fail("unknown_fields", "unknown field: "+name)
		}
	}
	var missing []string
	for _, k := range []string{"client_id", "nonce"} {
		if v[k] == "" {
			missing = append(missing, k)
		}
	}
	if u == nil {
		missing = append(missing, "file")
	}
	if len(missing) > 0 {
		return fail("missing_fields", fmt.Sprintf("missing fields: %v", missing))
	}
	return u, v, nil
}

func (s *Server) uploadLocked(stepID, nonce string, u *Upload) (*uploadAnswer, *apiError) {
	st := s.steps[stepID]
	if st == nil {
		return nil, &apiError{status: http.StatusNotFound, typ: typeInvalidRequest, code: "invalid_step",
			msg: "unknown step_id"}
	}
	sess := st.sess
	if e := s.checkNonceLocked(sess, nonce); e != nil {
		return nil, e
	}
	spec := st.def.Upload
	switch {
	case spec == nil:
		e := badRequest("invalid_step", "this step takes no uploads")
		return nil, &e
	case sess.status != StatusInProgress || sess.steps[len(sess.steps)-1] != st:
		e := badRequest("invalid_step", "uploads are accepted only for the latest step of a session in progress")
		return nil, &e
	case !slices.Contains(spec.ContentTypes, mediaType(u.ContentType)):
		e := badRequest("invalid_input", "content type not accepted for this step")
		return nil, &e
	}
	u.UploadID, u.SessionID, u.StepID, u.Step, u.At = newID(), sess.id, st.id, st.def.Name, s.now()
	st.uploads = append(st.uploads, *u)
	return &uploadAnswer{UploadID: u.UploadID, StepID: st.id, Nonce: s.rotateNonceLocked(sess, false),
		Status: sess.status, FileName: u.FileName, ContentType: u.ContentType, Size: u.Size}, nil
}

func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return ""
	}
	return mt
}

// Uploads returns the files uploaded in a session, in order.
func (s *Server) Uploads(sessionID string) []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[sessionID]
	if sess == nil {
		return nil
	}
	var out []Upload
	for _, st := range sess.steps {
		for _, u := range st.uploads {
			u.Data = bytes.Clone(u.Data)
			out = append(out, u)
		}
	}
	return out
}
