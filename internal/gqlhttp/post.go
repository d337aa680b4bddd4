package gqlhttp

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
)

// POST serves `POST /graphql` with an application/json body.
type POST struct{}

var _ graphql.Transport = POST{}

// Supports claims every POST so that wrong content types get a proper 415
// from Do instead of gqlgen's generic "transport not supported".
func (POST) Supports(r *http.Request) bool {
	return r.Method == http.MethodPost && r.Header.Get("Upgrade") == ""
}

// Do decodes the body, then creates and dispatches the operation.
func (POST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if status, msg := checkContentType(r); status != 0 {
		WriteErrors(w, r, status, Error(CodeBadRequest, msg))
		return
	}
	start := graphql.Now()
	var body struct {
		Query         json.RawMessage `json:"query"`
		OperationName json.RawMessage `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
		Extensions    json.RawMessage `json:"extensions"`
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		WriteErrors(w, r, http.StatusBadRequest, Error(CodeBadRequest, "could not read the request body"))
		return
	}
	if len(data) == 0 {
		WriteErrors(w, r, http.StatusBadRequest, Error(CodeBadRequest, "the request body is empty"))
		return
	}
	if err := json.Unmarshal(data, &body); err != nil {
		WriteErrors(w, r, http.StatusBadRequest, Error(CodeBadRequest, "the request body is not a JSON object"))
		return
	}
	params, err := decodeParams(body.Query, body.OperationName, body.Variables, body.Extensions)
	if err != nil {
		WriteErrors(w, r, http.StatusBadRequest, Error(CodeBadRequest, err.Error()))
		return
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	execute(w, r, exec, params, false)
}

// checkContentType accepts application/json in UTF-8 (the spec's MUST) and
// rejects anything else with 415 Unsupported Media Type.
func checkContentType(r *http.Request) (int, string) {
	mt, ps, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != MediaTypeJSON {
		return http.StatusUnsupportedMediaType, "Content-Type must be application/json"
	}
	if cs, ok := ps["charset"]; ok && cs != "utf-8" && cs != "UTF-8" {
		return http.StatusUnsupportedMediaType, "only the utf-8 charset is supported"
	}
	return 0, ""
}
