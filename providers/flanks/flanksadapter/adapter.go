// Package flanksadapter puts Flanks behind fingraph's provider contract
// (internal/provider): it maps the Flanks v0 client's wire types to
// models, classifies its errors, and offers the capabilities Flanks has:
// linking by Link code, SCA/reset/history flows, deletion upstream and the
// institution list, and the inventory of every credentials and unused
// link code for the admins' reconciliation.
package flanksadapter

import (
	"context"
	"errors"
	"fmt"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks"
)

// Adapter adapts the Flanks v0 client to the provider contract. The
// credentials_token is Credentials.ProviderRef; the client already redacts
// it from its errors, and this adapter never logs it.
type Adapter struct {
	c        *flanks.Client
	fetchers map[models.Product]fetcher
}

var (
	_ provider.Provider          = (*Adapter)(nil)
	_ provider.Linker            = (*Adapter)(nil)
	_ provider.ActionStarter     = (*Adapter)(nil)
	_ provider.Deleter           = (*Adapter)(nil)
	_ provider.InstitutionLister = (*Adapter)(nil)
)

// New returns the adapter over c.
func New(c *flanks.Client) *Adapter { return &Adapter{c: c, fetchers: newFetchers(c)} }

// Name implements provider.Provider.
func (f *Adapter) Name() models.Provider { return models.ProviderFlanks }

// Status implements provider.Provider with POST /v0/bank/credentials/status.
func (f *Adapter) Status(ctx context.Context, creds *models.Credentials) (*provider.Status, error) {
	st, err := f.c.GetCredentialsStatus(ctx, creds.ProviderRef)
	if err != nil {
		return nil, classify(err)
	}
	return mapStatus(st), nil
}

// Fetch implements provider.Provider: one aggregation endpoint per
// product.
func (f *Adapter) Fetch(ctx context.Context, creds *models.Credentials, p models.Product) (*provider.Rows, error) {
	fetch, ok := f.fetchers[p]
	if !ok {
		return nil, &provider.Failure{Kind: apperr.ErrInvalidInput, Code: provider.CodeInvalid,
			Err: fmt.Errorf("flanksadapter: flanks has no product %q", p)}
	}
	rows, err := fetch(ctx, flanks.AggregationRequest{CredentialsToken: creds.ProviderRef})
	if err != nil {
		return nil, classify(err)
	}
	rows.Products = []models.Product{p}
	return rows, nil
}

// fetcher reads one product.
type fetcher func(context.Context, flanks.AggregationRequest) (*provider.Rows, error)

// listOf builds the fetcher of a list endpoint: call it, map every item,
// put the rows in their Rows field.
func listOf[W, M any](call func(context.Context, flanks.AggregationRequest) ([]W, error),
	m func(*W) M, put func(*provider.Rows, []M)) fetcher {
	return func(ctx context.Context, req flanks.AggregationRequest) (*provider.Rows, error) {
		items, err := call(ctx, req)
		if err != nil {
			return nil, err
		}
		var r provider.Rows
		put(&r, mapEach(items, m))
		return &r, nil
	}
}

// newFetchers maps every product to its endpoint.
func newFetchers(c *flanks.Client) map[models.Product]fetcher {
	return map[models.Product]fetcher{
		models.ProductAccounts:     listOf(c.ListAccounts, mapAccount, func(r *provider.Rows, v []models.Account) { r.Accounts = v }),
		models.ProductTransactions: listOf(c.ListAccountTransactions, mapAccountTxn, func(r *provider.Rows, v []provider.Linked[models.AccountTransaction]) { r.Transactions = v }),
		models.ProductPortfolios:   listOf(c.ListPortfolios, mapPortfolio, func(r *provider.Rows, v []models.Portfolio) { r.Portfolios = v }),
		models.ProductInvestments:  investments(c),
		models.ProductInvTxns:      listOf(c.ListInvestmentTransactions, mapInvestmentTxn, func(r *provider.Rows, v []provider.Linked[models.InvestmentTransaction]) { r.InvestmentTxns = v }),
		models.ProductLiabilities:  listOf(c.ListLiabilities, mapLiability, func(r *provider.Rows, v []models.Liability) { r.Liabilities = v }),
		models.ProductLiabTxns:     listOf(c.ListLiabilityTransactions, mapLiabilityTxn, func(r *provider.Rows, v []provider.Linked[models.LiabilityTransaction]) { r.LiabilityTxns = v }),
		models.ProductCards:        listOf(c.ListCards, mapCard, func(r *provider.Rows, v []models.Card) { r.Cards = v }),
		models.ProductCardTxns:     listOf(c.ListCardTransactions, mapCardTxn, func(r *provider.Rows, v []provider.Linked[models.CardTransaction]) { r.CardTxns = v }),
		models.ProductHolders:      listOf(c.ListHolders, mapHolder, func(r *provider.Rows, v []models.Holder) { r.Holders = v }),
		models.ProductIdentity: func(ctx context.Context, req flanks.AggregationRequest) (*provider.Rows, error) {
			id, err := c.GetIdentity(ctx, req)
			if err != nil {
				return nil, err
			}
			return &provider.Rows{Identity: mapIdentity(id)}, nil
		},
		models.ProductMifid: func(ctx context.Context, req flanks.AggregationRequest) (*provider.Rows, error) {
			items, err := c.ListMiFIDRaw(ctx, req)
			if err != nil {
				return nil, err
			}
			return &provider.Rows{Mifid: mapMifid(items)}, nil
		},
	}
}

