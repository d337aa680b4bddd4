// Package gqlhttp implements the GraphQL over HTTP specification
// (graphql.github.io/graphql-over-http) as gqlgen transports. gqlgen's own
// POST and GET transports deviate in ways that matter to us: they echo the
// whole request body in JSON decode errors (leaking secrets), answer GET
// mutations with 406 instead of 405, accept non-string `query` values and
// use 422 where the spec asks for 200 (application/json) or 400
// (application/graphql-response+json).
package gqlhttp

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/99designs/gqlgen/graphql"
)

// Media types of GraphQL responses.
const (
	MediaTypeJSON            = "application/json"
	MediaTypeGraphQLResponse = "application/graphql-response+json"
)

// CodeBadRequest is the extensions.code of malformed GraphQL-over-HTTP
// requests (bad JSON, wrong parameter types, missing query).
const CodeBadRequest = "BAD_REQUEST"

// Negotiate picks the response media type from the Accept header. A missing
// header, */* and application/* mean application/json for compatibility
// with pre-spec clients; an explicit application/graphql-response+json wins
// when the client lists it first or alone. Unsupported lists fall back to
// application/json rather than 406, which the spec permits.
func Negotiate(r *http.Request) string {
	accept := r.Header.Get("Accept")
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case MediaTypeGraphQLResponse:
			return MediaTypeGraphQLResponse
		case MediaTypeJSON, "*/*", "application/*":
			return MediaTypeJSON
		}
	}
	return MediaTypeJSON
}

// WriteErrors writes a GraphQL-shaped error response with the given status,
// negotiating the media type. Other HTTP layers (auth, body limits) use it
// so every answer of /graphql has the same shape.
func WriteErrors(w http.ResponseWriter, r *http.Request, status int, errs ...*gqlerror.Error) {
	setHeaders(w, Negotiate(r))
	w.WriteHeader(status)
	writeJSON(w, &graphql.Response{Errors: errs})
}

// Error builds a request-level error carrying an extensions.code.
func Error(code, message string) *gqlerror.Error {
	return &gqlerror.Error{Message: message, Extensions: map[string]any{"code": code}}
}

func setHeaders(w http.ResponseWriter, mediaType string) {
	h := w.Header()
	h.Set("Content-Type", mediaType+"; charset=utf-8")
	// Responses carry personal financial data: never store them in caches.
	h.Set("Cache-Control", "no-store")
	// Strings in the data are not HTML-escaped (see writeJSON): forbid
	// content sniffing so a browser never renders an answer as HTML.
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept")
}

// writeJSON writes resp as {"errors":…,"data":…,"extensions":…}. An
// absent data is left out (the spec: a request that never executed has no
// data entry; an executed one keeps an explicit null). The data is the
// executor's own JSON and is written as it is: wrapping it in json.Marshal
// re-validated and copied the whole document (about 1.3 ms for a 190 KB
// answer) only to HTML-escape <, > and &, which a JSON media type served
// with nosniff does not need.
func writeJSON(w http.ResponseWriter, resp *graphql.Response) {
	if resp == nil {
		resp = &graphql.Response{Errors: gqlerror.List{Error("INTERNAL", "internal error")}}
	}
	var errs, ext []byte
	var err error
	if len(resp.Errors) > 0 {
		errs, err = json.Marshal(resp.Errors)
	}
	if err == nil && len(resp.Extensions) > 0 {
		ext, err = json.Marshal(resp.Extensions)
	}
	if err != nil {
		_, _ = io.WriteString(w, `{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`)
		return
	}
	sep := "{"
	member := func(name string, v []byte) {
		if len(v) == 0 {
			return
		}
		_, _ = io.WriteString(w, sep+`"`+name+`":`)
		_, _ = w.Write(v)
		sep = ","
	}
	member("errors", errs)
	member("data", resp.Data)
	member("extensions", ext)
	if sep == "{" {
		_, _ = io.WriteString(w, "{")
	}
	_, _ = io.WriteString(w, "}")
}

// CodeRateLimited marks a request error that must be answered with HTTP
// 429; its extensions.retryAfter (seconds) becomes the Retry-After header.
const CodeRateLimited = "RATE_LIMITED"

// statusForRequestErrors is the status when the operation could not start
// (parse, validation or variable coercion errors): 200 for
// application/json, 400 for application/graphql-response+json, and 429
// for a throttled caller whatever the media type.
func statusForRequestErrors(w http.ResponseWriter, mediaType string, errs gqlerror.List) int {
	for _, e := range errs {
		if e.Extensions["code"] == CodeRateLimited {
			if s, ok := e.Extensions["retryAfter"].(int); ok {
				w.Header().Set("Retry-After", strconv.Itoa(s))
			}
			return http.StatusTooManyRequests
		}
	}
	if mediaType == MediaTypeGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusOK
}
