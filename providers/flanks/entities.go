package flanks

import (
	"context"
	"net/http"
)

// Entity is a financial institution enabled for the company, from
// GET /v0/bank/available (https://docs.flanks.io/api-documentation).
type Entity struct {
	// ID is Flanks' entity id, used as the Link bank= parameter.
	ID   FlexString `json:"id"`
	Name string     `json:"name"`
	// CIF is the entity's VAT number.
	CIF string `json:"cif"`
	// AlwaysManualRefresh is true when the entity asks for 2FA on every login.
	AlwaysManualRefresh bool `json:"alwaysManualRefresh"`
}

// ListEntities calls GET /v0/bank/available (https://docs.flanks.io/api-documentation).
func (c *Client) ListEntities(ctx context.Context) ([]Entity, error) {
	var out []Entity
	err := c.do(ctx, &request{method: http.MethodGet, path: "/v0/bank/available", auth: true, idempotent: true}, &out)
	return out, err
}
