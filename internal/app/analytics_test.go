package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/analytics/analyticstest"
	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/migrations"
)

// analystFields are one operation per analyst-only field.
var analystFields = map[string]string{
	"users":                        `{ users { totalCount } }`,
	"user":                         `{ user(id: "demo-user") { id } }`,
	"analytics":                    `{ analytics { __typename } }`,
	"analytics.transactionTotals":  `{ analytics { transactionTotals { count } } }`,
	"analytics.balances":           `{ analytics { balances { count } } }`,
	"analytics.netPositions":       `{ analytics { netPositions { net } } }`,
	"analytics.investmentExposure": `{ analytics { investmentExposure { count } } }`,
	"analytics.credentialsHealth":  `{ analytics { credentialsHealth { count } } }`,
	"analytics.syncFailures":       `{ analytics { syncFailures { count } } }`,
	"accessLog":                    `{ accessLog { totalCount } }`,
	"reconciliation":               `{ reconciliation { status } }`,
}

// adminFields are the analystFields only admins may read.
var adminFields = map[string]bool{"accessLog": true, "reconciliation": true}

// TestAnalystFieldsForbidUsers: a user's token gets FORBIDDEN on every
// analyst field, and an analyst on the admins' fields.
func TestAnalystFieldsForbidUsers(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		for name, q := range analystFields {
			r := s.gql(t, s.token, q, nil, nil)
			if len(r.Errors) != 1 || code(r.Errors[0]) != "FORBIDDEN" || string(r.Data) != "null" {
				t.Errorf("%s as a user: data %s, errors %+v", name, r.Data, r.Errors)
			}
		}
		analyst := s.tokenFor(t, "ana", auth.RoleAnalyst)
		for name, q := range analystFields {
			if !adminFields[name] {
				s.mustGQL(t, analyst, q, nil, nil)
				continue
			}
			r := s.gql(t, analyst, q, nil, nil)
			if len(r.Errors) != 1 || code(r.Errors[0]) != "FORBIDDEN" {
				t.Errorf("%s as an analyst: %+v", name, r.Errors)
			}
		}
	})
}

// seedAnalytics writes analyticstest's data set into the server's
// database (whose demo user has no credentials).
func seedAnalytics(t *testing.T, s *testServer) {
	t.Helper()
	if err := analyticstest.Seed(context.Background(), store.New(s.app.DB.Gorm)); err != nil {
		t.Fatal(err)
	}
}

