package flankssim

import (
	"fmt"
	"sort"
	"strconv"
	"time"
)

// cashEvent is a movement that will become an account transaction.
type cashEvent struct {
	key        string // stable part of the _id; empty means "by position"
	pair       string // _id of the paired transaction (forex), if any
	date       time.Time
	valueDays  int // valueDate - operationDate
	cents      int64
	desc       string
	category   string
	cardNumber string // masked PAN, card payments only
	transfer   transfer
}

// cardsResult is the cards, their transactions and the movements they cause on the main
// account: debit card payments one by one, credit cards as one monthly settlement.
type cardsResult struct {
	cards       []card
	txns        []cardTxn
	debitEvents []cashEvent
}

// cardSpec describes one generated card before its transactions exist.
type cardSpec struct {
	id, pan, product string
	credit           bool
	limitCents       int64
	perDay           float64
	merchants        []merchant
}

func buildCards(gc *genCtx, main plannedAccount) cardsResult {
	g := gc.rng("cards")
	specs := []cardSpec{{product: "Tarjeta Débito Visa", perDay: 1.2, merchants: debitMerchants}}
	if g.chance(0.7) {
		specs = append(specs, cardSpec{product: "Tarjeta Crédito Mastercard Oro", credit: true, perDay: 0.3,
			merchants: creditMerchants, limitCents: g.cents(15, 60) * 10000})
	}
	if g.chance(0.3) {
		specs = append(specs, cardSpec{product: "Tarjeta Virtual Compras Online", perDay: 0.1, merchants: creditMerchants[:1]})
	}
	var res cardsResult
	hasCredit := len(specs) > 1 && specs[1].credit
	for i := range specs {
		sp := &specs[i]
		sp.pan = pick(g, []string{"4", "5"}) + g.digits(15)
		sp.id = gc.id("card", sp.pan)
		gc.holders.add(sp.id, sp.product, gc.people.owner.fullName(), "Titular")
		if sp.credit && gc.people.authorized != nil {
			gc.holders.add(sp.id, sp.product, gc.people.authorized.fullName(), "Autorizado")
		}
		ex := extras{subscriptions: sp.credit || (i == 0 && !hasCredit), atm: i == 0}
		txns, events, openCents := cardMovements(gc, g, *sp, ex)
		res.txns = append(res.txns, txns...)
		res.debitEvents = append(res.debitEvents, events...)
		res.cards = append(res.cards, newCard(gc, g, *sp, openCents))
	}
	sort.SliceStable(res.txns, func(i, j int) bool { return res.txns[i].OperationDate > res.txns[j].OperationDate })
	return res
}

func newCard(gc *genCtx, g *rng, sp cardSpec, openCents int64) card {
	emission := gc.asOf.AddDate(-g.between(0, 3), -g.between(1, 11), 0)
	expiry := emission.AddDate(5, 0, 0)
	c := card{
		ID: sp.id, ExternalID: gc.extID("card", sp.pan), Entity: gc.bank, Product: strPtr(sp.product),
		ContractNumber: strPtr(gc.entity.bankCode + g.digits(12)), PAN: maskPAN(sp.pan),
		EmissionDate: strPtr(day(emission)), ExpirationDate: strPtr(expiry.Format("2006-01")),
		CardType: "debit", UpdatedAt: gc.updatedAt,
	}
	if sp.credit {
		c.CardType = "credit"
		c.AvailableBalance = numPtr(centsNum(sp.limitCents - openCents))
	}
	return c
}

// cardMovements generates a card's transactions over the history. Debit payments are
// mirrored on the main account; a credit card's month is settled there on the 2nd of the
// next month. It returns the amount spent and not yet settled (credit cards).
func cardMovements(gc *genCtx, g *rng, sp cardSpec, ex extras) ([]cardTxn, []cashEvent, int64) {
	var txns []cardTxn
	var events []cashEvent
	monthly := map[time.Time]int64{}
	add := func(d time.Time, cents int64, shop, category string, commission *int64) {
		tx := cardTxn{
			ID: gc.id("ctx", sp.pan, strconv.Itoa(len(txns))), CardID: sp.id,
			OperationDate: day(d), ValueDate: day(d.AddDate(0, 0, g.between(0, 2))),
			Amount: centsNum(cents), Currency: "EUR", Shop: strPtr(shop), Category: strPtr(category),
			Entity: gc.bank, ExternalID: gc.extID("ctx", sp.pan, strconv.Itoa(len(txns))),
		}
		if commission != nil {
			tx.Commission = numPtr(centsNum(*commission))
		}
		txns = append(txns, tx)
		if sp.credit {
			monthly[time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)] += cents
			return
		}
		events = append(events, cashEvent{date: d, valueDays: 1, cents: cents,
			desc: "COMPRA TARJETA " + shop, category: category, cardNumber: maskPAN(sp.pan)})
	}
	for d := gc.start; !d.After(gc.asOf); d = d.AddDate(0, 0, 1) {
		for range g.poisson(sp.perDay) {
			m := pick(g, sp.merchants)
			add(d, -g.cents(m.lo, m.hi), m.name, m.category, nil)
		}
	}
	cardExtras(gc, g, ex, add)
	open := creditSettlements(gc, sp, monthly, &events)
	return txns, events, open
}

// extras says which recurring movements a card carries besides its daily payments.
type extras struct{ subscriptions, atm bool }

// cardExtras adds the monthly subscriptions (on the credit card, else the main debit card)
// and, on the main debit card, cash withdrawals, some at other banks' ATMs with a fee.
func cardExtras(gc *genCtx, g *rng, ex extras, add func(time.Time, int64, string, string, *int64)) {
	var subs []subscription
	if ex.subscriptions {
		subs = subscriptions[:g.between(1, len(subscriptions))]
	}
	for _, m := range monthsBetween(gc.start, gc.asOf) {
		for i, sub := range subs {
			if d := clampDay(m, 3+i*7); !d.Before(gc.start) && !d.After(gc.asOf) {
				add(d, -sub.cents, sub.name, sub.category, nil)
			}
		}
		if !ex.atm {
			continue
		}
		for range g.between(1, 3) {
			d := clampDay(m, g.between(1, 28))
			if d.Before(gc.start) || d.After(gc.asOf) {
				continue
			}
			fee := int64(0)
			if g.chance(0.2) {
				fee = 195
			}
			add(d, -int64(g.between(2, 20))*1000-fee, "REINTEGRO CAJERO "+gc.entity.Name, "Efectivo", &fee)
		}
	}
}

// creditSettlements turns each closed month of credit spending into one debit on the
// main account and returns the spending of the month still open.
func creditSettlements(gc *genCtx, sp cardSpec, monthly map[time.Time]int64, events *[]cashEvent) int64 {
	if !sp.credit {
		return 0
	}
	var open int64
	for _, m := range monthsBetween(gc.start, gc.asOf) {
		cents := monthly[m]
		if cents == 0 {
			continue
		}
		settle := m.AddDate(0, 1, 1)
		if settle.After(gc.asOf) {
			open += -cents
			continue
		}
		*events = append(*events, cashEvent{date: settle, cents: cents, category: "Tarjetas",
			desc: fmt.Sprintf("LIQUIDACION TARJETA CREDITO %s %s", maskPAN(sp.pan)[12:], m.Format("01/2006"))})
	}
	return open
}
