package flanks

import (
	"context"
	"net/http"
)

// AggregationRequest is the body of the v0 aggregation endpoints
// (https://docs.flanks.io/pages/flanks-apis/aggregation-api). Data is the
// last stored extraction, never live.
type AggregationRequest struct {
	// CredentialsToken selects one set of bank credentials. Required.
	CredentialsToken string `json:"credentials_token"`
	// Query filters results with the query engine, e.g.
	// Query{"account_id": []string{"ES9121000418450200051332"}}.
	Query Query `json:"query,omitempty"`
	// IgnoreDataError returns the stored data even when the last
	// extraction failed (instead of INCOMPLETE).
	IgnoreDataError bool `json:"ignore_data_error,omitempty"`
}

// Query is a query-engine filter object: keys are data-model field names;
// a list value matches any of its items.
type Query map[string]any

// aggregate POSTs req to an aggregation endpoint and decodes the answer.
// These reads change nothing upstream, so they are retried.
func aggregate[T any](ctx context.Context, c *Client, path string, req AggregationRequest) (T, error) {
	var out T
	if req.CredentialsToken == "" {
		return out, errNoCredentialsToken
	}
	err := c.do(ctx, &request{
		method: http.MethodPost, path: path, auth: true, idempotent: true,
		body: req, secrets: []string{req.CredentialsToken},
	}, &out)
	return out, err
}