// compactJSON re-encodes data without spaces for comparisons.
func compactJSON(t *testing.T, data any) string {
	t.Helper()
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestAnalyticsAggregates checks every aggregate through GraphQL against
// totals computed by hand from analyticstest's rows: exact decimals given
// at least their currency's minor units, currencies never added together.
func TestAnalyticsAggregates(t *testing.T) {
	eachDB(t, map[string]string{"FINGRAPH_SANDBOX_DEMO": "none"}, func(t *testing.T, s *testServer) {
		seedAnalytics(t, s)
		analyst := s.tokenFor(t, "ana", auth.RoleAnalyst)
		tests := []struct{ name, query, want string }{
			{"monthly by category", `{ analytics { transactionTotals(groupBy: [PERIOD, CATEGORY]) { period category currency count total } } }`,
				`{"analytics":{"transactionTotals":[` +
					`{"period":"2025-01-01","category":"food","currency":"CAD","count":1,"total":"-7.77"},` +
					`{"period":"2025-01-01","category":"food","currency":"EUR","count":3,"total":"-18.25"},` +
					`{"period":"2025-01-01","category":"food","currency":"USD","count":1,"total":"-20.00"},` +
					`{"period":"2025-01-01","category":"salary","currency":"EUR","count":1,"total":"1000.00"},` +
					`{"period":"2025-02-01","category":null,"currency":"USD","count":1,"total":"-0.01"},` +
					`{"period":"2025-02-01","category":"food","currency":"EUR","count":1,"total":"-0.125"},` +
					`{"period":"2025-02-01","category":"rent","currency":"EUR","count":1,"total":"-100.00"},` +
					`{"period":"2025-02-01","category":"salary","currency":"EUR","count":1,"total":"2000.00"}]}}`},
			{"spending by institution in January",
				`{ analytics { transactionTotals(groupBy: [INSTITUTION], filter: {from: "2025-01-01", to: "2025-01-31", direction: OUT}) {
					institution { id name provider } provider currency count total } } }`,
				`{"analytics":{"transactionTotals":[` +
					`{"institution":{"id":"bbva","name":"bbva bank","provider":"FLANKS"},"provider":"FLANKS","currency":"EUR","count":1,"total":"-5.50"},` +
					`{"institution":{"id":"bbva","name":"bbva bank","provider":"FLANKS"},"provider":"FLANKS","currency":"USD","count":1,"total":"-20.00"},` +
					`{"institution":{"id":"testbank","name":"testbank bank","provider":"FLANKS"},"provider":"FLANKS","currency":"EUR","count":2,"total":"-12.75"},` +
					`{"institution":{"id":"FlinksCapital","name":"FlinksCapital bank","provider":"FLINKS"},"provider":"FLINKS","currency":"CAD","count":1,"total":"-7.77"}]}}`},
			{"weekly, amount bounds", `{ analytics { transactionTotals(groupBy: [PERIOD, DIRECTION], period: WEEK,
					filter: {to: "2025-01-12", minAmount: "-15", maxAmount: "5000"}) { period direction currency count total } } }`,
				`{"analytics":{"transactionTotals":[` +
					`{"period":"2024-12-30","direction":"OUT","currency":"CAD","count":1,"total":"-7.77"},` +
					`{"period":"2024-12-30","direction":"OUT","currency":"EUR","count":1,"total":"-10.50"}]}}`},
			{"balances and net positions", `{ analytics { balances { product currency count total } netPositions { currency cash investments liabilities net } } }`,
				`{"analytics":{"balances":[` +
					`{"product":"ACCOUNTS","currency":"CAD","count":1,"total":"99.99"},` +
					`{"product":"ACCOUNTS","currency":"EUR","count":2,"total":"1750.50"},` +
					`{"product":"ACCOUNTS","currency":"USD","count":1,"total":"10.00"},` +
					`{"product":"CARDS","currency":"EUR","count":1,"total":"50.00"},` +
					`{"product":"INVESTMENTS","currency":"EUR","count":2,"total":"1001.1234"},` +
					`{"product":"INVESTMENTS","currency":"USD","count":1,"total":"500.00"},` +
					`{"product":"LIABILITIES","currency":"EUR","count":1,"total":"300.00"}],` +
					`"netPositions":[` +
					`{"currency":"CAD","cash":"99.99","investments":"0.00","liabilities":"0.00","net":"99.99"},` +
					`{"currency":"EUR","cash":"1750.50","investments":"1001.1234","liabilities":"300.00","net":"2451.6234"},` +
					`{"currency":"USD","cash":"10.00","investments":"500.00","liabilities":"0.00","net":"510.00"}]}}`},
			{"investment exposure", `{ analytics { investmentExposure { type currency count total } } }`,
				`{"analytics":{"investmentExposure":[` +
					`{"type":"ETF","currency":"USD","count":1,"total":"500.00"},` +
					`{"type":"FUND","currency":"EUR","count":1,"total":"1000.1234"},` +
					`{"type":"OTHER","currency":"EUR","count":1,"total":"1.00"}]}}`},
			{"credentials health and failures", `{ analytics { credentialsHealth { provider state count }
					syncFailures(from: "2025-02-01T00:00:00Z", to: "2025-04-01T00:00:00Z") { provider product errorCode count } } }`,
				`{"analytics":{"credentialsHealth":[` +
					`{"provider":"FLANKS","state":"BLOCKED","count":1},{"provider":"FLANKS","state":"ERRORED","count":1},` +
					`{"provider":"FLANKS","state":"OK","count":1},{"provider":"FLINKS","state":"PENDING","count":1},` +
					`{"provider":"FLINKS","state":"SCA_REQUIRED","count":1}],` +
					`"syncFailures":[{"provider":"FLANKS","product":"TRANSACTIONS","errorCode":"unavailable","count":1}]}}`},
			{"users with errored credentials", `{ users(filter: {state: ERRORED}) { totalCount nodes { id lastSeenAt credentials { provider state count } } } }`,
				`{"users":{"totalCount":1,"nodes":[{"id":"bob","lastSeenAt":"2025-03-02T09:00:00Z",` +
					`"credentials":[{"provider":"FLANKS","state":"ERRORED","count":1}]}]}}`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got json.RawMessage
				s.mustGQL(t, analyst, tt.query, nil, &got)
				var buf bytes.Buffer
				if err := json.Compact(&buf, got); err != nil || buf.String() != tt.want {
					t.Errorf("got  %s\nwant %s", buf.String(), tt.want)
				}
			})
		}
	})
}

