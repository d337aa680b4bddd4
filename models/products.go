package models

import "slices"

// ProductInfo describes one product. It is the one table the engine (fetch
// order, parents, accepted products), the services (status, read-ahead),
// the configuration (TTL names) and the GraphQL layer read, so a new
// product is a row here plus its model, store writer and schema field.
type ProductInfo struct {
	Product Product
	// Parent is the product whose rows this product's rows point at; it is
	// made fresh first so the children's links resolve. Empty for roots.
	Parent Product
	// Field is the GraphQL field that lists the product (on Credentials for
	// roots, on the parent's type for children).
	Field string
	// Single marks a product that is one document per credentials
	// (identity, MiFID) rather than a list of rows.
	Single bool
}

// dataProducts lists every data product, parents before their children:
// the order a full refresh fetches them in.
var dataProducts = []ProductInfo{
	{Product: ProductAccounts, Field: "accounts"},
	{Product: ProductTransactions, Parent: ProductAccounts, Field: "transactions"},
	{Product: ProductPortfolios, Field: "portfolios"},
	{Product: ProductInvestments, Parent: ProductPortfolios, Field: "investments"},
	{Product: ProductInvTxns, Parent: ProductInvestments, Field: "transactions"},
	{Product: ProductLiabilities, Field: "liabilities"},
	{Product: ProductLiabTxns, Parent: ProductLiabilities, Field: "transactions"},
	{Product: ProductCards, Field: "cards"},
	{Product: ProductCardTxns, Parent: ProductCards, Field: "transactions"},
	{Product: ProductIdentity, Field: "identity", Single: true},
	{Product: ProductHolders, Field: "holders"},
	{Product: ProductMifid, Field: "mifid", Single: true},
}

// DataProducts returns every data product, parents first.
func DataProducts() []ProductInfo { return slices.Clone(dataProducts) }

// LookupProduct returns the description of data product p.
func LookupProduct(p Product) (ProductInfo, bool) {
	for _, d := range dataProducts {
		if d.Product == p {
			return d, true
		}
	}
	return ProductInfo{}, false
}

// CacheProducts are the names that have their own freshness: the
// credentials status and every data product.
func CacheProducts() []Product {
	out := []Product{ProductCredentialsStatus}
	for _, d := range dataProducts {
		out = append(out, d.Product)
	}
	return out
}
