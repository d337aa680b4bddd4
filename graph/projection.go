package graph

import (
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// readsOf lists, for the node types whose lists are projected, the model
// fields (Go names) each GraphQL field reads. Transactions are the bulk of
// every nested query, and reading only the columns it selects is most of
// a cached query's speed. A selected field missing here makes the list
// read every column, so a new field is correct before it is fast;
// TestProjectedListsMatchFullReads checks every field of these types.
var readsOf = map[string]map[string][]string{
	"AccountTransaction": {
		"id": {"ID"}, "account": {"AccountID"}, "amount": {"Amount"},
		"balanceAfter": {"BalanceAfter"}, "currency": {"Currency"},
		"operationDate": {"OperationDate"}, "valueDate": {"ValueDate"},
		"description": {"Description"}, "category": {"Category"},
		"cardNumber": {"CardNumber"}, "productDescription": {"ProductDescription"},
		"transfer":          {"Beneficiary", "BeneficiaryIBAN", "Payer", "PayerIBAN"},
		"bankTransactionId": {"BankTransactionID"}, "orderId": {"OrderID"},
		"pairTransactionId": {"PairTransactionID"}, "externalId": {"ExternalID"},
	},
	"InvestmentTransaction": {
		"id": {"ID"}, "investment": {"InvestmentID"}, "isin": {"ISIN"}, "type": {"Type"},
		"direction": {"Direction"}, "description": {"Description"}, "amount": {"Amount"},
		"sharesAfter": {"SharesAfter"}, "unitPrice": {"UnitPrice"}, "netCash": {"NetCash"},
		"commission": {"Commission"}, "currency": {"Currency"},
		"operationDate": {"OperationDate"}, "valueDate": {"ValueDate"}, "extra": {"Extra"},
		"exchangeRate": {"ExchangeRate"}, "bankTransactionId": {"BankTransactionID"}, "orderId": {"OrderID"},
		"pairTransactionId": {"PairTransactionID"}, "externalId": {"ExternalID"},
	},
	"LiabilityTransaction": {
		"id": {"ID"}, "liability": {"LiabilityID"}, "amount": {"Amount"},
		"balanceAfter": {"BalanceAfter"}, "currency": {"Currency"}, "description": {"Description"},
		"operationDate": {"OperationDate"}, "valueDate": {"ValueDate"},
		"interest": {"Interest"}, "commission": {"Commission"},
		"balanceCurrency": {"BalanceCurrency"}, "creditAccount": {"CreditAccount"}, "externalId": {"ExternalID"},
	},
	"CardTransaction": {
		"id": {"ID"}, "card": {"CardID"}, "amount": {"Amount"}, "commission": {"Commission"},
		"currency": {"Currency"}, "shop": {"Shop"}, "category": {"Category"},
		"operationDate": {"OperationDate"}, "valueDate": {"ValueDate"}, "externalId": {"ExternalID"},
	},
}

// nodeReads returns the model fields a connection field's nodes read,
// from what the query selects under nodes and edges.node; nil means every
// field (an unprojected type, or a field readsOf does not know).
func nodeReads(oc *graphql.OperationContext, list graphql.CollectedField) []string {
	out := []string{}
	for _, s := range nodeSelections(oc, list) {
		reads, ok := readsOf[s.typ]
		if !ok {
			return nil
		}
		for _, f := range graphql.CollectFields(oc, s.sel, []string{s.typ, "Node"}) {
			if f.Name == "__typename" {
				continue
			}
			r, ok := reads[f.Name]
			if !ok {
				return nil
			}
			out = append(out, r...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// nodeSelections returns what a connection field selects on its nodes,
// under nodes and under edges.node.
func nodeSelections(oc *graphql.OperationContext, list graphql.CollectedField) []nodeSelection {
	var sets []nodeSelection
	for _, f := range graphql.CollectFields(oc, list.Selections, nil) {
		switch f.Name {
		case "nodes":
			sets = append(sets, nodeSelection{f.Definition.Type.Name(), f.Selections})
		case "edges":
			for _, e := range graphql.CollectFields(oc, f.Selections, nil) {
				if e.Name == "node" {
					sets = append(sets, nodeSelection{e.Definition.Type.Name(), e.Selections})
				}
			}
		}
	}
	return sets
}

type nodeSelection struct {
	typ string
	sel ast.SelectionSet
}
