package flankssim

import (
	"encoding/json"
	"sort"
	"strconv"

	"github.com/shopspring/decimal"
)

var (
	hundred     = decimal.New(100, 0)
	withholding = decimal.New(19, -2) // Spanish withholding on dividends and coupons
	one         = json.Number("1.0")  // "It's 1.0 if both currencies are equal"
)

// holding is the running state of a position while its history is rendered.
type holding struct {
	shares, basis decimal.Decimal
	first         string // date of the first movement
}

// render turns a position's events into transactions (newest first) and the position.
func (b *invBuilder) render(pos *position) (investment, []investmentTxn) {
	sortEvents(pos)
	st := &holding{}
	var txns []investmentTxn
	for i, e := range pos.events {
		if tx, ok := b.renderEvent(pos, e, strconv.Itoa(i), st); ok {
			txns = append(txns, tx)
			if st.first == "" {
				st.first = tx.OperationDate
			}
		}
	}
	for i, j := 0, len(txns)-1; i < j; i, j = i+1, j-1 {
		txns[i], txns[j] = txns[j], txns[i]
	}
	return b.investment(pos, st), txns
}

// renderEvent applies one event to the holding and returns its transaction; events that
// move nothing (a sell of zero shares, a dividend before the first buy) are dropped.
func (b *invBuilder) renderEvent(pos *position, e invEvent, key string, st *holding) (investmentTxn, bool) {
	price := e.price
	if price.IsZero() {
		price = b.priceAt(pos, e.date)
	}
	tx := b.baseTxn(pos, e, key, price)
	switch {
	case e.typ == invBuy || (e.typ == invTransfer && e.dest == nil):
		return b.renderIn(pos, e, price, st, tx)
	case e.typ == invSell || e.typ == invTransfer:
		return b.renderOut(pos, e, price, st, tx)
	default:
		return b.renderIncome(pos, e, st, tx)
	}
}

// renderIn is a buy (by cash or by shares) or the receiving side of a fund transfer.
func (b *invBuilder) renderIn(pos *position, e invEvent, price decimal.Decimal, st *holding, tx investmentTxn) (investmentTxn, bool) {
	shares := e.shares
	if shares.IsZero() {
		shares = e.cash.Div(price).RoundDown(pos.scale)
	}
	gross := b.gross(pos, shares, price)
	commission := commissionFor(pos, gross)
	if e.typ == invTransfer {
		commission = decimal.Zero
		st.basis = st.basis.Add(e.basis)
	} else {
		st.basis = st.basis.Add(gross.Add(commission))
	}
	st.shares = st.shares.Add(shares)
	tx.Symb, tx.Amount, tx.Balance = "+", decNum(shares, pos.scale), numPtr(decNum(st.shares, pos.scale))
	tx.NetCash, tx.Commission = decNum(gross.Add(commission), 2), numPtr(decNum(commission, 2))
	tx.CommissionDetail.Entity, tx.OriginGain = numPtr(decNum(commission, 2)), json.Number("0.00")
	return tx, shares.IsPositive()
}

// renderOut is a sell or the sending side of a fund transfer, which carries the *Dest
// fields describing the counterpart and hands the cost basis over to the target fund.
func (b *invBuilder) renderOut(pos *position, e invEvent, price decimal.Decimal, st *holding, tx investmentTxn) (investmentTxn, bool) {
	shares := st.shares.Mul(e.fraction).RoundDown(pos.scale)
	if !shares.IsPositive() {
		return tx, false
	}
	gross := b.gross(pos, shares, price)
	commission := commissionFor(pos, gross)
	basisOut := st.basis.Mul(shares).Div(st.shares).Round(2)
	st.basis, st.shares = st.basis.Sub(basisOut), st.shares.Sub(shares)
	net := gross.Sub(commission)
	tx.Symb, tx.Amount, tx.Balance = "-", decNum(shares.Neg(), pos.scale), numPtr(decNum(st.shares, pos.scale))
	tx.NetCash, tx.Commission = decNum(net, 2), numPtr(decNum(commission, 2))
	tx.CommissionDetail.Entity, tx.OriginGain = numPtr(decNum(commission, 2)), decNum(net.Sub(basisOut), 2)
	if e.dest != nil {
		b.transferDest(pos, e, gross, basisOut, &tx)
	}
	return tx, true
}

