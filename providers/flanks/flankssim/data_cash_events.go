package flankssim

import (
	"sort"
	"strconv"
	"time"
)

// ownTransfers moves money between the main account and another account of the same
// holder. Both legs name the holder as ordenant and beneficiary, with both IBANs; a USD
// account is funded by currency purchases whose two legs point at each other
// (pair_transaction_id).
func ownTransfers(gc *genCtx, g *rng, main, other plannedAccount) (mainEvents, otherEvents []cashEvent) {
	name := gc.people.owner.fullName()
	tr := transfer{Beneficiary: &name, IBANBeneficiary: strPtr(other.iban), Ordenant: &name, IBANOrdenant: strPtr(main.iban)}
	monthly := g.cents(10, 60) * 1000
	for _, m := range monthsBetween(gc.start, gc.asOf) {
		d := clampDay(m, g.between(1, 3))
		if d.Before(gc.start) || d.After(gc.asOf) || !g.chance(0.85) {
			continue
		}
		if other.currency == "USD" {
			if !g.chance(0.2) {
				continue
			}
			eur, key := g.cents(20, 150)*1000, "fx-"+day(d)
			usd := eur * int64(g.between(104, 112)) / 100
			mainEvents = append(mainEvents, cashEvent{key: key, pair: gc.id("atx", other.iban, key), date: d,
				cents: -eur, desc: "COMPRA DIVISA USD", category: "Divisas", transfer: tr})
			otherEvents = append(otherEvents, cashEvent{key: key, pair: gc.id("atx", main.iban, key), date: d,
				cents: usd, desc: "ABONO COMPRA DIVISA", category: "Divisas", transfer: tr})
			continue
		}
		desc := "TRANSFERENCIA A " + other.alias
		mainEvents = append(mainEvents, cashEvent{date: d, cents: -monthly, desc: desc, category: "Ahorro", transfer: tr})
		otherEvents = append(otherEvents, cashEvent{date: d, cents: monthly, desc: "TRANSFERENCIA DE " + name, category: "Ahorro", transfer: tr})
	}
	return mainEvents, otherEvents
}

// sideEvents are the movements of a non-main account that do not involve the main one.
func sideEvents(gc *genCtx, g *rng, a plannedAccount) []cashEvent {
	var out []cashEvent
	for _, m := range monthsBetween(gc.start, gc.asOf) {
		last := m.AddDate(0, 1, -1)
		if last.Before(gc.start) || last.After(gc.asOf) {
			continue
		}
		switch a.kind {
		case kindSavings, kindUSD:
			out = append(out, cashEvent{date: last, cents: g.cents(5, 900), desc: "ABONO INTERESES", category: "Intereses"})
		case kindHousehold:
			out = append(out, householdMonth(gc, g, a, m)...)
		}
	}
	return out
}

// householdMonth is a month of a shared account: the partner pays in, groceries and a
// bill go out.
func householdMonth(gc *genCtx, g *rng, a plannedAccount, m time.Time) []cashEvent {
	var out []cashEvent
	if p := gc.people.partner; p != nil {
		name, iban := p.fullName(), spanishIBAN("0049", "1500", g.digits(10))
		out = append(out, cashEvent{date: clampDay(m, 2), cents: g.cents(30, 60) * 1000, desc: "TRANSFERENCIA DE " + name,
			category: "Transferencias", transfer: transfer{Ordenant: &name, IBANOrdenant: &iban, Beneficiary: strPtr(gc.people.owner.fullName()), IBANBeneficiary: strPtr(a.iban)}})
	}
	for w := 0; w < 4; w++ {
		mer := debitMerchants[g.between(0, 3)]
		out = append(out, cashEvent{date: clampDay(m, 5+w*7), valueDays: 1, cents: -g.cents(mer.lo, mer.hi), desc: "COMPRA " + mer.name, category: mer.category})
	}
	out = append(out, cashEvent{date: clampDay(m, 15), cents: -g.cents(4000, 9000), desc: "RECIBO COMUNIDAD PROPIETARIOS", category: "Vivienda"})
	var kept []cashEvent
	for _, e := range out {
		if !e.date.Before(gc.start) && !e.date.After(gc.asOf) {
			kept = append(kept, e)
		}
	}
	return kept
}

