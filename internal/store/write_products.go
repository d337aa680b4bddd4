package store

import (
	"context"

	"gorm.io/gorm/clause"

	"github.com/fingraph/fingraph/models"
)

// The Replace* methods make the cached rows of one product of one
// credentials equal to what the provider returned (see replaceRows): ids
// and created_at survive refreshes, rows the provider dropped are deleted.
// Each runs several statements: call them inside Tx, together with the
// product's sync record.

func byProviderID[T any](id func(*T) string) replaceSpec[T] {
	return replaceSpec[T]{keyCols: []string{"provider_id"}, key: id}
}

var (
	accountWSpec    = byProviderID(func(r *models.Account) string { return r.ProviderID })
	accountTxnWSpec = byProviderID(func(r *models.AccountTransaction) string { return r.ProviderID })
	portfolioWSpec  = byProviderID(func(r *models.Portfolio) string { return r.ProviderID })
	investmentWSpec = byProviderID(func(r *models.Investment) string { return r.ProviderID })
	invTxnWSpec     = byProviderID(func(r *models.InvestmentTransaction) string { return r.ProviderID })
	liabilityWSpec  = byProviderID(func(r *models.Liability) string { return r.ProviderID })
	liabTxnWSpec    = byProviderID(func(r *models.LiabilityTransaction) string { return r.ProviderID })
	cardWSpec       = byProviderID(func(r *models.Card) string { return r.ProviderID })
	cardTxnWSpec    = byProviderID(func(r *models.CardTransaction) string { return r.ProviderID })
	identityWSpec   = replaceSpec[models.Identity]{key: func(*models.Identity) string { return "" }}
	holderWSpec     = replaceSpec[models.Holder]{keyCols: []string{"provider_product_id", "name"}, key: holderKey}
)

func holderKey(h *models.Holder) string { return h.ProviderProductID + "\x00" + h.Name }

// ReplaceAccounts replaces the accounts of w.CredentialsID. A dropped
// account takes its transactions with it (ON DELETE CASCADE), so the
// transaction rollups are then recomputed too.
func (s *Store) ReplaceAccounts(ctx context.Context, w WriteScope, rows []models.Account) error {
	before, err := s.providerIDs(ctx, "accounts", w.CredentialsID)
	if err != nil {
		return err
	}
	if err := replaceRows(ctx, s, w, accountWSpec, rows); err != nil {
		return err
	}
	for i := range rows {
		delete(before, rows[i].ProviderID)
	}
	if len(before) == 0 {
		return nil // no account dropped
	}
	return refreshRollups(ctx, s.db, w)
}

// ReplaceAccountTransactions replaces the account transactions of
// w.CredentialsID, and their rollups (rollups.go). ParentRef is matched
// against the accounts' IBAN first, then their provider id (Flanks'
// account_id is "usually the IBAN").
// account_id is NOT NULL, so transactions of an unknown account are
// skipped; skipped counts them.
func (s *Store) ReplaceAccountTransactions(ctx context.Context, w WriteScope, rows []Linked[models.AccountTransaction]) (skipped int, err error) {
	var accts []models.Account
	err = s.db.WithContext(ctx).Select("id", "provider_id", "iban").
		Where("credentials_id = ?", w.CredentialsID).Find(&accts).Error
	if err != nil {
		return 0, wrap(err, "ReplaceAccountTransactions: accounts")
	}
	byIBAN, byRef := map[string]string{}, map[string]string{}
	for _, a := range accts {
		byRef[a.ProviderID] = a.ID
		if a.IBAN != nil && *a.IBAN != "" {
			byIBAN[*a.IBAN] = a.ID
		}
	}
	out := make([]models.AccountTransaction, 0, len(rows))
	for _, l := range rows {
		id := byIBAN[l.ParentRef]
		if id == "" {
			id = byRef[l.ParentRef]
		}
		if id == "" {
			skipped++
			continue
		}
		l.Row.AccountID = id
		out = append(out, l.Row)
	}
	out = dedupe(out, accountTxnWSpec.key)
	if err := replaceRows(ctx, s, w, accountTxnWSpec, out); err != nil {
		return skipped, err
	}
	return skipped, writeRollups(ctx, s.db, w, rollupTxns(out))
}

// ReplacePortfolios replaces the portfolios of w.CredentialsID.
func (s *Store) ReplacePortfolios(ctx context.Context, w WriteScope, rows []models.Portfolio) error {
	return replaceRows(ctx, s, w, portfolioWSpec, rows)
}

// ReplaceInvestments replaces the investments of w.CredentialsID, linking
// each to the portfolio whose provider id is ParentRef (NULL when none).
func (s *Store) ReplaceInvestments(ctx context.Context, w WriteScope, rows []Linked[models.Investment]) (unlinked int, err error) {
	return replaceLinked(ctx, s, w, "portfolios", investmentWSpec, rows,
		func(r *models.Investment, id *string) { r.PortfolioID = id })
}

// ReplaceInvestmentTransactions replaces the investment transactions of
// w.CredentialsID, linking each to the investment whose provider id is
// ParentRef (NULL when none).
func (s *Store) ReplaceInvestmentTransactions(ctx context.Context, w WriteScope, rows []Linked[models.InvestmentTransaction]) (unlinked int, err error) {
	return replaceLinked(ctx, s, w, "investments", invTxnWSpec, rows,
		func(r *models.InvestmentTransaction, id *string) { r.InvestmentID = id })
}

