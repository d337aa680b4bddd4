package flankssim

import (
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// Investment transaction type codes used by the simulator. The seed points at a table it
// does not include; "4" (fund transfer) and "28" (reversal) are the codes it names.
const (
	invBuy      = "1"
	invSell     = "2"
	invTransfer = "4"
	invDividend = "5"
	invCoupon   = "6"
)

// invEvent is one movement of a position. Sells and outgoing transfers give a fraction of
// the shares held at that moment, resolved when the history is rendered in order.
type invEvent struct {
	date      time.Time
	typ, desc string
	shares    decimal.Decimal // buys and incoming transfers
	cash      decimal.Decimal // buys by amount, dividends and coupons
	fraction  decimal.Decimal // sells and outgoing transfers
	dest      *position       // outgoing transfer target
	basis     decimal.Decimal // cost basis carried by an incoming transfer
	price     decimal.Decimal // fixed price of an incoming transfer; zero means priced by date
}

// invBuilder carries what rendering positions needs.
type invBuilder struct {
	gc       *genCtx
	g        *rng
	mainIBAN string
	specs    []portfolioSpec
}

// randomDay returns a day in [from, gc.asOf].
func (b *invBuilder) randomDay(from time.Time) time.Time {
	span := int(b.gc.asOf.Sub(from).Hours() / 24)
	return from.AddDate(0, 0, b.g.between(0, max(span, 0)))
}

func (b *invBuilder) add(pos *position, e invEvent) { pos.events = append(pos.events, e) }

// planEvents draws the buys, sells and income of one position by type.
func planEvents(b *invBuilder, pos *position) {
	gc, g := b.gc, b.g
	early := func() time.Time { return gc.start.AddDate(0, 0, g.between(0, 90)) }
	byCash := func(d time.Time, lo, hi int64) {
		b.add(pos, invEvent{date: d, typ: invBuy, desc: "SUSCRIPCION " + pos.name, cash: decimal.New(g.cents(lo, hi), -2)})
	}
	byShares := func(d time.Time, n int64, desc string) {
		b.add(pos, invEvent{date: d, typ: invBuy, desc: desc + " " + pos.name, shares: decimal.New(n, -pos.scale)})
	}
	switch pos.typ {
	case "F", "PP":
		monthlyContributions(b, pos, byCash, early())
	case "VI", "ETF":
		for range g.between(2, 4) {
			byShares(b.randomDay(gc.start), int64(g.between(10, 150)), "COMPRA")
		}
		if pos.typ == "VI" && g.chance(0.4) {
			b.add(pos, invEvent{date: b.randomDay(gc.start.AddDate(1, 0, 0)), typ: invSell, desc: "VENTA " + pos.name, fraction: decimal.New(5, -1)})
		}
		if pos.typ == "VI" && pos.currency == "EUR" {
			dividends(b, pos)
		}
	case "FI", "O":
		byShares(early(), int64(g.between(1, 5))*10000, "COMPRA")
		if pos.typ == "FI" {
			coupons(b, pos)
		}
	case "CFD":
		byShares(b.randomDay(gc.start.AddDate(1, 0, 0)), int64(g.between(1, 5)), "APERTURA")
	case "DV":
		byShares(b.randomDay(gc.asOf.AddDate(0, -6, 0)), int64(g.between(2, 10)), "COMPRA")
	case "C":
		for range g.between(2, 4) {
			byShares(b.randomDay(gc.start), g.cents(100000, 5000000), "COMPRA")
		}
	case "AEP":
		byCash(early(), 500000, 2000000)
	case "BP":
		byShares(pos.expiry.AddDate(-1, 0, 0), g.cents(50, 300)*10000, "CONSTITUCION")
	case "L":
		byShares(gc.asOf.AddDate(0, -1, 0), g.cents(50000, 500000), "TRASPASO EFECTIVO")
	}
}

// monthlyContributions is a lump sum followed by periodic contributions, the usual way
// Spaniards fill funds and pension plans.
func monthlyContributions(b *invBuilder, pos *position, byCash func(time.Time, int64, int64), first time.Time) {
	lo, hi := int64(300000), int64(1500000)
	if pos.typ == "PP" {
		lo, hi = 100000, 400000
	}
	byCash(first, lo, hi)
	for _, m := range monthsBetween(first.AddDate(0, 1, 0), b.gc.asOf) {
		if b.g.chance(0.6) {
			byCash(clampDay(m, 5), 5000, 30000)
		}
	}
}

// dividends pays twice a year on the shares held at the time.
func dividends(b *invBuilder, pos *position) {
	perShare := decimal.New(int64(b.g.between(10, 60)), -2)
	for _, m := range monthsBetween(b.gc.start, b.gc.asOf) {
		if m.Month() == time.July || m.Month() == time.January {
			b.add(pos, invEvent{date: clampDay(m, 15), typ: invDividend, desc: "DIVIDENDO " + pos.name, cash: perShare})
		}
	}
}

// coupons pays the bond's yearly coupon on its nominal.
func coupons(b *invBuilder, pos *position) {
	for _, m := range monthsBetween(b.gc.start, b.gc.asOf) {
		if m.Month() == pos.expiry.Month() {
			b.add(pos, invEvent{date: clampDay(m, 28), typ: invCoupon, desc: "CUPON " + pos.name, cash: pos.rate.Div(decimal.New(100, 0))})
		}
	}
}

// fundTransfer moves 40% of the first fund into the second one halfway through the
// history: a Spanish "traspaso" (type 4) that keeps the fiscal cost.
func fundTransfer(b *invBuilder, positions []*position) {
	var fs []*position
	for _, p := range positions {
		if p.typ == "F" {
			fs = append(fs, p)
		}
	}
	if len(fs) < 2 {
		return
	}
	d := b.gc.start.AddDate(1, 0, 0)
	b.add(fs[0], invEvent{date: d, typ: invTransfer, desc: "TRASPASO SALIDA A " + fs[1].name,
		fraction: decimal.New(4, -1), dest: fs[1]})
}

// sortEvents orders a position's events by date, keeping the planned order on ties.
func sortEvents(pos *position) {
	sort.SliceStable(pos.events, func(i, j int) bool { return pos.events[i].date.Before(pos.events[j].date) })
}

// priceAt interpolates the unit price between the reference and today's price, with a
// little noise, so that older buys happened at older prices.
func (b *invBuilder) priceAt(pos *position, d time.Time) decimal.Decimal {
	if pos.typ == "L" || pos.typ == "BP" {
		return pos.p0
	}
	total := b.gc.asOf.Sub(b.gc.start).Hours()
	frac := decimal.NewFromFloat(d.Sub(b.gc.start).Hours() / total).Round(4)
	p := pos.p0.Add(pos.pNow.Sub(pos.p0).Mul(frac))
	noise := decimal.New(int64(b.g.between(9700, 10300)), -4)
	return p.Mul(noise).Round(priceScale(pos))
}

func priceScale(pos *position) int32 {
	if pos.scale == 4 {
		return 4
	}
	return 2
}