// payroll sizes the salary from the main account's spending, so that balances drift
// up slowly instead of running away, and adds Bizum transfers with friends. Spanish
// payrolls have two extra payments, in June and December.
func payroll(gc *genCtx, g *rng, mainEvents []cashEvent) []cashEvent {
	months := monthsBetween(gc.start, gc.asOf)
	var out []cashEvent
	out = append(out, bizums(gc, g)...)
	var spent int64
	for _, e := range append(mainEvents, out...) {
		if e.cents < 0 {
			spent -= e.cents
		}
	}
	salary := max(spent/int64(len(months))*95/100/1000*1000+g.cents(0, 20)*1000, 140000)
	employer := pick(g, employers)
	tr := transfer{Ordenant: &employer, IBANOrdenant: strPtr(spanishIBAN("2100", "0800", g.digits(10))),
		Beneficiary: strPtr(gc.people.owner.fullName())}
	for _, m := range months {
		d := clampDay(m, 27)
		if m.Month() == time.January && m.After(months[0]) {
			salary = salary * 102 / 100
		}
		if d.Before(gc.start) || d.After(gc.asOf) {
			continue
		}
		out = append(out, cashEvent{date: d, cents: salary, desc: "NOMINA " + employer, category: "Nómina", transfer: tr})
		if m.Month() == time.June || m.Month() == time.December {
			out = append(out, cashEvent{date: clampDay(m, 20), cents: salary, desc: "PAGA EXTRA " + employer, category: "Nómina", transfer: tr})
		}
	}
	return out
}

// bizums are small person-to-person transfers, both ways.
func bizums(gc *genCtx, g *rng) []cashEvent {
	var out []cashEvent
	me := gc.people.owner.fullName()
	for d := gc.start; !d.After(gc.asOf); d = d.AddDate(0, 0, 1) {
		if !g.chance(0.08) {
			continue
		}
		friend := newPerson(g).fullName()
		iban := spanishIBAN(pick(g, []string{"0182", "0049", "2100", "0081"}), g.digits(4), g.digits(10))
		cents := g.cents(5, 60) * 100
		if g.chance(0.5) {
			out = append(out, cashEvent{date: d, cents: -cents, desc: "BIZUM A " + friend, category: "Transferencias",
				transfer: transfer{Beneficiary: &friend, IBANBeneficiary: &iban, Ordenant: &me}})
			continue
		}
		out = append(out, cashEvent{date: d, cents: cents, desc: "BIZUM DE " + friend, category: "Transferencias",
			transfer: transfer{Ordenant: &friend, IBANOrdenant: &iban, Beneficiary: &me}})
	}
	return out
}

// ledger orders an account's movements, picks an opening balance that keeps the running
// balance positive, and renders transactions newest first.
func ledger(gc *genCtx, g *rng, a plannedAccount, events []cashEvent) (account, []accountTxn) {
	sort.SliceStable(events, func(i, j int) bool { return events[i].date.Before(events[j].date) })
	var run, low int64
	for _, e := range events {
		run += e.cents
		low = min(low, run)
	}
	bal := g.cents(500, 6000)*100 - low
	txns := make([]accountTxn, len(events))
	for i, e := range events {
		bal += e.cents
		txns[len(events)-1-i] = newAccountTxn(gc, g, a, e, i, bal)
	}
	isOwner := true
	return account{
		ID: a.id, IBAN: a.iban, Entity: gc.bank, Alias: a.alias, Balance: centsNum(bal), Currency: a.currency,
		Description: nullable(a.desc), IsOwner: &isOwner, NumOwners: gc.holders.titulares(a.id),
		Owners: gc.holders.owners(a.id), ExternalID: gc.extID("account", a.iban), UpdatedAt: gc.updatedAt,
	}, txns
}

func newAccountTxn(gc *genCtx, g *rng, a plannedAccount, e cashEvent, pos int, bal int64) accountTxn {
	key := e.key
	if key == "" {
		key = strconv.Itoa(pos)
	}
	return accountTxn{
		ID: gc.id("atx", a.iban, key), AccountID: a.iban, Entity: gc.bank,
		Balance: centsNum(bal), Amount: centsNum(e.cents), CardNumber: nullable(e.cardNumber),
		Category: nullable(e.category), Currency: a.currency, OperationDate: day(e.date),
		ValueDate: day(e.date.AddDate(0, 0, e.valueDays)), Description: e.desc,
		TransactionID: strPtr(e.date.Format("20060102") + g.digits(8)), Transfer: e.transfer,
		ExternalID: gc.extID("atx", a.iban, key), PairTransactionID: nullable(e.pair),
	}
}
