package onboarding

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
)

// File is an uploaded document: a seekable body (the GraphQL multipart
// transport spools large files to disk), its name and its size.
type File struct {
	Name string
	Size int64
	Body io.ReadSeeker
}

// upload is one document recorded on a session (public data only).
type upload struct {
	Step        string `json:"step"`
	FileName    string `json:"fileName"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// Uploads decodes the documents recorded on a session.
func Uploads(o *models.OnboardingSession) []upload {
	var out []upload
	_ = json.Unmarshal(o.Uploads, &out)
	return out
}

// defaultTypes are accepted when a step names none.
var defaultTypes = []string{"application/pdf", "image/png", "image/jpeg"}

// Upload adds a document to the session's current step, which must be an
// upload step already submitted. The type is taken from the content (its
// magic bytes), never from the name, and must be one the step accepts;
// the size is capped by the step and by the server. Once the step has its
// files, the session moves on.
func (s *Service) Upload(ctx context.Context, sessionID, step string, f File, key *string) (*models.OnboardingSession, error) {
	o, err := s.owned(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	sum, ctype, err := s.inspect(f)
	if err != nil {
		return nil, err
	}
	reqKey := requestKey(key, []byte("upload"), []byte(step), sum)
	if o.LastKey == reqKey {
		return o, nil
	}
	if err := s.open(o); err != nil {
		return nil, err
	}
	ob, sk, def, err := s.stepOf(o, step)
	if err != nil {
		return nil, err
	}
	if def.Kind != provider.StepUpload || !o.StepSubmitted {
		return nil, &apperr.Error{Kind: apperr.ErrStepOutOfOrder, Public: "submit this upload step before its documents"}
	}
	if err := checkDocument(def, f.Size, ctype, s.opts.MaxUploadBytes); err != nil {
		return nil, err
	}
	turn, err := ob.UploadDocument(ctx, o.ProviderState, provider.Document{Step: step, FileName: f.Name,
		ContentType: ctype, Size: f.Size, Body: f.Body})
	if err != nil {
		return nil, err
	}
	next := *o
	next.LastKey, next.ProviderState, next.ExpiresAt = reqKey, turn.State, expiry(turn, s.now())
	list := append(Uploads(o), upload{Step: step, FileName: f.Name, ContentType: ctype, Size: f.Size})
	if next.Uploads, err = json.Marshal(list); err != nil {
		return nil, err
	}
	if countFor(list, step) >= minFiles(def) {
		next.StepIndex, next.StepSubmitted = next.StepIndex+1, false
		if next.StepIndex >= len(sk.Steps) {
			return nil, fmt.Errorf("onboarding: the last step was an upload")
		}
	}
	if next.State, err = Transition(o.State, EvStep); err != nil {
		return nil, err
	}
	return &next, s.save(ctx, &next)
}

// inspect hashes the whole file (for retries) and sniffs its type, then
// rewinds it for the upload.
func (s *Service) inspect(f File) (sum []byte, ctype string, err error) {
	if f.Body == nil || f.Size <= 0 {
		return nil, "", apperr.Invalid("the file is empty")
	}
	if f.Size > s.opts.MaxUploadBytes {
		return nil, "", apperr.Invalid("the file is larger than %d bytes", s.opts.MaxUploadBytes)
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(f.Body, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, "", fmt.Errorf("onboarding: read upload: %w", err)
	}
	ctype = sniff(head[:n])
	h := sha256.New()
	h.Write(head[:n])
	if _, err := io.Copy(h, f.Body); err != nil {
		return nil, "", fmt.Errorf("onboarding: read upload: %w", err)
	}
	if _, err := f.Body.Seek(0, io.SeekStart); err != nil {
		return nil, "", fmt.Errorf("onboarding: rewind upload: %w", err)
	}
	return h.Sum(nil), ctype, nil
}

// sniff names the document type from its first bytes (http's sniffing
// algorithm, which knows PDF, PNG, JPEG and more).
func sniff(head []byte) string {
	ct, _, _ := strings.Cut(http.DetectContentType(head), ";")
	return ct
}

// checkDocument applies the step's limits.
func checkDocument(def provider.StepDef, size int64, ctype string, serverMax int64) error {
	allowed, limit := defaultTypes, serverMax
	if u := def.Upload; u != nil {
		if len(u.ContentTypes) > 0 {
			allowed = u.ContentTypes
		}
		if u.MaxBytes > 0 {
			limit = min(limit, u.MaxBytes)
		}
	}
	if size > limit {
		return apperr.Invalid("the file is larger than the %d bytes this step accepts", limit)
	}
	if !slices.Contains(allowed, ctype) {
		return apperr.Invalid("this step accepts %v; the file's content is not one of them", allowed)
	}
	return nil
}

func countFor(list []upload, step string) int {
	n := 0
	for _, u := range list {
		if u.Step == step {
			n++
		}
	}
	return n
}
