package app_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
)

const everything = `{ me { credentials(first: 3) { totalCount nodes { id provider institution { id name }
  status { pending blocked scaRequired products { product sync created errored } }
  accounts(first: 10) { totalCount nodes { id iban balance currency owners
    transactions(first: 3) { totalCount nodes { id amount balanceAfter currency operationDate description account { id } } } } }
  portfolios(first: 10) { nodes { id name balance currency investments(first: 20) { nodes { id type typeCode isin amount balance
    portfolio { id } transactions(first: 2) { nodes { id amount direction investment { id } } } } } } }
  liabilities(first: 10) { nodes { id name balance transactions(first: 2) { nodes { id amount liability { id } } } } }
  cards(first: 10) { nodes { id maskedPan panLast4 transactions(first: 2) { nodes { id amount shop card { id } } } } }
  identity { fullName documentNumber birthDate }
  holders(first: 100) { totalCount nodes { name relation productId } }
  mifid } } } }`

type everythingData struct {
	Me struct {
		Credentials struct {
			TotalCount int
			Nodes      []struct {
				ID       string
				Provider string
				Status   struct {
					Pending  bool
					Products []struct{ Product, Sync string }
				}
				Accounts struct {
					TotalCount int
					Nodes      []struct {
						ID, Balance, Currency string
						Transactions          struct {
							TotalCount int
							Nodes      []struct {
								ID, Amount string
								Account    struct{ ID string }
							}
						}
					}
				}
				Portfolios struct {
					Nodes []struct {
						ID          string
						Investments struct {
							Nodes []struct {
								ID, Type  string
								Portfolio struct{ ID string }
							}
						}
					}
				}
				Cards struct {
					Nodes []struct{ ID, MaskedPan, PanLast4 string }
				}
				Liabilities struct {
					Nodes []struct{ ID, Balance string }
				}
				Identity *struct{ FullName string }
				Holders  struct {
					TotalCount int
					Nodes      []struct{ ProductID *string }
				}
			}
		}
	}
}

// TestGraphDemoData reads every type the demo user has, through the API,
// from the Flanks simulator into the cache and back.
func TestGraphDemoData(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		var d everythingData
		s.mustGQL(t, s.token, everything, nil, nil)
		// Status and holder links resolve concurrently with the first
		// fetches; the second read sees the cache the first one filled.
		s.mustGQL(t, s.token, everything, nil, &d)
		creds := d.Me.Credentials
		if creds.TotalCount < 1 || len(creds.Nodes) != creds.TotalCount {
			t.Fatalf("credentials: %d of %d", len(creds.Nodes), creds.TotalCount)
		}
		c := creds.Nodes[0]
		if c.Provider != "FLANKS" || c.Status.Pending {
			t.Errorf("credentials %+v", c.Status)
		}
		if len(c.Accounts.Nodes) == 0 || len(c.Portfolios.Nodes) == 0 || len(c.Cards.Nodes) == 0 ||
			len(c.Liabilities.Nodes) == 0 || c.Identity == nil || c.Holders.TotalCount == 0 {
			t.Fatalf("missing products: %+v", c)
		}
		for _, a := range c.Accounts.Nodes {
			decimal.RequireFromString(a.Balance)
			if a.Transactions.TotalCount == 0 {
				t.Errorf("account %s has no transactions", a.ID)
			}
			for _, tx := range a.Transactions.Nodes {
				decimal.RequireFromString(tx.Amount)
				if tx.Account.ID != a.ID {
					t.Errorf("transaction %s points at account %s, not %s", tx.ID, tx.Account.ID, a.ID)
				}
			}
		}
		masked := regexp.MustCompile(`^\*{4} \*{4} \*{4} \d{4}$`)
		for _, card := range c.Cards.Nodes {
			if !masked.MatchString(card.MaskedPan) || len(card.PanLast4) != 4 {
				t.Errorf("card number not masked: %q %q", card.MaskedPan, card.PanLast4)
			}
		}
		for _, p := range c.Portfolios.Nodes {
			for _, inv := range p.Investments.Nodes {
				if inv.Portfolio.ID != p.ID {
					t.Errorf("investment %s: portfolio %s, want %s", inv.ID, inv.Portfolio.ID, p.ID)
				}
			}
		}
		linked := 0
		for _, h := range c.Holders.Nodes {
			if h.ProductID != nil {
				linked++
			}
		}
		if linked == 0 {
			t.Error("no holder points at a product")
		}
		for _, p := range c.Status.Products {
			if p.Product == "ACCOUNTS" && p.Sync == "NEVER" {
				t.Error("accounts were fetched but their sync status says NEVER")
			}
		}
	})
}

