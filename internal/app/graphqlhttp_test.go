package app_test

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/fingraph/fingraph/migrations"
)

const (
	jsonType    = "application/json; charset=utf-8"
	gqlRespType = "application/graphql-response+json; charset=utf-8"
)

// TestGraphQLOverHTTP checks the GraphQL over HTTP spec rules the server
// promises, through the whole HTTP stack (auth, limits, transports).
func TestGraphQLOverHTTP(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		ok := `{"data":{"__typename":"Query"}}`
		tests := []struct {
			name       string
			method     string
			path       string
			body       string
			headers    map[string]string
			wantStatus int
			wantType   string
			wantBody   string // exact, when set
			contains   string
			notContain string
		}{
			{name: "POST accept graphql-response+json", method: "POST", body: `{"query":"{ __typename }"}`,
				headers: map[string]string{"Accept": "application/graphql-response+json"}, wantStatus: 200, wantType: gqlRespType, wantBody: ok},
			{name: "POST accept json", method: "POST", body: `{"query":"{ __typename }"}`,
				headers: map[string]string{"Accept": "application/json"}, wantStatus: 200, wantType: jsonType, wantBody: ok},
			{name: "POST no accept", method: "POST", body: `{"query":"{ __typename }"}`, wantStatus: 200, wantType: jsonType, wantBody: ok},
			{name: "POST accept any", method: "POST", body: `{"query":"{ __typename }"}`,
				headers: map[string]string{"Accept": "*/*"}, wantStatus: 200, wantType: jsonType, wantBody: ok},
			{name: "POST null optional params", method: "POST",
				body:       `{"query":"{ __typename }","operationName":null,"variables":null,"extensions":null}`,
				wantStatus: 200, wantBody: ok},
			{name: "POST map params", method: "POST",
				body:       `{"query":"query Q { __typename }","operationName":"Q","variables":{},"extensions":{}}`,
				wantStatus: 200, wantBody: ok},
			{name: "GET query", method: "GET", path: "?query=" + url.QueryEscape("{ __typename }"),
				wantStatus: 200, wantBody: ok},
			{name: "GET variables as JSON", method: "GET",
				path:       "?query=" + url.QueryEscape("query($n: Boolean!){ __typename @include(if: $n) }") + "&variables=" + url.QueryEscape(`{"n":true}`),
				wantStatus: 200, wantBody: ok},
			{name: "POST text/plain", method: "POST", body: `{"query":"{ __typename }"}`,
				headers: map[string]string{"Content-Type": "text/plain"}, wantStatus: 415},
			{name: "POST no content type", method: "POST", body: `{"query":"{ __typename }"}`,
				headers: map[string]string{"Content-Type": ""}, wantStatus: 415},
			{name: "malformed JSON is not echoed", method: "POST", body: `{"query": "{ __typename }", "secret": "CANARY-4111111111111111"`,
				wantStatus: 400, notContain: "CANARY"},
			{name: "JSON array batch", method: "POST", body: `[{"query":"{ __typename }"}]`, wantStatus: 400},
			{name: "empty body", method: "POST", body: "", wantStatus: 400},
			{name: "missing query", method: "POST", body: `{"variables":{}}`, wantStatus: 400},
			{name: "non-string query", method: "POST", body: `{"query":1}`, wantStatus: 400},
			{name: "non-string operationName", method: "POST", body: `{"query":"{ __typename }","operationName":1}`, wantStatus: 400},
			{name: "non-map variables", method: "POST", body: `{"query":"{ __typename }","variables":"x"}`, wantStatus: 400},
			{name: "non-map extensions", method: "POST", body: `{"query":"{ __typename }","extensions":[]}`, wantStatus: 400},
			{name: "parse error json", method: "POST", body: `{"query":"{"}`, wantStatus: 200, wantType: jsonType,
				contains: "GRAPHQL_PARSE_FAILED", notContain: `"data"`},
			{name: "parse error graphql-response", method: "POST", body: `{"query":"{"}`,
				headers: map[string]string{"Accept": "application/graphql-response+json"}, wantStatus: 400, wantType: gqlRespType, notContain: `"data"`},
			{name: "validation error json", method: "POST", body: `{"query":"{ nope }"}`, wantStatus: 200,
				contains: "GRAPHQL_VALIDATION_FAILED", notContain: `"data"`},
			{name: "validation error graphql-response", method: "POST", body: `{"query":"{ nope }"}`,
				headers: map[string]string{"Accept": "application/graphql-response+json"}, wantStatus: 400, notContain: `"data"`},
			{name: "variable coercion json", method: "POST", body: `{"query":"query($n: Boolean!){ __typename @include(if: $n) }","variables":{"n":"x"}}`,
				wantStatus: 200, notContain: `"data"`},
			{name: "variable coercion graphql-response", method: "POST", body: `{"query":"query($n: Boolean!){ __typename @include(if: $n) }","variables":{"n":"x"}}`,
				headers: map[string]string{"Accept": "application/graphql-response+json"}, wantStatus: 400, notContain: `"data"`},
			{name: "PUT not allowed", method: "PUT", body: `{"query":"{ __typename }"}`, wantStatus: 405},
			{name: "introspection in development", method: "POST", body: `{"query":"{ __schema { queryType { name } } }"}`,
				wantStatus: 200, wantBody: `{"data":{"__schema":{"queryType":{"name":"Query"}}}}`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := s.do(t, tt.method, "/graphql"+tt.path, tt.body, s.authed(tt.headers))
				if res.status != tt.wantStatus {
					t.Fatalf("status = %d, want %d; body %s", res.status, tt.wantStatus, res.body)
				}
				if tt.wantType != "" && res.header.Get("Content-Type") != tt.wantType {
					t.Errorf("Content-Type = %q, want %q", res.header.Get("Content-Type"), tt.wantType)
				}
				if tt.wantBody != "" && res.body != tt.wantBody {
					t.Errorf("body = %s, want %s", res.body, tt.wantBody)
				}
				if tt.contains != "" && !strings.Contains(res.body, tt.contains) {
					t.Errorf("body %s does not contain %q", res.body, tt.contains)
				}
				if tt.notContain != "" && strings.Contains(res.body, tt.notContain) {
					t.Errorf("body %s contains %q", res.body, tt.notContain)
				}
				if !strings.HasPrefix(res.body, "{") {
					t.Errorf("body is not a JSON object: %s", res.body)
				}
			})
		}
		t.Run("PUT lists allowed methods", func(t *testing.T) {
			res := s.do(t, "PUT", "/graphql", `{}`, s.authed(nil))
			if got := res.header.Get("Allow"); got != "GET, POST" {
				t.Errorf("Allow = %q", got)
			}
		})
	})
}

