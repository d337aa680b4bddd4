package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/models"
)

// productsOf maps the fields that read a provider product (keyed by the
// type that defines them) to the products they read.
var productsOf = map[string]map[string][]models.Product{
	"Credentials": {
		"accounts": {models.ProductAccounts}, "portfolios": {models.ProductPortfolios},
		"investments": {models.ProductInvestments}, "liabilities": {models.ProductLiabilities},
		"cards": {models.ProductCards}, "identity": {models.ProductIdentity},
		"holders": {models.ProductHolders}, "mifid": {models.ProductMifid},
	},
	"Account":    {"transactions": {models.ProductTransactions}},
	"Portfolio":  {"investments": {models.ProductInvestments}},
	"Investment": {"transactions": {models.ProductInvTxns}},
	"Liability":  {"transactions": {models.ProductLiabTxns}},
	"Card":       {"transactions": {models.ProductCardTxns}},
	"Viewer": {
		"accounts": {models.ProductAccounts}, "transactions": {models.ProductTransactions},
		"summary": {models.ProductAccounts, models.ProductInvestments, models.ProductLiabilities, models.ProductCards},
	},
}

// planExtension tells the engine, before any resolver runs, which
// products the operation reads (aggregate.WithPlan), so that a provider
// able to answer most of them in one call is asked once instead of once
// per product and per level of nesting.
type planExtension struct{}

var (
	_ graphql.HandlerExtension     = planExtension{}
	_ graphql.OperationInterceptor = planExtension{}
)

func (planExtension) ExtensionName() string { return "FetchPlan" }

func (planExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (planExtension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return next(ctx)
	}
	if products := plannedProducts(oc.Operation.SelectionSet); len(products) > 0 {
		ctx = aggregate.WithPlan(ctx, products)
	}
	return next(ctx)
}

// plannedProducts lists the products a selection reads, each once. A
// fragment is walked once however often it is spread.
func plannedProducts(set ast.SelectionSet) []models.Product {
	p := planner{seen: map[models.Product]bool{}, fragments: map[string]bool{}}
	p.walk(set)
	return p.out
}

type planner struct {
	seen      map[models.Product]bool
	fragments map[string]bool
	out       []models.Product
}

func (p *planner) walk(set ast.SelectionSet) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.ObjectDefinition != nil {
				p.add(productsOf[s.ObjectDefinition.Name][s.Name])
			}
			p.walk(s.SelectionSet)
		case *ast.InlineFragment:
			p.walk(s.SelectionSet)
		case *ast.FragmentSpread:
			if s.Definition != nil && !p.fragments[s.Name] {
				p.fragments[s.Name] = true
				p.walk(s.Definition.SelectionSet)
			}
		}
	}
}

func (p *planner) add(products []models.Product) {
	for _, q := range products {
		if !p.seen[q] {
			p.seen[q] = true
			p.out = append(p.out, q)
		}
	}
}