// ReplaceLiabilities replaces the liabilities of w.CredentialsID.
func (s *Store) ReplaceLiabilities(ctx context.Context, w WriteScope, rows []models.Liability) error {
	return replaceRows(ctx, s, w, liabilityWSpec, rows)
}

// ReplaceLiabilityTransactions replaces the liability transactions of
// w.CredentialsID, linking each to the liability whose provider id is
// ParentRef (NULL when none).
func (s *Store) ReplaceLiabilityTransactions(ctx context.Context, w WriteScope, rows []Linked[models.LiabilityTransaction]) (unlinked int, err error) {
	return replaceLinked(ctx, s, w, "liabilities", liabTxnWSpec, rows,
		func(r *models.LiabilityTransaction, id *string) { r.LiabilityID = id })
}

// ReplaceCards replaces the cards of w.CredentialsID.
func (s *Store) ReplaceCards(ctx context.Context, w WriteScope, rows []models.Card) error {
	return replaceRows(ctx, s, w, cardWSpec, rows)
}

// ReplaceCardTransactions replaces the card transactions of
// w.CredentialsID, linking each to the card whose provider id is ParentRef
// (NULL when none).
func (s *Store) ReplaceCardTransactions(ctx context.Context, w WriteScope, rows []Linked[models.CardTransaction]) (unlinked int, err error) {
	return replaceLinked(ctx, s, w, "cards", cardTxnWSpec, rows,
		func(r *models.CardTransaction, id *string) { r.CardID = id })
}

// ReplaceIdentity stores the identity of w.CredentialsID, or deletes it
// when id is nil.
func (s *Store) ReplaceIdentity(ctx context.Context, w WriteScope, id *models.Identity) error {
	var rows []models.Identity
	if id != nil {
		row := *id
		if err := s.keepSealedDocument(ctx, w.CredentialsID, &row); err != nil {
			return err
		}
		rows = []models.Identity{row}
	}
	return replaceRows(ctx, s, w, identityWSpec, rows)
}

// ReplaceHolders replaces the holders of w.CredentialsID.
func (s *Store) ReplaceHolders(ctx context.Context, w WriteScope, rows []models.Holder) error {
	return replaceRows(ctx, s, w, holderWSpec, rows)
}

// ReplaceMifid stores the MiFID questionnaire of w.CredentialsID, or
// deletes it when m is nil. The table is keyed by credentials_id alone.
func (s *Store) ReplaceMifid(ctx context.Context, w WriteScope, m *models.Mifid) error {
	db := s.db.WithContext(ctx)
	if m == nil {
		err := db.Where("credentials_id = ?", w.CredentialsID).Delete(&models.Mifid{}).Error
		return wrap(err, "ReplaceMifid: delete")
	}
	row := *m
	row.CredentialsID, row.UserID, row.CreatedAt, row.UpdatedAt = w.CredentialsID, w.UserID, w.At, w.At
	sch, err := schemaOf[models.Mifid](s.db)
	if err != nil {
		return err
	}
	err = db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "credentials_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"user_id", "raw", "updated_at"}),
		Where: clause.Where{Exprs: []clause.Expression{
			changedExpr("mifid", []string{"user_id", "raw"}, scaledColumns(s.db, sch))}},
	}).Create(&row).Error
	return wrap(err, "ReplaceMifid")
}

// replaceLinked resolves each child's ParentRef against the provider ids of
// parentTable (same credentials), sets the nullable FK, and replaces.
func replaceLinked[T any](ctx context.Context, s *Store, w WriteScope, parentTable string,
	spec replaceSpec[T], rows []Linked[T], link func(*T, *string)) (unlinked int, err error) {
	ids, err := s.providerIDs(ctx, parentTable, w.CredentialsID)
	if err != nil {
		return 0, err
	}
	out := make([]T, 0, len(rows))
	for _, l := range rows {
		if id, ok := ids[l.ParentRef]; ok {
			link(&l.Row, &id)
		} else {
			link(&l.Row, nil)
			unlinked++
		}
		out = append(out, l.Row)
	}
	return unlinked, replaceRows(ctx, s, w, spec, out)
}

// providerIDs maps provider_id to id for one table and credentials. table
// is always a constant of this file.
func (s *Store) providerIDs(ctx context.Context, table, credsID string) (map[string]string, error) {
	var rows []struct{ ID, ProviderID string }
	err := s.db.WithContext(ctx).Table(table).Select("id", "provider_id").
		Where("credentials_id = ?", credsID).Scan(&rows).Error
	if err != nil {
		return nil, wrap(err, "%s ids", table)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.ProviderID] = r.ID
	}
	return out, nil
}

// keepSealedDocument reuses the stored sealed document number when the
// plaintext has not changed: sealing again would produce a different
// ciphertext (fresh nonce and data key) and so a needless row update on
// every identical refresh.
func (s *Store) keepSealedDocument(ctx context.Context, credsID string, row *models.Identity) error {
	if row.DocumentNumber == nil {
		return nil
	}
	var old []models.Identity
	err := s.db.WithContext(ctx).Where("credentials_id = ?", credsID).Limit(1).Find(&old).Error
	if err != nil {
		return wrap(err, "read identity of %s", credsID)
	}
	if len(old) == 1 && old[0].DocumentNumber != nil && *old[0].DocumentNumber == *row.DocumentNumber {
		row.DocumentNumberSealed = old[0].DocumentNumberSealed
	}
	return nil
}