// transferDest fills the counterpart fields and queues the incoming leg on the target.
func (b *invBuilder) transferDest(pos *position, e invEvent, cash, basis decimal.Decimal, tx *investmentTxn) {
	dest := e.dest
	destPrice := b.priceAt(dest, e.date)
	destShares := cash.Div(destPrice).RoundDown(dest.scale)
	destRef := b.specs[dest.portfolio].refValores
	tx.OriginGain = json.Number("0.00") // a traspaso defers the gain
	tx.AccountDest, tx.AmountDest = &destRef, numPtr(decNum(destShares, dest.scale))
	tx.CommissionDest, tx.CurrencyDest = numPtr(json.Number("0.00")), &dest.currency
	tx.ISINDest, tx.NetCashDest = &dest.isin, numPtr(decNum(destShares.Mul(destPrice), 2))
	tx.SymbDest, tx.UnitPriceDest = strPtr("+"), numPtr(decNum(destPrice, priceScale(dest)))
	tx.ValueDateDest = strPtr(tx.ValueDate)
	b.add(dest, invEvent{date: e.date, typ: invTransfer, desc: "TRASPASO ENTRADA DE " + pos.name,
		shares: destShares, basis: basis, price: destPrice})
}

// renderIncome is a dividend or coupon: no shares move, cash is paid net of withholding.
func (b *invBuilder) renderIncome(pos *position, e invEvent, st *holding, tx investmentTxn) (investmentTxn, bool) {
	if !st.shares.IsPositive() {
		return tx, false
	}
	gross := st.shares.Mul(e.cash).Round(2)
	retention := gross.Mul(withholding).Round(2)
	tx.Symb, tx.Amount, tx.Balance = "+", decNum(decimal.Zero, pos.scale), numPtr(decNum(st.shares, pos.scale))
	tx.UnitPrice = decNum(e.cash, 4)
	tx.NetCash, tx.OriginGain = decNum(gross.Sub(retention), 2), json.Number("0.00")
	tx.Retention = numPtr(decNum(retention, 2))
	tx.RetentionDetail = &retentionDetail{Origin: numPtr(decNum(retention, 2)), Destination: numPtr(json.Number("0.00"))}
	return tx, gross.IsPositive()
}

// gross is shares times price; bonds and structured notes are quoted in percent.
func (b *invBuilder) gross(pos *position, shares, price decimal.Decimal) decimal.Decimal {
	g := shares.Mul(price)
	if pos.nominal {
		g = g.Div(hundred)
	}
	return g.Round(2)
}

// commissionFor charges brokers' fees on exchange-traded products and crypto.
func commissionFor(pos *position, gross decimal.Decimal) decimal.Decimal {
	switch pos.typ {
	case "VI", "ETF", "CFD", "DV":
		return decimal.Max(gross.Mul(decimal.New(1, -3)).Round(2), decimal.New(5, 0))
	case "C":
		return gross.Mul(decimal.New(15, -3)).Round(2)
	}
	return decimal.Zero
}

// baseTxn fills the fields every investment transaction has.
func (b *invBuilder) baseTxn(pos *position, e invEvent, key string, price decimal.Decimal) investmentTxn {
	gc, ref := b.gc, b.specs[pos.portfolio].refValores
	exchange := one
	if pos.currency == "USD" {
		exchange = decNum(usdToEUR, 4)
	}
	valueDays := 2
	if pos.scale == 4 {
		valueDays = 1
	}
	return investmentTxn{
		ID: gc.id("itx", pos.id, key), Currency: pos.currency, Description: e.desc, Entity: gc.bank,
		Exchange: exchange, ExchangeToPaymentCurrency: exchange, ExchangeToTransactionCurrency: one,
		Expenses: numPtr(json.Number("0.00")), ExternalID: gc.extID("itx", pos.id, key),
		InvestmentID: pos.id, ISIN: pos.isin, Leverage: numPtrDec(pos.leverage, 0),
		OperationDate: day(e.date), OrderID: strPtr(e.date.Format("060102") + b.g.digits(6)),
		OriginalCurrency: pos.currency, PaymentCurrency: "EUR", RefAccountIBAN: strPtr(b.mainIBAN),
		ReferenceCurrency: "EUR", RefValos: &ref, TransactionCurrency: pos.currency,
		UnitPrice: decNum(price, priceScale(pos)), Type: e.typ, ValueDate: day(e.date.AddDate(0, 0, valueDays)),
		TransactionID: strPtr(e.date.Format("20060102") + b.g.digits(6)), CountryModel: []any{},
	}
}

// numPtrDec renders an optional decimal, or nil.
func numPtrDec(d *decimal.Decimal, places int32) *json.Number {
	if d == nil {
		return nil
	}
	return numPtr(decNum(*d, places))
}

// sortInvestmentTxns orders all positions' transactions newest first; each position's
// list is already newest first, and the stable sort keeps that order within a day.
func sortInvestmentTxns(txns []investmentTxn) {
	sort.SliceStable(txns, func(i, j int) bool { return txns[i].OperationDate > txns[j].OperationDate })
}
