package flanks_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/providers/flanks"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

var maskedPAN = regexp.MustCompile(`^\*{12}\d{4}$`)

// cents reports whether d has at most two decimals, i.e. it was decoded from
// the exact money text and not through a float.
func cents(d decimal.Decimal) bool { return d.Equal(d.Round(2)) }

// aggData is everything the per-endpoint calls returned for one credentials.
type aggData struct {
	accounts    []flanks.Account
	txns        []flanks.AccountTransaction
	cards       []flanks.Card
	cardTxns    []flanks.CardTransaction
	portfolios  []flanks.Portfolio
	investments []flanks.Investment
	invTxns     []flanks.InvestmentTransaction
	liabilities []flanks.Liability
	liabTxns    []flanks.LiabilityTransaction
	holders     []flanks.Holder
	identity    *flanks.Identity
}

func TestRoundTrip_Aggregation(t *testing.T) {
	forEachMode(t, func(t *testing.T, m mode) {
		r := newRT(t, m, flankssim.Options{})
		tok := r.create("testbank", "user-42", "XXXX")
		req := r.req(tok)
		var d aggData

		t.Run("accounts and transactions", func(t *testing.T) {
			d.accounts = must(r.c.ListAccounts(r.ctx, req))(t)
			d.txns = must(r.c.ListAccountTransactions(r.ctx, req))(t)
			if len(d.accounts) < 2 || len(d.txns) == 0 {
				t.Fatalf("%d accounts, %d transactions", len(d.accounts), len(d.txns))
			}
			byIBAN := map[string][]flanks.AccountTransaction{}
			for _, tx := range d.txns {
				byIBAN[tx.AccountID] = append(byIBAN[tx.AccountID], tx)
				if tx.CardNumber != "" && !maskedPAN.MatchString(tx.CardNumber) {
					t.Errorf("transaction %s: card number %q not masked", tx.ID, tx.CardNumber)
				}
			}
			for _, a := range d.accounts {
				if a.ID == "" || a.IBAN == "" || a.Entity != "testbank" || a.Currency == "" || a.UpdatedAt.IsZero() {
					t.Errorf("account %+v", a)
				}
				checkLedger(t, a, byIBAN[a.IBAN])
				delete(byIBAN, a.IBAN)
			}
			if len(byIBAN) != 0 {
				t.Errorf("transactions of unknown accounts: %d ids", len(byIBAN))
			}

			// Filtered by one account: only that account, all of it.
			target := d.accounts[1].IBAN
			q := flanks.AggregationRequest{CredentialsToken: tok, Query: flanks.Query{"account_id": []string{target}}}
			filtered := must(r.c.ListAccountTransactions(r.ctx, q))(t)
			want := 0
			for _, tx := range d.txns {
				if tx.AccountID == target {
					want++
				}
			}
			if len(filtered) != want || want == 0 {
				t.Errorf("filter on %s: %d transactions, want %d", target, len(filtered), want)
			}
			for _, tx := range filtered {
				if tx.AccountID != target {
					t.Fatalf("filter on %s returned a transaction of %s", target, tx.AccountID)
				}
			}
			checkLedger(t, d.accounts[1], filtered)
		})

		t.Run("cards and transactions", func(t *testing.T) {
			d.cards = must(r.c.ListCards(r.ctx, req))(t)
			d.cardTxns = must(r.c.ListCardTransactions(r.ctx, req))(t)
			if len(d.cards) == 0 || len(d.cardTxns) == 0 {
				t.Fatalf("%d cards, %d card transactions", len(d.cards), len(d.cardTxns))
			}
			ids := map[string]bool{}
			for _, c := range d.cards {
				ids[c.ID] = true
				if !maskedPAN.MatchString(c.PAN) {
					t.Errorf("card %s: PAN %q shows more than its last 4 digits", c.ID, c.PAN)
				}
				if c.CardType != "credit" && c.CardType != "debit" {
					t.Errorf("card %s: type %q", c.ID, c.CardType)
				}
			}
			for _, tx := range d.cardTxns {
				if !ids[tx.CardID] || !cents(tx.Amount) || !tx.OperationDate.Valid() {
					t.Fatalf("card transaction %+v", tx)
				}
			}
		})

		t.Run("portfolios, investments, transactions, detail", func(t *testing.T) {
			d.portfolios = must(r.c.ListPortfolios(r.ctx, req))(t)
			d.investments = must(r.c.ListInvestments(r.ctx, req))(t)
			d.invTxns = must(r.c.ListInvestmentTransactions(r.ctx, req))(t)
			pids := map[string]bool{}
			for _, p := range d.portfolios {
				pids[p.ID] = true
				if p.Name == "" || !p.Balance.Valid || p.Currency == "" {
					t.Errorf("portfolio %+v", p)
				}
			}
			types := map[string]bool{}
			byID := map[string][]flanks.InvestmentTransaction{}
			for _, tx := range d.invTxns {
				byID[tx.InvestmentID] = append(byID[tx.InvestmentID], tx)
			}
			for _, inv := range d.investments {
				types[inv.Type] = true
				if !pids[inv.PortfolioID] {
					t.Errorf("investment %s points at unknown portfolio %q", inv.Name, inv.PortfolioID)
				}
				if len(inv.Detail) == 0 || !json.Valid(inv.Detail) {
					t.Errorf("investment %s: detail %s", inv.Name, inv.Detail)
				}
				checkShares(t, inv, byID[inv.ID])
				delete(byID, inv.ID)
			}
			if len(byID) != 0 {
				t.Errorf("investment transactions of %d unknown investments", len(byID))
			}
			for _, code := range []string{"F", "VI", "PP", "FI", "C", "ETF", "CFD", "L", "O", "DV", "BP", "AEP"} {
				if !types[code] {
					t.Errorf("no investment of type %s", code)
				}
			}

			raw := must(r.c.GetInvestmentDetail(r.ctx, req))(t)
			var details []struct {
				InvestmentID string `json:"investment_id"`
				ISIN         string `json:"isin"`
			}
			if err := json.Unmarshal(raw, &details); err != nil {
				t.Fatalf("investment detail %.80s: %v", raw, err)
			}
			if len(details) != len(d.investments) {
				t.Errorf("%d details for %d investments", len(details), len(d.investments))
			}
			for i, det := range details {
				if i < len(d.investments) && (det.InvestmentID != d.investments[i].ID || det.ISIN != d.investments[i].ISIN) {
					t.Errorf("detail %d = %+v, investment %s/%s", i, det, d.investments[i].ID, d.investments[i].ISIN)
				}
			}
		})

		t.Run("liabilities and transactions", func(t *testing.T) {
			d.liabilities = must(r.c.ListLiabilities(r.ctx, req))(t)
			d.liabTxns = must(r.c.ListLiabilityTransactions(r.ctx, req))(t)
			if len(d.liabilities) == 0 || len(d.liabTxns) == 0 {
				t.Fatalf("%d liabilities, %d transactions", len(d.liabilities), len(d.liabTxns))
			}
			byID := map[string][]flanks.LiabilityTransaction{}
			for _, tx := range d.liabTxns {
				byID[tx.LiabilityID] = append(byID[tx.LiabilityID], tx)
			}
			for _, l := range d.liabilities {
				if !slices.Contains([]string{"Credit", "Loan", "Confirming"}, l.Type) || l.Interest == nil {
					t.Errorf("liability %s: type %q interest %v", l.Name, l.Type, l.Interest)
				}
				checkLiabilityLedger(t, l, byID[l.ID])
				delete(byID, l.ID)
			}
			if len(byID) != 0 {
				t.Errorf("liability transactions of %d unknown liabilities", len(byID))
			}
		})

		t.Run("identity, holders, MiFID", func(t *testing.T) {
			d.identity = must(r.c.GetIdentity(r.ctx, req))(t)
			if d.identity.ID != tok || d.identity.FullName == "" || !d.identity.BirthDate.Valid() || len(d.identity.Address) == 0 {
				t.Errorf("identity %+v", d.identity)
			}
			d.holders = must(r.c.ListHolders(r.ctx, req))(t)
			products := map[string]bool{}
			for _, a := range d.accounts {
				products[a.ID] = true
			}
			for _, c := range d.cards {
				products[c.ID] = true
			}
			for _, p := range d.portfolios {
				products[p.ID] = true
			}
			for _, l := range d.liabilities {
				products[l.ID] = true
			}
			if len(d.holders) == 0 {
				t.Fatal("no holders")
			}
			for _, h := range d.holders {
				if !products[h.ProductID] || h.Name == "" || (h.Rel != "Titular" && h.Rel != "Autorizado") {
					t.Errorf("holder %+v does not point at a returned product", h)
				}
			}
			for _, a := range d.accounts {
				n := 0
				for _, h := range d.holders {
					if h.ProductID == a.ID && h.Rel == "Titular" {
						n++
					}
				}
				if a.NumOwners != n {
					t.Errorf("account %s: numOwners %d, %d Titular holders", a.IBAN, a.NumOwners, n)
				}
			}

			mifid := must(r.c.ListMiFIDRaw(r.ctx, req))(t)
			if len(mifid) == 0 {
				t.Fatal("empty MiFID list")
			}
			for _, it := range mifid {
				var obj map[string]any
				if err := json.Unmarshal(it, &obj); err != nil || len(obj) == 0 {
					t.Errorf("MiFID item %.80s: %v", it, err)
				}
			}
			none := r.create("testbank", "", "NO_MIFID")
			if got := must(r.c.ListMiFIDRaw(r.ctx, r.req(none)))(t); len(got) != 0 {
				t.Errorf("NO_MIFID gave %d items", len(got))
			}
		})

		t.Run("all matches the per-endpoint results", func(t *testing.T) {
			if d.identity == nil || d.liabTxns == nil {
				t.Skip("needs the per-endpoint results")
			}
			all := must(r.c.GetAll(r.ctx, req))(t)
			checkAll(t, all, &d, tok)
		})
	})
}

