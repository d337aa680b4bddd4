package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/fingraph/fingraph/models"
)

// byKeys loads rows whose column col is in keys, visible to scope, into a
// map keyed by key(row). Missing keys are simply absent: the caller turns
// them into not-found, so a foreign id and an unknown id look the same.
func byKeys[T any](ctx context.Context, db *gorm.DB, table, col string, keys []string, scope Scope, key func(*T) string) (map[string]*T, error) {
	var rows []T
	q := db.WithContext(ctx).Table(table+" AS t").Where("t."+col+" IN ?", keys)
	if err := scope.apply(q, "t").Find(&rows).Error; err != nil {
		return nil, wrap(err, "%s by %s", table, col)
	}
	out := make(map[string]*T, len(rows))
	for i := range rows {
		out[key(&rows[i])] = &rows[i]
	}
	return out, nil
}

// CredentialsByIDs loads credentials by id.
func (s *Store) CredentialsByIDs(ctx context.Context, scope Scope, ids []string) (map[string]*models.Credentials, error) {
	return byKeys(ctx, s.db, "credentials", "id", ids, scope, func(c *models.Credentials) string { return c.ID })
}

// AccountsByIDs loads accounts by id.
func (s *Store) AccountsByIDs(ctx context.Context, scope Scope, ids []string) (map[string]*models.Account, error) {
	return byKeys(ctx, s.db, "accounts", "id", ids, scope, func(a *models.Account) string { return a.ID })
}

// AccountTransactionsByIDs loads account transactions by id.
func (s *Store) AccountTransactionsByIDs(ctx context.Context, scope Scope, ids []string) (map[string]*models.AccountTransaction, error) {
	return byKeys(ctx, s.db, "account_transactions", "id", ids, scope, func(t *models.AccountTransaction) string { return t.ID })
}

// PortfoliosByIDs loads portfolios by id.
func (s *Store) PortfoliosByIDs(ctx context.Context, scope Scope, ids []string) (map[string]*models.Portfolio, error) {
	return byKeys(ctx, s.db, "portfolios", "id", ids, scope, func(p *models.Portfolio) string { return p.ID })
}

// InvestmentsByIDs loads investments by id.
func (s *Store) InvestmentsByIDs(ctx context.Context, scope Scope, ids []string) (map[string]*models.Investment, error) {
	return byKeys(ctx, s.db, "investments", "id", ids, scope, func(i *models.Investment) string { return i.ID })
}

// InvestmentTransactionsByIDs loads investment movements by id.
func (s *Store) InvestmentTransactionsByIDs(ctx context.Context, scope Scope, ids []string) (map[string]*models.InvestmentTransaction, error) {
	return byKeys(ctx, s.db, "investment_transactions", "id", ids, scope, func(t *models.InvestmentTransaction) string { return t.ID })
}

// LiabilitiesByIDs loads liabilities by id.
func (s *Store) LiabilitiesByIDs(ctx context.Context, scope Scope, ids []string) (map[string]*models.Liability, error) {
	return byKeys(ctx, s.db, "liabilities", "id", ids, scope, func(l *models.Liability) string { return l.ID })
}

// LiabilityTransactionsByIDs loads liability movements by id.
func (s *Store) LiabilityTransactionsByIDs(ctx context.Context, scope Scope, ids []string) (map[string]*models.LiabilityTransaction, error) {
	return byKeys(ctx, s.db, "liability_transactions", "id", ids, scope, func(t *models.LiabilityTransaction) string { return t.ID })
}

// CardsByIDs loads cards by id.
func (s *Store) CardsByIDs(ctx context.Context, scope Scope, ids []string) (map[string]*models.Card, error) {
	return byKeys(ctx, s.db, "cards", "id", ids, scope, func(c *models.Card) string { return c.ID })
}

// CardTransactionsByIDs loads card movements by id.
func (s *Store) CardTransactionsByIDs(ctx context.Context, scope Scope, ids []string) (map[string]*models.CardTransaction, error) {
	return byKeys(ctx, s.db, "card_transactions", "id", ids, scope, func(t *models.CardTransaction) string { return t.ID })
}