// TestAnalyticsCost: the aggregates count in the cost model, on top of
// the objects they return.
func TestAnalyticsCost(t *testing.T) {
	s := newServer(t, migrations.SQLite, nil)
	r := s.gql(t, s.tokenFor(t, "ana", auth.RoleAnalyst), `{ analytics { transactionTotals { count } credentialsHealth { count } } }`, nil, nil)
	cost, _ := r.Extensions["cost"].(map[string]any)
	// analytics (1) + transactionTotals (1 + 250) + credentialsHealth (1 + 50)
	if cost["requested"] != float64(303) {
		t.Errorf("cost %v, want 303", r.Extensions["cost"])
	}
}

// TestUserView: an analyst's user(id:) is the view the user has as me; an
// unknown id is NOT_FOUND, as node(id:) answers.
func TestUserView(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		const view = `{ credentials(first: 5) { totalCount nodes { id institution { name } accounts(first: 3) { nodes { id iban balance } } } }
			accounts(first: 5) { totalCount nodes { id balance currency } }
			transactions(first: 10, filter: { maxAmount: "0" }) { totalCount nodes { id amount operationDate } }
			summary { byCurrency { currency cash investments liabilities net } byProduct { product currency total count } }
			statementUploads { id } }`
		var mine, theirs map[string]json.RawMessage
		s.mustGQL(t, s.token, `{ me `+view+` }`, nil, &mine)
		analyst := s.tokenFor(t, "ana", auth.RoleAnalyst)
		s.mustGQL(t, analyst, `{ user(id: "`+app.DemoUserID+`") `+view+` }`, nil, &theirs)
		if string(mine["me"]) != string(theirs["user"]) || !strings.Contains(string(mine["me"]), `"totalCount"`) {
			t.Errorf("user(id:) differs from me:\n me   %s\n user %s", mine["me"], theirs["user"])
		}
		var roles struct {
			User struct {
				ID    string
				Roles []string
			}
		}
		s.mustGQL(t, analyst, `{ user(id: "`+app.DemoUserID+`") { id roles } }`, nil, &roles)
		if roles.User.ID != app.DemoUserID || len(roles.User.Roles) != 0 {
			t.Errorf("user(id:) { id roles } = %+v", roles.User)
		}
		r := s.gql(t, analyst, `{ user(id: "nobody") { id } }`, nil, nil)
		if len(r.Errors) != 1 || code(r.Errors[0]) != "NOT_FOUND" {
			t.Errorf("unknown user: %+v", r.Errors)
		}
	})
}

// trailRow is an access log entry as admins read it.
type trailRow struct {
	ActorID, ActorRole, OperationName, QueryHash string
	UserID                                       *string
}

// trail flushes the access log and returns every entry, newest first.
func trail(t *testing.T, s *testServer) []trailRow {
	t.Helper()
	if err := s.app.AccessLog.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	var d struct {
		AccessLog struct{ Nodes []trailRow }
	}
	admin := s.tokenFor(t, "root", auth.RoleAdmin)
	s.mustGQL(t, admin, `{ accessLog(first: 100) { nodes { actorId actorRole userId operationName queryHash } } }`, nil, &d)
	return d.AccessLog.Nodes
}

func hashOf(q string) string {
	sum := sha256.Sum256([]byte(q))
	return hex.EncodeToString(sum[:])
}

