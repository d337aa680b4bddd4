package statements

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Step runs one step of an upload: send the next file, complete the
// upload once every file is sent, or poll the fraud analysis. It returns
// *Again while there is more to do, and nil once the upload ended (a
// failure is recorded on the upload, not returned). Each step commits
// what the provider acknowledged before the next, so a crash resumes
// where it stopped and never sends an acknowledged file again.
func (s *Service) Step(ctx context.Context, job Job) error {
	u, err := s.st.StatementUpload(ctx, job.UploadID)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil // deleted with its credentials
	}
	if err != nil || u.Status.Terminal() {
		return err
	}
	up, err := provider.As[provider.StatementUploader](s.reg, u.Provider, "statement uploads")
	if err != nil {
		return s.fail(ctx, u, provider.CodeUnavailable)
	}
	if u.Status == models.UploadAnalysing {
		return s.pollFraud(ctx, u, up)
	}
	return s.sendNext(ctx, u, up)
}

// sendNext sends the first file not yet acknowledged, or completes.
func (s *Service) sendNext(ctx context.Context, u *models.StatementUpload, up provider.StatementUploader) error {
	f, err := s.st.NextQueuedFile(ctx, u.ID)
	if errors.Is(err, apperr.ErrNotFound) {
		return s.complete(ctx, u, up)
	}
	if err != nil {
		return err
	}
	session, err := up.UploadStatement(ctx, u.Session, provider.StatementFile{Name: f.Name, Type: f.Type,
		Size: f.Size, Body: bytes.NewReader(f.Content)}, deref(u.Tag), deref(u.ClientName))
	if err != nil {
		return s.stepFailed(ctx, u, f, err)
	}
	next := *u
	next.Session, next.Status, next.Attempts, next.UpdatedAt = session, models.UploadSending, 0, s.now()
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.FinishStatementFile(ctx, u.ID, f.Position, models.FileSent, "", next.UpdatedAt); err != nil {
			return err
		}
		return tx.UpdateStatementUpload(ctx, &next)
	})
	if err != nil {
		return err
	}
	return &Again{}
}

// complete ends the upload upstream and links its login as credentials,
// in the transaction that moves the upload on: a crash leaves either
// both or neither.
//
// The provider's complete call cannot be repeated (a second one is
// refused) and nothing returns the login of a completed upload, so the
// upload is marked completing before the call. A run that finds the mark
// and gets a refusal cannot know the login: the upload fails at once with
// CodeCompletionUnknown, telling the user to upload again, instead of
// retrying for minutes. A crash between the provider's answer and the
// commit (milliseconds) is the only way there.
func (s *Service) complete(ctx context.Context, u *models.StatementUpload, up provider.StatementUploader) error {
	retried := u.Status == models.UploadCompleting
	if !retried {
		next := *u
		next.Status, next.UpdatedAt = models.UploadCompleting, s.now()
		if err := s.st.UpdateStatementUpload(ctx, &next); err != nil {
			return err
		}
		u = &next
	}
	link, err := up.CompleteStatements(ctx, u.Session)
	if err != nil {
		if retried && refused(err) {
			return s.fail(ctx, u, CodeCompletionUnknown)
		}
		return s.stepFailed(ctx, u, nil, err)
	}
	next := *u
	next.Status, next.Attempts, next.UpdatedAt = models.UploadAnalysing, 0, s.now()
	_, err = s.agg.AttachCredentialsWith(ctx, u.UserID, u.Provider, link, func(tx *store.Store, c *models.Credentials) error {
		next.CredentialsID = &c.ID
		return tx.UpdateStatementUpload(ctx, &next)
	})
	if err != nil {
		return err
	}
	return &Again{}
}

// CodeCompletionUnknown is the error code of an upload whose completion
// may have been accepted by the provider without the server learning the
// login it became.
const CodeCompletionUnknown = "completion_unknown"

