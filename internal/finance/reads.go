package finance

import (
	"context"

	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// ListArgs are a validated page plus what the caller reads: whether it
// selected totalCount (counting costs a statement, so it is skipped when
// unused), which model fields of the rows (nil: all of them) and which
// lists under each row (read ahead with the page; see Child).
type ListArgs struct {
	Page     store.Page
	Total    bool
	Fields   []string
	Children []Child
}

// Connection types of the graph's lists.
type (
	CredentialsConn  = store.Conn[models.Credentials]
	AccountConn      = store.Conn[models.Account]
	AccountTxnConn   = store.Conn[models.AccountTransaction]
	PortfolioConn    = store.Conn[models.Portfolio]
	InvestmentConn   = store.Conn[models.Investment]
	InvestmentTxConn = store.Conn[models.InvestmentTransaction]
	LiabilityConn    = store.Conn[models.Liability]
	LiabilityTxConn  = store.Conn[models.LiabilityTransaction]
	CardConn         = store.Conn[models.Card]
	CardTxConn       = store.Conn[models.CardTransaction]
	HolderConn       = store.Conn[models.Holder]
)

// UserCredentials pages the caller's credentials.
func (s *Service) UserCredentials(ctx context.Context, userID string, a ListArgs) (*CredentialsConn, error) {
	return loadersFrom(ctx).credsByUser.Load(ctx, keyFor(userID, a, nil))
}

// UserAccounts pages every account of the user, fetching stale ones first.
func (s *Service) UserAccounts(ctx context.Context, userID string, a ListArgs) (*AccountConn, error) {
	warn := s.ensureAll(ctx, userID, models.ProductAccounts)
	c, err := loadersFrom(ctx).acctsByUser.Load(ctx, keyFor(userID, a, nil))
	return c, partial(err, warn)
}

// UserTransactions pages every account transaction of the user.
func (s *Service) UserTransactions(ctx context.Context, userID string, f *store.TxnFilter, a ListArgs) (*AccountTxnConn, error) {
	warn := s.ensureAll(ctx, userID, models.ProductTransactions)
	c, err := loadersFrom(ctx).txnsByUser.Load(ctx, keyFor(userID, a, f))
	return c, partial(err, warn)
}

// Accounts pages the accounts of one credentials.
func (s *Service) Accounts(ctx context.Context, c *models.Credentials, a ListArgs) (*AccountConn, error) {
	warn := s.ensure(ctx, c, models.ProductAccounts)
	conn, err := loadersFrom(ctx).acctsByCreds.Load(ctx, keyFor(c.ID, a, nil))
	return conn, partial(err, warn)
}

// AccountTransactions pages the movements of one account.
func (s *Service) AccountTransactions(ctx context.Context, acct *models.Account, f *store.TxnFilter, a ListArgs) (*AccountTxnConn, error) {
	c, err := s.credentialsOf(ctx, acct.CredentialsID)
	if err != nil {
		return nil, err
	}
	warn := s.ensure(ctx, c, models.ProductTransactions)
	conn, err := loadersFrom(ctx).txnsByAcct.Load(ctx, keyFor(acct.ID, a, f))
	return conn, partial(err, warn)
}

// Portfolios pages the portfolios of one credentials.
func (s *Service) Portfolios(ctx context.Context, c *models.Credentials, a ListArgs) (*PortfolioConn, error) {
	warn := s.ensure(ctx, c, models.ProductPortfolios)
	conn, err := loadersFrom(ctx).portsByCreds.Load(ctx, keyFor(c.ID, a, nil))
	return conn, partial(err, warn)
}

// Investments pages the investments of one credentials.
func (s *Service) Investments(ctx context.Context, c *models.Credentials, a ListArgs) (*InvestmentConn, error) {
	warn := s.ensure(ctx, c, models.ProductInvestments)
	conn, err := loadersFrom(ctx).invsByCreds.Load(ctx, keyFor(c.ID, a, nil))
	return conn, partial(err, warn)
}

// PortfolioInvestments pages the investments held in one portfolio.
func (s *Service) PortfolioInvestments(ctx context.Context, p *models.Portfolio, a ListArgs) (*InvestmentConn, error) {
	c, err := s.credentialsOf(ctx, p.CredentialsID)
	if err != nil {
		return nil, err
	}
	warn := s.ensure(ctx, c, models.ProductInvestments)
	conn, err := loadersFrom(ctx).invsByPort.Load(ctx, keyFor(p.ID, a, nil))
	return conn, partial(err, warn)
}

// InvestmentTransactions pages the movements of one investment.
func (s *Service) InvestmentTransactions(ctx context.Context, i *models.Investment, f *store.TxnFilter, a ListArgs) (*InvestmentTxConn, error) {
	c, err := s.credentialsOf(ctx, i.CredentialsID)
	if err != nil {
		return nil, err
	}
	warn := s.ensure(ctx, c, models.ProductInvTxns)
	conn, err := loadersFrom(ctx).invTxnsByInv.Load(ctx, keyFor(i.ID, a, f))
	return conn, partial(err, warn)
}

// Liabilities pages the liabilities of one credentials.
func (s *Service) Liabilities(ctx context.Context, c *models.Credentials, a ListArgs) (*LiabilityConn, error) {
	warn := s.ensure(ctx, c, models.ProductLiabilities)
	conn, err := loadersFrom(ctx).liabsByCreds.Load(ctx, keyFor(c.ID, a, nil))
	return conn, partial(err, warn)
}

// LiabilityTransactions pages the movements of one liability.
func (s *Service) LiabilityTransactions(ctx context.Context, l *models.Liability, f *store.TxnFilter, a ListArgs) (*LiabilityTxConn, error) {
	c, err := s.credentialsOf(ctx, l.CredentialsID)
	if err != nil {
		return nil, err
	}
	warn := s.ensure(ctx, c, models.ProductLiabTxns)
	conn, err := loadersFrom(ctx).liabTxns.Load(ctx, keyFor(l.ID, a, f))
	return conn, partial(err, warn)
}

// Cards pages the cards of one credentials.
func (s *Service) Cards(ctx context.Context, c *models.Credentials, a ListArgs) (*CardConn, error) {
	warn := s.ensure(ctx, c, models.ProductCards)
	conn, err := loadersFrom(ctx).cardsByCreds.Load(ctx, keyFor(c.ID, a, nil))
	return conn, partial(err, warn)
}

// CardTransactions pages the movements of one card.
func (s *Service) CardTransactions(ctx context.Context, card *models.Card, f *store.TxnFilter, a ListArgs) (*CardTxConn, error) {
	c, err := s.credentialsOf(ctx, card.CredentialsID)
	if err != nil {
		return nil, err
	}
	warn := s.ensure(ctx, c, models.ProductCardTxns)
	conn, err := loadersFrom(ctx).cardTxns.Load(ctx, keyFor(card.ID, a, f))
	return conn, partial(err, warn)
}

// Holders pages the holders of one credentials' products.
func (s *Service) Holders(ctx context.Context, c *models.Credentials, a ListArgs) (*HolderConn, error) {
	warn := s.ensure(ctx, c, models.ProductHolders)
	conn, err := loadersFrom(ctx).holders.Load(ctx, keyFor(c.ID, a, nil))
	return conn, partial(err, warn)
}

// Identity returns the credentials owner's identity, nil when the
// institution reports none.
func (s *Service) Identity(ctx context.Context, c *models.Credentials) (*models.Identity, error) {
	warn := s.ensure(ctx, c, models.ProductIdentity)
	id, err := optional(loadersFrom(ctx).identities.Load(ctx, c.ID))
	return id, partial(err, warn)
}

// Mifid returns the raw MiFID document, nil when there is none.
func (s *Service) Mifid(ctx context.Context, c *models.Credentials) (models.JSON, error) {
	warn := s.ensure(ctx, c, models.ProductMifid)
	m, err := optional(loadersFrom(ctx).mifid.Load(ctx, c.ID))
	if m == nil || err != nil {
		return nil, partial(err, warn)
	}
	return m.Raw, partial(nil, warn)
}

// optional turns a loader miss into nil for nullable fields.
func optional[T any](v *T, err error) (*T, error) {
	v, err = found(v, err)
	if err != nil && isNotFound(err) {
		return nil, nil
	}
	return v, err
}