// TestGraphNodeRefetch refetches objects of every type by global ID.
func TestGraphNodeRefetch(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		var d everythingData
		s.mustGQL(t, s.token, everything, nil, &d)
		c := d.Me.Credentials.Nodes[0]
		ids := map[string]string{
			"Credentials":        c.ID,
			"Account":            c.Accounts.Nodes[0].ID,
			"AccountTransaction": c.Accounts.Nodes[0].Transactions.Nodes[0].ID,
			"Portfolio":          c.Portfolios.Nodes[0].ID,
			"Investment":         c.Portfolios.Nodes[0].Investments.Nodes[0].ID,
			"Card":               c.Cards.Nodes[0].ID,
			"Liability":          c.Liabilities.Nodes[0].ID,
		}
		var all []string
		for typ, id := range ids {
			var raw struct {
				Node *struct {
					ID       string `json:"id"`
					Typename string `json:"__typename"`
				}
			}
			s.mustGQL(t, s.token, `query($id: ID!) { node(id: $id) { id __typename } }`, map[string]any{"id": id}, &raw)
			if raw.Node == nil || raw.Node.ID != id || raw.Node.Typename != typ {
				t.Errorf("node(%s) = %+v, want %s", id, raw.Node, typ)
			}
			all = append(all, id)
		}
		var nodes struct{ Nodes []*struct{ ID string } }
		s.mustGQL(t, s.token, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": append(all, "bm9wZTpub3Bl")}, &nodes)
		if len(nodes.Nodes) != len(all)+1 || nodes.Nodes[len(all)] != nil {
			t.Fatalf("nodes: %+v", nodes.Nodes)
		}
		for i, id := range all {
			if nodes.Nodes[i] == nil || nodes.Nodes[i].ID != id {
				t.Errorf("nodes[%d] = %+v, want %s", i, nodes.Nodes[i], id)
			}
		}
	})
}

type txnPage struct {
	Node struct {
		Transactions struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       *string
			}
			Edges []struct {
				Cursor string
				Node   struct {
					ID, OperationDate, Amount, Description string
					Category                               *string
				}
			}
		}
	}
}

