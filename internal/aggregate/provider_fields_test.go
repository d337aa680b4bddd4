package aggregate_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/models"
)

// Fields Flanks serves that the graph once dropped: every object's
// external_id, the bank ids of movements, a portfolio's tax type and cash
// accounts, an investment's nominal flag and markets, an investment
// movement's exchange rate, a liability's initial-capital currency and
// limit, a liability movement's balance currency and credit account.
var providerFieldBodies = map[string]string{
	pathAccount: `[{"_id":"acc-1","iban":"ES7600000000000000000001","balance":10.00,"currency":"EUR","external_id":"x-acc-1"}]`,
	pathData: `[{"_id":"t-1","account_id":"acc-1","amount":-1.50,"currency":"EUR","operationDate":"2025-03-01",
 "description":"a","transaction_id":"BANK-1","order_id":"ORD-1","pair_transaction_id":"t-0","external_id":"x-t-1"}]`,
	"/v0/bank/credentials/portfolio": `[{"_id":"p-1","name":"Cartera","currency":"EUR","balance":5.00,
 "tax_type":"PIAS","refAccount":"ES01","refAccounts":["ES01","ES02"],"external_id":"x-p-1"}]`,
	"/v0/bank/credentials/investment": `[{"_id":"i-1","portfolio_id":"p-1","name":"Bono","type":"FI","amount":1000.00,
 "balance":990.00,"currency":"EUR","is_nominal":true,"market":"XMAD","operating_market":"BMEX","external_id":"x-i-1"}]`,
	"/v0/bank/credentials/investment/transaction": `[{"_id":"it-1","investment_id":"i-1","amount":10,"currency":"USD",
 "operationDate":"2025-02-01","description":"compra","exchange":1.0,"transaction_id":"BANK-2","order_id":"ORD-2",
 "pair_transaction_id":"it-0","external_id":"x-it-1"}]`,
	"/v0/bank/credentials/liability": `[{"_id":"l-1","name":"Confirming","type":"Confirming","balance":100.00,"currency":"EUR",
 "initialCapital":5000.00,"initialCapitalCurrency":"USD","limit":20000.00,"external_id":"x-l-1"}]`,
	"/v0/bank/credentials/liability/transaction": `[{"_id":"lt-1","liability_id":"l-1","amount":-50.00,"balance":950.00,
 "currencyAmount":"EUR","currencyBalance":"USD","operationDate":"2025-01-05","description":"cuota",
 "credit_account":"ES7600000000000000000001","external_id":"x-lt-1"}]`,
	"/v0/bank/credentials/card": `[{"_id":"c-1","pan":"************1234","external_id":"x-c-1"}]`,
	"/v0/bank/credentials/card/transaction": `[{"_id":"ct-1","card_id":"c-1","amount":-3.00,"currency":"EUR",
 "operationDate":"2025-01-02","external_id":"x-ct-1"}]`,
}

func TestProviderFieldsAreKept(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{wrap: serve(providerFieldBodies)})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductTransactions, models.ProductInvTxns, models.ProductLiabTxns, models.ProductCardTxns)

		var a models.Account
		var at models.AccountTransaction
		var p models.Portfolio
		var i models.Investment
		var it models.InvestmentTransaction
		var l models.Liability
		var lt models.LiabilityTransaction
		var card models.Card
		var ct models.CardTransaction
		for _, row := range []any{&a, &at, &p, &i, &it, &l, &lt, &card, &ct} {
			check(t, db.Gorm.Where("credentials_id = ?", c.ID).Take(row).Error)
		}
		str := func(what string, got *string, want string) {
			t.Helper()
			if got == nil || *got != want {
				t.Errorf("%s = %v, want %q", what, deref(got), want)
			}
		}
		str("account external id", a.ExternalID, "x-acc-1")
		str("transaction bank id", at.BankTransactionID, "BANK-1")
		str("transaction order id", at.OrderID, "ORD-1")
		str("transaction pair id", at.PairTransactionID, "t-0")
		str("transaction external id", at.ExternalID, "x-t-1")
		str("portfolio tax type", p.TaxType, "PIAS")
		str("portfolio external id", p.ExternalID, "x-p-1")
		if got := p.AllCashAccounts(); len(got) != 2 || got[0] != "ES01" || got[1] != "ES02" {
			t.Errorf("portfolio cash accounts %v", got)
		}
		if i.IsNominal == nil || !*i.IsNominal {
			t.Errorf("investment is_nominal %v", i.IsNominal)
		}
		str("investment market", i.Market, "XMAD")
		str("investment operating market", i.OperatingMarket, "BMEX")
		str("investment external id", i.ExternalID, "x-i-1")
		if !it.ExchangeRate.Valid || models.DecimalText(it.ExchangeRate.Decimal) != "1.0" {
			t.Errorf("exchange rate %v, want 1.0 with its scale", it.ExchangeRate)
		}
		str("investment transaction bank id", it.BankTransactionID, "BANK-2")
		str("investment transaction order id", it.OrderID, "ORD-2")
		str("investment transaction pair id", it.PairTransactionID, "it-0")
		str("investment transaction external id", it.ExternalID, "x-it-1")
		str("liability initial capital currency", l.InitialCapitalCurrency, "USD")
		if !l.Limit.Valid || models.DecimalText(l.Limit.Decimal) != "20000.00" {
			t.Errorf("liability limit %v", l.Limit)
		}
		str("liability external id", l.ExternalID, "x-l-1")
		str("liability transaction balance currency", lt.BalanceCurrency, "USD")
		str("liability transaction credit account", lt.CreditAccount, "ES7600000000000000000001")
		str("liability transaction external id", lt.ExternalID, "x-lt-1")
		str("card external id", card.ExternalID, "x-c-1")
		str("card transaction external id", ct.ExternalID, "x-ct-1")
	})
}

