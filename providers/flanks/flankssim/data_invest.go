package flankssim

import (
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// usdToEUR is the fixed exchange of USD positions into the EUR portfolios: "1 unit of
// investment currency is equivalent to exchange units of portfolio currency".
var usdToEUR = decimal.RequireFromString("0.9200")

// position is one investment before its transactions are rendered.
type position struct {
	typ, name, isin, currency string
	subtype, symbol, market   *string
	scale                     int32 // decimals of the share amount
	nominal                   bool  // amount is a nominal, the price a percentage
	p0, pNow                  decimal.Decimal
	fund                      *fund
	rate                      *decimal.Decimal // coupon or deposit rate, percent
	expiry                    *time.Time
	leverage                  *decimal.Decimal
	portfolio                 int
	id                        string
	events                    []invEvent
}

// invResult is the investment side of a dataset.
type invResult struct {
	portfolios []portfolio
	items      []investment
	txns       []investmentTxn
	details    []investmentDetail
}

// portfolioSpec is a portfolio with the positions planned in it.
type portfolioSpec struct {
	name, refValores string
}

// buildInvestments plans four portfolios that together hold every investment type code
// (F; VI, ETF, FI, CFD, DV, O, C, AEP, L; PP; BP), generates each position's history,
// and values everything at AsOf.
func buildInvestments(gc *genCtx, mainIBAN string) invResult {
	g := gc.rng("investments")
	specs := []portfolioSpec{
		{name: "Cartera de Fondos"}, {name: "Cartera de Valores"},
		{name: "Plan de Pensiones"}, {name: "Depósitos y Productos Bancarios"},
	}
	for i := range specs {
		specs[i].refValores = gc.entity.bankCode + g.digits(16)
	}
	positions := planPositions(gc, g)
	b := &invBuilder{gc: gc, g: g, mainIBAN: mainIBAN, specs: specs}
	for _, pos := range positions {
		pos.id = gc.id("investment", pos.isin, strconv.Itoa(pos.portfolio))
		planEvents(b, pos)
	}
	fundTransfer(b, positions)
	var res invResult
	for _, pos := range positions {
		inv, txns := b.render(pos)
		res.items = append(res.items, inv)
		res.txns = append(res.txns, txns...)
		res.details = append(res.details, *inv.Detail)
	}
	res.portfolios = portfolios(gc, specs, mainIBAN, res.items)
	sortInvestmentTxns(res.txns)
	return res
}

// planPositions picks the instruments of each portfolio.
func planPositions(gc *genCtx, g *rng) []*position {
	var out []*position
	add := func(p *position, portfolio int) { p.portfolio = portfolio; out = append(out, p) }
	for _, f := range pickN(g, funds, g.between(2, 3)) {
		add(fundPosition(g, "F", f), 0)
	}
	for _, s := range pickN(g, stocks, g.between(2, 3)) {
		add(sharePosition(g, "VI", s), 1)
	}
	for _, s := range pickN(g, etfs, g.between(1, 2)) {
		add(sharePosition(g, "ETF", s), 1)
	}
	for _, p := range []*position{bondPosition(gc, g), cfdPosition(g), derivativePosition(gc, g),
		structuredPosition(gc, g), cryptoPosition(g), alternativePosition(g), liquidityPosition(g)} {
		add(p, 1)
	}
	add(fundPosition(g, "PP", pick(g, pensionPlans)), 2)
	add(depositPosition(gc, g), 3)
	return out
}

// pickN returns n distinct items of xs, in a random order.
func pickN[T any](g *rng, xs []T, n int) []T {
	idx := g.r.Perm(len(xs))
	out := make([]T, 0, n)
	for _, i := range idx[:min(n, len(xs))] {
		out = append(out, xs[i])
	}
	return out
}

// drift moves a reference price by -15% .. +35% to get today's price.
func drift(g *rng, p decimal.Decimal, places int32) decimal.Decimal {
	return p.Mul(decimal.New(int64(g.between(8500, 13500)), -4)).Round(places)
}

func fundPosition(g *rng, typ string, f fund) *position {
	p0 := decimal.RequireFromString(f.price)
	isin := isinWithCheck("ES0" + g.digits(8))
	if typ == "PP" {
		isin = "N" + g.digits(4) // pension plans are identified by their DGS code
	}
	return &position{typ: typ, name: f.name, isin: isin, currency: "EUR", scale: 4,
		p0: p0, pNow: drift(g, p0, 4), fund: &f}
}

func sharePosition(g *rng, typ string, s share) *position {
	p0 := decimal.RequireFromString(s.price)
	return &position{typ: typ, name: s.name, isin: s.isin, currency: s.currency, scale: 0,
		symbol: strPtr(s.symbol), market: strPtr(s.market), p0: p0, pNow: drift(g, p0, 2)}
}

func bondPosition(gc *genCtx, g *rng) *position {
	rate := decimal.New(int64(g.between(150, 400)), -2)
	expiry := time.Date(gc.asOf.Year()+g.between(3, 9), time.Month(g.between(1, 12)), 30, 0, 0, 0, 0, time.UTC)
	return &position{typ: "FI", name: "Bono Estado " + rate.StringFixed(2) + "% " + strconv.Itoa(expiry.Year()),
		isin: isinWithCheck("ES0000" + g.digits(5)), currency: "EUR", scale: 0, nominal: true,
		p0: decimal.New(int64(g.between(9500, 10200)), -2), pNow: decimal.New(int64(g.between(9600, 10300)), -2),
		rate: &rate, expiry: &expiry}
}

func cfdPosition(g *rng) *position {
	lev := decimal.New(5, 0)
	p0 := decimal.New(int64(g.between(900000, 1100000)), -2)
	return &position{typ: "CFD", name: "CFD IBEX 35", isin: isinWithCheck("XS" + g.digits(9)), currency: "EUR",
		scale: 0, symbol: strPtr("IBEX"), p0: p0, pNow: drift(g, p0, 2), leverage: &lev}
}

func derivativePosition(gc *genCtx, g *rng) *position {
	expiry := clampDay(gc.asOf.AddDate(0, g.between(2, 9), 0), 20)
	p0 := decimal.New(int64(g.between(8000, 25000)), -2)
	return &position{typ: "DV", subtype: strPtr("OP"), name: "Opción Call IBEX 35 " + expiry.Format("01/2006"),
		isin: isinWithCheck("XS" + g.digits(9)), currency: "EUR", scale: 0, p0: p0, pNow: drift(g, p0, 2), expiry: &expiry}
}

func structuredPosition(gc *genCtx, g *rng) *position {
	expiry := gc.asOf.AddDate(g.between(1, 4), 0, 0)
	return &position{typ: "O", name: "Producto Estructurado Autocancelable Eurostoxx", isin: isinWithCheck("XS" + g.digits(9)),
		currency: "EUR", scale: 0, nominal: true, p0: decimal.New(100, 0),
		pNow: decimal.New(int64(g.between(9200, 10800)), -2), expiry: &expiry}
}

func cryptoPosition(g *rng) *position {
	p0 := decimal.New(int64(g.between(3500000, 6000000)), -2)
	return &position{typ: "C", name: "Bitcoin", isin: "BTC", currency: "EUR", scale: 8, symbol: strPtr("BTC"),
		p0: p0, pNow: drift(g, p0, 2)}
}

func alternativePosition(g *rng) *position {
	p0 := decimal.New(int64(g.between(9000, 11000)), -2)
	return &position{typ: "AEP", name: "Fondo Capital Riesgo Impacto FCR", isin: isinWithCheck("ES0" + g.digits(8)),
		currency: "EUR", scale: 4, p0: p0, pNow: drift(g, p0, 4)}
}

func liquidityPosition(g *rng) *position {
	return &position{typ: "L", name: "Liquidez Cuenta de Valores", isin: "EUR", currency: "EUR", scale: 2,
		p0: decimal.New(1, 0), pNow: decimal.New(1, 0)}
}

func depositPosition(gc *genCtx, g *rng) *position {
	rate := decimal.New(int64(g.between(150, 325)), -2)
	expiry := gc.asOf.AddDate(0, g.between(1, 11), 0)
	return &position{typ: "BP", name: "Depósito a Plazo Fijo 12 meses", isin: "DEP" + g.digits(9), currency: "EUR",
		scale: 2, p0: decimal.New(1, 0), pNow: decimal.New(1, 0), rate: &rate, expiry: &expiry}
}

// portfolios renders the portfolios; each is valued in EUR at the sum of its positions.
func portfolios(gc *genCtx, specs []portfolioSpec, mainIBAN string, items []investment) []portfolio {
	var out []portfolio
	for _, sp := range specs {
		id := gc.id("portfolio", sp.refValores)
		gc.holders.add(id, sp.name, gc.people.owner.fullName(), "Titular")
		total, types := decimal.Zero, map[string]bool{}
		for _, inv := range items {
			if inv.PortfolioID == id {
				total = total.Add(eurValue(inv))
				types[inv.Type] = true
			}
		}
		typ := "MIX"
		for t := range types {
			if len(types) == 1 {
				typ = t
			}
		}
		out = append(out, portfolio{ID: id, Name: sp.name, Type: typ, Currency: "EUR", RefValores: strPtr(sp.refValores),
			RefAccount: strPtr(mainIBAN), RefAccounts: []string{mainIBAN}, Owners: gc.holders.owners(id),
			Balance: decNum(total, 2), Entity: gc.bank, ExternalID: gc.extID("portfolio", sp.refValores), UpdatedAt: gc.updatedAt})
	}
	return out
}

// eurValue converts an investment's balance into the portfolio currency.
func eurValue(inv investment) decimal.Decimal {
	bal := decimal.RequireFromString(string(inv.Balance))
	if inv.Currency == "USD" {
		return bal.Mul(usdToEUR).Round(2)
	}
	return bal
}
