package flinks

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// UploadFile is one statement to upload.
type UploadFile struct {
	// Name is the original file name; the sent FileName is UploadFileName(Name, type).
	Name string
	// ContentType, when set, must agree with the detected type (e.g. application/pdf).
	ContentType string
	// Data is read to its end, at most MaxUploadFileSize+1 bytes.
	Data io.Reader
}

// UploadResult is the answer of POST /api/v1/upload.
type UploadResult struct {
	HTTPStatusCode int    `json:"HttpStatusCode"`
	AggregationID  string `json:"AggregationId"`
	Message        string `json:"Message"`
	// FileName, FileType and Size describe what was sent (not from the answer).
	FileName string `json:"-"`
	FileType string `json:"-"`
	Size     int64  `json:"-"`
}

// CompleteResult is the answer of POST /api/v1/upload/complete.
type CompleteResult struct {
	HTTPStatusCode int    `json:"HttpStatusCode"`
	AggregationID  string `json:"AggregationId"`
	Login          struct {
		ID string `json:"Id"`
	} `json:"Login"`
	Message string `json:"Message"`
}

// LoginID returns Login.Id: the LoginId for GetFraudAnalysis and the data API.
func (r *CompleteResult) LoginID() string { return r.Login.ID }

// uploadBody writes {"AggregationId"?, "Files": [{"FileName", "Content"}], "Tag"?,
// "ClientName"?}, streaming the base64 content straight into the body: base64 needs no
// JSON escaping, and an 18 MB file then costs one 24 MB buffer instead of three.
func uploadBody(aggregationID, name, tag, clientName string, data []byte) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(base64.StdEncoding.EncodedLen(len(data)) + 512)
	field := func(key, v string, comma bool) error {
		q, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if comma {
			b.WriteByte(',')
		}
		b.WriteString(`"` + key + `":`)
		b.Write(q)
		return nil
	}
	b.WriteByte('{')
	if aggregationID != "" {
		if err := field("AggregationId", aggregationID, false); err != nil {
			return nil, err
		}
		b.WriteByte(',')
	}
	b.WriteString(`"Files":[{`)
	if err := field("FileName", name, false); err != nil {
		return nil, err
	}
	b.WriteString(`,"Content":"`)
	enc := base64.NewEncoder(base64.StdEncoding, &b)
	_, _ = enc.Write(data)
	_ = enc.Close()
	b.WriteString(`"}]`)
	for _, kv := range [][2]string{{"Tag", tag}, {"ClientName", clientName}} {
		if kv[1] != "" {
			if err := field(kv[0], kv[1], true); err != nil {
				return nil, err
			}
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Upload sends one file, base64-encoded, to POST /api/v1/upload (shared/seeds/004). Leave
// aggregationID empty for the first file: the answer's AggregationId groups the files,
// and every later file of the same upload must carry it. tag and clientName are optional.
//
// Before sending, it enforces the seed's limits: the type by content (DetectFileType; a
// file named .pdf that is not a PDF is ErrFileTypeMismatch), MaxUploadFileSize and, for
// the files this client sent under aggregationID, MaxUploadTotalSize.
//
// An upload is never retried (a repeat could add the file twice), except once after a 401
// with a fresh token, which the API refused before reading the file.
func (u *UploadClient) Upload(ctx context.Context, f UploadFile, aggregationID, tag, clientName string) (*UploadResult, error) {
	if f.Data == nil {
		return nil, ErrEmptyFile
	}
	data, err := io.ReadAll(io.LimitReader(f.Data, MaxUploadFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("flinks: read %q: %w", f.Name, err)
	}
	if len(data) > MaxUploadFileSize {
		return nil, ErrFileTooLarge
	}
	typ, err := DetectFileType(data)
	if err != nil {
		return nil, err
	}
	name, err := UploadFileName(f.Name, typ)
	if err != nil {
		return nil, err
	}
	if f.ContentType != "" {
		mt, _, err := mime.ParseMediaType(f.ContentType)
		if err != nil || (mt != FileTypeMIME(typ) && !(typ == FileTypeJPEG && mt == "image/jpg")) {
			return nil, ErrFileTypeMismatch
		}
	}
	size := int64(len(data))
	if aggregationID != "" {
		if u.uploadedBytes(aggregationID)+size > MaxUploadTotalSize {
			return nil, ErrUploadTooLarge
		}
	}
	body, err := uploadBody(aggregationID, name, tag, clientName, data)
	if err != nil {
		return nil, err
	}
	data = nil
	var out UploadResult
	if err := u.send(ctx, "/api/v1/upload", body, &out); err != nil {
		return nil, err
	}
	if out.AggregationID == "" || (aggregationID != "" && out.AggregationID != aggregationID) {
		return nil, &APIError{Method: http.MethodPost, Path: "/api/v1/upload", StatusCode: http.StatusOK,
			Message: "missing or changed AggregationId", sentinels: []error{ErrMalformedResponse}}
	}
	u.addUploadedBytes(out.AggregationID, size)
	out.FileName, out.FileType, out.Size = name, typ, size
	return &out, nil
}

// Complete ends an upload and starts its OCR: POST /api/v1/upload/complete
// {AggregationId}. The answer's Login.Id is the LoginId of the fraud analysis. Not
// retried, like Upload.
func (u *UploadClient) Complete(ctx context.Context, aggregationID string) (*CompleteResult, error) {
	if aggregationID == "" {
		return nil, errors.New("flinks: Complete needs an AggregationId")
	}
	body, err := json.Marshal(map[string]string{"AggregationId": aggregationID})
	if err != nil {
		return nil, err
	}
	var out CompleteResult
	if err := u.send(ctx, "/api/v1/upload/complete", body, &out); err != nil {
		return nil, err
	}
	if out.Login.ID == "" {
		return nil, &APIError{Method: http.MethodPost, Path: "/api/v1/upload/complete", StatusCode: http.StatusOK,
			Message: "no Login.Id in the answer", sentinels: []error{ErrMalformedResponse}}
	}
	u.sessMu.Lock()
	delete(u.sessions, aggregationID)
	u.sessMu.Unlock()
	return &out, nil
}

func (u *UploadClient) uploadedBytes(id string) int64 {
	u.sessMu.Lock()
	defer u.sessMu.Unlock()
	return u.sessions[id]
}

func (u *UploadClient) addUploadedBytes(id string, n int64) {
	u.sessMu.Lock()
	defer u.sessMu.Unlock()
	u.sessions[id] += n
}

// send POSTs a JSON body with the bearer token; a 401 drops the token and resends once.
func (u *UploadClient) send(ctx context.Context, path string, body []byte, out any) error {
	label := "POST " + path
	var sentTok string
	res, err := u.caller.Do(ctx, httpx.Call{
		Label: label,
		Build: func(ctx context.Context) (*http.Request, error) {
			tok, err := u.token(ctx)
			if err != nil {
				return nil, &tokenFetchError{err: err}
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.base+path, bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json")
			req.Header.Set("User-Agent", defaultUserAgent)
			req.Header.Set("Authorization", "Bearer "+tok)
			sentTok = tok
			return req, nil
		},
		Resend: func(res *httpx.Response) bool {
			if res.Status != http.StatusUnauthorized {
				return false
			}
			u.invalidateToken(sentTok)
			return true
		},
	})
	secrets := []string{u.cfg.ClientSecret, sentTok}
	var tfe *tokenFetchError
	switch {
	case errors.As(err, &tfe):
		var inner *tokenFetchError
		for errors.As(tfe.err, &inner) {
			tfe = inner
		}
		if errors.Is(tfe.err, context.Canceled) || errors.Is(tfe.err, context.DeadlineExceeded) {
			var apiErr *APIError
			var terr *transportError
			if !errors.As(tfe.err, &apiErr) && !errors.As(tfe.err, &terr) {
				return newTransportError(ctx, label, tfe.err, secrets)
			}
		}
		return tfe.err
	case errors.Is(err, httpx.ErrBodyTooLarge):
		return &APIError{Method: http.MethodPost, Path: path, StatusCode: http.StatusOK,
			Message: "response body too large", sentinels: []error{ErrMalformedResponse}}
	case err != nil:
		return newTransportError(ctx, label, err, secrets)
	}
	r := &request{method: http.MethodPost, label: label}
	if res.Status == http.StatusRequestEntityTooLarge {
		e := newAPIError(r, res, decodeEnvelope(res.Body), u.now, secrets)
		e.sentinels = append(e.sentinels, ErrUploadTooLarge)
		return e
	}
	if res.Status/100 != 2 {
		return newAPIError(r, res, decodeEnvelope(res.Body), u.now, secrets)
	}
	if err := json.Unmarshal(bytes.TrimSpace(res.Body), out); err != nil {
		return malformed(r, res.Status, describeDecodeError(err))
	}
	return nil
}

func decodeEnvelope(body []byte) envelope {
	var env envelope
	_ = json.Unmarshal(body, &env)
	return env
}
