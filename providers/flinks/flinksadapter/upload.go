package flinksadapter

// Bank statement uploads (provider.StatementUploader) through the Flinks
// Upload API: files go one per request over mutual TLS, grouped by the
// AggregationId of the first answer (the session), then Complete turns the
// session into a login that Flinks extracts like one from Connect. The
// fraud analysis of that login is on the data API, with the API secret.

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/providers/flinks"
)

var _ provider.StatementUploader = (*Adapter)(nil)

// uploadInstitution names an upload login's institution until a fetch
// reports Flinks' own: the Complete answer names none.
const uploadInstitution = "FlinksUpload"

// certWatchInterval is how often WatchCertificates looks for renewed
// certificate files: often enough that a renewal deployed shortly before
// the old certificate expires is picked up in time.
const certWatchInterval = 30 * time.Second

// defaultFraudPollInterval is Flinks' advice for polling the fraud
// analysis.
const defaultFraudPollInterval = 30 * time.Second

// UploadOptions tune the statement uploads of an adapter; zero values take
// the defaults.
type UploadOptions struct {
	// FraudPollInterval is how often callers should poll FraudAnalysis
	// while it runs; default 30 s.
	FraudPollInterval time.Duration
}

// uploads is the Upload API part of an adapter.
type uploads struct {
	client    *flinks.UploadClient
	fraudPoll time.Duration
}

// NewWithUploads returns the adapter over c that also uploads statements
// through u. c needs flinks.WithAPISecret for FraudAnalysis. The adapter
// owns u: Close closes it.
func NewWithUploads(c *flinks.Client, o Options, u *flinks.UploadClient, uo UploadOptions) *Adapter {
	a := New(c, o)
	if u == nil {
		return a
	}
	if uo.FraudPollInterval <= 0 {
		uo.FraudPollInterval = defaultFraudPollInterval
	}
	a.up.Store(&uploads{client: u, fraudPoll: uo.FraudPollInterval})
	return a
}

// uploads returns the adapter's Upload API part, or nil.
func (a *Adapter) uploads() *uploads { return a.up.Load() }

// UploadsConfigured reports whether the adapter can upload statements.
// Every *Adapter satisfies provider.StatementUploader; without the Upload
// API its methods fail with apperr.ErrUnsupported, so a caller offering
// uploads checks this first.
func (a *Adapter) UploadsConfigured() bool { return a.uploads() != nil }

// FraudPollInterval is how often to poll FraudAnalysis while it runs
// (FLINKS_FRAUD_POLL_INTERVAL).
func (a *Adapter) FraudPollInterval() time.Duration {
	if up := a.uploads(); up != nil {
		return up.fraudPoll
	}
	return defaultFraudPollInterval
}

// Close releases the Upload API client (its idle connections and token
// fetches); uploads fail with apperr.ErrUnsupported afterwards. The data
// API needs no closing. Close is safe to call more than once.
func (a *Adapter) Close() error {
	if up := a.up.Swap(nil); up != nil {
		up.client.Close()
	}
	return nil
}

// WatchCertificates reloads the Upload API client certificate, key and CA
// files every 30 s when their content changed, until ctx ends, so a
// renewed certificate is used without a restart. A failed reload keeps
// the current certificate and is reported to onErr (which may be nil).
// Run it in a goroutine; without the Upload API it returns at once.
func (a *Adapter) WatchCertificates(ctx context.Context, onErr func(error)) {
	up := a.uploads()
	if up == nil {
		return
	}
	up.client.WatchCertificates(ctx, certWatchInterval, onErr)
}

// ReloadCertificates re-reads the Upload API certificate, key and CA files
// now (for SIGHUP); on error the current ones stay in use. The error names
// the file and the problem, never its content. Without the Upload API
// there is nothing to reload.
func (a *Adapter) ReloadCertificates() error {
	up := a.uploads()
	if up == nil {
		return nil
	}
	return up.client.Reload()
}