// checkLedger checks one account's transactions, newest first: each balance
// is the older balance plus the amount (balance_i = balance_{i+1} + amount_i),
// the newest balance is the account's balance, and every amount is exact money.
func checkLedger(t *testing.T, a flanks.Account, txns []flanks.AccountTransaction) {
	t.Helper()
	if len(txns) == 0 {
		t.Errorf("account %s has no transactions", a.IBAN)
		return
	}
	for i, tx := range txns {
		if !tx.Balance.Valid || !cents(tx.Amount) || !cents(tx.Balance.Decimal) || tx.Currency != a.Currency {
			t.Fatalf("transaction %s: amount %s balance %v currency %s", tx.ID, tx.Amount, tx.Balance, tx.Currency)
		}
		if i+1 < len(txns) {
			older := txns[i+1]
			if older.OperationDate.After(tx.OperationDate.Time) {
				t.Fatalf("transactions not newest first at %s", tx.ID)
			}
			if want := older.Balance.Decimal.Add(tx.Amount); !tx.Balance.Decimal.Equal(want) {
				t.Fatalf("transaction %s: balance %s, want %s + %s = %s", tx.ID, tx.Balance.Decimal, older.Balance.Decimal, tx.Amount, want)
			}
		}
	}
	if !txns[0].Balance.Decimal.Equal(a.Balance) {
		t.Errorf("account %s balance %s, newest transaction balance %s", a.IBAN, a.Balance, txns[0].Balance.Decimal)
	}
}

