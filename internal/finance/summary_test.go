package finance

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/models"
)

// A total keeps the largest scale of its terms and has at least its
// currency's minor units: money totals are shown like the amounts they add.
func TestTotalsKeepScale(t *testing.T) {
	d := decimal.RequireFromString
	cash := func(c *CurrencyTotal, x decimal.Decimal) { c.Cash = c.Cash.Add(x) }
	inv := func(c *CurrencyTotal, x decimal.Decimal) { c.Investments = c.Investments.Add(x) }
	liab := func(c *CurrencyTotal, x decimal.Decimal) { c.Liabilities = c.Liabilities.Add(x) }
	tt := newTotals()
	tt.add(models.ProductAccounts, "EUR", d("2150.00"), cash)
	tt.add(models.ProductAccounts, "EUR", d("-45.20"), cash)
	tt.add(models.ProductAccounts, "EUR", d("10"), cash)
	tt.add(models.ProductLiabilities, "EUR", d("100.5"), liab)
	tt.add(models.ProductAccounts, "USD", d("0.00"), cash)
	tt.add(models.ProductInvestments, "USD", d("12.3456"), inv)
	tt.add(models.ProductAccounts, "JPY", d("1000"), cash)
	tt.add(models.ProductAccounts, "KWD", d("1.5"), cash)
	tt.add(models.ProductInvestments, "XAU", d("0.5"), inv)
	tt.add(models.ProductCards, "EUR", d("3000"), nil)
	s := tt.result()

	text := func(x decimal.Decimal) string { return models.DecimalText(x) }
	want := map[string][4]string{ // cash, investments, liabilities, net
		"EUR": {"2114.80", "0.00", "100.50", "2014.30"},
		"JPY": {"1000", "0", "0", "1000"},
		"KWD": {"1.500", "0.000", "0.000", "1.500"},
		"USD": {"0.00", "12.3456", "0.00", "12.3456"},
		"XAU": {"0", "0.5", "0", "0.5"},
	}
	if len(s.ByCurrency) != len(want) {
		t.Fatalf("by currency %+v", s.ByCurrency)
	}
	for _, c := range s.ByCurrency {
		got := [4]string{text(c.Cash), text(c.Investments), text(c.Liabilities), text(c.Net)}
		if got != want[c.Currency] {
			t.Errorf("%s totals %v, want %v", c.Currency, got, want[c.Currency])
		}
	}
	type key struct {
		p models.Product
		c string
	}
	wantProduct := map[key]string{
		{models.ProductAccounts, "EUR"}: "2114.80", {models.ProductLiabilities, "EUR"}: "100.50",
		{models.ProductCards, "EUR"}: "3000.00", {models.ProductAccounts, "USD"}: "0.00",
		{models.ProductInvestments, "USD"}: "12.3456", {models.ProductAccounts, "JPY"}: "1000",
		{models.ProductAccounts, "KWD"}: "1.500", {models.ProductInvestments, "XAU"}: "0.5",
	}
	if len(s.ByProduct) != len(wantProduct) {
		t.Errorf("by product %+v", s.ByProduct)
	}
	for _, p := range s.ByProduct {
		k := key{p.Product, p.Currency}
		if w, ok := wantProduct[k]; !ok || text(p.Total) != w {
			t.Errorf("%v total %s, want %s", k, text(p.Total), w)
		}
	}
}
