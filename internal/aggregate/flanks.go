package aggregate

import (
	"context"
	"errors"
	"fmt"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks"
)

// Flanks adapts the Flanks v0 client to Provider. The credentials_token is
// Credentials.ProviderRef; the client already redacts it from its errors,
// and this adapter never logs it.
type Flanks struct {
	c        *flanks.Client
	fetchers map[models.Product]fetcher
}

var _ Provider = (*Flanks)(nil)

// NewFlanks returns the adapter over c.
func NewFlanks(c *flanks.Client) *Flanks { return &Flanks{c: c, fetchers: newFetchers(c)} }

// Name implements Provider.
func (f *Flanks) Name() models.Provider { return models.ProviderFlanks }

// Status implements Provider with POST /v0/bank/credentials/status.
func (f *Flanks) Status(ctx context.Context, creds *models.Credentials) (*Status, error) {
	st, err := f.c.GetCredentialsStatus(ctx, creds.ProviderRef)
	if err != nil {
		return nil, classifyFlanks(err)
	}
	return mapFlanksStatus(st), nil
}

// Fetch implements Provider: one aggregation endpoint per product.
func (f *Flanks) Fetch(ctx context.Context, creds *models.Credentials, p models.Product) (*Rows, error) {
	fetch, ok := f.fetchers[p]
	if !ok {
		return nil, &Failure{Kind: apperr.ErrInvalidInput, Code: CodeInvalid,
			Err: fmt.Errorf("aggregate: flanks has no product %q", p)}
	}
	rows, err := fetch(ctx, flanks.AggregationRequest{CredentialsToken: creds.ProviderRef})
	if err != nil {
		return nil, classifyFlanks(err)
	}
	return rows, nil
}

// fetcher reads one product.
type fetcher func(context.Context, flanks.AggregationRequest) (*Rows, error)

// listOf builds the fetcher of a list endpoint: call it, map every item,
// put the rows in their Rows field.
func listOf[W, M any](call func(context.Context, flanks.AggregationRequest) ([]W, error),
	m func(*W) M, put func(*Rows, []M)) fetcher {
	return func(ctx context.Context, req flanks.AggregationRequest) (*Rows, error) {
		items, err := call(ctx, req)
		if err != nil {
			return nil, err
		}
		out := make([]M, len(items))
		for i := range items {
			out[i] = m(&items[i])
		}
		var r Rows
		put(&r, out)
		return &r, nil
	}
}

// newFetchers maps every product to its endpoint.
func newFetchers(c *flanks.Client) map[models.Product]fetcher {
	return map[models.Product]fetcher{
		models.ProductAccounts:     listOf(c.ListAccounts, mapFlanksAccount, func(r *Rows, v []models.Account) { r.Accounts = v }),
		models.ProductTransactions: listOf(c.ListAccountTransactions, mapFlanksAccountTxn, func(r *Rows, v []Linked[models.AccountTransaction]) { r.Transactions = v }),
		models.ProductPortfolios:   listOf(c.ListPortfolios, mapFlanksPortfolio, func(r *Rows, v []models.Portfolio) { r.Portfolios = v }),
		models.ProductInvestments:  listOf(c.ListInvestments, mapFlanksInvestment, func(r *Rows, v []Linked[models.Investment]) { r.Investments = v }),
		models.ProductInvTxns:      listOf(c.ListInvestmentTransactions, mapFlanksInvestmentTxn, func(r *Rows, v []Linked[models.InvestmentTransaction]) { r.InvestmentTxns = v }),
		models.ProductLiabilities:  listOf(c.ListLiabilities, mapFlanksLiability, func(r *Rows, v []models.Liability) { r.Liabilities = v }),
		models.ProductLiabTxns:     listOf(c.ListLiabilityTransactions, mapFlanksLiabilityTxn, func(r *Rows, v []Linked[models.LiabilityTransaction]) { r.LiabilityTxns = v }),
		models.ProductCards:        listOf(c.ListCards, mapFlanksCard, func(r *Rows, v []models.Card) { r.Cards = v }),
		models.ProductCardTxns:     listOf(c.ListCardTransactions, mapFlanksCardTxn, func(r *Rows, v []Linked[models.CardTransaction]) { r.CardTxns = v }),
		models.ProductHolders:      listOf(c.ListHolders, mapFlanksHolder, func(r *Rows, v []models.Holder) { r.Holders = v }),
		models.ProductIdentity: func(ctx context.Context, req flanks.AggregationRequest) (*Rows, error) {
			id, err := c.GetIdentity(ctx, req)
			if err != nil {
				return nil, err
			}
			return &Rows{Identity: mapFlanksIdentity(id)}, nil
		},
		models.ProductMifid: func(ctx context.Context, req flanks.AggregationRequest) (*Rows, error) {
			items, err := c.ListMiFIDRaw(ctx, req)
			if err != nil {
				return nil, err
			}
			return &Rows{Mifid: mapFlanksMifid(items)}, nil
		},
	}
}

// ExchangeLinkCode implements Provider with POST /v0/platform/link.
func (f *Flanks) ExchangeLinkCode(ctx context.Context, code string) (*Link, error) {
	res, err := f.c.ExchangeLinkCode(ctx, code)
	switch {
	case errors.Is(err, flanks.ErrLinkPending):
		return nil, ErrLinkDelayed
	case isFlanksBadRequest(err):
		return nil, &Failure{Kind: apperr.ErrInvalidInput, Code: CodeInvalid,
			Public: "the link code is invalid or was already used", Err: safeFlanks(err)}
	case err != nil:
		return nil, classifyFlanks(err)
	case res.CredentialsToken == "":
		return nil, &Failure{Kind: apperr.ErrUpstreamUnavailable, Code: CodeBadResponse,
			Err: errors.New("aggregate: flanks link exchange without credentials_token")}
	}
	return &Link{Ref: res.CredentialsToken, ExternalID: res.Extra["external_id"]}, nil
}

// ForceFlow implements Provider with PUT /v0/bank/credentials/status.
func (f *Flanks) ForceFlow(ctx context.Context, creds *models.Credentials, flow Flow) (string, error) {
	res, err := f.c.UpdateCredentialsStatus(ctx, creds.ProviderRef, flanks.Force(flow))
	if err != nil {
		return "", classifyFlanks(err)
	}
	if res.Token() == "" {
		return "", &Failure{Kind: apperr.ErrUpstreamUnavailable, Code: CodeBadResponse,
			Err: fmt.Errorf("aggregate: flanks force %s returned no token", flow)}
	}
	return res.Token(), nil
}

// Delete implements Provider with DELETE /v0/bank/credentials. Flanks
// answers an unknown token with 400 "Invalid credentials_token" (or 404):
// already deleted.
func (f *Flanks) Delete(ctx context.Context, creds *models.Credentials) error {
	_, err := f.c.DeleteCredentials(ctx, creds.ProviderRef)
	if err == nil || isFlanksGone(err) {
		return nil
	}
	return classifyFlanks(err)
}

// Entities implements Provider with GET /v0/bank/available.
func (f *Flanks) Entities(ctx context.Context) ([]Entity, error) {
	list, err := f.c.ListEntities(ctx)
	if err != nil {
		return nil, classifyFlanks(err)
	}
	out := make([]Entity, 0, len(list))
	for _, e := range list {
		out = append(out, Entity{ID: e.ID.String(), Provider: models.ProviderFlanks, Name: e.Name,
			VATNumber: optString(e.CIF), AlwaysManualRefresh: e.AlwaysManualRefresh})
	}
	return out, nil
}
