package flanks

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

const bigMoney = "123456789012345678.0123456789"

func decodeFixture[T any](t *testing.T, name string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(fixture(t, name)), &v); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return v
}

func assertDecimal(t *testing.T, field string, got decimal.Decimal, want string) {
	t.Helper()
	w := decimal.RequireFromString(want)
	if !got.Equal(w) || got.String() != w.String() {
		t.Errorf("%s = %s, want exactly %s", field, got, want)
	}
}

func assertNullDecimal(t *testing.T, field string, got decimal.NullDecimal, want string) {
	t.Helper()
	if want == "" {
		if got.Valid {
			t.Errorf("%s = %s, want null", field, got.Decimal)
		}
		return
	}
	if !got.Valid {
		t.Errorf("%s is null, want %s", field, want)
		return
	}
	assertDecimal(t, field, got.Decimal, want)
}

func assertDate(t *testing.T, field string, got Date, want string) {
	t.Helper()
	if got.String() != want {
		t.Errorf("%s = %q, want %q", field, got.String(), want)
	}
}

func TestDecodeStatus(t *testing.T) {
	s := decodeFixture[CredentialsStatus](t, "status.json")
	if s.Pending || s.Blocked || s.ResetToken != nil || s.Name != "testbank" || s.Time != "06:12" {
		t.Errorf("status = %+v", s)
	}
	assertDate(t, "last_transaction_date", s.LastTransactionDate, "2024-03-14")
	assertDate(t, "last_update", s.LastUpdate, "2024-03-15")
	if got := s.LastUpdateAt.Unix(); got != 1710483120 {
		t.Errorf("last_update_timestamp = %d", got)
	}
	// "transaction" and "transactions" both decode.
	if !s.Errored.Transactions.Card || !s.Errored.Product.Portfolio {
		t.Errorf("errored = %+v", s.Errored)
	}
	if !s.Created.Transactions.Liability || s.Created.Transactions.Investment || !s.Created.Product.Holders {
		t.Errorf("created = %+v", s.Created)
	}
}

func TestDecodeAccounts(t *testing.T) {
	a := decodeFixture[[]Account](t, "accounts.json")
	if len(a) != 2 {
		t.Fatalf("got %d accounts", len(a))
	}
	assertDecimal(t, "balance", a[0].Balance, bigMoney)
	assertDecimal(t, "balance (string)", a[1].Balance, "-0.10")
	if a[0].IsOwner == nil || !*a[0].IsOwner || a[1].IsOwner != nil {
		t.Errorf("isOwner = %v, %v", a[0].IsOwner, a[1].IsOwner)
	}
	if a[0].NumOwners != 2 || a[0].Owners[1].Name != "Juan Pérez" || a[0].Description != "" {
		t.Errorf("account[0] = %+v", a[0])
	}
	if a[1].Owners[0] != (Owner{Name: "María López", Rel: "Titular"}) || a[1].ExternalID != "ext-102" {
		t.Errorf("account[1] = %+v", a[1])
	}
	if a[0].UpdatedAt.Unix() != 1710483120 {
		t.Errorf("updated_at = %v", a[0].UpdatedAt)
	}
}

func TestDecodeAccountTransactions(t *testing.T) {
	tx := decodeFixture[[]AccountTransaction](t, "transactions.json")
	assertDecimal(t, "amount", tx[0].Amount, "-45.20")
	assertNullDecimal(t, "balance", tx[0].Balance, "2450.18")
	assertNullDecimal(t, "null balance", tx[1].Balance, "")
	assertDecimal(t, "tiny amount", tx[2].Amount, "0.0000000001")
	assertDate(t, "operationDate", tx[0].OperationDate, "2024-03-14")
	assertDate(t, "RFC 3339 operationDate", tx[1].OperationDate, "2024-03-01")
	assertDate(t, "null valueDate", tx[1].ValueDate, "")
	assertDate(t, "empty operationDate", tx[2].OperationDate, "")
	if tx[0].ProductDescription != "Cuenta Nómina" || tx[1].PairTransactionID != "T000983" || tx[1].OrderID != "ORD-77" {
		t.Errorf("tx = %+v / %+v", tx[0], tx[1])
	}
	if got := *tx[1].Transfer; got.Payer != "ACME SL" || got.IBANPayer != "ES1000492352082414205416" || got.Beneficiary != "María López" {
		t.Errorf("seed transfer = %+v", got)
	}
	if got := *tx[2].Transfer; got.Payer != "Juan Pérez" || got.IBANPayer != "ES0000000000000000000002" {
		t.Errorf("ruby transfer = %+v", got)
	}
}

