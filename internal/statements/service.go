// Package statements runs bank statement uploads: a user sends files, the
// server checks them (type by content, sizes) before any upstream call and
// stores them sealed with a durable job that sends them one by one to the
// provider that extracts statements (provider.StatementUploader),
// completes the upload into a login linked as Credentials, and polls the
// fraud analysis of the documents.
package statements

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/fingraph/fingraph/internal/access"
	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Options tune the service; zero values take the defaults.
type Options struct {
	// FraudPollInterval paces the fraud analysis polls when the provider
	// gives no pace of its own (default 30 s).
	FraudPollInterval time.Duration
	// FraudTimeout gives up waiting for the analysis (default 2 h); the
	// upload then completes without it.
	FraudTimeout time.Duration
	// MaxAttempts is how many failed runs of one step fail the upload
	// (default 8).
	MaxAttempts int
	// MaxFiles caps the files of one upload (default 50).
	MaxFiles int
	Now      func() time.Time
	Logger   *slog.Logger
}

func (o *Options) defaults() {
	if o.FraudPollInterval <= 0 {
		o.FraudPollInterval = 30 * time.Second
	}
	if o.FraudTimeout <= 0 {
		o.FraudTimeout = 2 * time.Hour
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.MaxFiles <= 0 {
		o.MaxFiles = 50
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Service runs statement uploads. It is safe for concurrent use.
type Service struct {
	st   *store.Store
	reg  *provider.Registry
	agg  *aggregate.Service
	opts Options
	log  *slog.Logger
}

// New returns a Service.
func New(st *store.Store, reg *provider.Registry, agg *aggregate.Service, o Options) *Service {
	o.defaults()
	return &Service{st: st, reg: reg, agg: agg, opts: o, log: o.Logger.With("component", "statements")}
}

func (s *Service) now() time.Time { return s.opts.Now().UTC() }

// File is one uploaded file: a seekable body (the multipart transport
// spools large files to disk), its name and size.
type File struct {
	Name string
	Size int64
	Body io.ReadSeeker
}

// Job runs one step of an upload (send a file, complete, poll the fraud
// analysis) and asks to run again until the upload ends.
type Job struct {
	UploadID string `json:"upload_id" river:"unique"`
}

// Kind implements river.JobArgs.
func (Job) Kind() string { return "statement_upload" }

// Again asks the job runner to run the upload's next step after After.
type Again struct{ After time.Duration }

// Error implements error.
func (a *Again) Error() string { return fmt.Sprintf("statements: next step in %s", a.After) }

// uploadsConfigured is implemented by providers whose statement uploads
// depend on configuration they may lack.
type uploadsConfigured interface{ UploadsConfigured() bool }

// uploader picks the provider that takes statements.
func (s *Service) uploader() (models.Provider, provider.StatementUploader, error) {
	for _, name := range s.reg.Names() {
		p, _ := s.reg.Get(name)
		up, ok := p.(provider.StatementUploader)
		if !ok {
			continue
		}
		if c, ok := p.(uploadsConfigured); ok && !c.UploadsConfigured() {
			continue
		}
		return name, up, nil
	}
	return "", nil, &apperr.Error{Kind: apperr.ErrUnsupported,
		Public: "statement uploads are not configured on this server"}
}

// Upload checks files and stores them with the job that sends them. The
// checks (at least one file, each file's type by its content and size, the
// total) all run before anything is stored or sent.
func (s *Service) Upload(ctx context.Context, files []File, tag, clientName *string) (*models.StatementUpload, error) {
	userID, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	name, up, err := s.uploader()
	if err != nil {
		return nil, err
	}
	rows, err := s.check(up, files)
	if err != nil {
		return nil, err
	}
	now := s.now()
	u := &models.StatementUpload{ID: uuid.NewString(), UserID: userID, Provider: name, Status: models.UploadQueued,
		Tag: tag, ClientName: clientName, CreatedAt: now, UpdatedAt: now}
	for i := range rows {
		rows[i].UploadID = u.ID
		if rows[i].Content, err = readAll(files[i]); err != nil {
			return nil, err
		}
	}
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.TouchUser(ctx, userID, now); err != nil {
			return err
		}
		if err := tx.CreateStatementUpload(ctx, u, rows); err != nil {
			return err
		}
		return tx.EnqueueJob(ctx, Job{}.Kind(), Job{UploadID: u.ID})
	})
	if err != nil {
		return nil, err
	}
	return s.st.StatementUpload(ctx, u.ID)
}

// check validates every file and returns their rows (without content).
func (s *Service) check(up provider.StatementUploader, files []File) ([]models.StatementFile, error) {
	switch {
	case len(files) == 0:
		return nil, apperr.Invalid("send at least one file")
	case len(files) > s.opts.MaxFiles:
		return nil, apperr.Invalid("send at most %d files in one upload", s.opts.MaxFiles)
	}
	var total int64
	rows := make([]models.StatementFile, len(files))
	for i, f := range files {
		typ, err := checkFile(up, f)
		if err != nil {
			return nil, err
		}
		total += f.Size
		rows[i] = models.StatementFile{Position: i, Name: f.Name, Type: typ, Size: f.Size, Status: models.FileQueued}
	}
	if limit := up.MaxStatementBytes(); total > limit {
		return nil, apperr.Invalid("the files total %d bytes; one upload takes at most %d", total, limit)
	}
	return rows, nil
}

// checkFile reads a file's head for its type and rewinds it.
func checkFile(up provider.StatementUploader, f File) (string, error) {
	if f.Body == nil {
		return "", apperr.Invalid("the file %q is empty", f.Name)
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(f.Body, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", fmt.Errorf("statements: read %q: %w", f.Name, err)
	}
	if _, err := f.Body.Seek(0, io.SeekStart); err != nil {
		return "", fmt.Errorf("statements: rewind %q: %w", f.Name, err)
	}
	return up.CheckStatement(f.Name, head[:n], f.Size)
}

// readAll reads a checked file whole (at most the provider's file limit).
func readAll(f File) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(f.Body, f.Size+1))
	if err != nil {
		return nil, fmt.Errorf("statements: read %q: %w", f.Name, err)
	}
	if int64(len(b)) != f.Size {
		return nil, apperr.Invalid("the file %q is not %d bytes long", f.Name, f.Size)
	}
	return b, nil
}

// writer is the caller, who must be allowed to write their own data.
func writer(ctx context.Context) (string, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return "", apperr.ErrUnauthenticated
	}
	if !p.CanWrite(p.UserID) {
		return "", fmt.Errorf("statements: write by %s: %w", p.UserID, apperr.ErrForbidden)
	}
	return p.UserID, nil
}

// List returns the uploads of userID (the viewer: the caller, or the user
// an analyst views), newest first. Another user's are NOT_FOUND unless
// the caller reads everyone's; such a read is recorded in the access trail.
func (s *Service) List(ctx context.Context, userID string, first int) ([]models.StatementUpload, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return nil, apperr.ErrUnauthenticated
	}
	if !p.CanRead(userID) {
		return nil, fmt.Errorf("statements: uploads of another user: %w", apperr.ErrNotFound)
	}
	access.Viewed(ctx, userID)
	switch {
	case first <= 0:
		first = 20
	case first > store.MaxPageSize:
		return nil, apperr.Invalid("first must be at most %d", store.MaxPageSize)
	}
	return s.st.StatementUploads(ctx, userID, first)
}
