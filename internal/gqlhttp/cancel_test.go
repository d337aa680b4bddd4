package gqlhttp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// nilExecutor answers every operation with no response, as gqlgen does
// when the request's context is done.
type nilExecutor struct{}

func (nilExecutor) CreateOperationContext(context.Context, *graphql.RawParams) (*graphql.OperationContext, gqlerror.List) {
	return &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: ast.Query}}, nil
}

func (nilExecutor) DispatchOperation(ctx context.Context, _ *graphql.OperationContext) (graphql.ResponseHandler, context.Context) {
	return func(context.Context) *graphql.Response { return nil }, ctx
}

func (nilExecutor) DispatchError(context.Context, gqlerror.List) *graphql.Response { return nil }

// TestNilResponse: a client that went away gets nothing and nothing
// panics; a request past its deadline gets TIMEOUT.
func TestNilResponse(t *testing.T) {
	post := func(ctx context.Context) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ a }"}`)).WithContext(ctx)
		r.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		POST{}.Do(rec, r, nilExecutor{})
		return rec
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if rec := post(cancelled); rec.Body.Len() != 0 {
		t.Fatalf("cancelled: %s", rec.Body)
	}
	expired, stop := context.WithTimeout(context.Background(), 0)
	defer stop()
	if rec := post(expired); !strings.Contains(rec.Body.String(), `"TIMEOUT"`) {
		t.Fatalf("expired: %s", rec.Body)
	}
}
