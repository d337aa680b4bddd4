package gqlhttp

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/99designs/gqlgen/graphql"
)

// GET serves `GET /graphql?query=...` for query operations only.
type GET struct{}

var _ graphql.Transport = GET{}

// Supports claims plain GET requests.
func (GET) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet && r.Header.Get("Upgrade") == ""
}

// Do reads the URL parameters, then creates and dispatches the operation.
func (GET) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		WriteErrors(w, r, http.StatusBadRequest, Error(CodeBadRequest, "the query string is malformed"))
		return
	}
	params, err := decodeParams(
		quoted(q, "query"), quoted(q, "operationName"),
		raw(q, "variables"), raw(q, "extensions"))
	if err != nil {
		WriteErrors(w, r, http.StatusBadRequest, Error(CodeBadRequest, err.Error()))
		return
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	execute(w, r, exec, params, true)
}

// quoted turns a URL parameter into a JSON string so GET and POST share one
// validation path. It must be JSON's own encoding: strconv.Quote writes
// escapes JSON lacks (\x00, \a, \x7f, \U000e0001), which made GET refuse
// text POST accepts. Invalid UTF-8 becomes U+FFFD, as it does in a POST
// body's strings.
func quoted(q url.Values, key string) json.RawMessage {
	if !q.Has(key) {
		return nil
	}
	b, _ := json.Marshal(q.Get(key)) // a string always encodes
	return b
}

func raw(q url.Values, key string) json.RawMessage {
	if !q.Has(key) || q.Get(key) == "" {
		return nil
	}
	return json.RawMessage(q.Get(key))
}

// execute is shared by both transports. queryOnly enforces the spec's rule
// that GET must not run mutations: 405 with Allow: POST.
func execute(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, params *graphql.RawParams, queryOnly bool) {
	ctx := r.Context()
	params.Headers = r.Header
	mediaType := Negotiate(r)
	rc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		setHeaders(w, mediaType)
		w.WriteHeader(statusForRequestErrors(w, mediaType, errs))
		writeJSON(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs))
		return
	}
	if queryOnly && rc.Operation != nil && rc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", http.MethodPost)
		WriteErrors(w, r, http.StatusMethodNotAllowed,
			Error(CodeBadRequest, "GET requests may only run queries; use POST for mutations"))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	resp := responses(ctx)
	if resp == nil {
		// gqlgen answers nothing for a cancelled context: a client that
		// went away needs no answer; one past the deadline gets TIMEOUT.
		if errors.Is(r.Context().Err(), context.Canceled) {
			return
		}
		resp = &graphql.Response{Errors: gqlerror.List{Error("TIMEOUT", "the operation took too long")}}
	}
	setHeaders(w, mediaType)
	if unavailable(resp) {
		// Nothing could be done: tell clients and proxies to retry.
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	writeJSON(w, resp)
}

// CodeServiceUnavailable is the extensions.code of an operation that
// failed because the server's own database could not be reached.
const CodeServiceUnavailable = "SERVICE_UNAVAILABLE"

// unavailable reports an operation that returned no data at all, only
// SERVICE_UNAVAILABLE errors.
func unavailable(resp *graphql.Response) bool {
	if len(resp.Errors) == 0 || (len(resp.Data) > 0 && string(resp.Data) != "null") {
		return false
	}
	for _, e := range resp.Errors {
		if e.Extensions["code"] != CodeServiceUnavailable {
			return false
		}
	}
	return true
}
