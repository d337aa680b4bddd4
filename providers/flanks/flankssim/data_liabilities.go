package flankssim

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// liabResult is the liabilities, their transactions and the account movements they cause.
type liabResult struct {
	items    []liability
	txns     []liabilityTxn
	payments []cashEvent
}

// loanSpec describes an amortising loan or a credit line.
type loanSpec struct {
	name, kind, rateType, desc, category string
	benchmark                            *string
	rateBP, spreadBP                     int64 // annual rate and spread in basis points
	principal, limit                     int64 // cents
	opened                               time.Time
	months, payDay                       int
}

func buildLiabilities(gc *genCtx, main plannedAccount) liabResult {
	g := gc.rng("liabilities")
	var specs []loanSpec
	if g.chance(0.6) {
		euribor := "EURIBOR 12M"
		spread := g.cents(55, 125)
		specs = append(specs, loanSpec{
			name: "Préstamo Hipotecario Vivienda", kind: "Loan", rateType: "variable", benchmark: &euribor,
			spreadBP: spread, rateBP: 250 + spread, principal: g.cents(9, 26) * 1000000,
			opened: yearsAgo(gc.asOf, g.between(3, 12), g.between(0, 11)), months: 12 * g.between(25, 30),
			desc: "RECIBO PRESTAMO HIPOTECARIO", category: "Vivienda", payDay: g.between(1, 5),
		})
	}
	if g.chance(0.35) || len(specs) == 0 {
		specs = append(specs, loanSpec{
			name: "Préstamo Personal Coche", kind: "Loan", rateType: "fixed", rateBP: g.cents(495, 795),
			principal: g.cents(6, 20) * 100000, opened: yearsAgo(gc.asOf, 1, g.between(0, 11)),
			months: 12 * g.between(4, 7), desc: "CUOTA PRESTAMO PERSONAL", category: "Préstamos", payDay: 10,
		})
	}
	if g.chance(0.2) {
		specs = append(specs, loanSpec{
			name: "Cuenta de Crédito", kind: "Credit", rateType: "fixed", rateBP: 900,
			limit: g.cents(3, 10) * 100000, opened: yearsAgo(gc.asOf, 3, 0), desc: "CUENTA DE CREDITO",
			category: "Préstamos",
		})
	}
	var res liabResult
	for i, sp := range specs {
		id := gc.id("liability", strconv.Itoa(i), sp.name)
		contract := gc.entity.bankCode + g.digits(14)
		gc.holders.add(id, sp.name, gc.people.owner.fullName(), "Titular")
		if sp.rateType == "variable" && gc.people.partner != nil {
			gc.holders.add(id, sp.name, gc.people.partner.fullName(), "Titular")
		}
		var bal int64
		if sp.kind == "Credit" {
			bal = creditLine(gc, g, sp, id, main, &res)
		} else {
			bal = amortise(gc, sp, id, main, &res)
		}
		res.items = append(res.items, newLiability(gc, sp, id, contract, bal))
	}
	sort.SliceStable(res.txns, func(i, j int) bool { return res.txns[i].OperationDate > res.txns[j].OperationDate })
	return res
}

func newLiability(gc *genCtx, sp loanSpec, id, contract string, bal int64) liability {
	periodicity := "monthly"
	l := liability{
		Name: sp.name, Balance: centsNum(bal), ContractNumber: &contract, Currency: "EUR",
		OpeningDate: strPtr(day(sp.opened)), ID: id, InitialCapitalCurrency: "EUR",
		Interest: &liabilityInterest{
			Benchmark: sp.benchmark, Rate: numPtr(bpNum(sp.rateBP)), Type: strPtr(sp.rateType),
		},
		Type: sp.kind, Entity: gc.bank, ExternalID: gc.extID("liability", sp.name),
		Periodicity: &periodicity, UpdatedAt: gc.updatedAt,
	}
	if sp.benchmark != nil {
		l.Interest.Spread = numPtr(bpNum(sp.spreadBP))
	}
	if sp.kind == "Credit" {
		l.AvailableBalance, l.Limit = numPtr(centsNum(sp.limit-bal)), numPtr(centsNum(sp.limit))
		l.InitialCapital = numPtr(centsNum(sp.limit))
	} else {
		l.InitialCapital = numPtr(centsNum(sp.principal))
		l.ExpirationDate = strPtr(day(sp.opened.AddDate(0, sp.months, 0)))
	}
	return l
}