func TestAuthentication(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		body := `{"query":"{ __typename }"}`
		t.Run("missing token", func(t *testing.T) {
			res := s.do(t, "POST", "/graphql", body, map[string]string{"Content-Type": "application/json"})
			if res.status != http.StatusUnauthorized {
				t.Fatalf("status = %d", res.status)
			}
			if got := res.header.Get("WWW-Authenticate"); got != `Bearer realm="fingraph"` {
				t.Errorf("WWW-Authenticate = %q", got)
			}
			if !strings.Contains(res.body, `"code":"UNAUTHENTICATED"`) || strings.Contains(res.body, `"data"`) {
				t.Errorf("body = %s", res.body)
			}
		})
		t.Run("bad token", func(t *testing.T) {
			h := s.authed(nil)
			h["Authorization"] = "Bearer " + s.token[:len(s.token)-4] + "AAAA"
			res := s.do(t, "POST", "/graphql", body, h)
			if res.status != http.StatusUnauthorized || !strings.Contains(res.header.Get("WWW-Authenticate"), "invalid_token") {
				t.Fatalf("status = %d, WWW-Authenticate = %q", res.status, res.header.Get("WWW-Authenticate"))
			}
		})
		t.Run("me is the token subject", func(t *testing.T) {
			res := s.do(t, "POST", "/graphql", `{"query":"{ me { id roles } }"}`, s.authed(nil))
			if want := `{"data":{"me":{"id":"demo-user","roles":["USER"]}},"extensions":{"cost":{"limit":10000,"requested":1}}}`; res.body != want {
				t.Fatalf("body = %s, want %s", res.body, want)
			}
		})
	})
}

