package finqware

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"github.com/fingraph/fingraph/providers/internal/httpx"
)

// UploadRequest is one file for a step that takes uploads (a KYC document,
// a selfie, ...).
type UploadRequest struct {
	// Nonce is the latest nonce of the session (usually the one the step's
	// submission returned).
	Nonce string
	// FileName is the file's name as sent in the part header.
	FileName string
	// ContentType is the part's type; default application/octet-stream.
	ContentType string
	// Body is streamed, never buffered whole. UploadStepFile returns only
	// once it has stopped reading Body, so the caller may close it then.
	Body io.Reader
}

// UploadResult is the answer to an upload.
type UploadResult struct {
	// UploadID identifies the stored file.
	UploadID string `json:"upload_id"`
	// StepID is the step the file belongs to.
	StepID string `json:"step_id"`
	// Nonce authorizes the next call of the session.
	Nonce string `json:"nonce"`
	// Status is the session status.
	Status SessionStatus `json:"status"`
	// FileName, ContentType and Size describe what Finqware stored.
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"` // the part's media type
	Size        int64  `json:"size"`         // bytes received
}

// UploadStepFile uploads a file for a step: POST {base}/steps/{step_id}/upload
// (the seed's path, https://docs.finqware.com; the body is not documented).
// The body is assumed to be multipart/form-data with the fields client_id
// and nonce and one part "file". It is sent once, never retried.
func (c *Client) UploadStepFile(ctx context.Context, stepID string, req UploadRequest) (*UploadResult, error) {
	if strings.TrimSpace(stepID) == "" || req.Nonce == "" || req.Body == nil {
		return nil, errors.New("finqware: UploadStepFile: step id, nonce and body are required")
	}
	if strings.ContainsAny(req.FileName+req.ContentType, "\r\n\"") {
		return nil, errors.New("finqware: UploadStepFile: invalid file name or content type")
	}
	r := call{label: "/steps/{step_id}/upload", path: "/steps/" + url.PathEscape(stepID) + "/upload",
		secrets: []string{req.Nonce}}
	ctx, cancel := c.withCallTimeout(ctx)
	defer cancel()
	var pipe *uploadPipe
	res, err := c.caller.Do(ctx, httpx.Call{
		Label: "POST " + r.label,
		Build: func(ctx context.Context) (*http.Request, error) {
			if pipe != nil {
				return nil, errors.New("upload body already consumed")
			}
			pipe = c.startUpload(req)
			hr, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+r.path, pipe.r)
			if err != nil {
				return nil, errors.New("invalid request")
			}
			hr.Header.Set("Content-Type", pipe.contentType)
			c.setHeaders(hr)
			return hr, nil
		},
	})
	if pipe != nil {
		// A failing Body is the caller's problem, not Finqware's: report it
		// rather than the transport error it caused.
		if werr := pipe.finish(); werr != nil {
			return nil, fmt.Errorf("finqware: POST %s: reading upload body: %w", r.label, werr)
		}
	}
	var out UploadResult
	if err := c.finish(r, res, err, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// uploadPipe streams a multipart body from a goroutine.
type uploadPipe struct {
	r           *io.PipeReader
	contentType string
	done        chan error
}

// startUpload begins writing the multipart body into a pipe.
func (c *Client) startUpload(req UploadRequest) *uploadPipe {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	p := &uploadPipe{r: pr, contentType: mw.FormDataContentType(), done: make(chan error, 1)}
	go func() {
		err := writeUpload(mw, c.clientID, req)
		_ = pw.CloseWithError(err) // nil closes normally
		p.done <- err
	}()
	return p
}

func writeUpload(mw *multipart.Writer, clientID string, req UploadRequest) error {
	if err := mw.WriteField("client_id", clientID); err != nil {
		return err
	}
	if err := mw.WriteField("nonce", req.Nonce); err != nil {
		return err
	}
	name := req.FileName
	if name == "" {
		name = "upload"
	}
	ct := req.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", ct)
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(part, req.Body); err != nil {
		return err
	}
	return mw.Close()
}

// errUploadAbandoned stops the writer when the request was never sent or
// ended early.
var errUploadAbandoned = errors.New("upload abandoned")

// finish stops the writer goroutine (if the transport did not read the
// whole body) and waits for it, so the caller's reader is not used after
// UploadStepFile returns. It returns the writer's own error (reading Body).
func (p *uploadPipe) finish() error {
	_ = p.r.CloseWithError(errUploadAbandoned)
	err := <-p.done
	if errors.Is(err, errUploadAbandoned) || errors.Is(err, io.ErrClosedPipe) {
		return nil
	}
	return err
}