// bpNum renders basis points as a percentage with two decimals (409 -> 4.09).
func bpNum(bp int64) json.Number { return decNum(decimal.New(bp, -2), 2) }

// monthlyInterest is the interest of one month on bal cents, rounded half up.
func monthlyInterest(bal, rateBP int64) int64 { return (bal*rateBP + 60000) / 120000 }

// amortise runs a French-annuity schedule from the opening date and records the payments
// inside the history window. It returns the outstanding balance.
func amortise(gc *genCtx, sp loanSpec, id string, main plannedAccount, res *liabResult) int64 {
	r := float64(sp.rateBP) / 120000
	payment := int64(math.Round(float64(sp.principal) * r / (1 - math.Pow(1+r, -float64(sp.months)))))
	bal := sp.principal
	for k := 1; k <= sp.months && bal > 0; k++ {
		d := clampDay(sp.opened.AddDate(0, k, 0), sp.payDay)
		if d.After(gc.asOf) {
			break
		}
		interest := monthlyInterest(bal, sp.rateBP)
		pay := min(payment, bal+interest)
		bal += interest - pay
		if d.Before(gc.start) {
			continue
		}
		recordLiabilityTxn(gc, res, id, main, d, -pay, interest, bal, sp.desc)
		res.payments = append(res.payments, cashEvent{date: d, cents: -pay, desc: sp.desc, category: sp.category})
	}
	return bal
}

// creditLine draws on a credit account now and then and repays part of it monthly.
func creditLine(gc *genCtx, g *rng, sp loanSpec, id string, main plannedAccount, res *liabResult) int64 {
	var bal int64
	for _, m := range monthsBetween(gc.start, gc.asOf) {
		if d := clampDay(m, g.between(5, 25)); g.chance(0.25) && !d.Before(gc.start) && !d.After(gc.asOf) {
			draw := min(g.cents(5, 20)*10000, sp.limit-bal)
			if draw > 0 {
				bal += draw
				recordLiabilityTxn(gc, res, id, main, d, draw, 0, bal, "DISPOSICION "+sp.desc)
				res.payments = append(res.payments, cashEvent{date: d, cents: draw, desc: "DISPOSICION " + sp.desc, category: sp.category})
			}
		}
		d := clampDay(m, 28)
		if bal == 0 || d.Before(gc.start) || d.After(gc.asOf) {
			continue
		}
		interest := monthlyInterest(bal, sp.rateBP)
		pay := min(bal+interest, max(bal/10, 5000))
		bal += interest - pay
		recordLiabilityTxn(gc, res, id, main, d, -pay, interest, bal, "AMORTIZACION "+sp.desc)
		res.payments = append(res.payments, cashEvent{date: d, cents: -pay, desc: "AMORTIZACION " + sp.desc, category: sp.category})
	}
	return bal
}

func recordLiabilityTxn(gc *genCtx, res *liabResult, id string, main plannedAccount, d time.Time, amount, interest, bal int64, desc string) {
	n := strconv.Itoa(len(res.txns))
	res.txns = append(res.txns, liabilityTxn{
		ID: gc.id("ltx", id, n), Entity: gc.bank, Amount: centsNum(amount), CurrencyAmount: "EUR",
		Balance: centsNum(bal), CurrencyBalance: "EUR", Description: desc,
		OperationDate: day(d), ValueDate: day(d), LiabilityID: id, CreditAccount: strPtr(main.iban),
		Interest: numPtr(centsNum(interest)), Commission: numPtr(centsNum(0)),
		ExternalID: gc.extID("ltx", id, n), TransactionID: strPtr(d.Format("20060102") + n),
	})
}
