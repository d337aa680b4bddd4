package flankssim

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestData_DeterministicBytes(t *testing.T) {
	fetch := func(seed int64) map[string][]byte {
		s := newSim(t, Options{Seed: seed})
		tok := s.create("santander", "user-42", "XXXX")
		out := map[string][]byte{"token": []byte(tok)}
		for _, p := range []string{"all", "data", "investment/transaction", "holder", "mifid/raw", "investment/detail"} {
			out[p] = s.post(credentialsPath+p, map[string]any{"credentials_token": tok}, 200)
		}
		return out
	}
	a, b, c := fetch(99), fetch(99), fetch(100)
	for p := range a {
		if !bytes.Equal(a[p], b[p]) {
			t.Errorf("%s: same seed gave different bytes", p)
		}
	}
	if bytes.Equal(a["data"], c["data"]) || bytes.Equal(a["token"], c["token"]) {
		t.Error("different seeds gave the same data")
	}
}

// dec parses a JSON number exactly.
func dec(t *testing.T, v any) decimal.Decimal {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%v (%T) is not a JSON number", v, v)
	}
	d, err := decimal.NewFromString(string(n))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var moneyText = regexp.MustCompile(`^-?\d+\.\d{2}$`)

func TestData_AccountBalancesAreExact(t *testing.T) {
	s := newSim(t, Options{Seed: 3})
	for _, bank := range []string{"testbank", "ing", "caixabank"} {
		tok := s.create(bank, "", "XXXX")
		body := map[string]any{"credentials_token": tok}
		accounts := decodeList(t, s.post(credentialsPath+"account", body, 200))
		txns := decodeList(t, s.post(credentialsPath+"data", body, 200))
		if len(accounts) < 2 || len(accounts) > 5 {
			t.Errorf("%s: %d accounts, want 2-5", bank, len(accounts))
		}
		if len(txns) < 500 {
			t.Errorf("%s: only %d transactions over two years", bank, len(txns))
		}
		for _, a := range accounts {
			iban := a["iban"].(string)
			if !validIBAN(iban) || !strings.HasPrefix(iban, "ES") || a["alias"] == "" {
				t.Errorf("bad IBAN or alias %v / %v", iban, a["alias"])
			}
			checkLedger(t, a, txns)
		}
	}
}

// checkLedger walks one account's transactions oldest first and checks that each balance
// is the previous balance plus the amount, and that the last equals the account balance.
func checkLedger(t *testing.T, acc map[string]any, txns []map[string]any) {
	t.Helper()
	var mine []map[string]any
	for _, tx := range txns {
		if tx["account_id"] == acc["iban"] {
			mine = append(mine, tx)
		}
	}
	if len(mine) == 0 {
		t.Fatalf("account %v has no transactions", acc["iban"])
	}
	prev := ""
	for i := len(mine) - 1; i >= 0; i-- {
		tx := mine[i]
		for _, k := range []string{"amount", "balance"} {
			if txt := string(tx[k].(json.Number)); !moneyText.MatchString(txt) {
				t.Fatalf("%s %q is not exact two-decimal money", k, txt)
			}
		}
		if tx["operationDate"].(string) < prev {
			t.Fatalf("transactions not newest first at %v", tx["_id"])
		}
		prev = tx["operationDate"].(string)
		if i < len(mine)-1 {
			want := dec(t, mine[i+1]["balance"]).Add(dec(t, tx["amount"]))
			if got := dec(t, tx["balance"]); !got.Equal(want) {
				t.Fatalf("%v: balance %s, want %s", tx["_id"], got, want)
			}
		}
		if tx["currency"] != acc["currency"] {
			t.Fatalf("currency %v on a %v account", tx["currency"], acc["currency"])
		}
	}
	if got, want := dec(t, mine[0]["balance"]), dec(t, acc["balance"]); !got.Equal(want) {
		t.Errorf("account balance %s, newest transaction balance %s", want, got)
	}
}