// errUploadsOff is the failure of every upload call without the Upload
// API.
func errUploadsOff() error {
	return &provider.Failure{Kind: apperr.ErrUnsupported, Code: provider.CodeInvalid,
		Public: "statement uploads are not configured for Flinks",
		Err:    errors.New("flinksadapter: the Flinks Upload API is not configured (FLINKS_UPLOAD_*)")}
}

// invalid is a user error with its public message.
func invalid(public string, err error) error {
	return &provider.Failure{Kind: apperr.ErrInvalidInput, Code: provider.CodeInvalid, Public: public, Err: err}
}

// displayName is a file name fit for a message: the base name, at most 60
// characters, quoted (so control characters cannot forge the message).
func displayName(name string) string {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	if base == "." || base == "/" || base == "" {
		return "the file"
	}
	if utf8.RuneCountInString(base) > 60 {
		base = string([]rune(base)[:57]) + "..."
	}
	return fmt.Sprintf("%q", base)
}

// megabytes renders a limit in the decimal megabytes Flinks documents.
func megabytes(n int64) string { return fmt.Sprintf("%d MB", n/1_000_000) }

// fileFailure maps a refusal of one file (by CheckStatement or the
// client's own checks before sending) to its public message, or returns
// nil for any other error.
func fileFailure(err error, name, typ string) error {
	shown := displayName(name)
	var public string
	switch {
	case errors.Is(err, flinks.ErrEmptyFile):
		public = shown + " is empty"
	case errors.Is(err, flinks.ErrFileTooLarge):
		public = fmt.Sprintf("%s is larger than %s, the limit for one statement", shown, megabytes(flinks.MaxUploadFileSize))
	case errors.Is(err, flinks.ErrUploadTooLarge):
		public = fmt.Sprintf("the statements of one upload may total at most %s", megabytes(flinks.MaxUploadTotalSize))
	case errors.Is(err, flinks.ErrUnsupportedFileType):
		public = shown + " is not a PDF, PNG, JPEG or TIFF file (the type is read from its content, not its name)"
	case errors.Is(err, flinks.ErrFileTypeMismatch) && typ != "":
		public = fmt.Sprintf("%s is a %s file but its name says otherwise: fix the extension", shown, typ)
	case errors.Is(err, flinks.ErrFileTypeMismatch):
		public = shown + ": the name or declared type does not match the content"
	default:
		return nil
	}
	return invalid(public, safe(err))
}

// CheckStatement implements provider.StatementUploader: the type comes
// from the first bytes (flinks.DetectFileType); the name only has to agree
// with it, as the Upload API refuses a .pdf that is not a PDF. A file of
// exactly flinks.MaxUploadFileSize bytes is accepted.
func (a *Adapter) CheckStatement(name string, head []byte, size int64) (string, error) {
	switch {
	case size <= 0:
		return "", fileFailure(flinks.ErrEmptyFile, name, "")
	case size > flinks.MaxUploadFileSize:
		return "", fileFailure(flinks.ErrFileTooLarge, name, "")
	}
	typ, err := flinks.DetectFileType(head)
	if errors.Is(err, flinks.ErrEmptyFile) {
		err = flinks.ErrUnsupportedFileType // a size but no head: nothing names a type
	}
	if err != nil {
		return "", fileFailure(err, name, "")
	}
	if _, err := flinks.UploadFileName(name, typ); err != nil {
		return "", fileFailure(err, name, typ)
	}
	return typ, nil
}

// MaxStatementBytes implements provider.StatementUploader: the Upload
// API's limit for one session.
func (a *Adapter) MaxStatementBytes() int64 { return flinks.MaxUploadTotalSize }

