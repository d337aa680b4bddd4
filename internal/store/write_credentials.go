package store

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
)

// The provider's handle (Credentials.ProviderRef, e.g. a Flanks
// credentials_token) is a secret: the secrets plugin seals it on create
// and opens it on read (secrets.go); CredentialsByProviderRef finds rows
// by its keyed hash. It never appears in errors.

// CreateCredentials inserts new credentials. Another row with the same
// (provider, provider_ref) gives apperr.ErrConflict.
func (s *Store) CreateCredentials(ctx context.Context, c *models.Credentials) error {
	if _, err := s.plugin(); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Create(c).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return wrap(apperr.ErrConflict, "CreateCredentials(%q)", c.ID)
	}
	return wrap(err, "CreateCredentials(%q)", c.ID)
}

// CredentialsByProviderRef finds credentials by the provider's handle, or
// returns apperr.ErrNotFound.
func (s *Store) CredentialsByProviderRef(ctx context.Context, p models.Provider, ref string) (*models.Credentials, error) {
	plugin, err := s.plugin()
	if err != nil {
		return nil, err
	}
	var c models.Credentials
	// Rows written before sealing existed have no index and a plaintext
	// handle until rotate-keys converts them.
	err = s.db.WithContext(ctx).Where("provider = ? AND (provider_ref_index = ? OR (provider_ref_index = '' AND provider_ref = ?))",
		p, plugin.refIndex(p, ref), ref).Take(&c).Error
	if err != nil {
		return nil, wrap(err, "CredentialsByProviderRef(%q)", p)
	}
	return &c, nil
}

// credentialsStatusColumns are the columns UpdateCredentialsStatus writes.
var credentialsStatusColumns = []string{
	"pending", "blocked", "sca_required", "reset_required",
	"product_status", "last_update_at", "provider_created_at", "updated_at",
}

// UpdateCredentialsStatus writes the provider-reported state of c (pending,
// blocked, sca/reset required, per-product flags, last update, provider
// creation time) and c.UpdatedAt.
func (s *Store) UpdateCredentialsStatus(ctx context.Context, c *models.Credentials) error {
	res := s.db.WithContext(ctx).Model(&models.Credentials{}).Where("id = ?", c.ID).
		Select(credentialsStatusColumns).Updates(c)
	if res.Error == nil && res.RowsAffected == 0 {
		res.Error = gorm.ErrRecordNotFound
	}
	return wrap(res.Error, "UpdateCredentialsStatus(%q)", c.ID)
}

// DeleteCredentials deletes credentials; the foreign keys cascade to their
// sync records and every cached product row. apperr.ErrNotFound when the
// row is already gone.
func (s *Store) DeleteCredentials(ctx context.Context, id string) error {
	res := s.db.WithContext(ctx).Where("id = ?", id).Delete(&models.Credentials{})
	if res.Error == nil && res.RowsAffected == 0 {
		res.Error = gorm.ErrRecordNotFound
	}
	return wrap(res.Error, "DeleteCredentials(%q)", id)
}
