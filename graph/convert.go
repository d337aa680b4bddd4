package graph

import (
	"strings"

	"github.com/fingraph/fingraph/graph/model"
	"github.com/fingraph/fingraph/internal/finance"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/users"
	"github.com/fingraph/fingraph/models"
)

func toViewer(v *users.Viewer) *model.Viewer {
	roles := make([]model.Role, 0, len(v.Roles))
	for _, r := range v.Roles {
		roles = append(roles, model.Role(strings.ToUpper(string(r))))
	}
	return &model.Viewer{ID: v.ID, Roles: roles}
}

func nonNil(l models.StringList) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// investmentType is the neutral kind the adapter mapped (models'
// Investment* values are the enum's names); anything else is OTHER.
func investmentType(kind *string) model.InvestmentType {
	if kind != nil {
		if t := model.InvestmentType(*kind); t.IsValid() {
			return t
		}
	}
	return model.InvestmentTypeOther
}

func institution(c *models.Credentials) *model.Entity {
	return &model.Entity{ID: c.EntityID, Provider: c.Provider, Name: c.EntityName}
}

func entities(es []provider.Entity) []model.Entity {
	out := make([]model.Entity, 0, len(es))
	for _, e := range es {
		out = append(out, model.Entity{ID: e.ID, Provider: e.Provider, Name: e.Name,
			VatNumber: e.VATNumber, AlwaysManualRefresh: e.AlwaysManualRefresh})
	}
	return out
}

var syncStatuses = map[string]model.SyncStatus{
	"ok": model.SyncStatusOk, "pending": model.SyncStatusPending, "error": model.SyncStatusError,
}

func credentialsStatus(c *models.Credentials, products []finance.ProductState) *model.CredentialsStatus {
	st := &model.CredentialsStatus{
		Pending: c.Pending, Blocked: c.Blocked, ScaRequired: c.SCARequired, ResetRequired: c.ResetRequired,
		RequiredActions: make([]provider.Action, 0, len(c.RequiredActions)), ConsentExpiresAt: c.ConsentExpiresAt,
		LastUpdate: c.LastUpdateAt, LastTransactionDate: c.LastTransactionDate, ProviderCreatedAt: c.ProviderCreatedAt,
		Products: make([]model.ProductStatus, 0, len(products)),
	}
	for _, a := range c.RequiredActions {
		st.RequiredActions = append(st.RequiredActions, provider.Action(a))
	}
	for _, p := range products {
		sync, ok := syncStatuses[p.Sync]
		if !ok {
			sync = model.SyncStatusNever
		}
		st.Products = append(st.Products, model.ProductStatus{Product: p.Product, Created: p.Created,
			Errored: p.Errored, Sync: sync, FetchedAt: p.FetchedAt})
	}
	return st
}

func summary(s *finance.Summary) *model.Summary {
	if s == nil {
		return &model.Summary{ByCurrency: []model.CurrencyTotal{}, ByProduct: []model.ProductTotal{}}
	}
	out := &model.Summary{ByCurrency: []model.CurrencyTotal{}, ByProduct: []model.ProductTotal{}}
	for _, c := range s.ByCurrency {
		out.ByCurrency = append(out.ByCurrency, model.CurrencyTotal{Currency: c.Currency, Cash: c.Cash,
			Investments: c.Investments, Liabilities: c.Liabilities, Net: c.Net})
	}
	for _, p := range s.ByProduct {
		out.ByProduct = append(out.ByProduct, model.ProductTotal{Product: p.Product, Currency: p.Currency,
			Total: p.Total, Count: int32(p.Count)})
	}
	return out
}

func linkCredentialsPayload(c *models.Credentials, delayed bool) *model.LinkCredentialsPayload {
	if delayed {
		return &model.LinkCredentialsPayload{Status: model.LinkExchangeStatusDelayed}
	}
	return &model.LinkCredentialsPayload{Status: model.LinkExchangeStatusCompleted, Credentials: c}
}

// actionOfFlow maps the deprecated ForceFlow to its action.
func actionOfFlow(f model.ForceFlow) provider.Action {
	if f == model.ForceFlowTransaction {
		return provider.ActionHistory
	}
	return provider.Action(strings.ToLower(string(f)))
}

func linkPayload(c *models.Credentials, delayed bool) *model.ExchangeLinkCodePayload {
	if delayed {
		return &model.ExchangeLinkCodePayload{Status: model.LinkExchangeStatusDelayed}
	}
	return &model.ExchangeLinkCodePayload{Status: model.LinkExchangeStatusCompleted, Credentials: c}
}