func TestBodyLimit(t *testing.T) {
	eachDB(t, map[string]string{"FINGRAPH_MAX_BODY_BYTES": "2048"}, func(t *testing.T, s *testServer) {
		pad := strings.Repeat(" ", 2048)
		res := s.do(t, "POST", "/graphql", `{"query":"{ __typename }"}`+pad, s.authed(nil))
		if res.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("over the limit: status = %d, body %s", res.status, res.body)
		}
		atLimit := `{"query":"{ __typename }"}`
		atLimit += strings.Repeat(" ", 2048-len(atLimit))
		if res := s.do(t, "POST", "/graphql", atLimit, s.authed(nil)); res.status != http.StatusOK {
			t.Fatalf("at the limit: status = %d, body %s", res.status, res.body)
		}
	})
}

func TestIntrospectionOff(t *testing.T) {
	eachDB(t, map[string]string{"FINGRAPH_INTROSPECTION": "false"}, func(t *testing.T, s *testServer) {
		res := s.do(t, "POST", "/graphql", `{"query":"{ __schema { queryType { name } } }"}`, s.authed(nil))
		if res.status != 200 || strings.Contains(res.body, `"data"`) || !strings.Contains(res.body, `"code":"INTROSPECTION_DISABLED"`) {
			t.Fatalf("introspection answered: %d %s", res.status, res.body)
		}
		fragment := `{"query":"query { ...F } fragment F on Query { __type(name: \"Query\") { name } }"}`
		if res := s.do(t, "POST", "/graphql", fragment, s.authed(nil)); !strings.Contains(res.body, "INTROSPECTION_DISABLED") {
			t.Fatalf("introspection through a fragment answered: %s", res.body)
		}
		if res := s.do(t, "POST", "/graphql", `{"query":"{ __typename }"}`, s.authed(nil)); res.status != 200 {
			t.Fatalf("__typename rejected: %s", res.body)
		}
	})
}

func TestHealth(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		if res := s.do(t, "GET", "/healthz", "", nil); res.status != 200 {
			t.Errorf("healthz = %d", res.status)
		}
		if res := s.do(t, "GET", "/readyz", "", nil); res.status != 200 {
			t.Errorf("readyz = %d %s", res.status, res.body)
		}
		s.app.DB.Close()
		if res := s.do(t, "GET", "/readyz", "", nil); res.status != http.StatusServiceUnavailable {
			t.Errorf("readyz with the database closed = %d", res.status)
		}
	})
}

// TestSchemaFile: the committed schema.graphql is what the server serves
// at /graphql/schema.graphql with introspection on; with it off, nothing.
func TestSchemaFile(t *testing.T) {
	committed, err := os.ReadFile("../../schema.graphql")
	check(t, err)
	s := newServer(t, migrations.SQLite, nil)
	r := s.do(t, http.MethodGet, "/graphql/schema.graphql", "", nil)
	if r.status != http.StatusOK || !strings.HasSuffix(string(committed), r.body) || !strings.Contains(r.body, "type Subscription") {
		t.Fatalf("served schema (%d) differs from schema.graphql; run go generate ./...", r.status)
	}
	off := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_INTROSPECTION": "false"})
	if r := off.do(t, http.MethodGet, "/graphql/schema.graphql", "", nil); r.status == http.StatusOK {
		t.Fatal("the schema is served with introspection off")
	}
}