// Link implements provider.Linker with POST /v0/platform/link: the code
// is the one Flanks Link hands the frontend.
func (f *Adapter) Link(ctx context.Context, code string) (*provider.Link, error) {
	res, err := f.c.ExchangeLinkCode(ctx, code)
	switch {
	case errors.Is(err, flanks.ErrLinkPending):
		return nil, provider.ErrLinkDelayed
	case isBadRequest(err):
		return nil, &provider.Failure{Kind: apperr.ErrInvalidInput, Code: provider.CodeInvalid,
			Public: "the link code is invalid or was already used", Err: safe(err)}
	case err != nil:
		return nil, classify(err)
	case res.CredentialsToken == "":
		return nil, &provider.Failure{Kind: apperr.ErrUpstreamUnavailable, Code: provider.CodeBadResponse,
			Err: errors.New("flanksadapter: link exchange without credentials_token")}
	}
	return &provider.Link{Ref: res.CredentialsToken, ExternalID: res.Extra["external_id"]}, nil
}

// forces maps the actions Flanks offers to its force values.
var forces = map[provider.Action]flanks.Force{
	provider.ActionSCA: flanks.ForceSCA, provider.ActionReset: flanks.ForceReset,
	provider.ActionHistory: flanks.ForceTransaction,
}

// Actions implements provider.ActionStarter.
func (f *Adapter) Actions() []provider.Action {
	return []provider.Action{provider.ActionSCA, provider.ActionReset, provider.ActionHistory}
}

// StartAction implements provider.ActionStarter with PUT
// /v0/bank/credentials/status: it returns the token for Flanks Link.
func (f *Adapter) StartAction(ctx context.Context, creds *models.Credentials, a provider.Action) (string, error) {
	force, ok := forces[a]
	if !ok {
		return "", &apperr.Error{Kind: apperr.ErrUnsupported, Public: fmt.Sprintf("flanks has no %s flow", a)}
	}
	res, err := f.c.UpdateCredentialsStatus(ctx, creds.ProviderRef, force)
	if err != nil {
		return "", classify(err)
	}
	if res.Token() == "" {
		return "", &provider.Failure{Kind: apperr.ErrUpstreamUnavailable, Code: provider.CodeBadResponse,
			Err: fmt.Errorf("flanksadapter: force %s returned no token", a)}
	}
	return res.Token(), nil
}

// Delete implements provider.Deleter with DELETE /v0/bank/credentials. Flanks
// answers an unknown token with 400 "Invalid credentials_token" (or 404):
// already deleted.
func (f *Adapter) Delete(ctx context.Context, creds *models.Credentials) error {
	_, err := f.c.DeleteCredentials(ctx, creds.ProviderRef)
	if err == nil || isGone(err) {
		return nil
	}
	return classify(err)
}

// Institutions implements provider.InstitutionLister with GET
// /v0/bank/available.
func (f *Adapter) Institutions(ctx context.Context) ([]provider.Entity, error) {
	list, err := f.c.ListEntities(ctx)
	if err != nil {
		return nil, classify(err)
	}
	out := make([]provider.Entity, 0, len(list))
	for _, e := range list {
		out = append(out, provider.Entity{ID: e.ID.String(), Provider: models.ProviderFlanks, Name: e.Name,
			VATNumber: optString(e.CIF), AlwaysManualRefresh: e.AlwaysManualRefresh})
	}
	return out, nil
}
