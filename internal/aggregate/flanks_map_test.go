package aggregate_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/models"
)

// serve answers the given paths with fixed JSON bodies and passes the rest
// to the simulator, to feed the adapter values the simulator never sends.
func serve(bodies map[string]string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if b, ok := bodies[r.URL.Path]; ok {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(b))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

const wireAccounts = `[{"_id":"acc-1","iban":"ES7600000000000000000001","balance":1234567890123456.0123456789,
 "currency":"EUR","owners":["Ana"],"numOwners":1,"updated_at_timestamp":1741600000}]`

func TestExactMoneyAndAccountLinks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{wrap: serve(map[string]string{
			pathAccount: wireAccounts,
			pathData: `[
 {"_id":"t-iban","account_id":"ES7600000000000000000001","amount":-0.0000000001,"balance":99999999999999999.9999999999,"currency":"EUR","operationDate":"2025-03-01","description":"by iban"},
 {"_id":"t-id","account_id":"acc-1","amount":10.1,"currency":"EUR","operationDate":"2025-03-02","description":"by _id"},
 {"_id":"t-orphan","account_id":"ES99","amount":1,"currency":"EUR","operationDate":"2025-03-02","description":"unknown account"}]`,
		})})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductTransactions)

		var acct models.Account
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Take(&acct).Error)
		if acct.Balance.String() != "1234567890123456.0123456789" || acct.SeenAt == nil || len(acct.Owners) != 1 {
			t.Fatalf("account balance %s, seen %v, owners %v", acct.Balance, acct.SeenAt, acct.Owners)
		}
		var txns []models.AccountTransaction
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Order("provider_id").Find(&txns).Error)
		if len(txns) != 2 {
			t.Fatalf("%d transactions stored, want 2 (the orphan is skipped)", len(txns))
		}
		byIBAN, byID := txns[0], txns[1] // ordered by provider id
		if byIBAN.ProviderID != "t-iban" || byIBAN.Amount.String() != "-0.0000000001" ||
			byIBAN.BalanceAfter.Decimal.String() != "99999999999999999.9999999999" || byIBAN.AccountID != acct.ID {
			t.Errorf("iban-linked transaction %+v", byIBAN)
		}
		if byID.AccountID != acct.ID || byID.Amount.String() != "10.1" || byID.BalanceAfter.Valid {
			t.Errorf("_id-linked transaction %+v", byID)
		}
	})
}

func TestOnlyLastFourPANDigitsStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{wrap: serve(map[string]string{
			pathAccount: wireAccounts,
			pathData: `[{"_id":"t-1","account_id":"acc-1","amount":-3,"currency":"EUR","operationDate":"2025-03-01",
 "cardNumber":"4111111111111111","description":"COMPRA 4111 1111 1111 1111 SHOP"}]`,
			"/v0/bank/credentials/card": `[{"_id":"card-1","pan":"4111111111111111","cardType":"credit"},
 {"_id":"card-2","pan":"************4242","cardType":"debit"}]`,
			"/v0/bank/credentials/card/transaction": `[{"_id":"ct-1","card_id":"card-1","amount":-12.5,"currency":"EUR",
 "operationDate":"2025-03-01","shop":"REFUND 4111-1111-1111-1111"}]`,
		})})
		c := e.link(userA, "testbank", "")
		e.ensure(c, models.ProductTransactions, models.ProductCardTxns)

		var cards []models.Card
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Order("provider_id").Find(&cards).Error)
		if len(cards) != 2 || cards[0].PANLast4 != "1111" || cards[1].PANLast4 != "4242" {
			t.Fatalf("cards %+v", cards)
		}
		var txn models.AccountTransaction
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Take(&txn).Error)
		if txn.CardNumber == nil || *txn.CardNumber != "1111" {
			t.Fatalf("card number stored as %v", txn.CardNumber)
		}
		pan := regexp.MustCompile(`4111[ -]?1111[ -]?1111`)
		for _, table := range []string{"cards", "card_transactions", "account_transactions"} {
			rows := []map[string]any{}
			check(t, db.Gorm.Table(table).Where("credentials_id = ?", c.ID).Find(&rows).Error)
			for _, r := range rows {
				for col, v := range r {
					if pan.MatchString(str(v)) {
						t.Errorf("%s.%s holds a full PAN: %q", table, col, str(v))
					}
				}
			}
		}
	})
}

