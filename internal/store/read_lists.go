package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/fingraph/fingraph/models"
)

// ListRequest asks for one page shape under many parents at once; the
// result maps each parent id to its page.
type ListRequest struct {
	Parents []string
	Scope   Scope
	Page    Page
	Total   bool
	Filter  *TxnFilter
	// Fields are the model fields the caller reads (Go names, such as
	// "Amount"); nil reads every column. Keys, ids and cursors are always
	// read.
	Fields []string
}

func (s *Store) query(ctx context.Context, r ListRequest, f *TxnFilter) listQuery {
	q := listQuery{parents: r.Parents, scope: r.Scope, page: r.Page, withTotal: r.Total, fields: r.Fields}
	if f != nil {
		q.bounded = f.bounded()
		dialect, lower := s.db.Dialector.Name(), ""
		if f.Text != nil && *f.Text != "" {
			lower = s.textFold(ctx)
		}
		q.filter = func(db *gorm.DB) *gorm.DB { return f.apply(db, dialect, lower) }
	}
	return q
}

// CredentialsByUser pages users' credentials.
func (s *Store) CredentialsByUser(ctx context.Context, r ListRequest) (map[string]*Conn[models.Credentials], error) {
	return list(ctx, s.db, credentialsSpec, s.query(ctx, r, nil))
}

// AccountsByCredentials pages accounts per credentials.
func (s *Store) AccountsByCredentials(ctx context.Context, r ListRequest) (map[string]*Conn[models.Account], error) {
	return list(ctx, s.db, accountSpec("credentials_id"), s.query(ctx, r, nil))
}

// AccountsByUser pages accounts per user, across credentials.
func (s *Store) AccountsByUser(ctx context.Context, r ListRequest) (map[string]*Conn[models.Account], error) {
	return list(ctx, s.db, accountSpec("user_id"), s.query(ctx, r, nil))
}

// AccountTransactionsByAccount pages account transactions per account.
func (s *Store) AccountTransactionsByAccount(ctx context.Context, r ListRequest) (map[string]*Conn[models.AccountTransaction], error) {
	return list(ctx, s.db, accountTxnSpec("account_id"), s.query(ctx, r, r.Filter.on("account_transactions", "description", true)))
}

// AccountTransactionsByUser pages account transactions per user.
func (s *Store) AccountTransactionsByUser(ctx context.Context, r ListRequest) (map[string]*Conn[models.AccountTransaction], error) {
	return list(ctx, s.db, accountTxnSpec("user_id"), s.query(ctx, r, r.Filter.on("account_transactions", "description", true)))
}

// PortfoliosByCredentials pages portfolios per credentials.
func (s *Store) PortfoliosByCredentials(ctx context.Context, r ListRequest) (map[string]*Conn[models.Portfolio], error) {
	return list(ctx, s.db, portfolioSpec, s.query(ctx, r, nil))
}

// InvestmentsByCredentials pages investments per credentials.
func (s *Store) InvestmentsByCredentials(ctx context.Context, r ListRequest) (map[string]*Conn[models.Investment], error) {
	return list(ctx, s.db, investmentSpec("credentials_id"), s.query(ctx, r, nil))
}

// InvestmentsByPortfolio pages investments per portfolio.
func (s *Store) InvestmentsByPortfolio(ctx context.Context, r ListRequest) (map[string]*Conn[models.Investment], error) {
	return list(ctx, s.db, investmentSpec("portfolio_id"), s.query(ctx, r, nil))
}

// InvestmentTransactionsByInvestment pages movements per investment.
func (s *Store) InvestmentTransactionsByInvestment(ctx context.Context, r ListRequest) (map[string]*Conn[models.InvestmentTransaction], error) {
	return list(ctx, s.db, investmentTxnSpec, s.query(ctx, r, r.Filter.on("investment_transactions", "description", false)))
}

// LiabilitiesByCredentials pages liabilities per credentials.
func (s *Store) LiabilitiesByCredentials(ctx context.Context, r ListRequest) (map[string]*Conn[models.Liability], error) {
	return list(ctx, s.db, liabilitySpec, s.query(ctx, r, nil))
}

// LiabilityTransactionsByLiability pages movements per liability.
func (s *Store) LiabilityTransactionsByLiability(ctx context.Context, r ListRequest) (map[string]*Conn[models.LiabilityTransaction], error) {
	return list(ctx, s.db, liabilityTxnSpec, s.query(ctx, r, r.Filter.on("liability_transactions", "description", false)))
}

// CardsByCredentials pages cards per credentials.
func (s *Store) CardsByCredentials(ctx context.Context, r ListRequest) (map[string]*Conn[models.Card], error) {
	return list(ctx, s.db, cardSpec, s.query(ctx, r, nil))
}

// CardTransactionsByCard pages card movements per card.
func (s *Store) CardTransactionsByCard(ctx context.Context, r ListRequest) (map[string]*Conn[models.CardTransaction], error) {
	return list(ctx, s.db, cardTxnSpec, s.query(ctx, r, r.Filter.on("card_transactions", "shop", true)))
}

// HoldersByCredentials pages holders per credentials.
func (s *Store) HoldersByCredentials(ctx context.Context, r ListRequest) (map[string]*Conn[models.Holder], error) {
	return list(ctx, s.db, holderSpec, s.query(ctx, r, nil))
}
