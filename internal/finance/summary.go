package finance

import (
	"context"
	"sort"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/models"
)

// CurrencyTotal is the net position in one currency.
type CurrencyTotal struct {
	Currency                            string
	Cash, Investments, Liabilities, Net decimal.Decimal
}

// ProductTotal is the total and count of one product type in one currency.
type ProductTotal struct {
	Product  models.Product
	Currency string
	Total    decimal.Decimal
	Count    int
}

// Summary holds dashboard totals.
type Summary struct {
	ByCurrency []CurrencyTotal
	ByProduct  []ProductTotal
}

// Summary totals the user's cached balances. Sums are done here with
// exact decimals: SQLite keeps money as text, so SQL SUM would go through
// floating point. A total keeps the largest scale of its terms and has at
// least the currency's minor units (totalScale): EUR 2150.00 + 10.5 is
// "2160.50", and a currency without cash still shows cash "0.00".
func (s *Service) Summary(ctx context.Context, userID string) (*Summary, error) {
	warn := s.ensureAll(ctx, userID,
		models.ProductAccounts, models.ProductInvestments, models.ProductLiabilities, models.ProductCards)
	scope, err := scopeOf(ctx)
	if err != nil {
		return nil, err
	}
	scope.UserID, scope.All = userID, false
	rows, err := s.store.SummaryRows(ctx, scope)
	if err != nil {
		return nil, err
	}
	t := newTotals()
	for _, a := range rows.Accounts {
		t.add(models.ProductAccounts, a.Currency, a.Balance, func(c *CurrencyTotal, d decimal.Decimal) { c.Cash = c.Cash.Add(d) })
	}
	for _, i := range rows.Investments {
		t.add(models.ProductInvestments, i.Currency, i.Balance, func(c *CurrencyTotal, d decimal.Decimal) { c.Investments = c.Investments.Add(d) })
	}
	for _, l := range rows.Liabilities {
		t.add(models.ProductLiabilities, l.Currency, l.Balance, func(c *CurrencyTotal, d decimal.Decimal) { c.Liabilities = c.Liabilities.Add(d) })
	}
	for _, c := range rows.Cards {
		if c.Currency != nil && c.AvailableBalance.Valid {
			t.add(models.ProductCards, *c.Currency, c.AvailableBalance.Decimal, nil)
		}
	}
	return t.result(), partial(nil, warn)
}

type totals struct {
	byCurrency map[string]*CurrencyTotal
	byProduct  map[[2]string]*ProductTotal
}

func newTotals() *totals {
	return &totals{byCurrency: map[string]*CurrencyTotal{}, byProduct: map[[2]string]*ProductTotal{}}
}

func (t *totals) add(p models.Product, cur string, amount decimal.Decimal, toCurrency func(*CurrencyTotal, decimal.Decimal)) {
	k := [2]string{string(p), cur}
	pt := t.byProduct[k]
	if pt == nil {
		pt = &ProductTotal{Product: p, Currency: cur}
		t.byProduct[k] = pt
	}
	pt.Total, pt.Count = pt.Total.Add(amount), pt.Count+1
	if toCurrency == nil {
		return
	}
	ct := t.byCurrency[cur]
	if ct == nil {
		ct = &CurrencyTotal{Currency: cur}
		t.byCurrency[cur] = ct
	}
	toCurrency(ct, amount)
}

func (t *totals) result() *Summary {
	out := &Summary{}
	for _, c := range t.byCurrency {
		c.Net = c.Cash.Add(c.Investments).Sub(c.Liabilities)
		for _, d := range []*decimal.Decimal{&c.Cash, &c.Investments, &c.Liabilities, &c.Net} {
			*d = totalScale(*d, c.Currency)
		}
		out.ByCurrency = append(out.ByCurrency, *c)
	}
	for _, p := range t.byProduct {
		p.Total = totalScale(p.Total, p.Currency)
		out.ByProduct = append(out.ByProduct, *p)
	}
	sort.Slice(out.ByCurrency, func(i, j int) bool { return out.ByCurrency[i].Currency < out.ByCurrency[j].Currency })
	sort.Slice(out.ByProduct, func(i, j int) bool {
		a, b := out.ByProduct[i], out.ByProduct[j]
		return a.Product < b.Product || (a.Product == b.Product && a.Currency < b.Currency)
	})
	return out
}

// totalScale gives a total at least the minor units of its currency. Sums
// already keep the largest scale of their terms (decimal.Add), so
// 2150.00 + 10.5 is 2160.50; the minor units matter for totals of no terms
// (zero) or of whole amounts only. A code without known minor units keeps
// the scale of its terms.
func totalScale(d decimal.Decimal, currency string) decimal.Decimal {
	if units, ok := models.MinorUnits(currency); ok {
		return models.WithScaleAtLeast(d, units)
	}
	return d
}