func TestData_Realism(t *testing.T) {
	s := newSim(t, Options{Seed: 11})
	tok := s.create("testbank", "user-11", "XXXX")
	body := map[string]any{"credentials_token": tok}
	txns := decodeList(t, s.post(credentialsPath+"data", body, 200))
	var cardTx, transfers int
	for _, tx := range txns {
		if cn, ok := tx["cardNumber"].(string); ok {
			cardTx++
			if !regexp.MustCompile(`^\*{12}\d{4}$`).MatchString(cn) {
				t.Fatalf("cardNumber %q not masked", cn)
			}
		}
		tr := tx["transfer"].(map[string]any)
		if name, ok := tr["beneficiary"].(string); ok && name != "" {
			transfers++
		}
		for _, k := range []string{"ibanBeneficiary", "ibanOrdenant"} {
			if iban, ok := tr[k].(string); ok && !validIBAN(iban) {
				t.Errorf("invalid %s %q", k, iban)
			}
		}
		if tx["category"] == nil || tx["description"] == "" {
			t.Fatalf("transaction without category or description: %v", tx)
		}
	}
	if cardTx == 0 || transfers == 0 {
		t.Errorf("card transactions %d, transfers %d; want both", cardTx, transfers)
	}
	for _, c := range decodeList(t, s.post(credentialsPath+"card", body, 200)) {
		if !regexp.MustCompile(`^\*{12}\d{4}$`).MatchString(c["pan"].(string)) {
			t.Errorf("pan %v not masked", c["pan"])
		}
		if ct := c["cardType"]; ct != "credit" && ct != "debit" {
			t.Errorf("cardType %v", ct)
		}
	}
	for _, l := range decodeList(t, s.post(credentialsPath+"liability", body, 200)) {
		typ := l["interest"].(map[string]any)["type"]
		if typ != "fixed" && typ != "variable" {
			t.Errorf("interest.type %v", typ)
		}
	}
}

func TestData_HoldersPointAtProducts(t *testing.T) {
	s := newSim(t, Options{Seed: 5})
	tok := s.create("testbank", "", "XXXX")
	body := map[string]any{"credentials_token": tok}
	ids := map[string]bool{}
	for _, p := range []string{"account", "card", "portfolio", "liability"} {
		for _, it := range decodeList(t, s.post(credentialsPath+p, body, 200)) {
			ids[it["_id"].(string)] = true
		}
	}
	holders := decodeList(t, s.post(credentialsPath+"holder", body, 200))
	covered := map[string]bool{}
	for _, h := range holders {
		if !ids[h["product_id"].(string)] {
			t.Errorf("holder points at unknown product %v", h["product_id"])
		}
		if r := h["rel"]; r != "Titular" && r != "Autorizado" {
			t.Errorf("rel %v", r)
		}
		covered[h["product_id"].(string)] = true
	}
	if len(covered) != len(ids) {
		t.Errorf("%d products, %d with holders", len(ids), len(covered))
	}
	for _, a := range decodeList(t, s.post(credentialsPath+"account", body, 200)) {
		n := 0
		for _, h := range holders {
			if h["product_id"] == a["_id"] && h["rel"] == "Titular" {
				n++
			}
		}
		if got := dec(t, a["numOwners"]).IntPart(); got != int64(n) {
			t.Errorf("numOwners %d, Titular holders %d", got, n)
		}
	}
}

func TestData_MifidCanBeEmpty(t *testing.T) {
	s := newSim(t, Options{Seed: 5})
	tok := s.create("testbank", "", "NO_MIFID")
	if got := string(bytes.TrimSpace(s.post(credentialsPath+"mifid/raw", map[string]any{"credentials_token": tok}, 200))); got != "[]" {
		t.Errorf("NO_MIFID: %s", got)
	}
	tok = s.create("testbank", "", "XXXX")
	a := s.post(credentialsPath+"mifid/raw", map[string]any{"credentials_token": tok}, 200)
	b := s.post("/v0/bank/credencial/mifid/raw", map[string]any{"credentials_token": tok}, 200)
	if !bytes.Equal(a, b) {
		t.Error("the seed's typo path serves different data")
	}
}
