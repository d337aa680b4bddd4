package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/finance"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// productTables are every table holding data fetched for credentials.
var productTables = []string{
	"sync_records", "accounts", "account_transactions", "portfolios", "investments",
	"investment_transactions", "liabilities", "liability_transactions", "cards",
	"card_transactions", "identities", "holders", "mifid",
}

// rowsOf counts, per table, the rows belonging to one credentials.
func rowsOf(t *testing.T, db *database.DB, credsID string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	var n int64
	if err := db.Gorm.Table("credentials").Where("id = ?", credsID).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	out["credentials"] = n
	for _, table := range productTables {
		if err := db.Gorm.Table(table).Where("credentials_id = ?", credsID).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func credsKey(t *testing.T, id string) string {
	t.Helper()
	_, key, err := finance.ParseGlobalID(id)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// TestGraphLifecycle links, refreshes, forces a flow on and deletes
// credentials through the API; the delete leaves no row behind.
func TestGraphLifecycle(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		id := s.link(t, s.token, "testbank", "")
		vars := map[string]any{"id": id}
		// Reads every product (a page of one per list: 231 totalCounts
		// would cost more than the default limit allows).
		s.mustGQL(t, s.token, `query($id: ID!) { node(id: $id) { ... on Credentials {
			accounts(first: 10) { nodes { transactions(first: 1) { nodes { id } } } }
			portfolios(first: 10) { nodes { investments(first: 20) { nodes { transactions(first: 1) { nodes { id } } } } } }
			liabilities(first: 10) { nodes { transactions(first: 1) { nodes { id } } } } cards(first: 10) { nodes { transactions(first: 1) { nodes { id } } } }
			identity { fullName } holders(first: 1) { totalCount } mifid } } }`, vars, nil)
		before := rowsOf(t, s.app.DB, credsKey(t, id))
		for _, table := range []string{"accounts", "account_transactions", "cards", "identities", "holders"} {
			if before[table] == 0 {
				t.Fatalf("nothing cached in %s: %v", table, before)
			}
		}

		calls := s.sim().Requests(accountsPath)
		s.mustGQL(t, s.token, `mutation($id: ID!) { refreshCredentials(id: $id) { id } }`, vars, nil)
		if s.sim().Requests(accountsPath) != calls+1 {
			t.Errorf("refresh did not refetch accounts once: %d -> %d", calls, s.sim().Requests(accountsPath))
		}

		var forced struct{ ForceCredentialsFlow struct{ Flow, Token string } }
		s.mustGQL(t, s.token, `mutation($id: ID!) { forceCredentialsFlow(id: $id, flow: SCA) { flow token } }`, vars, &forced)
		if forced.ForceCredentialsFlow.Flow != "SCA" || forced.ForceCredentialsFlow.Token == "" {
			t.Errorf("force: %+v", forced)
		}

		demo := otherCredentials(t, s, id)
		demoBefore := rowsOf(t, s.app.DB, credsKey(t, demo))
		var del struct {
			DeleteCredentials struct {
				DeletedID         string
				UpstreamConfirmed bool
			}
		}
		s.mustGQL(t, s.token, `mutation($id: ID!) { deleteCredentials(id: $id) { deletedId upstreamConfirmed } }`, vars, &del)
		if del.DeleteCredentials.DeletedID != id || !del.DeleteCredentials.UpstreamConfirmed {
			t.Fatalf("deleted %+v", del.DeleteCredentials)
		}
		for table, n := range rowsOf(t, s.app.DB, credsKey(t, id)) {
			if n != 0 {
				t.Errorf("%d rows left in %s after delete", n, table)
			}
		}
		if after := rowsOf(t, s.app.DB, credsKey(t, demo)); after["accounts"] != demoBefore["accounts"] || after["credentials"] != 1 {
			t.Errorf("other credentials touched: %v -> %v", demoBefore, after)
		}
		r := s.gql(t, s.token, `query($id: ID!) { node(id: $id) { id } }`, vars, nil)
		if len(r.Errors) != 1 || code(r.Errors[0]) != "NOT_FOUND" {
			t.Errorf("deleted credentials still found: %+v", r)
		}
	})
}

// otherCredentials returns one of the user's credentials other than id.
func otherCredentials(t *testing.T, s *testServer, id string) string {
	t.Helper()
	var d struct {
		Me struct {
			Credentials struct{ Nodes []struct{ ID string } }
		}
	}
	s.mustGQL(t, s.token, `{ me { credentials { nodes { id } } } }`, nil, &d)
	for _, n := range d.Me.Credentials.Nodes {
		if n.ID != id {
			return n.ID
		}
	}
	t.Fatal("the user has no other credentials")
	return ""
}

// TestGraphDelayedLinkCode: Flanks may accept a code but delay the
// credentials; the API says DELAYED and the same code works later.
func TestGraphDelayedLinkCode(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		res, err := s.sim().CompleteLink(flankssim.LinkCompletion{Bank: "testbank", ExchangeDelay: 300 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		q := `mutation($c: String!) { exchangeLinkCode(code: $c) { status credentials { id } } }`
		var out struct {
			ExchangeLinkCode struct {
				Status      string
				Credentials *struct{ ID string }
			}
		}
		s.mustGQL(t, s.token, q, map[string]any{"c": res.Code}, &out)
		if out.ExchangeLinkCode.Status != "DELAYED" || out.ExchangeLinkCode.Credentials != nil {
			t.Fatalf("first exchange: %+v", out)
		}
		time.Sleep(400 * time.Millisecond) // the simulator's delay, in real time
		s.mustGQL(t, s.token, q, map[string]any{"c": res.Code}, &out)
		if out.ExchangeLinkCode.Status != "COMPLETED" || out.ExchangeLinkCode.Credentials == nil {
			t.Fatalf("second exchange: %+v", out)
		}
	})
}

// TestGraphDeleteWhileProviderDown: deleting credentials while Flanks is
// down still erases every cached row at once and says the upstream delete
// is pending; the background retry then gets it confirmed.
func TestGraphDeleteWhileProviderDown(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		id := s.link(t, s.token, "testbank", "")
		vars := map[string]any{"id": id}
		// Reads every product (a page of one per list: 231 totalCounts
		// would cost more than the default limit allows).
		s.mustGQL(t, s.token, `query($id: ID!) { node(id: $id) { ... on Credentials { accounts(first: 1) { totalCount } } } }`, vars, nil)
		if err := s.sim().InjectFault("/v0/bank/credentials", flankssim.Fault{Kind: flankssim.FaultServerError, Status: 503, Times: 10}); err != nil {
			t.Fatal(err)
		}
		var del struct {
			DeleteCredentials struct{ UpstreamConfirmed bool }
		}
		s.mustGQL(t, s.token, `mutation($id: ID!) { deleteCredentials(id: $id) { upstreamConfirmed } }`, vars, &del)
		if del.DeleteCredentials.UpstreamConfirmed {
			t.Fatal("upstream delete reported confirmed while the provider was down")
		}
		for table, n := range rowsOf(t, s.app.DB, credsKey(t, id)) {
			if n != 0 {
				t.Errorf("%d rows left in %s while the upstream delete is pending", n, table)
			}
		}

		s.sim().ClearFaults()
		// Make the pending erasure due now instead of waiting its backoff.
		if err := s.app.DB.Gorm.Table("erasures").Where("upstream_confirmed_at IS NULL").
			Update("next_attempt_at", time.Now().UTC().Add(-time.Second)).Error; err != nil {
			t.Fatal(err)
		}
		calls := s.sim().Requests("/v0/bank/credentials")
		if n, err := s.app.RetryErasures(context.Background()); err != nil || n != 1 {
			t.Fatalf("retry: %d confirmed, %v", n, err)
		}
		if s.sim().Requests("/v0/bank/credentials") != calls+1 {
			t.Error("the retry did not call the provider")
		}
		var pending int64
		if err := s.app.DB.Gorm.Table("erasures").Where("upstream_confirmed_at IS NULL").Count(&pending).Error; err != nil || pending != 0 {
			t.Fatalf("pending erasures after the retry: %d, %v", pending, err)
		}
	})
}
