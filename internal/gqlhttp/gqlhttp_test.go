package gqlhttp

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

func TestWriteJSONShapes(t *testing.T) {
	for _, tc := range []struct {
		name string
		resp graphql.Response
		want string
	}{
		{"data only", graphql.Response{Data: json.RawMessage(`{"a":"<b>&"}`)},
			`{"data":{"a":"<b>&"}}`},
		{"never executed: no data entry", graphql.Response{Errors: gqlerror.List{Error("BAD_REQUEST", "bad")}},
			`{"errors":[{"message":"bad","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"executed to null", graphql.Response{Data: json.RawMessage(`null`), Errors: gqlerror.List{{Message: "x"}}},
			`{"errors":[{"message":"x"}],"data":null}`},
		{"every member in order", graphql.Response{
			Errors: gqlerror.List{{Message: "x"}}, Data: json.RawMessage(`{}`), Extensions: map[string]any{"k": 1}},
			`{"errors":[{"message":"x"}],"data":{},"extensions":{"k":1}}`},
		{"nothing", graphql.Response{}, `{}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			writeJSON(rec, &tc.resp)
			if got := rec.Body.String(); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("invalid JSON: %s", rec.Body)
			}
		})
	}
}

func TestSetHeadersForbidSniffing(t *testing.T) {
	rec := httptest.NewRecorder()
	setHeaders(rec, MediaTypeJSON)
	if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Fatalf("X-Content-Type-Options = %q, want nosniff", got)
	}
}