// UploadStatement implements provider.StatementUploader with one Upload
// API request; the session is the AggregationId. The client checks the
// file again (type, size, the session's total) before sending it.
func (a *Adapter) UploadStatement(ctx context.Context, session string, f provider.StatementFile, tag, clientName string) (string, error) {
	up := a.uploads()
	if up == nil {
		return "", errUploadsOff()
	}
	// The declared type makes the client refuse a body that is not what
	// CheckStatement saw; FileTypeMIME of an unknown type is "" (no check).
	uf := flinks.UploadFile{Name: f.Name, ContentType: flinks.FileTypeMIME(f.Type), Data: f.Body}
	res, err := up.client.Upload(ctx, uf, session, tag, clientName)
	if err != nil {
		// No type for the message: a mismatch here may be the body's
		// against f.Type, not the name's.
		if ff := fileFailure(err, f.Name, ""); ff != nil {
			return "", ff
		}
		return "", classify(err)
	}
	return res.AggregationID, nil
}

// CompleteStatements implements provider.StatementUploader: Complete
// starts Flinks' extraction of the session into a new login, so the link
// is pending from now, as after Connect.
func (a *Adapter) CompleteStatements(ctx context.Context, session string) (*provider.Link, error) {
	up := a.uploads()
	if up == nil {
		return nil, errUploadsOff()
	}
	if session == "" {
		return nil, invalid("upload at least one statement before completing the upload",
			errors.New("flinksadapter: CompleteStatements without a session"))
	}
	res, err := up.client.Complete(ctx, session)
	if err != nil {
		return nil, classify(err)
	}
	now := a.now().UTC()
	return &provider.Link{Ref: res.LoginID(), State: state{Institution: uploadInstitution, PendingSince: &now}.doc()}, nil
}

// FraudAnalysis implements provider.StatementUploader with
// GetFraudAnalysis; Done once every document is COMPLETED.
func (a *Adapter) FraudAnalysis(ctx context.Context, ref string) (*provider.FraudAnalysis, error) {
	if a.uploads() == nil {
		return nil, errUploadsOff()
	}
	if !isGUID(ref) {
		return nil, &provider.Failure{Kind: apperr.ErrInvalidInput, Code: provider.CodeInvalid,
			Err: errors.New("flinksadapter: the ref is not a Flinks LoginId")}
	}
	fa, err := a.c.GetFraudAnalysis(ctx, ref)
	if errors.Is(err, flinks.ErrNotFound) {
		return nil, &provider.Failure{Kind: apperr.ErrNotFound, Code: provider.CodeGone,
			Public: "Flinks has no uploaded statements for this connection", Err: safe(err)}
	}
	if err != nil {
		return nil, classify(err)
	}
	return fraudOf(fa), nil
}

// fraudOf maps both answer shapes: "No Fraud Signal Detected" with empty
// signals, and signals without a message. Statuses other than COMPLETED
// are kept as sent. Slices are never nil, so they encode as [].
func fraudOf(fa *flinks.FraudAnalysis) *provider.FraudAnalysis {
	out := &provider.FraudAnalysis{Done: fa.Completed(), Message: fa.Message,
		Documents: make([]provider.FraudDocument, 0, len(fa.DocumentAnalysis))}
	for _, d := range fa.DocumentAnalysis {
		doc := provider.FraudDocument{Status: string(d.Status), Results: make([]provider.FraudResult, 0, len(d.FullAnalysis))}
		for _, r := range d.FullAnalysis {
			res := provider.FraudResult{DocumentType: r.DocumentType, Signals: make([]provider.FraudSignal, 0, len(r.FraudSignals))}
			for _, s := range r.FraudSignals {
				res.Signals = append(res.Signals, signalOf(s))
			}
			doc.Results = append(doc.Results, res)
		}
		out.Documents = append(out.Documents, doc)
	}
	return out
}

// signalOf flattens a signal's evidence groups into its details.
func signalOf(s flinks.FraudSignal) provider.FraudSignal {
	out := provider.FraudSignal{Type: s.Type, PageNumber: s.PageNumber, Count: s.Count, Details: []provider.FraudDetail{}}
	for _, ev := range s.UnderlyingData {
		for _, d := range ev.Details {
			out.Details = append(out.Details, provider.FraudDetail{SpecificType: d.SpecificType, Value: string(d.Value),
				DataType: d.DataType})
		}
	}
	return out
}
