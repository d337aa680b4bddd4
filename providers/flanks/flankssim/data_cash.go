package flankssim

import (
	"fmt"
	"sort"
)

// plannedAccount is an account whose identity is fixed before its movements exist, so
// that cards, loans and transfers can point at it.
type plannedAccount struct {
	id, iban, currency, alias, desc, kind string
}

// Account kinds: the main (payroll) account, a savings account, a USD account, and a
// household account shared with the partner.
const (
	kindMain      = "main"
	kindSavings   = "savings"
	kindUSD       = "usd"
	kindHousehold = "household"
)

func planAccounts(gc *genCtx) []plannedAccount {
	g := gc.rng("accounts-plan")
	kinds := []string{kindMain, kindSavings}
	for range g.between(0, 3) {
		kinds = append(kinds, pick(g, []string{kindUSD, kindHousehold, kindSavings}))
	}
	branch := g.digits(4)
	var out []plannedAccount
	for i, kind := range kinds {
		iban := spanishIBAN(gc.entity.bankCode, branch, g.digits(10))
		a := plannedAccount{id: gc.id("account", iban), iban: iban, currency: "EUR", kind: kind, alias: iban}
		switch kind {
		case kindMain:
			a.alias, a.desc = "Cuenta Nómina", "Cuenta corriente"
		case kindSavings:
			a.alias, a.desc = fmt.Sprintf("Cuenta Ahorro %d", i), "Cuenta de ahorro"
		case kindUSD:
			a.currency, a.desc = "USD", "Cuenta en divisa USD"
		case kindHousehold:
			a.alias, a.desc = "Cuenta Hogar", "Cuenta corriente"
		}
		gc.holders.add(a.id, a.alias, gc.people.owner.fullName(), "Titular")
		if gc.people.partner != nil && (kind == kindMain || kind == kindHousehold) {
			gc.holders.add(a.id, a.alias, gc.people.partner.fullName(), "Titular")
		}
		out = append(out, a)
	}
	return out
}

// buildAccounts generates each account's movements and derives its balance from them, so
// that every transaction's balance is the previous one plus its amount, exactly.
func buildAccounts(gc *genCtx, accts []plannedAccount, cs cardsResult, ls liabResult) ([]account, []accountTxn) {
	g := gc.rng("accounts")
	events := make([][]cashEvent, len(accts))
	events[0] = append(append(events[0], cs.debitEvents...), ls.payments...)
	events[0] = append(events[0], billEvents(gc, g)...)
	for i := 1; i < len(accts); i++ {
		own, other := ownTransfers(gc, g, accts[0], accts[i])
		events[0] = append(events[0], own...)
		events[i] = append(events[i], other...)
		events[i] = append(events[i], sideEvents(gc, g, accts[i])...)
	}
	events[0] = append(events[0], payroll(gc, g, events[0])...)
	var out []account
	var txns []accountTxn
	for i, a := range accts {
		acc, ts := ledger(gc, g, a, events[i])
		out = append(out, acc)
		txns = append(txns, ts...)
	}
	sort.SliceStable(txns, func(i, j int) bool { return txns[i].OperationDate > txns[j].OperationDate })
	return out, txns
}

// billEvents are the monthly direct debits of the main account.
func billEvents(gc *genCtx, g *rng) []cashEvent {
	var out []cashEvent
	mine := bills[:g.between(2, len(bills))]
	for _, m := range monthsBetween(gc.start, gc.asOf) {
		for i, b := range mine {
			if d := clampDay(m, 4+i*5); !d.Before(gc.start) && !d.After(gc.asOf) {
				out = append(out, cashEvent{date: d, cents: -g.cents(b.lo, b.hi), desc: b.desc, category: b.category})
			}
		}
	}
	return out
}
