package store

import (
	"context"
	"strings"

	"github.com/fingraph/fingraph/internal/secrets"
	"github.com/fingraph/fingraph/models"
)

// RotateStats counts what RotateSecrets changed.
type RotateStats struct {
	Credentials int // provider handles re-wrapped or sealed
	Identities  int // document numbers re-wrapped or sealed
	Erasures    int // provider handles of pending erasures re-wrapped
	Webhooks    int // stored webhook payloads re-wrapped
	Uploads     int // fraud analyses of statement uploads re-wrapped
}

// sealedRow is one secret column of one row, read without the plugin so
// rotation sees the stored form.
type sealedRow struct {
	ID, UserID, Provider, Value string
}

// RotateSecrets re-wraps every sealed value under the current master key
// (the data ciphertext is untouched), seals values stored before sealing
// existed, and recomputes provider-handle indexes. It runs in batches, each
// in its own transaction, and is safe to re-run: values already current
// are left alone.
func (s *Store) RotateSecrets(ctx context.Context) (RotateStats, error) {
	p, err := s.plugin()
	if err != nil {
		return RotateStats{}, err
	}
	var st RotateStats
	creds := func(r sealedRow) secrets.Binding {
		return secrets.Binding{Tenant: r.UserID, Table: "credentials", Column: "provider_ref", RowID: r.ID}
	}
	st.Credentials, err = s.rotateColumn(ctx, p, "credentials", "id", "user_id", "provider_ref", creds, true)
	if err != nil {
		return st, err
	}
	state := func(r sealedRow) secrets.Binding {
		return secrets.Binding{Tenant: r.UserID, Table: "credentials", Column: "provider_state", RowID: r.ID}
	}
	n, err := s.rotateColumn(ctx, p, "credentials", "id", "user_id", "provider_state", state, false)
	st.Credentials += n
	if err != nil {
		return st, err
	}
	ident := func(r sealedRow) secrets.Binding {
		return secrets.Binding{Tenant: r.UserID, Table: "identities", Column: "document_number", RowID: r.ID}
	}
	st.Identities, err = s.rotateColumn(ctx, p, "identities", "credentials_id", "user_id", "document_number", ident, false)
	if err != nil {
		return st, err
	}
	onboarding := func(r sealedRow) secrets.Binding {
		return secrets.Binding{Tenant: r.UserID, Table: "onboarding_sessions", Column: "provider_state", RowID: r.ID}
	}
	n, err = s.rotateColumn(ctx, p, "onboarding_sessions", "id", "user_id", "provider_state", onboarding, false)
	st.Credentials += n
	if err != nil {
		return st, err
	}
	erased := func(r sealedRow) secrets.Binding { return erasureBinding(r.ID) }
	st.Erasures, err = s.rotateColumn(ctx, p, "erasures", "id", "''", "provider_ref", erased, false)
	if err != nil {
		return st, err
	}
	erasedState := func(r sealedRow) secrets.Binding { return erasureStateBinding(r.ID) }
	n, err = s.rotateColumn(ctx, p, "erasures", "id", "''", "provider_state", erasedState, false)
	st.Erasures += n
	if err != nil {
		return st, err
	}
	return s.rotateRecords(ctx, p, st)
}

// rotateRecords re-wraps the sealed records that are not connection
// secrets: webhook payloads (their tenant is "webhooks/<provider>") and
// fraud analyses. Statement files are not rotated: their contents are
// deleted as soon as the provider has them.
func (s *Store) rotateRecords(ctx context.Context, p *SecretsPlugin, st RotateStats) (RotateStats, error) {
	hook := func(r sealedRow) secrets.Binding {
		return secrets.Binding{Tenant: r.UserID, Table: "webhook_events", Column: "payload", RowID: r.ID}
	}
	var err error
	st.Webhooks, err = s.rotateColumn(ctx, p, "webhook_events", "id", "'webhooks/' || provider", "payload", hook, false)
	if err != nil {
		return st, err
	}
	fraud := func(r sealedRow) secrets.Binding { return fraudBinding(r.ID, r.UserID) }
	st.Uploads, err = s.rotateColumn(ctx, p, "statement_uploads", "id", "user_id", "fraud", fraud, false)
	return st, err
}

func (s *Store) rotateColumn(ctx context.Context, p *SecretsPlugin, table, key, tenant, col string,
	bind func(sealedRow) secrets.Binding, indexed bool) (int, error) {
	provider := "''"
	if indexed {
		provider = "provider"
	}
	var rows []sealedRow
	err := s.db.WithContext(ctx).Table(table).
		Select(key + " AS id, " + tenant + " AS user_id, " + provider + " AS provider, " + col + " AS value").
		Where(col + " IS NOT NULL AND " + col + " <> ''").Order(key).Scan(&rows).Error
	if err != nil {
		return 0, wrap(err, "rotate %s", table)
	}
	changed := 0
	for start := 0; start < len(rows); start += 500 {
		batch := rows[start:min(start+500, len(rows))]
		err := s.Tx(ctx, func(tx *Store) error {
			for _, r := range batch {
				n, err := tx.rotateValue(ctx, p, table, key, col, r, bind(r), indexed)
				if err != nil {
					return err
				}
				changed += n
			}
			return nil
		})
		if err != nil {
			return changed, err
		}
	}
	return changed, nil
}

func (s *Store) rotateValue(ctx context.Context, p *SecretsPlugin, table, key, col string, r sealedRow, b secrets.Binding, indexed bool) (int, error) {
	var next, plain string
	var err error
	changed := true
	if strings.HasPrefix(r.Value, sealedPrefix) {
		if plain, err = p.ring.OpenString(r.Value, b); err != nil {
			return 0, wrap(err, "rotate %s %s", table, r.ID)
		}
		next, changed, err = p.ring.Rewrap(r.Value, b)
	} else {
		plain = r.Value
		next, err = p.ring.SealString(plain, b)
	}
	if err != nil {
		return 0, wrap(err, "rotate %s %s", table, r.ID)
	}
	updates := map[string]any{col: next}
	if indexed {
		updates["provider_ref_index"] = p.refIndex(models.Provider(r.Provider), plain)
	}
	err = s.db.WithContext(ctx).Table(table).Where(key+" = ?", r.ID).UpdateColumns(updates).Error
	if err != nil {
		return 0, wrap(err, "rotate %s %s", table, r.ID)
	}
	if changed {
		return 1, nil
	}
	return 0, nil
}
