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
	"entity_id", "entity_name", "pending", "blocked", "sca_required", "reset_required", "required_actions", "consent_expires_at",
	"product_status", "last_update_at", "last_transaction_date", "provider_created_at", "updated_at",
}

// UpdateCredentialsStatus writes the provider-reported state of c
// (institution, pending, blocked, required actions, consent expiry,
// per-product flags, last update and last transaction date, provider
// creation time) and c.UpdatedAt, and the institution copied into its
// transaction rollups.
func (s *Store) UpdateCredentialsStatus(ctx context.Context, c *models.Credentials) error {
	res := s.db.WithContext(ctx).Model(&models.Credentials{}).Where("id = ?", c.ID).
		Select(credentialsStatusColumns).Updates(c)
	if res.Error == nil && res.RowsAffected == 0 {
		res.Error = gorm.ErrRecordNotFound
	}
	if res.Error != nil {
		return wrap(res.Error, "UpdateCredentialsStatus(%q)", c.ID)
	}
	return renameRollupInstitution(ctx, s.db, c)
}

// DeleteCredentials deletes credentials; the foreign keys cascade to their
// sync records and every cached product row. apperr.ErrNotFound when the
// row is already gone.
//
// The cascade removes its rollups, whose triggers update the rollups
// across users: the deletion takes their lock first (lockGlobalRollups).
func (s *Store) DeleteCredentials(ctx context.Context, id string) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockGlobalRollups(ctx, tx); err != nil {
			return err
		}
		res := tx.Where("id = ?", id).Delete(&models.Credentials{})
		if res.Error == nil && res.RowsAffected == 0 {
			return gorm.ErrRecordNotFound
		}
		return res.Error
	})
	return wrap(err, "DeleteCredentials(%q)", id)
}

// UpdateProviderState replaces the sealed provider state document of c
// with c.ProviderState (sealed here: updates bypass the plugin's create
// hook).
func (s *Store) UpdateProviderState(ctx context.Context, c *models.Credentials) error {
	p, err := s.plugin()
	if err != nil {
		return err
	}
	var sealed *string
	if err := p.sealState(&sealed, c.ProviderState, stateBinding(c)); err != nil {
		return err
	}
	res := s.db.WithContext(ctx).Model(&models.Credentials{}).Where("id = ?", c.ID).
		UpdateColumn("provider_state", sealed)
	if res.Error == nil && res.RowsAffected == 0 {
		res.Error = gorm.ErrRecordNotFound
	}
	return wrap(res.Error, "UpdateProviderState(%q)", c.ID)
}

// Credentials returns one credentials by id, whoever owns it (services
// check access), or apperr.ErrNotFound.
func (s *Store) Credentials(ctx context.Context, id string) (*models.Credentials, error) {
	var c models.Credentials
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&c).Error; err != nil {
		return nil, wrap(err, "Credentials(%q)", id)
	}
	return &c, nil
}
