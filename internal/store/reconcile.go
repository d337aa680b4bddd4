package store

import (
	"context"
	"time"

	"github.com/fingraph/fingraph/models"
)

// The admins' reconciliation compares the provider's list of handles with
// the stored ones. It matches keyed hashes (provider_ref_index), never
// plaintext: a handle the provider lists is hashed as the stored ones
// were, and stored handles are opened only for the rare row written
// before sealing existed, which has no hash yet.

// CredentialsRef is what the reconciliation reads of one stored
// credentials: no secret, only the keyed hash of its handle.
type CredentialsRef struct {
	ID, UserID string
	// RefIndex is the keyed hash of the provider's handle.
	RefIndex  string
	CreatedAt time.Time
}

// ProviderRefIndex returns the keyed hash the store files provider p's
// handle ref under (Credentials.ProviderRefIndex).
func (s *Store) ProviderRefIndex(p models.Provider, ref string) (string, error) {
	plugin, err := s.plugin()
	if err != nil {
		return "", err
	}
	return plugin.refIndex(p, ref), nil
}

// credentialsRefRow is the row EachCredentialsRef scans: not a
// models.Credentials, so the secrets plugin does not open provider_ref.
type credentialsRefRow struct {
	ID, UserID, ProviderRef, ProviderRefIndex string
	CreatedAt                                 time.Time
}

// EachCredentialsRef calls fn with the credentials of provider p in
// batches of at most size rows, in id order, so a caller walks every
// stored credentials in bounded memory. An error from fn stops the walk
// and is returned.
func (s *Store) EachCredentialsRef(ctx context.Context, p models.Provider, size int, fn func([]CredentialsRef) error) error {
	plugin, err := s.plugin()
	if err != nil {
		return err
	}
	size = max(size, 1)
	for after := ""; ; {
		var rows []credentialsRefRow
		err := s.db.WithContext(ctx).Table("credentials").
			Select("id, user_id, provider_ref_index, created_at, CASE WHEN provider_ref_index = '' THEN provider_ref ELSE '' END AS provider_ref").
			Where("provider = ? AND id > ?", p, after).Order("id").Limit(size).Scan(&rows).Error
		if err != nil {
			return wrap(err, "EachCredentialsRef(%q)", p)
		}
		if len(rows) == 0 {
			return nil
		}
		batch := make([]CredentialsRef, len(rows))
		for i, r := range rows {
			batch[i] = CredentialsRef{ID: r.ID, UserID: r.UserID, RefIndex: r.ProviderRefIndex, CreatedAt: r.CreatedAt}
			if r.ProviderRefIndex == "" && r.ProviderRef != "" {
				// Written before sealing existed: hash the handle now.
				ref, err := plugin.openValue(r.ProviderRef, credentialsBinding(&models.Credentials{ID: r.ID, UserID: r.UserID}))
				if err != nil {
					return wrap(err, "EachCredentialsRef(%q): open the handle of %s", p, r.ID)
				}
				batch[i].RefIndex = plugin.refIndex(p, ref)
			}
		}
		if err := fn(batch); err != nil {
			return err
		}
		if len(rows) < size {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}
