package gqlhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// canary is planted in fuzz inputs: no error message may ever contain it,
// since request parameters can carry secrets (passwords, tokens).
const canary = "S3cr3tCanary"

// recordingExecutor keeps the parameters a transport decoded and stops there.
type recordingExecutor struct{ params *graphql.RawParams }

func (e *recordingExecutor) CreateOperationContext(_ context.Context, p *graphql.RawParams) (*graphql.OperationContext, gqlerror.List) {
	e.params = p
	return nil, gqlerror.List{Error("STOP", "stopped by the test")}
}

func (e *recordingExecutor) DispatchOperation(context.Context, *graphql.OperationContext) (graphql.ResponseHandler, context.Context) {
	panic("not reached")
}

func (e *recordingExecutor) DispatchError(_ context.Context, errs gqlerror.List) *graphql.Response {
	return &graphql.Response{Errors: errs}
}

// checkAccepted asserts what every accepted parameter set must satisfy.
func checkAccepted(t *testing.T, p *graphql.RawParams) {
	t.Helper()
	if p == nil {
		t.Fatal("accepted without parameters")
	}
	if p.Query == "" && !hasPersistedQuery(p.Extensions) {
		t.Fatalf("accepted an empty query without a persisted query: %+v", p)
	}
}

// checkRejected asserts a rejection is a fixed BAD_REQUEST that never
// echoes the request.
func checkRejected(t *testing.T, status int, body []byte) {
	t.Helper()
	if status != http.StatusBadRequest {
		t.Fatalf("status %d for a rejected request: %s", status, body)
	}
	if bytes.Contains(body, []byte(canary)) {
		t.Fatalf("the error echoes the request: %s", body)
	}
	var resp struct {
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil || len(resp.Errors) != 1 || resp.Data != nil {
		t.Fatalf("rejection is not one GraphQL error: %s (%v)", body, err)
	}
	if resp.Errors[0].Extensions["code"] != CodeBadRequest {
		t.Fatalf("rejection code %v", resp.Errors[0].Extensions["code"])
	}
}

func FuzzDecodeParams(f *testing.F) {
	for _, s := range [][4]string{
		{`"{ me { id } }"`, ``, ``, ``},
		{`"query Q { a }"`, `"Q"`, `{"x": 1.10, "s": "` + canary + `"}`, `null`},
		{`null`, `null`, `null`, `{"persistedQuery": {"version": 1, "sha256Hash": "abc"}}`},
		{`""`, ``, ``, ``},
		{`42`, ``, ``, ``},
		{`{"q": "` + canary + `"}`, ``, ``, ``},
		{`"q"`, `["` + canary + `"]`, ``, ``},
		{`"q"`, ``, `"` + canary + `"`, ``},
		{`"q"`, ``, `[1]`, ``},
		{`"q"`, ``, ``, `{"persistedQuery": null} ` + canary},
		{`"\ud800` + canary + `"`, ``, ``, ``},
		{` null `, ``, `{}`, `{}`},
		{`"` + canary, ``, ``, ``},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, query, op, vars, ext string) {
		raw := func(s string) json.RawMessage {
			if s == "" {
				return nil
			}
			return json.RawMessage(s)
		}
		p, err := decodeParams(raw(query), raw(op), raw(vars), raw(ext))
		if err != nil {
			if p != nil {
				t.Fatalf("decodeParams returned params and %v", err)
			}
			if strings.Contains(err.Error(), canary) {
				t.Fatalf("error echoes the input: %v", err)
			}
			return
		}
		checkAccepted(t, p)
		// An accepted query is the JSON string it was sent as.
		if !isNull(raw(query)) {
			var want string
			if json.Unmarshal([]byte(query), &want) != nil || want != p.Query {
				t.Fatalf("query %q decoded as %q", query, p.Query)
			}
		}
	})
}

func FuzzPOST(f *testing.F) {
	for _, b := range []string{
		`{"query": "{ me { id } }"}`,
		`{"query": "query Q($p: String) { a(p: $p) }", "operationName": "Q", "variables": {"p": "` + canary + `"}}`,
		`{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "00"}}}`,
		`{"query": {"` + canary + `": 1}}`,
		`{"query": "q", "variables": "` + canary + `"}`,
		`{"query": "q", "operationName": 7}`,
		`{"query": "` + canary + `"`,
		`[{"query": "` + canary + `"}]`,
		`"` + canary + `"`,
		`{"query": null}`,
		`{"Query": "q", "VARIABLES": {"a": 1e400}}`,
		``,
		` `,
	} {
		f.Add(b, "application/json")
	}
	f.Add(`{"query": "q"}`, "application/json; charset=latin1")
	f.Add(`{"query": "q"}`, "text/plain")
	f.Fuzz(func(t *testing.T, body, contentType string) {
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		exec := &recordingExecutor{}
		POST{}.Do(rec, r, exec)
		if exec.params == nil {
			if rec.Code == http.StatusUnsupportedMediaType {
				if strings.Contains(rec.Body.String(), canary) {
					t.Fatalf("415 echoes the request: %s", rec.Body)
				}
				return
			}
			checkRejected(t, rec.Code, rec.Body.Bytes())
			return
		}
		checkAccepted(t, exec.params)
	})
}

func FuzzGET(f *testing.F) {
	for _, q := range []string{
		"query=%7B+me+%7B+id+%7D+%7D",
		"query=query+Q%28%24p%3AString%29%7Ba%7D&operationName=Q&variables=%7B%22p%22%3A%22" + canary + "%22%7D",
		"extensions=%7B%22persistedQuery%22%3A%7B%22version%22%3A1%7D%7D",
		"query=q&variables=" + canary,
		"query=q&variables=%5B%5D&x=" + canary,
		"query=q&extensions=%7B" + canary,
		"query=%zz" + canary,
		"query=q;" + canary,
		"operationName=" + canary,
		"query=",
		"query=%22%5Cu0000%22",
		"query=%7B+a+%7D%23%7F",
		"query=q&operationName=%07",
		"query=q%00%0B%FF%F3%A0%80%81&operationName=%E2%80",
		"",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		r := httptest.NewRequest(http.MethodGet, "/graphql", nil)
		r.URL.RawQuery = rawQuery
		rec := httptest.NewRecorder()
		exec := &recordingExecutor{}
		GET{}.Do(rec, r, exec)
		if exec.params != nil {
			checkAccepted(t, exec.params)
		} else {
			checkRejected(t, rec.Code, rec.Body.Bytes())
		}
		// GET and POST share one validation: the same parameters sent as a
		// JSON body must be accepted or refused alike, with the same text.
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			return
		}
		str := func(key string) json.RawMessage {
			if !q.Has(key) {
				return nil
			}
			b, _ := json.Marshal(q.Get(key))
			return b
		}
		want, werr := decodeParams(str("query"), str("operationName"), raw(q, "variables"), raw(q, "extensions"))
		switch {
		case (werr == nil) != (exec.params != nil):
			t.Fatalf("GET accepted=%v, the same parameters as JSON accepted=%v (%v): %q",
				exec.params != nil, werr == nil, werr, rawQuery)
		case werr == nil && (want.Query != exec.params.Query || want.OperationName != exec.params.OperationName):
			t.Fatalf("GET decoded %q/%q, JSON %q/%q", exec.params.Query, exec.params.OperationName, want.Query, want.OperationName)
		}
	})
}