// checkLiabilityLedger: balance_i = balance_{i+1} + amount_i + interest_i,
// newest first, and the newest balance is the liability's.
func checkLiabilityLedger(t *testing.T, l flanks.Liability, txns []flanks.LiabilityTransaction) {
	t.Helper()
	for i := 0; i+1 < len(txns); i++ {
		tx, older := txns[i], txns[i+1]
		want := older.Balance.Decimal.Add(tx.Amount).Add(tx.Interest.Decimal)
		if !tx.Balance.Valid || !tx.Balance.Decimal.Equal(want) {
			t.Fatalf("liability %s, transaction %s: balance %v, want %s", l.Name, tx.ID, tx.Balance, want)
		}
	}
	if len(txns) > 0 && !txns[0].Balance.Decimal.Equal(l.Balance) {
		t.Errorf("liability %s: balance %s, newest transaction %s", l.Name, l.Balance, txns[0].Balance.Decimal)
	}
}

// checkShares walks an investment's transactions oldest first: each balance
// is the shares held after it, the sign of amount matches symb, and the
// position's amount is the last balance.
func checkShares(t *testing.T, inv flanks.Investment, txns []flanks.InvestmentTransaction) {
	t.Helper()
	held := decimal.Zero
	for i := len(txns) - 1; i >= 0; i-- {
		tx := txns[i]
		if (tx.Symb == "-") != tx.Amount.Decimal.IsNegative() {
			t.Fatalf("%s %s: symb %q with amount %s", inv.Name, tx.ID, tx.Symb, tx.Amount.Decimal)
		}
		held = held.Add(tx.Amount.Decimal)
		if !tx.Balance.Valid || !tx.Balance.Decimal.Equal(held) {
			t.Fatalf("%s %s: balance %v, want %s", inv.Name, tx.ID, tx.Balance, held)
		}
	}
	if (len(txns) > 0 || inv.Type != "L") && !inv.Amount.Decimal.Equal(held) {
		t.Errorf("%s: amount %s, transactions add up to %s", inv.Name, inv.Amount.Decimal, held)
	}
}

