package graph

import (
	"slices"
	"testing"

	"github.com/fingraph/fingraph/models"
)

func TestPlannedProducts(t *testing.T) {
	for _, c := range []struct {
		name, query string
		want        []models.Product
	}{
		{"nested lists through a node and a fragment",
			`query($id: ID!) { node(id: $id) { ... on Credentials { ...C identity { fullName } } } }
			 fragment C on Credentials { accounts { nodes { transactions { nodes { id } } } }
			   portfolios { nodes { investments { nodes { transactions { nodes { id } } } } } } }`,
			[]models.Product{models.ProductAccounts, models.ProductTransactions, models.ProductPortfolios,
				models.ProductInvestments, models.ProductInvTxns, models.ProductIdentity}},
		{"the summary reads four products",
			`{ me { summary { byCurrency { net } } } }`,
			[]models.Product{models.ProductAccounts, models.ProductInvestments, models.ProductLiabilities, models.ProductCards}},
		{"a fragment spread twice counts once",
			`{ me { credentials { nodes { ...L ...L } } } } fragment L on Credentials { liabilities { nodes { transactions { nodes { id } } } } }`,
			[]models.Product{models.ProductLiabilities, models.ProductLiabTxns}},
		{"status and scalars read no product",
			`{ me { credentials { nodes { id status { pending } } } } }`, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := parseValid(t, c.query)
			got := plannedProducts(doc.Operations[0].SelectionSet)
			slices.Sort(got)
			want := slices.Clone(c.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("products %v, want %v", got, want)
			}
		})
	}
}
