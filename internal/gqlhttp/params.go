package gqlhttp

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
)

// decodeParams checks the request parameters the way the spec defines them:
// query a string; operationName a string or null; variables and extensions
// a map or null. Messages never quote the request, which may hold secrets.
func decodeParams(query, operationName, variables, extensions json.RawMessage) (*graphql.RawParams, error) {
	p := &graphql.RawParams{}
	var err error
	if p.Query, err = stringParam("query", query); err != nil {
		return nil, err
	}
	if p.OperationName, err = stringParam("operationName", operationName); err != nil {
		return nil, err
	}
	if p.Variables, err = mapParam("variables", variables); err != nil {
		return nil, err
	}
	if p.Extensions, err = mapParam("extensions", extensions); err != nil {
		return nil, err
	}
	if p.Query == "" && !hasPersistedQuery(p.Extensions) {
		return nil, fmt.Errorf("the query parameter is required")
	}
	return p, nil
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

func stringParam(name string, raw json.RawMessage) (string, error) {
	if isNull(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("the %s parameter must be a string", name)
	}
	return s, nil
}

func mapParam(name string, raw json.RawMessage) (map[string]any, error) {
	if isNull(raw) {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	// Numbers stay json.Number so Decimal variables keep every digit.
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, fmt.Errorf("the %s parameter must be a JSON object", name)
	}
	return m, nil
}

// hasPersistedQuery reports an automatic persisted query, which may omit
// the query text once the server has seen its hash.
func hasPersistedQuery(ext map[string]any) bool {
	_, ok := ext["persistedQuery"]
	return ok
}
