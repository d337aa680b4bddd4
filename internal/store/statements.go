package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/fingraph/fingraph/models"
)

// CreateStatementUpload stores an upload and its files, contents sealed.
// Files are inserted one by one: each may be 18 MB.
func (s *Store) CreateStatementUpload(ctx context.Context, u *models.StatementUpload, files []models.StatementFile) error {
	if _, err := s.plugin(); err != nil {
		return err
	}
	if err := s.db.WithContext(ctx).Create(u).Error; err != nil {
		return wrap(err, "CreateStatementUpload")
	}
	for i := range files {
		if err := s.db.WithContext(ctx).Create(&files[i]).Error; err != nil {
			return wrap(err, "CreateStatementUpload file %d", files[i].Position)
		}
	}
	return nil
}

// StatementUpload returns one upload, whoever owns it (services check
// access), or apperr.ErrNotFound.
func (s *Store) StatementUpload(ctx context.Context, id string) (*models.StatementUpload, error) {
	var u models.StatementUpload
	if err := s.withFiles(ctx).Where("id = ?", id).Take(&u).Error; err != nil {
		return nil, wrap(err, "StatementUpload(%q)", id)
	}
	return &u, nil
}

// StatementUploads returns a user's uploads, newest first, at most limit.
func (s *Store) StatementUploads(ctx context.Context, userID string, limit int) ([]models.StatementUpload, error) {
	var out []models.StatementUpload
	err := s.withFiles(ctx).Where("user_id = ?", userID).Order("created_at DESC, id").Limit(limit).Find(&out).Error
	return out, wrap(err, "StatementUploads")
}

// StatementUploadsByIDs reads uploads by id within scope.
func (s *Store) StatementUploadsByIDs(ctx context.Context, scope Scope, ids []string) (map[string]*models.StatementUpload, error) {
	var rows []models.StatementUpload
	err := scope.apply(s.withFiles(ctx).Table("statement_uploads AS t").Where("t.id IN ?", ids), "t").Find(&rows).Error
	if err != nil {
		return nil, wrap(err, "StatementUploadsByIDs")
	}
	out := make(map[string]*models.StatementUpload, len(rows))
	for i := range rows {
		out[rows[i].ID] = &rows[i]
	}
	return out, nil
}

// withFiles loads uploads with their files (one more query for all of
// them), never the files' content.
func (s *Store) withFiles(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Preload("Files", func(db *gorm.DB) *gorm.DB {
		return db.Omit("content").Order("position")
	})
}

// NextQueuedFile returns the first file of an upload not yet sent, with
// its content, or apperr.ErrNotFound when every file is sent.
func (s *Store) NextQueuedFile(ctx context.Context, uploadID string) (*models.StatementFile, error) {
	var f models.StatementFile
	err := s.db.WithContext(ctx).Where("upload_id = ? AND status = ?", uploadID, models.FileQueued).
		Order("position").Take(&f).Error
	if err != nil {
		return nil, wrap(err, "NextQueuedFile(%q)", uploadID)
	}
	return &f, nil
}

// FinishStatementFile records a file's outcome and drops its content: a
// sent file is never sent again, and a document is kept no longer than
// needed.
func (s *Store) FinishStatementFile(ctx context.Context, uploadID string, position int, status models.FileStatus, code string, at time.Time) error {
	cols := map[string]any{"status": status, "content": nil, "error_code": code}
	if status == models.FileSent {
		cols["sent_at"] = at
	}
	err := s.db.WithContext(ctx).Model(&models.StatementFile{}).
		Where("upload_id = ? AND position = ?", uploadID, position).UpdateColumns(cols).Error
	return wrap(err, "FinishStatementFile(%q, %d)", uploadID, position)
}

// DropStatementContents deletes the content of every file of an upload
// (the upload ended).
func (s *Store) DropStatementContents(ctx context.Context, uploadID string) error {
	err := s.db.WithContext(ctx).Model(&models.StatementFile{}).Where("upload_id = ? AND content IS NOT NULL", uploadID).
		UpdateColumn("content", nil).Error
	return wrap(err, "DropStatementContents(%q)", uploadID)
}

// UpdateStatementUpload writes an upload's progress columns (not its
// fraud analysis: SetStatementFraud).
func (s *Store) UpdateStatementUpload(ctx context.Context, u *models.StatementUpload) error {
	err := s.db.WithContext(ctx).Model(&models.StatementUpload{}).Where("id = ?", u.ID).UpdateColumns(map[string]any{
		"status": u.Status, "session": u.Session, "credentials_id": u.CredentialsID, "error_code": u.ErrorCode,
		"attempts": u.Attempts, "updated_at": u.UpdatedAt, "completed_at": u.CompletedAt,
	}).Error
	return wrap(err, "UpdateStatementUpload(%q)", u.ID)
}

// SetStatementFraud seals and stores an upload's fraud analysis.
func (s *Store) SetStatementFraud(ctx context.Context, u *models.StatementUpload) error {
	p, err := s.plugin()
	if err != nil {
		return err
	}
	var sealed *string
	if err := p.sealState(&sealed, u.Fraud, fraudBinding(u.ID, u.UserID)); err != nil {
		return err
	}
	err = s.db.WithContext(ctx).Model(&models.StatementUpload{}).Where("id = ?", u.ID).UpdateColumn("fraud", sealed).Error
	return wrap(err, "SetStatementFraud(%q)", u.ID)
}
