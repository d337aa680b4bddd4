package flankssim

import (
	"encoding/json"

	"github.com/shopspring/decimal"
)

// investment values a rendered position at AsOf.
func (b *invBuilder) investment(pos *position, st *holding) investment {
	gc := b.gc
	balance := b.gross(pos, st.shares, pos.pNow)
	cost := st.basis.Round(2)
	inv := investment{
		ID: pos.id, Name: pos.name, ISIN: pos.isin, Symbol: pos.symbol, Entity: gc.bank,
		Amount: decNum(st.shares, pos.scale), Balance: decNum(balance, 2), Currency: pos.currency,
		PortfolioID: gc.id("portfolio", b.specs[pos.portfolio].refValores), Type: pos.typ, Subtype: pos.subtype,
		ExternalID: gc.extID("investment", pos.isin), Cost: numPtr(decNum(cost, 2)), IsNominal: pos.nominal,
		InitialDate: nullable(st.first), ValuationDate: strPtr(day(gc.asOf)),
		Market: pos.market, OperatingMarket: pos.market, CapitalGain: numPtr(decNum(balance.Sub(cost), 2)),
		Leverage: numPtrDec(pos.leverage, 0), CountryModel: []any{}, UpdatedAt: gc.updatedAt,
	}
	if len(pos.isin) == 12 && pos.isin[:2] == "US" {
		inv.Cusip = strPtr(pos.isin[2:11])
	}
	if pos.expiry != nil {
		inv.ExpirationDate = strPtr(day(*pos.expiry))
	}
	if cost.IsPositive() {
		perf := balance.Sub(cost).Div(cost).Round(4)
		inv.Performance = numPtr(decNum(perf, 4))
		inv.PerformanceDetail = b.performanceDetail(perf)
	}
	b.typeSpecific(pos, &inv)
	inv.Analytics = b.analytics(pos)
	inv.Detail = b.detail(pos)
	return inv
}

// typeSpecific fills the fields the seed ties to one product type.
func (b *invBuilder) typeSpecific(pos *position, inv *investment) {
	switch pos.typ {
	case "F":
		mg, cu := managers[b.g.between(0, len(managers)-1)], custodians[b.g.between(0, len(custodians)-1)]
		inv.CNMV = &cnmvInfo{ISIN: pos.isin, Gestora: mg.name, CIFGestora: mg.cif, Depositaria: cu.name,
			CIFDepositaria: cu.cif, NumRegistroGestora: mg.registry, NumRegistroDepositaria: cu.registry}
	case "PP":
		mg := managers[b.g.between(0, len(managers)-1)]
		inv.DGS = &dgsInfo{Gestora: mg.name, CIFGestora: mg.cif}
	case "FI":
		inv.Interest = &investmentInterest{Rate: numPtr(decNum(*pos.rate, 2))}
		inv.AccruedInterest = numPtr(decNum(decimal.New(int64(b.g.between(10, 300)), -4), 4))
		inv.PriceExCupon = numPtr(decNum(pos.pNow, 2))
	case "BP":
		inv.Interest = &investmentInterest{Rate: numPtr(decNum(*pos.rate, 2))}
		inv.PlacingBank = strPtr(b.gc.entity.Name)
	}
}

// ratio draws a per-unit ratio in [lo, hi] basis points.
func (b *invBuilder) ratio(lo, hi int) *json.Number {
	return numPtr(decNum(decimal.New(int64(b.g.between(lo, hi)), -4), 4))
}

// performanceDetail spreads returns over the seed's windows; InitialToDate is the
// position's own performance.
func (b *invBuilder) performanceDetail(perf decimal.Decimal) *performanceDetail {
	return &performanceDetail{
		MTD: b.ratio(-300, 300), QTD: b.ratio(-600, 700), Halfyear: b.ratio(-900, 1200),
		YTD: b.ratio(-1000, 1500), Yearly: b.ratio(-1500, 2500),
		InitialToDate: numPtr(decNum(perf, 4)), InitialToDateYearly: numPtr(decNum(perf.Div(decimal.New(2, 0)).Round(4), 4)),
	}
}

// analytics gives fund ratios to funds and pension plans and equity ratios to shares and
// ETFs, as the seed says; other types have none.
func (b *invBuilder) analytics(pos *position) *analytics {
	switch pos.typ {
	case "F", "PP":
		return &analytics{Risk: b.ratio(100, 1800), SharpeRatio: b.ratio(-5000, 15000),
			TrackingErrorRatio: b.ratio(50, 800), Volatility: b.ratio(200, 2500), BetaRatio: b.ratio(5000, 12000)}
	case "VI", "ETF":
		return &analytics{BetaRatio: b.ratio(6000, 14000), Volatility: b.ratio(1200, 3500),
			PER: b.ratio(80000, 300000), ROE: b.ratio(500, 3000), PES: b.ratio(80000, 300000),
			EPS: b.ratio(5000, 90000), ROA: b.ratio(100, 1500)}
	}
	return nil
}

// detail is the public product information shown in "detail" and /investment/detail.
func (b *invBuilder) detail(pos *position) *investmentDetail {
	d := &investmentDetail{InvestmentID: pos.id, ISIN: pos.isin, Name: pos.name, Source: "morningstar",
		AssetClass: assetClass(pos), Currency: pos.currency}
	if pos.fund != nil {
		srri := pos.fund.srri
		d.Category, d.SRRI = strPtr(pos.fund.category), &srri
		d.TER = numPtr(decNum(decimal.New(int64(b.g.between(40, 190)), -4), 4))
		d.Region = strPtr("Global")
	}
	if pos.typ == "VI" || pos.typ == "ETF" {
		d.Source = "bloomberg"
	}
	return d
}

func assetClass(pos *position) string {
	if pos.fund != nil {
		return pos.fund.assetClass
	}
	switch pos.typ {
	case "VI", "ETF", "CFD", "DV":
		return "equity"
	case "FI", "O":
		return "fixed_income"
	case "C":
		return "crypto"
	case "L", "BP":
		return "cash"
	}
	return "alternative"
}
