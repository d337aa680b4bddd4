package app_test

import (
	"slices"
	"testing"

	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// TestLinkCredentialsAndActions: the provider-neutral link and user-flow
// mutations, the required actions in the status, and UNSUPPORTED for a
// flow the provider lacks.
func TestLinkCredentialsAndActions(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		lr, err := s.sim().CompleteLink(flankssim.LinkCompletion{Bank: "testbank"})
		check(t, err)
		var linked struct {
			LinkCredentials struct {
				Status      string
				Credentials struct {
					ID          string
					Provider    string
					Institution struct{ ID string }
					Status      struct{ Pending bool }
				}
			}
		}
		s.mustGQL(t, s.token, `mutation($c: String!) { linkCredentials(provider: FLANKS, code: $c) {
		  status credentials { id provider institution { id } status { pending } } } }`, map[string]any{"c": lr.Code}, &linked)
		c := linked.LinkCredentials.Credentials
		if linked.LinkCredentials.Status != "COMPLETED" || c.ID == "" || c.Provider != "FLANKS" || c.Institution.ID != "testbank" {
			t.Fatalf("linkCredentials: %+v", linked)
		}
		var started struct {
			StartCredentialsAction struct{ Action, Token string }
		}
		s.mustGQL(t, s.token, `mutation($id: ID!) { startCredentialsAction(id: $id, action: SCA) { action token } }`,
			map[string]any{"id": c.ID}, &started)
		if started.StartCredentialsAction.Action != "SCA" || started.StartCredentialsAction.Token == "" {
			t.Fatalf("startCredentialsAction: %+v", started)
		}
		var st struct {
			Node struct {
				Status struct {
					RequiredActions []string
					ScaRequired     bool
				}
			}
		}
		s.mustGQL(t, s.token, `query($id: ID!) { node(id: $id) { ... on Credentials { status { requiredActions scaRequired } } } }`,
			map[string]any{"id": c.ID}, &st)
		if !slices.Contains(st.Node.Status.RequiredActions, "SCA") || !st.Node.Status.ScaRequired {
			t.Fatalf("status after starting SCA: %+v", st)
		}
		r := s.gql(t, s.token, `mutation($id: ID!) { startCredentialsAction(id: $id, action: RECONSENT) { token } }`,
			map[string]any{"id": c.ID}, nil)
		if len(r.Errors) != 1 || code(r.Errors[0]) != "UNSUPPORTED" {
			t.Fatalf("a flow Flanks lacks: %+v", r.Errors)
		}
	})
}

// TestEntitiesNeedsProvider: entities has no default provider any more.
func TestEntitiesNeedsProvider(t *testing.T) {
	s := newServer(t, migrations.SQLite, nil)
	if r := s.gql(t, s.token, `{ entities { id } }`, nil, nil); len(r.Errors) == 0 || code(r.Errors[0]) != "GRAPHQL_VALIDATION_FAILED" {
		t.Fatalf("entities without provider: %+v", r.Errors)
	}
	var out struct {
		Entities []struct{ ID, Provider string }
	}
	s.mustGQL(t, s.token, `{ entities(provider: FLANKS) { id provider } }`, nil, &out)
	if len(out.Entities) == 0 || out.Entities[0].Provider != "FLANKS" {
		t.Fatalf("entities(FLANKS): %+v", out)
	}
}