func TestDecodeInvestments(t *testing.T) {
	p := decodeFixture[[]Portfolio](t, "portfolios.json")
	assertNullDecimal(t, "portfolio balance", p[0].Balance, "98765432109876543.21")
	assertNullDecimal(t, "null portfolio balance", p[1].Balance, "")
	if len(p[0].RefAccounts) != 2 || p[1].RefValores != "" || !p[1].UpdatedAt.IsZero() {
		t.Errorf("portfolios = %+v", p)
	}

	inv := decodeFixture[[]Investment](t, "investments.json")[0]
	assertNullDecimal(t, "balance", inv.Balance, bigMoney)
	assertNullDecimal(t, "amount", inv.Amount, "1234.567891")
	assertNullDecimal(t, "performance", inv.Performance, "0.2")
	assertNullDecimal(t, "YTD", inv.PerformanceDetail.YTD, "0.03")
	assertNullDecimal(t, "beta", inv.Analytics.BetaRatio, "")
	assertDate(t, "initial_date", inv.InitialDate, "2019-06-01")
	if inv.CNMV == nil || inv.CNMV.CIFGestora != "A12345678" || inv.DGS != nil || inv.IsNominal == nil || *inv.IsNominal {
		t.Errorf("investment = %+v", inv)
	}
	assertJSONEqual(t, inv.Detail, `{"morningstar": {"rating": 4, "category": "Global Large-Cap"}, "ter": 0.0125}`)
	if len(inv.CountryModel) != 1 {
		t.Errorf("country_model = %s", inv.CountryModel)
	}

	tx := decodeFixture[[]InvestmentTransaction](t, "investment_transactions.json")
	if tx[0].Type != "4" || tx[1].Type != "28" || tx[1].ReversalType != "1" || tx[0].SymbDest != "+" {
		t.Errorf("types = %q %q %q", tx[0].Type, tx[1].Type, tx[1].ReversalType)
	}
	assertNullDecimal(t, "unitPrice", tx[0].UnitPrice, "12.345678")
	assertNullDecimal(t, "commission_detail.entity", tx[0].CommissionDetail.Entity, "0")
	assertNullDecimal(t, "retention origin", tx[0].RetentionDetail.Origin, "1.5")
	assertNullDecimal(t, "amountDest", tx[0].AmountDest, "80.25")
	assertDate(t, "valueDateDest", tx[0].ValueDateDest, "2024-01-15")
	assertJSONEqual(t, tx[0].OriginGain, `{"gain": 120.5}`)
}

func TestDecodeLiabilitiesAndCards(t *testing.T) {
	l := decodeFixture[[]Liability](t, "liabilities.json")[0]
	assertDecimal(t, "liability balance", l.Balance, "154321.99")
	assertNullDecimal(t, "spread", l.Interest.Spread, "0.99")
	assertDate(t, "expirationDate", l.ExpirationDate, "2045-04-01")
	if l.Type != "Loan" || l.Interest.Type != "variable" || l.Periodicity != "monthly" {
		t.Errorf("liability = %+v", l)
	}
	lt := decodeFixture[[]LiabilityTransaction](t, "liability_transactions.json")[0]
	assertDecimal(t, "amount", lt.Amount, "-812.34")
	assertNullDecimal(t, "interest", lt.Interest, "160.51")

	c := decodeFixture[[]Card](t, "cards.json")[0]
	assertNullDecimal(t, "availableBalance", c.AvailableBalance, "2999.99")
	if c.PAN != "************1234" || c.CardType != "credit" {
		t.Errorf("card = %+v", c)
	}
	ct := decodeFixture[[]CardTransaction](t, "card_transactions.json")[0]
	assertDecimal(t, "card amount", ct.Amount, "-19.99")
	if ct.Shop != "LIBRERIA CENTRAL" || ct.CardID != "card-1" {
		t.Errorf("card tx = %+v", ct)
	}
}