// TestAccessTrail: every analyst or admin read of another user's data
// leaves exactly one row per operation and user, whatever path reached
// it; a user's own reads leave none.
func TestAccessTrail(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		var d everythingData
		s.mustGQL(t, s.token, everything, nil, &d)
		c := d.Me.Credentials.Nodes[0]
		ids := []string{c.ID, c.Accounts.Nodes[0].ID, c.Accounts.Nodes[0].Transactions.Nodes[0].ID, c.Cards.Nodes[0].ID}
		analyst := s.tokenFor(t, "ana", auth.RoleAnalyst)
		s.mustGQL(t, s.tokenFor(t, "mallory"), `{ me { id } }`, nil, nil)
		if rows := trail(t, s); len(rows) != 0 {
			t.Fatalf("users' own reads were recorded: %+v", rows)
		}
		ops := []struct {
			name, query string
			vars        map[string]any
			token       string
		}{
			{"Look", `query Look { user(id: "demo-user") { credentials { nodes { id accounts(first: 2) { nodes { id transactions(first: 2) { nodes { id } } } } } }
				accounts { totalCount } transactions(first: 3) { nodes { id } } summary { byCurrency { net } } } }`, nil, analyst},
			{"ByID", `query ByID($ids: [ID!]!, $id: ID!) { nodes(ids: $ids) { id } node(id: $id) { id ... on Account { transactions(first: 3) { nodes { id } } } } }`,
				map[string]any{"ids": ids, "id": ids[1]}, analyst},
			{"Everyone", `query Everyone { users(first: 10) { nodes { id } } analytics { transactionTotals { count } balances { count } } }`, nil, analyst},
			{"AsAdmin", `query AsAdmin($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": c.ID}, s.tokenFor(t, "root", auth.RoleAdmin)},
		}
		for _, op := range ops {
			s.mustGQL(t, op.token, op.query, op.vars, nil)
		}
		got := map[string][]string{}
		for _, r := range trail(t, s) {
			user := "*"
			if r.UserID != nil {
				user = *r.UserID
			}
			got[r.OperationName] = append(got[r.OperationName], r.ActorRole+" "+r.ActorID+" "+user)
			for _, op := range ops {
				if op.name == r.OperationName && r.QueryHash != hashOf(op.query) {
					t.Errorf("%s: query hash %s, want the SHA-256 of its text", op.name, r.QueryHash)
				}
			}
		}
		want := map[string][]string{
			"Look":     {"ANALYST ana demo-user"},
			"ByID":     {"ANALYST ana demo-user"},
			"Everyone": {"ANALYST ana *", "ANALYST ana demo-user", "ANALYST ana mallory"},
			"AsAdmin":  {"ADMIN root demo-user"},
		}
		for _, rows := range got {
			sort.Strings(rows)
		}
		if compactJSON(t, got) != compactJSON(t, want) {
			t.Errorf("trail %v, want %v", got, want)
		}
	})
}

// TestSandboxSeedsUsers: FINGRAPH_SANDBOX_USERS users get connections at
// several banks in several states, and their data is fetched in the
// background, so the analysts' views have something to show.
func TestSandboxSeedsUsers(t *testing.T) {
	eachDB(t, map[string]string{"FINGRAPH_SANDBOX_USERS": "10", "FINGRAPH_SANDBOX_DEMO": "none", "FINGRAPH_SANDBOX_HISTORY_DAYS": "30"},
		func(t *testing.T, s *testServer) {
			select {
			case <-s.app.SeededUsers:
			case <-time.After(2 * time.Minute):
				t.Fatal("sandbox users not seeded after 2 minutes")
			}
			var d struct {
				Users struct {
					TotalCount int
					Nodes      []struct {
						ID          string
						Credentials []struct {
							Provider, State string
							Count           int
						}
					}
				}
				Analytics struct {
					CredentialsHealth []struct{ State string }
					TransactionTotals []struct{ Count int }
				}
			}
			s.mustGQL(t, s.tokenFor(t, "ana", auth.RoleAnalyst), `{ users(first: 20) { totalCount nodes { id credentials { provider state count } } }
				analytics { credentialsHealth { state } transactionTotals(groupBy: [INSTITUTION]) { count } } }`, nil, &d)
			if d.Users.TotalCount != 11 || d.Users.Nodes[1].ID != app.SandboxUserID(0) {
				t.Errorf("users: %d, first %+v", d.Users.TotalCount, d.Users.Nodes[:1])
			}
			states := map[string]bool{}
			for _, h := range d.Analytics.CredentialsHealth {
				states[h.State] = true
			}
			for _, want := range []string{"OK", "BLOCKED", "SCA_REQUIRED", "ERRORED"} {
				if !states[want] {
					t.Errorf("no seeded credentials is %s: %+v", want, d.Analytics.CredentialsHealth)
				}
			}
			if len(d.Analytics.TransactionTotals) < 5 {
				t.Errorf("transaction totals over %d institutions, want at least 5", len(d.Analytics.TransactionTotals))
			}
		})
}

// TestAnalyticsReadReplica: with DATABASE_READ_URL the aggregates read the
// replica (here another database holding the data set), while the rest,
// the users list included, reads the primary.
func TestAnalyticsReadReplica(t *testing.T) {
	replica, opts := dbtest.OpenWithOptions(t, migrations.Postgres)
	if err := analyticstest.Seed(context.Background(), store.New(replica.Gorm)); err != nil {
		t.Fatal(err)
	}
	s := newServer(t, migrations.Postgres, map[string]string{"DATABASE_READ_URL": opts.PostgresURL, "FINGRAPH_SANDBOX_DEMO": "none"})
	var d struct {
		Users     struct{ TotalCount int }
		Analytics struct{ CredentialsHealth []struct{ Count int } }
	}
	s.mustGQL(t, s.tokenFor(t, "ana", auth.RoleAnalyst), `{ users { totalCount } analytics { credentialsHealth { count } } }`, nil, &d)
	if d.Users.TotalCount != 1 || len(d.Analytics.CredentialsHealth) != 5 {
		t.Errorf("primary users %d (want the demo user only), replica credentials health %+v (want 5 groups)",
			d.Users.TotalCount, d.Analytics.CredentialsHealth)
	}
}

// TestErasureLeavesTheTrail: deleting credentials removes their data from
// the aggregates at once, while the trail of earlier reads stays (it holds
// a user id, no personal data).
func TestErasureLeavesTheTrail(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		analyst := s.tokenFor(t, "ana", auth.RoleAnalyst)
		const q = `query Count { analytics { transactionTotals { count } } user(id: "demo-user") { credentials { nodes { id } } } }`
		var d struct {
			Analytics struct{ TransactionTotals []struct{ Count int } }
			User      struct {
				Credentials struct{ Nodes []struct{ ID string } }
			}
		}
		s.mustGQL(t, s.token, `{ me { transactions { totalCount } } }`, nil, nil) // fetch the demo data
		s.mustGQL(t, analyst, q, nil, &d)
		if len(d.Analytics.TransactionTotals) == 0 || len(d.User.Credentials.Nodes) == 0 {
			t.Fatalf("no demo data: %+v", d)
		}
		for _, c := range d.User.Credentials.Nodes {
			s.mustGQL(t, s.token, `mutation($id: ID!) { deleteCredentials(id: $id) { deletedId } }`, map[string]any{"id": c.ID}, nil)
		}
		s.mustGQL(t, analyst, `{ analytics { transactionTotals { count } } }`, nil, &d)
		if len(d.Analytics.TransactionTotals) != 0 {
			t.Errorf("erased data still in the aggregates: %+v", d.Analytics.TransactionTotals)
		}
		rows := trail(t, s)
		kept := 0
		for _, r := range rows {
			if r.UserID != nil && *r.UserID == app.DemoUserID && r.OperationName == "Count" {
				kept++
			}
		}
		if len(rows) != 3 || kept != 1 { // Count: the demo user and every user; then every user again
			t.Errorf("trail after erasure: %+v", rows)
		}
	})
}
