package app_test

import (
	"slices"
	"testing"
)

const providerFieldsQuery = `{ me { credentials(first: 5) { nodes {
  provider status { lastTransactionDate }
  accounts(first: 5) { nodes { iban externalId
    transactions(first: 50) { nodes { operationDate bankTransactionId orderId pairTransactionId externalId } } } }
  portfolios(first: 5) { nodes { cashAccount cashAccounts taxType externalId
    investments(first: 10) { nodes { isNominal market operatingMarket externalId
      transactions(first: 10) { nodes { exchangeRate bankTransactionId orderId externalId } } } } } }
  liabilities(first: 5) { nodes { initialCapitalCurrency limit externalId
    transactions(first: 10) { nodes { balanceCurrency creditAccount externalId } } } }
  cards(first: 5) { nodes { externalId transactions(first: 10) { nodes { externalId } } } } } } } }`

// fieldsAccount is an account of providerFieldsQuery's answer.
type fieldsAccount struct {
	IBAN         *string `json:"iban"`
	ExternalID   *string
	Transactions struct {
		Nodes []struct {
			OperationDate                                 string
			BankTransactionID, OrderID, PairTransactionID *string
			ExternalID                                    *string
		}
	}
}

type providerFieldsData struct {
	Me struct {
		Credentials struct {
			Nodes []struct {
				Provider   string
				Status     struct{ LastTransactionDate *string }
				Accounts   struct{ Nodes []fieldsAccount }
				Portfolios struct {
					Nodes []struct {
						CashAccount, TaxType, ExternalID *string
						CashAccounts                     []string
						Investments                      struct {
							Nodes []struct {
								IsNominal                           *bool
								Market, OperatingMarket, ExternalID *string
								Transactions                        struct {
									Nodes []struct {
										ExchangeRate, BankTransactionID, OrderID, ExternalID *string
									}
								}
							}
						}
					}
				}
				Liabilities struct {
					Nodes []struct {
						InitialCapitalCurrency, Limit, ExternalID *string
						Transactions                              struct {
							Nodes []struct{ BalanceCurrency, CreditAccount, ExternalID *string }
						}
					}
				}
				Cards struct {
					Nodes []struct {
						ExternalID   *string
						Transactions struct {
							Nodes []struct{ ExternalID *string }
						}
					}
				}
			}
		}
	}
}

// TestProviderFieldsInGraph reads the fields Flanks serves that the graph
// once dropped through the API, on the demo data of the Flanks simulator:
// each must be there wherever the simulator serves it, and the status's
// last transaction date must be the newest movement's.
func TestProviderFieldsInGraph(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		var d providerFieldsData
		s.mustGQL(t, s.token, providerFieldsQuery, nil, nil) // fills the cache
		s.mustGQL(t, s.token, providerFieldsQuery, nil, &d)
		seen := map[string]int{}
		flanks := 0
		for _, c := range d.Me.Credentials.Nodes {
			if c.Provider != "FLANKS" {
				continue
			}
			flanks++
			checkAccountFields(t, c.Accounts.Nodes, c.Status.LastTransactionDate, seen)
			var ibans []string
			for _, a := range c.Accounts.Nodes {
				if a.IBAN != nil {
					ibans = append(ibans, *a.IBAN)
				}
			}
			for _, p := range c.Portfolios.Nodes {
				if p.CashAccount != nil && !slices.Contains(p.CashAccounts, *p.CashAccount) {
					t.Errorf("cash accounts %v miss the main one %s", p.CashAccounts, *p.CashAccount)
				}
				count(seen, "portfolio external id", p.ExternalID != nil)
				for _, i := range p.Investments.Nodes {
					count(seen, "investment is_nominal", i.IsNominal != nil)
					count(seen, "investment market", i.Market != nil)
					count(seen, "investment external id", i.ExternalID != nil)
					for _, tx := range i.Transactions.Nodes {
						count(seen, "investment transaction exchange rate", tx.ExchangeRate != nil)
						count(seen, "investment transaction bank id", tx.BankTransactionID != nil)
					}
				}
			}
			for _, l := range c.Liabilities.Nodes {
				count(seen, "liability initial capital currency", l.InitialCapitalCurrency != nil)
				count(seen, "liability external id", l.ExternalID != nil)
				for _, tx := range l.Transactions.Nodes {
					if tx.CreditAccount != nil && !slices.Contains(ibans, *tx.CreditAccount) {
						t.Errorf("credit account %s is none of the credentials' accounts %v", *tx.CreditAccount, ibans)
					}
					count(seen, "liability transaction credit account", tx.CreditAccount != nil)
					count(seen, "liability transaction balance currency", tx.BalanceCurrency != nil)
				}
			}
			for _, card := range c.Cards.Nodes {
				count(seen, "card external id", card.ExternalID != nil)
				for _, tx := range card.Transactions.Nodes {
					count(seen, "card transaction external id", tx.ExternalID != nil)
				}
			}
		}
		if flanks == 0 {
			t.Fatal("the demo user has no Flanks credentials: the test would prove nothing")
		}
		for _, what := range []string{"account external id", "transaction bank id", "portfolio external id",
			"investment is_nominal", "investment market", "investment external id",
			"investment transaction exchange rate", "investment transaction bank id",
			"liability initial capital currency", "liability external id", "liability transaction credit account",
			"liability transaction balance currency", "card external id", "card transaction external id"} {
			if seen[what] == 0 {
				t.Errorf("no %s anywhere in the demo data", what)
			}
		}
	})
}

// checkAccountFields counts the accounts' new fields and checks the
// status's last transaction date against their newest movement.
func checkAccountFields(t *testing.T, accounts []fieldsAccount, last *string, seen map[string]int) {
	t.Helper()
	newest := ""
	for _, a := range accounts {
		count(seen, "account external id", a.ExternalID != nil)
		for _, tx := range a.Transactions.Nodes {
			newest = max(newest, tx.OperationDate)
			count(seen, "transaction bank id", tx.BankTransactionID != nil)
		}
	}
	if newest != "" && (last == nil || *last != newest) {
		t.Errorf("status lastTransactionDate %v, newest movement %s", last, newest)
	}
}

func count(seen map[string]int, what string, ok bool) {
	if ok {
		seen[what]++
	}
}
