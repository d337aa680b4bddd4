package finance

import (
	"context"

	"github.com/vikstrous/dataloadgen"

	"github.com/fingraph/fingraph/models"
)

// The read-ahead relations, one method per parent type. Each names the
// product that must be fresh, the child loader to prime and the store
// read, which are the same as the child resolver's in reads.go.

func credsID(c *models.Credentials) string { return c.ID }

// primeByID puts whole parent rows into their by-id loader: a child row's
// link back to its parent (a transaction's account) then needs no batch.
// Only whole rows may go there; transaction lists are projected and never
// do.
func primeByID[T any](l *dataloadgen.Loader[string, *T], rows []*T, id func(*T) string) {
	for _, r := range rows {
		l.Prime(id(r), r)
	}
}

// credentials reads ahead the lists under a page of credentials.
func (pf prefetcher) credentials(ctx context.Context, parents []*models.Credentials, children []Child) {
	pf.knowCredentials(parents)
	st, l := pf.s.store, pf.l
	for _, ch := range children {
		switch ch.Field {
		case "accounts":
			readAhead(ctx, pf, parents, ch, relation[models.Credentials, models.Account]{
				models.ProductAccounts, credsID, credsID, l.acctsByCreds, st.AccountsByCredentials, pf.accounts})
		case "portfolios":
			readAhead(ctx, pf, parents, ch, relation[models.Credentials, models.Portfolio]{
				models.ProductPortfolios, credsID, credsID, l.portsByCreds, st.PortfoliosByCredentials, pf.portfolios})
		case "investments":
			readAhead(ctx, pf, parents, ch, relation[models.Credentials, models.Investment]{
				models.ProductInvestments, credsID, credsID, l.invsByCreds, st.InvestmentsByCredentials, pf.investments})
		case "liabilities":
			readAhead(ctx, pf, parents, ch, relation[models.Credentials, models.Liability]{
				models.ProductLiabilities, credsID, credsID, l.liabsByCreds, st.LiabilitiesByCredentials, pf.liabilities})
		case "cards":
			readAhead(ctx, pf, parents, ch, relation[models.Credentials, models.Card]{
				models.ProductCards, credsID, credsID, l.cardsByCreds, st.CardsByCredentials, pf.cards})
		case "holders":
			readAhead(ctx, pf, parents, ch, relation[models.Credentials, models.Holder]{
				models.ProductHolders, credsID, credsID, l.holders, st.HoldersByCredentials, nil})
		}
	}
}

// listOf puts whole parent rows into their by-id loader, then reads
// ahead the one child list (field) their type has.
func listOf[P, T any](ctx context.Context, pf prefetcher, parents []*P, children []Child,
	byID *dataloadgen.Loader[string, *P], field string, rel relation[P, T]) {
	primeByID(byID, parents, rel.idOf)
	for _, ch := range children {
		if ch.Field == field {
			readAhead(ctx, pf, parents, ch, rel)
		}
	}
}

// accounts reads ahead the transactions of a page of accounts.
func (pf prefetcher) accounts(ctx context.Context, parents []*models.Account, children []Child) {
	listOf(ctx, pf, parents, children, pf.l.accounts, "transactions", relation[models.Account, models.AccountTransaction]{
		models.ProductTransactions,
		func(a *models.Account) string { return a.CredentialsID },
		func(a *models.Account) string { return a.ID },
		pf.l.txnsByAcct, pf.s.store.AccountTransactionsByAccount, nil})
}

// portfolios reads ahead the investments of a page of portfolios.
func (pf prefetcher) portfolios(ctx context.Context, parents []*models.Portfolio, children []Child) {
	listOf(ctx, pf, parents, children, pf.l.portfolios, "investments", relation[models.Portfolio, models.Investment]{
		models.ProductInvestments,
		func(p *models.Portfolio) string { return p.CredentialsID },
		func(p *models.Portfolio) string { return p.ID },
		pf.l.invsByPort, pf.s.store.InvestmentsByPortfolio, pf.investments})
}

// investments reads ahead the transactions of a page of investments.
func (pf prefetcher) investments(ctx context.Context, parents []*models.Investment, children []Child) {
	listOf(ctx, pf, parents, children, pf.l.investments, "transactions", relation[models.Investment, models.InvestmentTransaction]{
		models.ProductInvTxns,
		func(i *models.Investment) string { return i.CredentialsID },
		func(i *models.Investment) string { return i.ID },
		pf.l.invTxnsByInv, pf.s.store.InvestmentTransactionsByInvestment, nil})
}

// liabilities reads ahead the transactions of a page of liabilities.
func (pf prefetcher) liabilities(ctx context.Context, parents []*models.Liability, children []Child) {
	listOf(ctx, pf, parents, children, pf.l.liabilities, "transactions", relation[models.Liability, models.LiabilityTransaction]{
		models.ProductLiabTxns,
		func(l *models.Liability) string { return l.CredentialsID },
		func(l *models.Liability) string { return l.ID },
		pf.l.liabTxns, pf.s.store.LiabilityTransactionsByLiability, nil})
}

// cards reads ahead the transactions of a page of cards.
func (pf prefetcher) cards(ctx context.Context, parents []*models.Card, children []Child) {
	listOf(ctx, pf, parents, children, pf.l.cards, "transactions", relation[models.Card, models.CardTransaction]{
		models.ProductCardTxns,
		func(c *models.Card) string { return c.CredentialsID },
		func(c *models.Card) string { return c.ID },
		pf.l.cardTxns, pf.s.store.CardTransactionsByCard, nil})
}