func TestDecodeIdentityHoldersLinksEntities(t *testing.T) {
	id := decodeFixture[Identity](t, "identity.json")
	assertDate(t, "birthDate", id.BirthDate, "1985-07-21")
	// The address and contact documents are kept as sent: a null stays
	// null and a number a number (they once became "" and "1").
	if got := compactJSON(t, id.Address); got != `{"street":"Calle Mayor 1","postalCode":"28013","city":"Madrid","country":null,"number":1}` {
		t.Errorf("address = %s", got)
	}
	if got := compactJSON(t, id.ContactInfo); got != `{"email":"maria@example.com","phone":"+34600000000"}` ||
		id.IdentityDocument != "00000000T" {
		t.Errorf("identity = %+v, contact %s", id, got)
	}
	var fromList Identity
	if err := json.Unmarshal([]byte(`[{"_id": "x", "fullName": "A B"}]`), &fromList); err != nil || fromList.FullName != "A B" {
		t.Errorf("identity from list = %+v, %v", fromList, err)
	}

	h := decodeFixture[[]Holder](t, "holders.json")
	if len(h) != 2 || h[1].Rel != "Autorizado" {
		t.Errorf("holders = %+v", h)
	}
	codes := decodeFixture[[]LinkCode](t, "link_codes.json")
	if codes[0].Extra["n"] != "7" || codes[0].LinkToken != "lt-9" || codes[1].Extra != nil {
		t.Errorf("link codes = %+v", codes)
	}
	ents := decodeFixture[[]Entity](t, "entities.json")
	if ents[1].ID != "42" || !ents[1].AlwaysManualRefresh || ents[0].CIF != "A00000000" {
		t.Errorf("entities = %+v", ents)
	}
}

func TestDecodeAll(t *testing.T) {
	a := decodeFixture[AllData](t, "all.json")
	assertDecimal(t, "accounts[0].balance", a.Accounts[0].Balance, bigMoney)
	assertDecimal(t, "accounts[0].transactions[0].amount", a.Accounts[0].Transactions[0].Amount, "-45.20")
	if a.Accounts[0].Owners[0].Rel != "Titular" || a.Cards[0].Transactions[0].CardID != "card-1" {
		t.Errorf("accounts/cards = %+v / %+v", a.Accounts, a.Cards)
	}
	assertNullDecimal(t, "funds[0].balance", a.Funds[0].Balance, "1000.01")
	if a.Funds[0].Transactions[0].Type != "1" || len(a.FidexIncome) != 1 || a.PensionPlans[0].DGS.Gestora != "G" ||
		a.Stocks[0].Symbol != "ACME" || a.BankProducts[0].PlacingBank != "Banco X" {
		t.Errorf("investments = %+v", a)
	}
	assertNullDecimal(t, "crypto amount", a.CryptoCurrencies[0].Amount, "0.00000001")
	if a.Identity == nil || a.Identity.FullName != "María López García" || a.Identity.BirthDate.Valid() {
		t.Errorf("identity = %+v", a.Identity)
	}
	if a.Liabilities[0].Transactions[0].LiabilityID != "li-1" || len(a.ETFs) != 0 || a.Deposits == nil {
		t.Errorf("liabilities = %+v", a.Liabilities)
	}
	if !a.UpdatedAt.Equal(time.Unix(1710483120, 0)) {
		t.Errorf("updated_at = %v", a.UpdatedAt)
	}
}

// compactJSON is raw without insignificant space.
func compactJSON(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatalf("compact %s: %v", raw, err)
	}
	return b.String()
}
