package graph

import (
	"context"

	"github.com/fingraph/fingraph/graph/model"
	"github.com/fingraph/fingraph/internal/finance"
	"github.com/fingraph/fingraph/models"
)

func credentialsConn(ctx context.Context, c *finance.CredentialsConn) *model.CredentialsConnection {
	e, n, p, t := conn(ctx, c, func(cur string, v *models.Credentials) model.CredentialsEdge {
		return model.CredentialsEdge{Cursor: cur, Node: v}
	})
	return &model.CredentialsConnection{Edges: e, Nodes: n, PageInfo: p, TotalCount: t.count, TotalCountIsExact: t.exact}
}

func accountConn(ctx context.Context, c *finance.AccountConn, err error) *model.AccountConnection {
	e, n, p, t := conn(ctx, c, func(cur string, v *models.Account) model.AccountEdge { return model.AccountEdge{Cursor: cur, Node: v} })
	return &model.AccountConnection{Edges: e, Nodes: n, PageInfo: p, TotalCount: t.count, TotalCountIsExact: t.exact, SyncFailed: syncFailed(err)}
}

func accountTxnConn(ctx context.Context, c *finance.AccountTxnConn, err error) *model.AccountTransactionConnection {
	e, n, p, t := conn(ctx, c, func(cur string, v *models.AccountTransaction) model.AccountTransactionEdge {
		return model.AccountTransactionEdge{Cursor: cur, Node: v}
	})
	return &model.AccountTransactionConnection{Edges: e, Nodes: n, PageInfo: p, TotalCount: t.count, TotalCountIsExact: t.exact, SyncFailed: syncFailed(err)}
}

func portfolioConn(ctx context.Context, c *finance.PortfolioConn, err error) *model.PortfolioConnection {
	e, n, p, t := conn(ctx, c, func(cur string, v *models.Portfolio) model.PortfolioEdge {
		return model.PortfolioEdge{Cursor: cur, Node: v}
	})
	return &model.PortfolioConnection{Edges: e, Nodes: n, PageInfo: p, TotalCount: t.count, TotalCountIsExact: t.exact, SyncFailed: syncFailed(err)}
}

func investmentConn(ctx context.Context, c *finance.InvestmentConn, err error) *model.InvestmentConnection {
	e, n, p, t := conn(ctx, c, func(cur string, v *models.Investment) model.InvestmentEdge {
		return model.InvestmentEdge{Cursor: cur, Node: v}
	})
	return &model.InvestmentConnection{Edges: e, Nodes: n, PageInfo: p, TotalCount: t.count, TotalCountIsExact: t.exact, SyncFailed: syncFailed(err)}
}

func investmentTxnConn(ctx context.Context, c *finance.InvestmentTxConn, err error) *model.InvestmentTransactionConnection {
	e, n, p, t := conn(ctx, c, func(cur string, v *models.InvestmentTransaction) model.InvestmentTransactionEdge {
		return model.InvestmentTransactionEdge{Cursor: cur, Node: v}
	})
	return &model.InvestmentTransactionConnection{Edges: e, Nodes: n, PageInfo: p, TotalCount: t.count, TotalCountIsExact: t.exact, SyncFailed: syncFailed(err)}
}

func liabilityConn(ctx context.Context, c *finance.LiabilityConn, err error) *model.LiabilityConnection {
	e, n, p, t := conn(ctx, c, func(cur string, v *models.Liability) model.LiabilityEdge {
		return model.LiabilityEdge{Cursor: cur, Node: v}
	})
	return &model.LiabilityConnection{Edges: e, Nodes: n, PageInfo: p, TotalCount: t.count, TotalCountIsExact: t.exact, SyncFailed: syncFailed(err)}
}

func liabilityTxnConn(ctx context.Context, c *finance.LiabilityTxConn, err error) *model.LiabilityTransactionConnection {
	e, n, p, t := conn(ctx, c, func(cur string, v *models.LiabilityTransaction) model.LiabilityTransactionEdge {
		return model.LiabilityTransactionEdge{Cursor: cur, Node: v}
	})
	return &model.LiabilityTransactionConnection{Edges: e, Nodes: n, PageInfo: p, TotalCount: t.count, TotalCountIsExact: t.exact, SyncFailed: syncFailed(err)}
}

func cardConn(ctx context.Context, c *finance.CardConn, err error) *model.CardConnection {
	e, n, p, t := conn(ctx, c, func(cur string, v *models.Card) model.CardEdge { return model.CardEdge{Cursor: cur, Node: v} })
	return &model.CardConnection{Edges: e, Nodes: n, PageInfo: p, TotalCount: t.count, TotalCountIsExact: t.exact, SyncFailed: syncFailed(err)}
}

func cardTxnConn(ctx context.Context, c *finance.CardTxConn, err error) *model.CardTransactionConnection {
	e, n, p, t := conn(ctx, c, func(cur string, v *models.CardTransaction) model.CardTransactionEdge {
		return model.CardTransactionEdge{Cursor: cur, Node: v}
	})
	return &model.CardTransactionConnection{Edges: e, Nodes: n, PageInfo: p, TotalCount: t.count, TotalCountIsExact: t.exact, SyncFailed: syncFailed(err)}
}

func holderConn(ctx context.Context, c *finance.HolderConn, err error) *model.HolderConnection {
	e, n, p, t := conn(ctx, c, func(cur string, v *models.Holder) model.HolderEdge { return model.HolderEdge{Cursor: cur, Node: v} })
	return &model.HolderConnection{Edges: e, Nodes: n, PageInfo: p, TotalCount: t.count, TotalCountIsExact: t.exact, SyncFailed: syncFailed(err)}
}
