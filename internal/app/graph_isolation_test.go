package app_test

import (
	"encoding/base64"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/fingraph/fingraph/graph/generated"
	"github.com/fingraph/fingraph/internal/auth"
)

// isolationCovered lists every field that takes an ID and the test case
// below that proves a foreign ID answers like an unknown one. The schema
// walk fails when a new ID-taking field appears without an entry.
var isolationCovered = map[string]string{
	"Query.node":                      "node",
	"Query.nodes":                     "nodes",
	"Mutation.refreshCredentials":     "refreshCredentials",
	"Mutation.forceCredentialsFlow":   "forceCredentialsFlow",
	"Mutation.startCredentialsAction": "startCredentialsAction",
	// Onboarding sessions: TestOnboardingErrors (another user's session is
	// NOT_FOUND) and TestOnboardingIsolation below.
	"Mutation.startOnboardingSession":    "a skill id, not an object: nothing of another user to reach",
	"Mutation.submitOnboardingStep":      "TestOnboardingIsolation",
	"Mutation.uploadOnboardingDocument":  "TestOnboardingIsolation",
	"Mutation.completeOnboardingSession": "TestOnboardingIsolation",
	"Mutation.cancelOnboardingSession":   "TestOnboardingIsolation",
	"Mutation.deleteCredentials":         "deleteCredentials",
	// Analysts only: a user gets FORBIDDEN for any id, its own included
	// (TestAnalystFieldsForbidUsers), an analyst NOT_FOUND for an unknown
	// one (TestUserView).
	"Query.user":                            "TestAnalystFieldsForbidUsers, TestUserView",
	"Subscription.credentialsUpdated":       "TestSubscriptionsFollowChanges",
	"Subscription.onboardingSessionUpdated": "TestSubscriptionsFollowChanges",
	// The sandbox namespace (development and sandbox servers).
	"SandboxMutations.fireWebhook":   "TestSandboxFireWebhook",
	"SandboxMutations.decideConsent": "TestSandboxDecideConsent",
}

func TestIsolationCoversEveryIDField(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	var missing []string
	for name, def := range schema.Types {
		if def.Kind != ast.Object || strings.HasPrefix(name, "__") {
			continue
		}
		for _, f := range def.Fields {
			for _, a := range f.Arguments {
				if a.Type.Name() == "ID" {
					key := name + "." + f.Name
					if _, ok := isolationCovered[key]; !ok {
						missing = append(missing, key)
					}
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("fields taking an ID without an isolation test: %v", missing)
	}
}

// TestIsolation: another user reaching the demo user's objects by ID gets
// exactly what an unknown ID gets; an analyst reads but cannot write.
func TestIsolation(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		var d everythingData
		s.mustGQL(t, s.token, everything, nil, &d)
		c := d.Me.Credentials.Nodes[0]
		owned := []string{c.ID, c.Accounts.Nodes[0].ID, c.Accounts.Nodes[0].Transactions.Nodes[0].ID,
			c.Portfolios.Nodes[0].ID, c.Portfolios.Nodes[0].Investments.Nodes[0].ID, c.Cards.Nodes[0].ID, c.Liabilities.Nodes[0].ID}
		mallory := s.tokenFor(t, "mallory")
		unknown := base64.RawURLEncoding.EncodeToString([]byte("Account:" + uuid.NewString()))
		want := s.gql(t, mallory, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": unknown}, nil)
		if len(want.Errors) != 1 || code(want.Errors[0]) != "NOT_FOUND" {
			t.Fatalf("unknown id: %+v", want)
		}
		for _, id := range owned {
			got := s.gql(t, mallory, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}, nil)
			if string(got.Data) != string(want.Data) || len(got.Errors) != 1 || got.Errors[0].Message != want.Errors[0].Message || code(got.Errors[0]) != "NOT_FOUND" {
				t.Errorf("node(%s) as another user: %s %+v", id, got.Data, got.Errors)
			}
		}
		var nodes struct{ Nodes []*struct{ ID string } }
		s.mustGQL(t, mallory, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": owned}, &nodes)
		for i, n := range nodes.Nodes {
			if n != nil {
				t.Errorf("nodes[%d] leaked %s", i, n.ID)
			}
		}
		for _, m := range []string{
			`mutation($id: ID!) { refreshCredentials(id: $id) { id } }`,
			`mutation($id: ID!) { forceCredentialsFlow(id: $id, flow: RESET) { token } }`,
			`mutation($id: ID!) { startCredentialsAction(id: $id, action: SCA) { token } }`,
			`mutation($id: ID!) { deleteCredentials(id: $id) { deletedId } }`,
		} {
			r := s.gql(t, mallory, m, map[string]any{"id": c.ID}, nil)
			if len(r.Errors) != 1 || code(r.Errors[0]) != "NOT_FOUND" {
				t.Errorf("%s as another user: %+v", m, r.Errors)
			}
		}
		var mine struct {
			Me struct {
				Credentials  struct{ TotalCount int }
				Accounts     struct{ TotalCount int }
				Transactions struct{ TotalCount int }
			}
		}
		s.mustGQL(t, mallory, `{ me { credentials { totalCount } accounts { totalCount } transactions { totalCount } } }`, nil, &mine)
		if mine.Me.Credentials.TotalCount+mine.Me.Accounts.TotalCount+mine.Me.Transactions.TotalCount != 0 {
			t.Errorf("another user's me shows data: %+v", mine)
		}

		analyst := s.tokenFor(t, "ana", auth.RoleAnalyst)
		var seen struct{ Node *struct{ ID string } }
		s.mustGQL(t, analyst, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": owned[1]}, &seen)
		if seen.Node == nil {
			t.Error("an analyst cannot read")
		}
		r := s.gql(t, analyst, `mutation($id: ID!) { refreshCredentials(id: $id) { id } }`, map[string]any{"id": c.ID}, nil)
		if len(r.Errors) != 1 || code(r.Errors[0]) != "FORBIDDEN" {
			t.Errorf("an analyst wrote: %+v", r.Errors)
		}
		r = s.gql(t, analyst, `mutation { exchangeLinkCode(code: "x") { status } }`, nil, nil)
		if len(r.Errors) != 1 || code(r.Errors[0]) != "FORBIDDEN" {
			t.Errorf("an analyst linked credentials: %+v", r.Errors)
		}
	})
}
