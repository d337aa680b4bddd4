package statements_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/statements"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// fakeUploader takes PDFs of at most 100 bytes, 250 bytes an upload.
type fakeUploader struct {
	mu         sync.Mutex
	sent       []string // name:content of every accepted upload call
	calls      int
	failCall   int    // this upload call fails as the network would
	reject     string // a file name the provider refuses
	fraudCalls int
	// completes counts complete calls; lostComplete makes the first one
	// accepted upstream with its answer lost (a dropped connection, a
	// crash before the commit); completed makes the next ones refused.
	completes    int
	lostComplete bool
	completed    bool
}

func (*fakeUploader) Name() models.Provider { return models.ProviderFlinks }
func (*fakeUploader) Status(context.Context, *models.Credentials) (*provider.Status, error) {
	return &provider.Status{}, nil
}
func (*fakeUploader) Fetch(context.Context, *models.Credentials, models.Product) (*provider.Rows, error) {
	return nil, &provider.Failure{Kind: apperr.ErrUpstreamUnavailable, Code: provider.CodeUnavailable}
}

func (*fakeUploader) CheckStatement(name string, head []byte, size int64) (string, error) {
	switch {
	case size == 0:
		return "", &provider.Failure{Kind: apperr.ErrInvalidInput, Code: provider.CodeInvalid, Public: name + " is empty"}
	case size > 100:
		return "", &provider.Failure{Kind: apperr.ErrInvalidInput, Code: provider.CodeInvalid, Public: name + " is too large"}
	case !bytes.HasPrefix(head, []byte("%PDF")):
		return "", &provider.Failure{Kind: apperr.ErrInvalidInput, Code: provider.CodeInvalid, Public: name + " is not a PDF"}
	}
	return "PDF", nil
}

func (*fakeUploader) MaxStatementBytes() int64 { return 250 }

func (f *fakeUploader) UploadStatement(_ context.Context, session string, file provider.StatementFile, _, _ string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.calls == f.failCall {
		return "", &provider.Failure{Kind: apperr.ErrUpstreamUnavailable, Code: provider.CodeUnavailable, Err: errors.New("reset")}
	}
	if file.Name == f.reject {
		return "", &provider.Failure{Kind: apperr.ErrInvalidInput, Code: provider.CodeInvalid, Err: errors.New("refused")}
	}
	b, _ := io.ReadAll(file.Body)
	f.sent = append(f.sent, file.Name+":"+string(b))
	return "agg-1", nil
}

func (f *fakeUploader) CompleteStatements(_ context.Context, session string) (*provider.Link, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.completes++
	switch {
	case f.completed:
		return nil, &provider.Failure{Kind: apperr.ErrUpstreamUnavailable, Code: provider.CodeInvalid,
			Err: errors.New("HTTP 400: This upload is already complete")}
	case f.lostComplete:
		f.completed = true
		return nil, &provider.Failure{Kind: apperr.ErrUpstreamUnavailable, Code: provider.CodeUnavailable, Err: errors.New("reset")}
	}
	f.completed = true
	return &provider.Link{Ref: "login-" + session}, nil
}

func (f *fakeUploader) FraudAnalysis(context.Context, string) (*provider.FraudAnalysis, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fraudCalls++
	doc := provider.FraudDocument{Status: "PROCESSING"}
	if f.fraudCalls >= 2 {
		doc = provider.FraudDocument{Status: "COMPLETED", Results: []provider.FraudResult{{DocumentType: "BANK_STATEMENT",
			Signals: []provider.FraudSignal{{Type: "Unreconciled balances", PageNumber: 2, Count: 1}}}}}
	}
	return &provider.FraudAnalysis{Done: f.fraudCalls >= 2, Documents: []provider.FraudDocument{doc}}, nil
}

type env struct {
	st  *store.Store
	svc *statements.Service
	up  *fakeUploader
	ctx context.Context
}

func newEnv(t *testing.T, db *database.DB) *env {
	st := store.New(db.Gorm)
	up := &fakeUploader{}
	reg := provider.NewRegistry(up)
	agg := aggregate.New(st, reg, aggregate.Options{})
	ctx := auth.NewContext(context.Background(), &auth.Principal{UserID: "ann", Roles: []auth.Role{auth.RoleUser}})
	return &env{st: st, up: up, ctx: ctx, svc: statements.New(st, reg, agg, statements.Options{MaxAttempts: 3})}
}

func file(name, content string) statements.File {
	return statements.File{Name: name, Size: int64(len(content)), Body: strings.NewReader(content)}
}