func TestFlanksMappingFromSimulator(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db, envOpts{})
		c := e.link(userA, "testbank", "")
		e.ensure(c, allProducts...)
		checkCardNumbers(t, db, c.ID)
		checkIdentity(t, db, c.ID)
		checkInvestments(t, db, c.ID)

		var liab []models.Liability
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Find(&liab).Error)
		for _, l := range liab {
			if l.Type == nil || !json.Valid(l.Interest) || l.Currency == "" {
				t.Errorf("liability %+v", l)
			}
		}
		var holders []models.Holder
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Find(&holders).Error)
		for _, h := range holders {
			if h.ProviderProductID == "" || h.Name == "" || h.Relation == nil {
				t.Errorf("holder %+v", h)
			}
		}
		var m models.Mifid
		check(t, db.Gorm.Where("credentials_id = ?", c.ID).Take(&m).Error)
		var items []map[string]any
		if err := json.Unmarshal(m.Raw, &items); err != nil || len(items) == 0 {
			t.Errorf("mifid raw %s: %v", m.Raw, err)
		}
	})
}

func checkCardNumbers(t *testing.T, db *database.DB, credsID string) {
	t.Helper()
	four := regexp.MustCompile(`^\d{4}$`)
	var cards []models.Card
	check(t, db.Gorm.Where("credentials_id = ?", credsID).Find(&cards).Error)
	for _, card := range cards {
		if !four.MatchString(card.PANLast4) {
			t.Errorf("card PAN stored as %q", card.PANLast4)
		}
	}
	var withCard []models.AccountTransaction
	check(t, db.Gorm.Where("credentials_id = ? AND card_number_masked IS NOT NULL", credsID).Find(&withCard).Error)
	if len(withCard) == 0 {
		t.Fatal("no card payment among the account transactions")
	}
	for _, tx := range withCard {
		if !four.MatchString(*tx.CardNumber) {
			t.Errorf("transaction card number %q", *tx.CardNumber)
		}
	}
}

func checkIdentity(t *testing.T, db *database.DB, credsID string) {
	t.Helper()
	var id models.Identity
	check(t, db.Gorm.Where("credentials_id = ?", credsID).Take(&id).Error)
	if id.DocumentNumber == nil || *id.DocumentNumber == "" || id.FullName == nil || !json.Valid(id.Address) {
		t.Errorf("identity %+v", id)
	}
}

func checkInvestments(t *testing.T, db *database.DB, credsID string) {
	t.Helper()
	var invs []models.Investment
	check(t, db.Gorm.Where("credentials_id = ?", credsID).Find(&invs).Error)
	for _, i := range invs {
		if i.TypeCode == nil || i.ProviderPortfolioID == nil || (i.Detail != nil && !json.Valid(i.Detail)) {
			t.Errorf("investment %+v", i)
		}
	}
	var transfers []models.InvestmentTransaction
	check(t, db.Gorm.Where("credentials_id = ? AND type = ? AND symb = ?", credsID, "4", "-").Find(&transfers).Error)
	if len(transfers) == 0 {
		t.Fatal("no outgoing fund transfer in the simulated data")
	}
	for _, tr := range transfers {
		var extra map[string]any
		if err := json.Unmarshal(tr.Extra, &extra); err != nil || extra["isinDest"] == nil || extra["amountDest"] == nil {
			t.Errorf("fund transfer extra %s: %v", tr.Extra, err)
		}
		if !strings.Contains(string(tr.Extra), `"amountDest"`) {
			t.Errorf("extra %s", tr.Extra)
		}
	}
}
