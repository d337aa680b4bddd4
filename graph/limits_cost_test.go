package graph

import "testing"

// TestCostOfDatabaseWork checks the cost figures of counts and filters:
// each is charged once per list it runs on, multiplied by the lists above
// it and not by its own page size.
func TestCostOfDatabaseWork(t *testing.T) {
	tests := []struct {
		name, query string
		want        int
	}{
		{"page", `{ me { transactions(first: 20) { nodes { id } } } }`, 1 + 20*2},
		{"page and count", `{ me { transactions(first: 20) { totalCount nodes { id } } } }`, 1 + 20*2 + countCost},
		{"exactness alone counts too", `{ me { transactions(first: 20) { totalCountIsExact } } }`, 1 + 20 + countCost},
		{"count in a fragment", `{ me { transactions(first: 20) { ...C } } } fragment C on AccountTransactionConnection { totalCount }`, 1 + 20 + countCost},
		{"count per parent", `{ me { accounts(first: 10) { nodes { transactions(first: 20) { totalCount nodes { id } } } } } }`,
			1 + 10*(1+1+(20*2+countCost))},
		{"dates cost nothing more", `{ me { transactions(first: 20, filter: {from: "2024-01-01", to: "2024-02-01"}) { nodes { id } } } }`, 1 + 20*2},
		{"amount", `{ me { transactions(first: 20, filter: {minAmount: "1000"}) { nodes { id } } } }`, 1 + 20*2 + amountFilterCost},
		{"both amount bounds are one range", `{ me { transactions(first: 20, filter: {minAmount: "1", maxAmount: "2"}) { nodes { id } } } }`, 1 + 20*2 + amountFilterCost},
		{"indexed text", `{ me { transactions(first: 20, filter: {text: "nómina"}) { totalCount nodes { id } } } }`,
			1 + 20*2 + countCost + textFilterCost},
		{"text too short for the index", `{ me { transactions(first: 20, filter: {text: "nó"}) { nodes { id } } } }`, 1 + 20*2 + textScanCost},
		{"reconciliation pays for the upstream lists", `{ reconciliation { provider orphanedUpstream { refLast4 } missingUpstream { userId } } }`,
			1 + 1 + 1 + scanCosts["Query.reconciliation"]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseValid(t, tt.query)
			if m := measure(opContext(doc.Operations[0], nil), fuzzSchema()); m.Cost != tt.want {
				t.Fatalf("cost = %d, want %d", m.Cost, tt.want)
			}
		})
	}
}

// TestDefaultLimitsAdmitDashboardsRefuseScans checks the default limit
// (FINGRAPH_MAX_COST, 10,000) against what a frontend sends: a dashboard
// of a few lists of 20 with their totalCount (the accounts of five
// credentials, the latest transactions and a search) passes; a text filter that
// must scan a parent's every row is refused, as are counts over hundreds
// of parents.
func TestDefaultLimitsAdmitDashboardsRefuseScans(t *testing.T) {
	const dashboard = `{ me {
		credentials(first: 5) { totalCount nodes { id
			accounts(first: 10) { totalCount nodes { id iban balance transactions(first: 20) { nodes { id amount } } } } } }
		latest: transactions(first: 20) { totalCount nodes { id amount description } }
		search: transactions(first: 20, filter: {text: "amazon", minAmount: "-100"}) { totalCount nodes { id amount } } } }`
	tests := []struct {
		name, query string
		admitted    bool
	}{
		{"dashboard", dashboard, true},
		{"scan for one letter", `{ me { transactions(first: 20, filter: {text: "a"}) { nodes { id } } } }`, false},
		{"counts of 100 × 100 parents", `{ me { credentials(first: 100) { nodes { accounts(first: 100) { totalCount } } } } }`, false},
	}
	limits := Limits{MaxCost: 10_000}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseValid(t, tt.query)
			m := measure(opContext(doc.Operations[0], nil), fuzzSchema())
			err := limits.check(m)
			if (err == nil) != tt.admitted {
				t.Fatalf("cost %d: admitted = %v, want %v (%v)", m.Cost, err == nil, tt.admitted, err)
			}
		})
	}
}