// refused reports a provider's refusal (a 4xx), as opposed to an outage.
func refused(err error) bool {
	return errors.Is(err, apperr.ErrInvalidInput) || errors.Is(err, apperr.ErrConflict) ||
		provider.FailureOf(err).Code == provider.CodeInvalid
}

// pollFraud asks for the fraud analysis and stores it; the upload
// completes when it is done, or without it after FraudTimeout.
func (s *Service) pollFraud(ctx context.Context, u *models.StatementUpload, up provider.StatementUploader) error {
	creds, err := s.st.Credentials(ctx, deref(u.CredentialsID))
	if errors.Is(err, apperr.ErrNotFound) {
		return nil // deleted meanwhile (the upload goes with it)
	}
	if err != nil {
		return err
	}
	fa, err := up.FraudAnalysis(ctx, creds.ProviderRef)
	if err != nil {
		return s.stepFailed(ctx, u, nil, err)
	}
	next := *u
	if next.Fraud, err = json.Marshal(fa); err != nil {
		return err
	}
	next.Attempts, next.UpdatedAt = 0, s.now()
	done := fa.Done || next.UpdatedAt.Sub(u.CreatedAt) > s.opts.FraudTimeout
	if done {
		next.Status, next.CompletedAt = models.UploadCompleted, &next.UpdatedAt
	}
	err = s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.SetStatementFraud(ctx, &next); err != nil {
			return err
		}
		if done {
			if err := tx.DropStatementContents(ctx, u.ID); err != nil {
				return err
			}
		}
		return tx.UpdateStatementUpload(ctx, &next)
	})
	if err != nil || done {
		return err
	}
	return &Again{After: s.fraudPace(up)}
}

// fraudPacer is a provider that says how often to poll its analysis.
type fraudPacer interface{ FraudPollInterval() time.Duration }

func (s *Service) fraudPace(up provider.StatementUploader) time.Duration {
	if p, ok := up.(fraudPacer); ok && p.FraudPollInterval() > 0 {
		return p.FraudPollInterval()
	}
	return s.opts.FraudPollInterval
}

// stepFailed records a provider failure of a step. A refusal (the
// provider rejected a file, or the upload) fails the upload at once; any
// other failure is retried with backoff, MaxAttempts times.
func (s *Service) stepFailed(ctx context.Context, u *models.StatementUpload, f *models.StatementFile, cause error) error {
	fl := provider.FailureOf(cause)
	if errors.Is(cause, apperr.ErrInvalidInput) || errors.Is(cause, apperr.ErrUnsupported) {
		if f != nil {
			if err := s.st.FinishStatementFile(ctx, u.ID, f.Position, models.FileRejected, fl.Code, s.now()); err != nil {
				return err
			}
		}
		return s.fail(ctx, u, fl.Code)
	}
	s.log.WarnContext(ctx, "statement upload step failed", "upload", u.ID, "code", fl.Code, "attempt", u.Attempts+1)
	next := *u
	next.Attempts, next.UpdatedAt = u.Attempts+1, s.now()
	if next.Attempts >= s.opts.MaxAttempts {
		return s.fail(ctx, u, fl.Code)
	}
	if err := s.st.UpdateStatementUpload(ctx, &next); err != nil {
		return err
	}
	return &Again{After: backoff(next.Attempts)}
}

// fail ends the upload as failed and drops the files' contents.
func (s *Service) fail(ctx context.Context, u *models.StatementUpload, code string) error {
	next := *u
	next.Status, next.ErrorCode, next.UpdatedAt = models.UploadFailed, code, s.now()
	next.CompletedAt = &next.UpdatedAt
	return s.st.Tx(ctx, func(tx *store.Store) error {
		if err := tx.DropStatementContents(ctx, u.ID); err != nil {
			return err
		}
		return tx.UpdateStatementUpload(ctx, &next)
	})
}

// backoff is 5 s doubling per attempt, at most 5 min.
func backoff(attempt int) time.Duration {
	return min(5*time.Second<<min(attempt, 10), 5*time.Minute)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
