package app_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/providers/flanks/flanksadapter"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// gqlError is one entry of a response's errors.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Data       json.RawMessage `json:"data"`
	Errors     []gqlError      `json:"errors"`
	Extensions map[string]any  `json:"extensions"`
}

// gql posts an operation with token and decodes the response; data (when
// not nil) receives the data entry.
func (s *testServer) gql(t *testing.T, token, query string, vars map[string]any, data any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	h := s.authed(nil)
	h["Authorization"] = "Bearer " + token
	res := s.do(t, "POST", "/graphql", string(body), h)
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	var out gqlResponse
	if err := json.Unmarshal([]byte(res.body), &out); err != nil {
		t.Fatalf("decode %s: %v", res.body, err)
	}
	if data != nil && len(out.Data) > 0 {
		if err := json.Unmarshal(out.Data, data); err != nil {
			t.Fatalf("decode data %s: %v", out.Data, err)
		}
	}
	return out
}

// mustGQL is gql that fails the test on any error entry.
func (s *testServer) mustGQL(t *testing.T, token, query string, vars map[string]any, data any) {
	t.Helper()
	if r := s.gql(t, token, query, vars, data); len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
}

// tokenFor mints a development token for another user.
func (s *testServer) tokenFor(t *testing.T, user string, roles ...auth.Role) string {
	t.Helper()
	k, err := auth.LoadOrCreateDevKey(s.app.Config.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(roles) == 0 {
		roles = []auth.Role{auth.RoleUser}
	}
	tok, err := k.Mint(user, roles, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// sim is the built-in Flanks simulator the server talks to.
func (s *testServer) sim() *flankssim.Server { return flanksadapter.SimServer(s.app.Sandbox) }

// link completes a Flanks Link for bank in the simulator and exchanges the
// code through the API as the given user, returning the credentials id.
func (s *testServer) link(t *testing.T, token, bank, password string) string {
	t.Helper()
	res, err := s.sim().CompleteLink(flankssim.LinkCompletion{Bank: bank, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		ExchangeLinkCode struct {
			Status      string
			Credentials struct{ ID string }
		}
	}
	s.mustGQL(t, token, `mutation($c: String!) { exchangeLinkCode(code: $c) { status credentials { id } } }`,
		map[string]any{"c": res.Code}, &out)
	if out.ExchangeLinkCode.Status != "COMPLETED" || out.ExchangeLinkCode.Credentials.ID == "" {
		t.Fatalf("exchange: %+v", out)
	}
	return out.ExchangeLinkCode.Credentials.ID
}

func code(e gqlError) string {
	c, _ := e.Extensions["code"].(string)
	return c
}