const txnQuery = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $f: TransactionFilter) {
  node(id: $id) { ... on Account { transactions(first: $first, after: $after, last: $last, before: $before, filter: $f) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id operationDate amount description category } } } } } }`

// TestGraphPaging walks one account's transactions forward and backward
// through the API; both walks see every row exactly once, in one order.
func TestGraphPaging(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		acct := busiestAccount(t, s)
		var fwd, bwd []string
		total := 0
		vars := map[string]any{"id": acct, "first": 40}
		for {
			var p txnPage
			s.mustGQL(t, s.token, txnQuery, vars, &p)
			tx := p.Node.Transactions
			total = tx.TotalCount
			for _, e := range tx.Edges {
				fwd = append(fwd, e.Node.ID)
			}
			if !tx.PageInfo.HasNextPage {
				break
			}
			vars = map[string]any{"id": acct, "first": 40, "after": *tx.PageInfo.EndCursor}
		}
		vars = map[string]any{"id": acct, "last": 33}
		for {
			var p txnPage
			s.mustGQL(t, s.token, txnQuery, vars, &p)
			tx := p.Node.Transactions
			page := []string{}
			for _, e := range tx.Edges {
				page = append(page, e.Node.ID)
			}
			bwd = append(page, bwd...)
			if !tx.PageInfo.HasPreviousPage {
				break
			}
			vars = map[string]any{"id": acct, "last": 33, "before": *tx.PageInfo.StartCursor}
		}
		if total < 41 || len(fwd) != total || !slices.Equal(fwd, bwd) {
			t.Fatalf("total %d, forward %d, backward %d, equal %v", total, len(fwd), len(bwd), slices.Equal(fwd, bwd))
		}
		seen := map[string]bool{}
		for _, id := range fwd {
			if seen[id] {
				t.Fatalf("row %s twice", id)
			}
			seen[id] = true
		}
	})
}

func busiestAccount(t *testing.T, s *testServer) string {
	t.Helper()
	var d struct {
		Me struct {
			Accounts struct {
				Nodes []struct {
					ID           string
					Transactions struct{ TotalCount int }
				}
			}
		}
	}
	s.mustGQL(t, s.token, `{ me { accounts(first: 100) { nodes { id transactions(first: 1) { totalCount } } } } }`, nil, &d)
	best, most := "", -1
	for _, a := range d.Me.Accounts.Nodes {
		if a.Transactions.TotalCount > most {
			best, most = a.ID, a.Transactions.TotalCount
		}
	}
	if best == "" {
		t.Fatal("no accounts")
	}
	return best // the busiest account, so paging spans several pages
}

func TestGraphPageArgumentErrors(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		for _, q := range []string{
			`{ me { accounts(first: 101) { totalCount } } }`,
			`{ me { accounts(first: 0) { totalCount } } }`,
			`{ me { accounts(first: 1, last: 1) { totalCount } } }`,
			`{ me { accounts(after: "garbage") { totalCount } } }`,
		} {
			r := s.gql(t, s.token, q, nil, nil)
			if len(r.Errors) != 1 || code(r.Errors[0]) != "BAD_USER_INPUT" {
				t.Errorf("%s: errors %+v", q, r.Errors)
			}
		}
	})
}

// TestGraphFilters checks each filter against the rows it returns.
func TestGraphFilters(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		acct := busiestAccount(t, s)
		var all txnPage
		s.mustGQL(t, s.token, txnQuery, map[string]any{"id": acct, "first": 100}, &all)
		sample := all.Node.Transactions.Edges[len(all.Node.Transactions.Edges)/2].Node
		tests := []struct {
			name string
			f    map[string]any
			ok   func(n struct {
				ID, OperationDate, Amount, Description string
				Category                               *string
			}) bool
		}{
			{"date range", map[string]any{"from": sample.OperationDate, "to": sample.OperationDate},
				func(n struct {
					ID, OperationDate, Amount, Description string
					Category                               *string
				}) bool {
					return n.OperationDate == sample.OperationDate
				}},
			{"amount range", map[string]any{"minAmount": "-10", "maxAmount": "10.5"},
				func(n struct {
					ID, OperationDate, Amount, Description string
					Category                               *string
				}) bool {
					a := decimal.RequireFromString(n.Amount)
					return a.GreaterThanOrEqual(decimal.NewFromInt(-10)) && a.LessThanOrEqual(decimal.RequireFromString("10.5"))
				}},
			{"category", map[string]any{"category": deref(sample.Category)},
				func(n struct {
					ID, OperationDate, Amount, Description string
					Category                               *string
				}) bool {
					return deref(n.Category) == deref(sample.Category)
				}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var p txnPage
				s.mustGQL(t, s.token, txnQuery, map[string]any{"id": acct, "first": 100, "f": tt.f}, &p)
				if len(p.Node.Transactions.Edges) == 0 {
					t.Fatal("filter matched nothing")
				}
				if p.Node.Transactions.TotalCount >= all.Node.Transactions.TotalCount {
					t.Errorf("filter did not narrow: %d of %d", p.Node.Transactions.TotalCount, all.Node.Transactions.TotalCount)
				}
				for _, e := range p.Node.Transactions.Edges {
					if !tt.ok(e.Node) {
						t.Errorf("row does not match: %+v", e.Node)
					}
				}
			})
		}
		// An inline float literal has lost precision before it arrives: refused.
		r := s.gql(t, s.token, `query($id: ID!) { node(id: $id) { ... on Account { transactions(filter: {minAmount: 1.5}) { totalCount } } } }`,
			map[string]any{"id": acct}, nil)
		if len(r.Errors) == 0 {
			t.Error("a float amount literal was accepted; Decimal inputs must be strings")
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
