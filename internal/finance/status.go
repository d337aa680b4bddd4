package finance

import (
	"context"
	"encoding/json"
	"time"

	"github.com/fingraph/fingraph/models"
)

// ProductState is how one product of a credentials stands upstream (the
// provider's created/errored flags) and in our cache (the sync record).
type ProductState struct {
	Product   models.Product
	Created   bool
	Errored   bool
	Sync      string // never, ok, pending, error
	FetchedAt *time.Time
}

// ProductStates returns the state of every product the credentials'
// provider serves; the sync records of all credentials in a response load
// in one query. siblings are the other fields the response asks of these
// credentials: the products among them are made fresh first (once per
// request, shared with their own fields), so the status describes the
// data the same response carries, not the cache before it.
func (s *Service) ProductStates(ctx context.Context, c *models.Credentials, siblings ...string) ([]ProductState, error) {
	var wanted []models.Product
	for _, f := range siblings {
		if p, ok := productFields[f]; ok {
			wanted = append(wanted, p)
		}
	}
	_ = s.ensure(ctx, c, wanted...) // failures are reported by the product fields themselves
	recs, err := loadersFrom(ctx).syncRecords.Load(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	byProduct := make(map[models.Product]models.SyncRecord, len(recs))
	for _, r := range recs {
		byProduct[r.Product] = r
	}
	flags := decodeFlags(c.ProductStatus)
	products := models.DataProducts()
	out := make([]ProductState, 0, len(products))
	for _, d := range products {
		p := d.Product
		if !s.agg.Serves(c.Provider, p) {
			continue
		}
		st := ProductState{Product: p, Sync: "never", Created: flags[p].Created, Errored: flags[p].Errored}
		if r, ok := byProduct[p]; ok {
			st.Sync, st.FetchedAt = r.Status, r.FetchedAt
		}
		out = append(out, st)
	}
	return out, nil
}

// productFields are the Credentials fields that read one product.
var productFields = map[string]models.Product{
	"accounts": models.ProductAccounts, "portfolios": models.ProductPortfolios,
	"investments": models.ProductInvestments, "liabilities": models.ProductLiabilities,
	"cards": models.ProductCards, "identity": models.ProductIdentity, "holders": models.ProductHolders,
	"mifid": models.ProductMifid,
}

// decodeFlags reads the per-product flags stored with the credentials.
func decodeFlags(raw models.JSON) map[models.Product]models.ProductFlags {
	out := map[models.Product]models.ProductFlags{}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &out)
	}
	return out
}
