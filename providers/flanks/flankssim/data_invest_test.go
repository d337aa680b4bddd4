package flankssim

import (
	"regexp"
	"testing"

	"github.com/shopspring/decimal"
)

func TestData_InvestmentsCoverEveryTypeCode(t *testing.T) {
	s := newSim(t, Options{Seed: 21})
	tok := s.create("openbank", "", "XXXX")
	body := map[string]any{"credentials_token": tok}
	invs := decodeList(t, s.post(credentialsPath+"investment", body, 200))
	seen := map[string]bool{}
	for _, inv := range invs {
		typ := inv["type"].(string)
		seen[typ] = true
		switch typ {
		case "F", "VI", "ETF", "FI", "CFD", "DV", "O", "AEP":
			if isin := inv["isin"].(string); len(isin) != 12 || isinWithCheck(isin[:11]) != isin {
				t.Errorf("%s %v: invalid ISIN %q", typ, inv["name"], isin)
			}
		}
	}
	for _, code := range []string{"F", "VI", "ETF", "FI", "PP", "C", "L", "CFD", "O", "DV", "BP", "AEP"} {
		if !seen[code] {
			t.Errorf("no investment of type %s", code)
		}
	}
	details := decodeList(t, s.post(credentialsPath+"investment/detail", body, 200))
	if len(details) != len(invs) {
		t.Errorf("%d details for %d investments", len(details), len(invs))
	}
}

func TestData_InvestmentSharesAndPortfolios(t *testing.T) {
	s := newSim(t, Options{Seed: 21})
	tok := s.create("openbank", "", "XXXX")
	body := map[string]any{"credentials_token": tok}
	invs := decodeList(t, s.post(credentialsPath+"investment", body, 200))
	txns := decodeList(t, s.post(credentialsPath+"investment/transaction", body, 200))
	totals := map[string]decimal.Decimal{}
	for _, inv := range invs {
		checkShares(t, inv, txns)
		v := dec(t, inv["balance"])
		if inv["currency"] == "USD" {
			v = v.Mul(usdToEUR).Round(2)
		}
		pid := inv["portfolio_id"].(string)
		totals[pid] = totals[pid].Add(v)
	}
	for _, p := range decodeList(t, s.post(credentialsPath+"portfolio", body, 200)) {
		if got, want := dec(t, p["balance"]), totals[p["_id"].(string)]; !got.Equal(want) {
			t.Errorf("portfolio %v balance %s, sum of investments %s", p["name"], got, want)
		}
	}
}

// checkShares checks that each transaction's balance (shares held) is the previous one
// plus its amount, and that the investment's amount is the last balance.
func checkShares(t *testing.T, inv map[string]any, txns []map[string]any) {
	t.Helper()
	held := decimal.Zero
	var mine []map[string]any
	for _, tx := range txns {
		if tx["investment_id"] == inv["_id"] {
			mine = append(mine, tx)
		}
	}
	for i := len(mine) - 1; i >= 0; i-- {
		tx := mine[i]
		amt := dec(t, tx["amount"])
		if (tx["symb"] == "-") != amt.IsNegative() {
			t.Fatalf("%v: symb %v with amount %s", tx["_id"], tx["symb"], amt)
		}
		held = held.Add(amt)
		if got := dec(t, tx["balance"]); !got.Equal(held) {
			t.Fatalf("%v %v: balance %s, want %s", inv["name"], tx["_id"], got, held)
		}
	}
	if len(mine) > 0 || inv["type"] != "L" {
		if got := dec(t, inv["amount"]); !got.Equal(held) {
			t.Errorf("%v: amount %s, transactions add up to %s", inv["name"], got, held)
		}
	}
}

func TestData_FundTransferHasBothLegs(t *testing.T) {
	s := newSim(t, Options{Seed: 21})
	tok := s.create("openbank", "", "XXXX")
	txns := decodeList(t, s.post(credentialsPath+"investment/transaction", map[string]any{"credentials_token": tok}, 200))
	var out, in map[string]any
	for _, tx := range txns {
		if tx["type"] == "4" && tx["symb"] == "-" {
			out = tx
		}
	}
	if out == nil {
		t.Fatal("no outgoing fund transfer (type 4, symb -)")
	}
	for _, k := range []string{"accountDest", "amountDest", "commissionDest", "currencyDest", "isinDest",
		"netCashDest", "symbDest", "unitPriceDest", "valueDateDest"} {
		if out[k] == nil {
			t.Errorf("outgoing transfer has null %s", k)
		}
	}
	for _, tx := range txns {
		if tx["type"] == "4" && tx["symb"] == "+" && tx["isin"] == out["isinDest"] {
			in = tx
		}
	}
	if in == nil {
		t.Fatal("no incoming leg")
	}
	if !dec(t, in["amount"]).Equal(dec(t, out["amountDest"])) || in["operationDate"] != out["operationDate"] {
		t.Errorf("legs differ: in %v/%v, out dest %v/%v", in["amount"], in["operationDate"], out["amountDest"], out["operationDate"])
	}
}

func TestData_LiabilityBalancesAreExact(t *testing.T) {
	for seed := int64(1); seed <= 4; seed++ {
		s := newSim(t, Options{Seed: seed})
		tok := s.create("bankinter", "", "XXXX")
		body := map[string]any{"credentials_token": tok}
		txns := decodeList(t, s.post(credentialsPath+"liability/transaction", body, 200))
		for _, l := range decodeList(t, s.post(credentialsPath+"liability", body, 200)) {
			var mine []map[string]any
			for _, tx := range txns {
				if tx["liability_id"] == l["_id"] {
					mine = append(mine, tx)
				}
			}
			for i := len(mine) - 2; i >= 0; i-- {
				want := dec(t, mine[i+1]["balance"]).Add(dec(t, mine[i]["amount"])).Add(dec(t, mine[i]["interest"]))
				if got := dec(t, mine[i]["balance"]); !got.Equal(want) {
					t.Fatalf("%v: balance %s, want %s", l["name"], got, want)
				}
			}
			if len(mine) > 0 && !dec(t, mine[0]["balance"]).Equal(dec(t, l["balance"])) {
				t.Errorf("%v: balance %v, newest transaction %v", l["name"], l["balance"], mine[0]["balance"])
			}
		}
	}
}

func TestData_MoneyIsNeverFloatFormatted(t *testing.T) {
	s := newSim(t, Options{Seed: 8})
	tok := s.create("testbank", "", "XXXX")
	raw := string(s.post(credentialsPath+"all", map[string]any{"credentials_token": tok}, 200))
	numbers := regexp.MustCompile(`":(-?[0-9][0-9.eE+-]*)[,}\]]`).FindAllStringSubmatch(raw, -1)
	if len(numbers) < 1000 {
		t.Fatalf("only %d numbers found", len(numbers))
	}
	exact := regexp.MustCompile(`^-?\d+(\.\d{1,8})?$`)
	for _, m := range numbers {
		if !exact.MatchString(m[1]) {
			t.Errorf("number %q is not plain decimal text with at most 8 decimals", m[1])
		}
	}
}
