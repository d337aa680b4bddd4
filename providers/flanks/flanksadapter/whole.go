package flanksadapter

import (
	"context"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks"
)

var _ provider.WholeFetcher = (*Adapter)(nil)

// wholeProducts are the products POST /v0/bank/credentials/all answers:
// everything but the holders and MiFID, which have their own endpoints.
var wholeProducts = []models.Product{
	models.ProductAccounts, models.ProductTransactions, models.ProductPortfolios, models.ProductInvestments,
	models.ProductInvTxns, models.ProductLiabilities, models.ProductLiabTxns, models.ProductCards,
	models.ProductCardTxns, models.ProductIdentity,
}

// WholeProducts implements provider.WholeFetcher.
func (f *Adapter) WholeProducts() []models.Product { return slices.Clone(wholeProducts) }

// FetchWhole implements provider.WholeFetcher with /credentials/all.
// Flanks answers it with whatever it holds "without considering the
// credentials status": an empty list may mean still extracting, failed or
// none. So the status is asked at the same time (two calls, one round
// trip), and only the products it reports created without error are
// returned; the engine fetches the others on their own endpoints, which
// say pending or failed. Positions listed without their detail get it
// from /investment/detail, as on the investments endpoint.
func (f *Adapter) FetchWhole(ctx context.Context, creds *models.Credentials) (*provider.Rows, error) {
	var all *flanks.AllData
	var st *flanks.CredentialsStatus
	req := flanks.AggregationRequest{CredentialsToken: creds.ProviderRef}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		all, err = f.c.GetAll(gctx, req)
		return err
	})
	g.Go(func() (err error) {
		st, err = f.c.GetCredentialsStatus(gctx, creds.ProviderRef)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, classify(err)
	}
	rows := mapAll(all)
	flags := productFlags(st.Created, st.Errored)
	for _, p := range wholeProducts {
		if fl := flags[p]; fl.Created && !fl.Errored {
			rows.Products = append(rows.Products, p)
		}
	}
	if slices.Contains(rows.Products, models.ProductInvestments) {
		completeDetails(ctx, f.c, req, rows.Investments)
	}
	return rows, nil
}

// mapAll maps a /credentials/all answer. Children come nested in their
// parents; a child that does not name its parent is linked to the one it
// came in.
func mapAll(all *flanks.AllData) *provider.Rows {
	rows := &provider.Rows{Portfolios: mapEach(all.Portfolios, mapPortfolio)}
	for i := range all.Accounts {
		a := &all.Accounts[i]
		rows.Accounts = append(rows.Accounts, mapAccount(&a.Account))
		rows.Transactions = appendChildren(rows.Transactions, a.Transactions, mapAccountTxn, a.ID)
	}
	for i := range all.Cards {
		c := &all.Cards[i]
		rows.Cards = append(rows.Cards, mapCard(&c.Card))
		rows.CardTxns = appendChildren(rows.CardTxns, c.Transactions, mapCardTxn, c.ID)
	}
	for i := range all.Liabilities {
		l := &all.Liabilities[i]
		rows.Liabilities = append(rows.Liabilities, mapLiability(&l.Liability))
		rows.LiabilityTxns = appendChildren(rows.LiabilityTxns, l.Transactions, mapLiabilityTxn, l.ID)
	}
	for _, list := range allInvestments(all) {
		for i := range list {
			inv := &list[i]
			rows.Investments = append(rows.Investments, mapInvestment(&inv.Investment))
			rows.InvestmentTxns = appendChildren(rows.InvestmentTxns, inv.Transactions, mapInvestmentTxn, inv.ID)
		}
	}
	if all.Identity != nil {
		rows.Identity = mapIdentity(all.Identity)
	}
	return rows
}

// allInvestments are the investment lists of /credentials/all, one per
// investment type.
func allInvestments(all *flanks.AllData) [][]flanks.AllInvestment {
	return [][]flanks.AllInvestment{all.Funds, all.FidexIncome, all.PensionPlans, all.Stocks, all.ETFs,
		all.Deposits, all.Others, all.Liquidity, all.CryptoCurrencies, all.ContractForDifferences,
		all.Derivatives, all.BankProducts, all.AlternativeEmergingProducts}
}

// appendChildren maps a parent's nested children, linking those without
// a parent reference to parentID.
func appendChildren[W, M any](out []models.Linked[M], items []W, m func(*W) models.Linked[M], parentID string) []models.Linked[M] {
	for i := range items {
		l := m(&items[i])
		if l.ParentRef == "" {
			l.ParentRef = parentID
		}
		out = append(out, l)
	}
	return out
}

// mapEach maps every wire item to its row.
func mapEach[W, M any](items []W, m func(*W) M) []M {
	out := make([]M, len(items))
	for i := range items {
		out[i] = m(&items[i])
	}
	return out
}
