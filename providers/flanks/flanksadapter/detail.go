package flanksadapter

import (
	"context"
	"encoding/json"

	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks"
)

// investments is the fetcher of the investments product. Flanks serves
// an investment's public product information twice: in its "detail"
// field and on POST /investment/detail. A position listed without its
// detail (Flanks gathers it from other sources, possibly later) gets it
// from the detail endpoint, in one more call made only then. The detail
// endpoint's items are matched to positions by investment id, else by
// ISIN. The detail is optional: if that call fails the positions are
// still returned, with no detail, and the next refresh tries again.
func investments(c *flanks.Client) fetcher {
	list := listOf(c.ListInvestments, mapInvestment, func(r *provider.Rows, v []provider.Linked[models.Investment]) { r.Investments = v })
	return func(ctx context.Context, req flanks.AggregationRequest) (*provider.Rows, error) {
		rows, err := list(ctx, req)
		if err != nil {
			return nil, err
		}
		completeDetails(ctx, c, req, rows.Investments)
		return rows, nil
	}
}

// completeDetails asks POST /investment/detail for the positions listed
// without a detail, if any, and fills them in; a failed call leaves them
// without one. Both fetch paths (the investments endpoint and
// /credentials/all) use it, so a position's detail does not depend on
// which of them fetched it.
func completeDetails(ctx context.Context, c *flanks.Client, req flanks.AggregationRequest, invs []provider.Linked[models.Investment]) {
	if !missingDetail(invs) {
		return
	}
	if raw, err := c.GetInvestmentDetail(ctx, req); err == nil {
		fillDetails(invs, raw)
	}
}

func missingDetail(invs []provider.Linked[models.Investment]) bool {
	for _, i := range invs {
		if i.Row.Detail == nil {
			return true
		}
	}
	return false
}

// fillDetails gives each position without a detail the item of raw (a
// list of detail documents) naming its id, or else its ISIN. Items that
// do not decode, or match nothing, are left out.
func fillDetails(invs []provider.Linked[models.Investment], raw json.RawMessage) {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return
	}
	byID, byISIN := map[string]json.RawMessage{}, map[string]json.RawMessage{}
	for _, it := range items {
		var k struct {
			InvestmentID string `json:"investment_id"`
			ID           string `json:"_id"`
			ISIN         string `json:"isin"`
		}
		if json.Unmarshal(it, &k) != nil {
			continue
		}
		for _, id := range []string{k.InvestmentID, k.ID} {
			if id != "" {
				byID[id] = it
			}
		}
		if k.ISIN != "" {
			byISIN[k.ISIN] = it
		}
	}
	for i := range invs {
		r := &invs[i].Row
		if r.Detail != nil {
			continue
		}
		if d, ok := byID[r.ProviderID]; ok {
			r.Detail = rawDoc(d)
		} else if r.ISIN != nil {
			if d, ok := byISIN[*r.ISIN]; ok {
				r.Detail = rawDoc(d)
			}
		}
	}
}
