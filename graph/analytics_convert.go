package graph

import (
	"context"
	"strconv"
	"strings"

	"github.com/fingraph/fingraph/graph/model"
	"github.com/fingraph/fingraph/internal/analytics"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Conversions between the analysts' GraphQL types and the services'.

var txnDims = map[model.TransactionDimension]store.TxnDim{
	model.TransactionDimensionPeriod: store.DimPeriod, model.TransactionDimensionCategory: store.DimCategory,
	model.TransactionDimensionProvider: store.DimProvider, model.TransactionDimensionInstitution: store.DimInstitution,
	model.TransactionDimensionDirection: store.DimDirection,
}

func holdingsFilter(f *model.AnalyticsFilter) store.AnalyticsFilter {
	if f == nil {
		return store.AnalyticsFilter{}
	}
	return store.AnalyticsFilter{Provider: f.Provider, Institution: f.Institution}
}

func txnTotalsQuery(groupBy []model.TransactionDimension, period *model.Period, f *model.AnalyticsFilter) store.TxnTotalsQuery {
	q := store.TxnTotalsQuery{AnalyticsFilter: holdingsFilter(f), Period: store.PeriodMonth}
	for _, d := range groupBy {
		q.GroupBy = append(q.GroupBy, txnDims[d])
	}
	if period != nil {
		q.Period = store.Period(strings.ToLower(string(*period)))
	}
	if f != nil {
		q.From, q.To, q.MinAmount, q.MaxAmount, q.Category = f.From, f.To, f.MinAmount, f.MaxAmount, f.Category
		if f.Direction != nil {
			q.Direction = strings.ToLower(string(*f.Direction))
		}
	}
	return q
}

func transactionTotals(rows []analytics.TransactionTotal) []model.TransactionTotal {
	out := make([]model.TransactionTotal, len(rows))
	for i, r := range rows {
		out[i] = model.TransactionTotal{Currency: r.Currency, Period: r.Period, Category: r.Category, Provider: r.Provider,
			Count: int32(r.Count), Total: r.Total}
		if r.Institution != nil && r.Provider != nil {
			out[i].Institution = &model.Entity{ID: *r.Institution, Provider: *r.Provider, Name: r.InstitutionName}
		}
		if r.Direction != nil {
			d := model.Direction(strings.ToUpper(*r.Direction))
			out[i].Direction = &d
		}
	}
	return out
}

// mapRows converts every row of a store answer into its GraphQL type.
func mapRows[T, U any](rows []T, f func(T) U) []U {
	out := make([]U, len(rows))
	for i, r := range rows {
		out[i] = f(r)
	}
	return out
}

func balanceTotals(rows []store.BalanceTotal) []model.ProductTotal {
	return mapRows(rows, func(r store.BalanceTotal) model.ProductTotal {
		return model.ProductTotal{Product: r.Product, Currency: r.Currency, Total: r.Total, Count: int32(r.Count)}
	})
}

func netPositions(rows []analytics.NetPosition) []model.CurrencyTotal {
	return mapRows(rows, func(r analytics.NetPosition) model.CurrencyTotal {
		return model.CurrencyTotal{Currency: r.Currency, Cash: r.Cash, Investments: r.Investments, Liabilities: r.Liabilities, Net: r.Net}
	})
}

func exposureTotals(rows []store.ExposureTotal) []model.ExposureTotal {
	return mapRows(rows, func(r store.ExposureTotal) model.ExposureTotal {
		return model.ExposureTotal{Type: investmentType(r.Kind), Currency: r.Currency, Count: int32(r.Count), Total: r.Total}
	})
}

func credentialsCounts(rows []store.CredentialsCount) []model.CredentialsCount {
	return mapRows(rows, func(r store.CredentialsCount) model.CredentialsCount {
		return model.CredentialsCount{Provider: r.Provider, State: r.State, Count: int32(r.Count)}
	})
}

func syncFailures(rows []store.SyncFailure) []model.SyncFailureCount {
	return mapRows(rows, func(r store.SyncFailure) model.SyncFailureCount {
		return model.SyncFailureCount{Provider: r.Provider, Product: r.Product, ErrorCode: r.ErrorCode, Count: int32(r.Count)}
	})
}

func userFilter(f *model.UserFilter) store.UserFilter {
	if f == nil {
		return store.UserFilter{}
	}
	return store.UserFilter{Provider: f.Provider, Institution: f.Institution, State: f.State, SeenFrom: f.LastSeenFrom, SeenTo: f.LastSeenTo}
}

func userOverviewConn(ctx context.Context, c *store.Conn[store.UserRow]) *model.UserOverviewConnection {
	e, rows, p, t := conn(ctx, c, func(cur string, v *store.UserRow) model.UserOverviewEdge {
		return model.UserOverviewEdge{Cursor: cur, Node: userOverview(v)}
	})
	nodes := make([]model.UserOverview, len(rows))
	for i := range rows {
		nodes[i] = *userOverview(&rows[i])
	}
	return &model.UserOverviewConnection{Edges: e, Nodes: nodes, PageInfo: p, TotalCount: t.count, TotalCountIsExact: t.exact}
}

func userOverview(r *store.UserRow) *model.UserOverview {
	return &model.UserOverview{ID: r.ID, CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt, Credentials: credentialsCounts(r.Credentials)}
}

func accessLogFilter(f *model.AccessLogFilter) store.AccessLogFilter {
	if f == nil {
		return store.AccessLogFilter{}
	}
	return store.AccessLogFilter{ActorID: f.ActorID, UserID: f.UserID, From: f.From, To: f.To}
}

func accessLogConn(ctx context.Context, c *store.Conn[models.AccessLogEntry]) *model.AccessLogEntryConnection {
	e, n, p, t := conn(ctx, c, func(cur string, v *models.AccessLogEntry) model.AccessLogEntryEdge {
		return model.AccessLogEntryEdge{Cursor: cur, Node: v}
	})
	return &model.AccessLogEntryConnection{Edges: e, Nodes: n, PageInfo: p, TotalCount: t.count, TotalCountIsExact: t.exact}
}

func accessLogID(e *models.AccessLogEntry) string { return strconv.FormatInt(e.ID, 10) }