// checkAll compares /all with the per-endpoint results.
func checkAll(t *testing.T, all *flanks.AllData, d *aggData, tok string) {
	t.Helper()
	count := func(name string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("/all %s: %d, per-endpoint %d", name, got, want)
		}
	}
	count("accounts", len(all.Accounts), len(d.accounts))
	count("cards", len(all.Cards), len(d.cards))
	count("portfolios", len(all.Portfolios), len(d.portfolios))
	count("liabilities", len(all.Liabilities), len(d.liabilities))
	n := 0
	for i, a := range all.Accounts {
		n += len(a.Transactions)
		if i < len(d.accounts) && (a.ID != d.accounts[i].ID || !a.Balance.Equal(d.accounts[i].Balance)) {
			t.Errorf("/all account %d = %s %s, per-endpoint %s %s", i, a.ID, a.Balance, d.accounts[i].ID, d.accounts[i].Balance)
		}
		if len(a.Owners) == 0 || a.Owners[0].Rel == "" {
			t.Errorf("/all account %s: owners %v without relation", a.IBAN, a.Owners)
		}
	}
	count("account transactions", n, len(d.txns))
	n = 0
	for _, c := range all.Cards {
		n += len(c.Transactions)
		if !maskedPAN.MatchString(c.PAN) {
			t.Errorf("/all card PAN %q", c.PAN)
		}
	}
	count("card transactions", n, len(d.cardTxns))
	n = 0
	for _, l := range all.Liabilities {
		n += len(l.Transactions)
	}
	count("liability transactions", n, len(d.liabTxns))

	groups := map[string][]flanks.AllInvestment{
		"F": all.Funds, "FI": all.FidexIncome, "PP": all.PensionPlans, "VI": all.Stocks, "ETF": all.ETFs,
		"O": all.Others, "L": all.Liquidity, "C": all.CryptoCurrencies, "CFD": all.ContractForDifferences,
		"DV": all.Derivatives, "BP": all.BankProducts, "AEP": all.AlternativeEmergingProducts,
	}
	perType := map[string]int{}
	for _, inv := range d.investments {
		perType[inv.Type]++
	}
	invs, txns := 0, 0
	for code, group := range groups {
		count("investments of type "+code, len(group), perType[code])
		for _, inv := range group {
			if inv.Type != code {
				t.Errorf("/all: %s investment %s under the %s key", inv.Type, inv.Name, code)
			}
			invs++
			txns += len(inv.Transactions)
		}
	}
	count("deposits", len(all.Deposits), 0)
	count("investments", invs, len(d.investments))
	count("investment transactions", txns, len(d.invTxns))
	if all.Identity == nil || all.Identity.ID != tok || all.Identity.FullName != d.identity.FullName {
		t.Errorf("/all identity %+v", all.Identity)
	}
	if all.UpdatedAt.IsZero() {
		t.Error("/all without updated_at_timestamp")
	}
}