// run steps the upload until it ends, as the job runner would.
func (e *env) run(t *testing.T, id string) *models.StatementUpload {
	t.Helper()
	for range 50 {
		err := e.svc.Step(context.Background(), statements.Job{UploadID: id})
		var again *statements.Again
		if !errors.As(err, &again) {
			if err != nil {
				t.Fatal(err)
			}
			u, err := e.st.StatementUpload(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
	}
	t.Fatal("the upload never ended")
	return nil
}

func count(t *testing.T, db *database.DB, table string) int64 {
	var n int64
	if err := db.Gorm.Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLimitsBeforeAnything: every limit at its value passes and one past
// it is refused, before anything is stored or sent; the type comes from
// the content, not the name.
func TestLimitsBeforeAnything(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		pdf := func(n int) string { return "%PDF" + strings.Repeat("x", n-4) }
		for name, files := range map[string][]statements.File{
			"no file":          nil,
			"not a pdf":        {file("statement.pdf", "GIF89a not a pdf at all")},
			"empty":            {file("a.pdf", "")},
			"file over limit":  {file("a.pdf", pdf(101))},
			"total over limit": {file("a.pdf", pdf(100)), file("b.pdf", pdf(100)), file("c.pdf", pdf(51))},
		} {
			if _, err := e.svc.Upload(e.ctx, files, nil, nil); !errors.Is(err, apperr.ErrInvalidInput) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if n := count(t, db, "statement_uploads"); n != 0 || e.up.calls != 0 {
			t.Fatalf("%d uploads stored, %d calls upstream after refusals", n, e.up.calls)
		}
		u, err := e.svc.Upload(e.ctx, []statements.File{file("a.pdf", pdf(100)), file("b.pdf", pdf(100)), file("c.pdf", pdf(50))}, nil, nil)
		if err != nil || u.Status != models.UploadQueued || len(u.Files) != 3 || u.Files[2].Size != 50 {
			t.Fatalf("at the limits: %+v, %v", u, err)
		}
		analyst := auth.NewContext(context.Background(), &auth.Principal{UserID: "al", Roles: []auth.Role{auth.RoleAnalyst}})
		if _, err := e.svc.Upload(analyst, []statements.File{file("a.pdf", pdf(10))}, nil, nil); !errors.Is(err, apperr.ErrForbidden) {
			t.Fatalf("an analyst uploaded: %v", err)
		}
	})
}

// TestResumeSendsEachFileOnce: a step that fails after some files were
// acknowledged resumes with the next file; every file reaches the
// provider once; the contents are gone at the end and the fraud analysis
// is stored.
func TestResumeSendsEachFileOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		e.up.failCall = 2
		u, err := e.svc.Upload(e.ctx, []statements.File{file("a.pdf", "%PDF-a"), file("b.pdf", "%PDF-b"), file("c.pdf", "%PDF-c")}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		done := e.run(t, u.ID)
		if done.Status != models.UploadCompleted || done.Session != "agg-1" || done.CredentialsID == nil {
			t.Fatalf("upload %+v", done)
		}
		if got := strings.Join(e.up.sent, " "); got != "a.pdf:%PDF-a b.pdf:%PDF-b c.pdf:%PDF-c" || e.up.calls != 4 {
			t.Fatalf("sent %q in %d calls", got, e.up.calls)
		}
		var withContent int64
		if err := db.Gorm.Table("statement_files").Where("content IS NOT NULL").Count(&withContent).Error; err != nil || withContent != 0 {
			t.Fatalf("%d files kept their content (%v)", withContent, err)
		}
		if !strings.Contains(string(done.Fraud), "Unreconciled balances") || done.CompletedAt == nil {
			t.Fatalf("fraud %s", done.Fraud)
		}
		creds, err := e.st.Credentials(context.Background(), *done.CredentialsID)
		if err != nil || creds.ProviderRef != "login-agg-1" || creds.UserID != "ann" {
			t.Fatalf("credentials %+v, %v", creds, err)
		}
	})
}

// TestRefusedFileFailsUpload: a file the provider refuses fails the
// upload at once with the file marked, and nothing is sent after it.
func TestRefusedFileFailsUpload(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		e.up.reject = "b.pdf"
		u, err := e.svc.Upload(e.ctx, []statements.File{file("a.pdf", "%PDF-a"), file("b.pdf", "%PDF-b"), file("c.pdf", "%PDF-c")}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		done := e.run(t, u.ID)
		if done.Status != models.UploadFailed || done.ErrorCode == "" || done.Files[1].Status != models.FileRejected ||
			done.Files[2].Status != models.FileQueued || len(e.up.sent) != 1 {
			t.Fatalf("upload %+v; sent %v", done, e.up.sent)
		}
	})
}

// TestTransientFailuresGiveUp: a provider that keeps failing fails the
// upload after MaxAttempts runs, with backoff between them.
func TestTransientFailuresGiveUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		u, err := e.svc.Upload(e.ctx, []statements.File{file("a.pdf", "%PDF-a")}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var waits []time.Duration
		for {
			e.up.failCall = e.up.calls + 1
			err := e.svc.Step(context.Background(), statements.Job{UploadID: u.ID})
			var again *statements.Again
			if !errors.As(err, &again) {
				break
			}
			waits = append(waits, again.After)
		}
		got, _ := e.st.StatementUpload(context.Background(), u.ID)
		if got.Status != models.UploadFailed || len(waits) != 2 || waits[1] <= waits[0] {
			t.Fatalf("status %s after waits %v", got.Status, waits)
		}
	})
}

// TestLostCompletionFailsClearly: when the provider accepted the
// completion but its answer was lost, the retry is refused and the login
// cannot be learnt: the upload fails at once with completion_unknown,
// not after minutes of retries, and no credentials appear.
func TestLostCompletionFailsClearly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		e.up.lostComplete = true
		u, err := e.svc.Upload(e.ctx, []statements.File{file("a.pdf", "%PDF-a")}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		done := e.run(t, u.ID)
		if done.Status != models.UploadFailed || done.ErrorCode != statements.CodeCompletionUnknown || e.up.completes != 2 {
			t.Fatalf("upload %s %q after %d complete calls", done.Status, done.ErrorCode, e.up.completes)
		}
		if n := count(t, db, "credentials"); n != 0 {
			t.Fatalf("%d credentials for a lost completion", n)
		}
	})
}