// The status's last transaction date is the simulator's newest account
// movement.
func TestStatusKeepsLastTransactionDate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductTransactions)
		check(t, e.svc.UpdateStatus(e.ctx, c))
		stored, err := e.st.Credentials(e.ctx, c.ID)
		check(t, err)
		var newest models.AccountTransaction
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Order("operation_date DESC").Take(&newest).Error)
		if stored.LastTransactionDate == nil || *stored.LastTransactionDate != newest.OperationDate {
			t.Fatalf("last transaction date %v, newest movement %v", stored.LastTransactionDate, newest.OperationDate)
		}
	})
}

func deref(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// A position listed without its detail gets it from /investment/detail
// (matched by id, else ISIN); when every position has one, that endpoint
// is not called.
func TestInvestmentDetailFillsMissingDetail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{wrap: serve(map[string]string{
			"/v0/bank/credentials/investment": `[
 {"_id":"i-1","name":"A","isin":"ES0000000001","type":"F","amount":1,"balance":1,"currency":"EUR","detail":{"source":"list"}},
 {"_id":"i-2","name":"B","isin":"ES0000000002","type":"F","amount":1,"balance":1,"currency":"EUR"},
 {"_id":"i-3","name":"C","isin":"ES0000000003","type":"F","amount":1,"balance":1,"currency":"EUR","detail":null}]`,
			"/v0/bank/credentials/investment/detail": `[{"investment_id":"i-2","srri":4},{"isin":"ES0000000003","ter":0.50}]`,
		})})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductInvestments)
		var invs []models.Investment
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Order("provider_id").Find(&invs).Error)
		want := []string{`{"source":"list"}`, `{"investment_id":"i-2","srri":4}`, `{"isin":"ES0000000003","ter":0.50}`}
		if len(invs) != len(want) {
			t.Fatalf("%d investments", len(invs))
		}
		for i, w := range want {
			if invs[i].Detail == nil || !sameJSON(t, invs[i].Detail, w) {
				t.Errorf("%s detail %s, want %s", invs[i].ProviderID, invs[i].Detail, w)
			}
		}
	})
}

func TestInvestmentDetailNotAskedWhenListed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductInvestments)
		if n := e.sim.RequestCounts()["/v0/bank/credentials/investment/detail"]; n != 0 {
			t.Fatalf("/investment/detail called %d times though every position has its detail", n)
		}
		var missing int64
		check(t, db.Gorm.Model(&models.Investment{}).Where("credentials_id = ? AND detail IS NULL", c.ID).Count(&missing).Error)
		if missing != 0 {
			t.Fatalf("%d positions without detail", missing)
		}
	})
}

// sameJSON compares two JSON objects whatever their key order (jsonb
// reorders keys), numbers by their text.
func sameJSON(t *testing.T, got models.JSON, want string) bool {
	t.Helper()
	decode := func(b []byte) map[string]any {
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var m map[string]any
		if err := d.Decode(&m); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		return m
	}
	return reflect.DeepEqual(decode(got), decode([]byte(want)))
}