// IdentitiesByCredentials loads each credentials' identity.
func (s *Store) IdentitiesByCredentials(ctx context.Context, scope Scope, credsIDs []string) (map[string]*models.Identity, error) {
	return byKeys(ctx, s.db, "identities", "credentials_id", credsIDs, scope, func(i *models.Identity) string { return i.CredentialsID })
}

// MifidByCredentials loads each credentials' MiFID document.
func (s *Store) MifidByCredentials(ctx context.Context, scope Scope, credsIDs []string) (map[string]*models.Mifid, error) {
	return byKeys(ctx, s.db, "mifid", "credentials_id", credsIDs, scope, func(m *models.Mifid) string { return m.CredentialsID })
}

// SummaryRows loads the balances a dashboard summary adds up: all of a
// user's accounts, investments, liabilities and cards (a handful of rows).
func (s *Store) SummaryRows(ctx context.Context, scope Scope) (*Summary, error) {
	var out Summary
	for _, q := range []struct {
		table string
		dest  any
	}{{"accounts", &out.Accounts}, {"investments", &out.Investments}, {"liabilities", &out.Liabilities}, {"cards", &out.Cards}} {
		if err := scope.apply(s.db.WithContext(ctx).Table(q.table+" AS t"), "t").Find(q.dest).Error; err != nil {
			return nil, wrap(err, "summary %s", q.table)
		}
	}
	return &out, nil
}

// Summary holds the rows totals are computed from.
type Summary struct {
	Accounts    []models.Account
	Investments []models.Investment
	Liabilities []models.Liability
	Cards       []models.Card
}

// AllCredentialsOfUser returns every credentials of one user (a handful),
// for fan-out across a user's connections.
func (s *Store) AllCredentialsOfUser(ctx context.Context, userID string) ([]models.Credentials, error) {
	var out []models.Credentials
	err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("id").Find(&out).Error
	return out, wrap(err, "AllCredentialsOfUser(%q)", userID)
}

// ProductRef names a product by its credentials and the provider's id.
type ProductRef struct{ CredentialsID, ProviderID string }

// ProductsByRef finds the accounts, cards, portfolios and liabilities with
// the given provider ids: one statement per product table, however many
// refs are asked for.
func (s *Store) ProductsByRef(ctx context.Context, scope Scope, refs []ProductRef) (map[ProductRef]models.Node, error) {
	creds, ids := make([]string, 0, len(refs)), make([]string, 0, len(refs))
	for _, r := range refs {
		creds, ids = append(creds, r.CredentialsID), append(ids, r.ProviderID)
	}
	out := map[ProductRef]models.Node{}
	add := func(n models.Node, c, p string) { out[ProductRef{c, p}] = n }
	if err := refsOf(ctx, s.db, scope, "accounts", creds, ids, func(a *models.Account) { add(a, a.CredentialsID, a.ProviderID) }); err != nil {
		return nil, err
	}
	if err := refsOf(ctx, s.db, scope, "cards", creds, ids, func(c *models.Card) { add(c, c.CredentialsID, c.ProviderID) }); err != nil {
		return nil, err
	}
	if err := refsOf(ctx, s.db, scope, "portfolios", creds, ids, func(p *models.Portfolio) { add(p, p.CredentialsID, p.ProviderID) }); err != nil {
		return nil, err
	}
	err := refsOf(ctx, s.db, scope, "liabilities", creds, ids, func(l *models.Liability) { add(l, l.CredentialsID, l.ProviderID) })
	return out, err
}

func refsOf[T any](ctx context.Context, db *gorm.DB, scope Scope, table string, creds, ids []string, each func(*T)) error {
	var rows []T
	q := db.WithContext(ctx).Table(table+" AS t").Where("t.credentials_id IN ? AND t.provider_id IN ?", creds, ids)
	if err := scope.apply(q, "t").Find(&rows).Error; err != nil {
		return wrap(err, "%s by provider id", table)
	}
	for i := range rows {
		each(&rows[i])
	}
	return nil
}
