package aggregate

import (
	"context"
	"fmt"
	"slices"

	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Rows are what an adapter's Fetch returns.
type Rows = provider.Rows

// writer stores one product's rows for one credentials and returns how
// many child rows found no parent (dropped for account transactions,
// stored without a link otherwise).
type writer func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) (int, error)

// none adapts a writer of rows that have no parent.
func none(f func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) error) writer {
	return func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) (int, error) {
		return 0, f(ctx, tx, w, r)
	}
}

// writers has the store method of every product in models.DataProducts.
var writers = map[models.Product]writer{
	models.ProductAccounts: none(func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) error {
		return tx.ReplaceAccounts(ctx, w, r.Accounts)
	}),
	models.ProductTransactions: func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) (int, error) {
		return tx.ReplaceAccountTransactions(ctx, w, r.Transactions)
	},
	models.ProductPortfolios: none(func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) error {
		return tx.ReplacePortfolios(ctx, w, r.Portfolios)
	}),
	models.ProductInvestments: func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) (int, error) {
		return tx.ReplaceInvestments(ctx, w, r.Investments)
	},
	models.ProductInvTxns: func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) (int, error) {
		return tx.ReplaceInvestmentTransactions(ctx, w, r.InvestmentTxns)
	},
	models.ProductLiabilities: none(func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) error {
		return tx.ReplaceLiabilities(ctx, w, r.Liabilities)
	}),
	models.ProductLiabTxns: func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) (int, error) {
		return tx.ReplaceLiabilityTransactions(ctx, w, r.LiabilityTxns)
	},
	models.ProductCards: none(func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) error {
		return tx.ReplaceCards(ctx, w, r.Cards)
	}),
	models.ProductCardTxns: func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) (int, error) {
		return tx.ReplaceCardTransactions(ctx, w, r.CardTxns)
	},
	models.ProductIdentity: none(func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) error {
		return tx.ReplaceIdentity(ctx, w, r.Identity)
	}),
	models.ProductHolders: none(func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) error {
		return tx.ReplaceHolders(ctx, w, r.Holders)
	}),
	models.ProductMifid: none(func(ctx context.Context, tx *store.Store, w store.WriteScope, r *Rows) error {
		return tx.ReplaceMifid(ctx, w, r.Mifid)
	}),
}

// writeRows stores product p of r.
func writeRows(ctx context.Context, tx *store.Store, w store.WriteScope, p models.Product, r *Rows) (int, error) {
	write, ok := writers[p]
	if !ok {
		return 0, fmt.Errorf("aggregate: no writer for product %q", p)
	}
	return write(ctx, tx, w, r)
}

// parentsFirst orders products as models.DataProducts does, so a child
// written in the same transaction as its parent links to the new rows.
func parentsFirst(ps []models.Product) []models.Product {
	order := map[models.Product]int{}
	for i, d := range models.DataProducts() {
		order[d.Product] = i
	}
	out := slices.Clone(ps)
	slices.SortStableFunc(out, func(a, b models.Product) int { return order[a] - order[b] })
	return slices.Compact(out)
}
