package app_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/models"
)

// cents is money as the Flanks simulator serves it: always two decimals
// ("25.00", "-45.20", "0.00"), and so as the API must answer it.
var cents = regexp.MustCompile(`^-?\d+\.\d{2}$`)

const moneyQuery = `{ me {
  summary { byCurrency { currency cash investments liabilities net } byProduct { product currency total count } }
  accounts(first: 50) { totalCount nodes { balance currency } }
  transactions(first: 100) { nodes { amount balanceAfter currency } }
  credentials(first: 5) { nodes {
    cards(first: 10) { nodes { availableBalance transactions(first: 30) { nodes { amount commission } } } }
    liabilities(first: 10) { nodes { balance availableBalance initialCapital transactions(first: 30) { nodes { amount } } } }
    portfolios(first: 10) { nodes { balance investments(first: 20) { nodes { balance cost } } } } } } } }`

type moneyData struct {
	Me struct {
		Summary struct {
			ByCurrency []struct{ Currency, Cash, Investments, Liabilities, Net string }
			ByProduct  []struct {
				Product, Currency, Total string
				Count                    int
			}
		}
		Accounts struct {
			TotalCount int
			Nodes      []struct{ Balance, Currency string }
		}
		Transactions struct {
			Nodes []struct {
				Amount, Currency string
				BalanceAfter     *string
			}
		}
		Credentials struct {
			Nodes []struct {
				Cards struct {
					Nodes []struct {
						AvailableBalance *string
						Transactions     struct {
							Nodes []struct {
								Amount     string
								Commission *string
							}
						}
					}
				}
				Liabilities struct {
					Nodes []struct {
						Balance                          string
						AvailableBalance, InitialCapital *string
						Transactions                     struct{ Nodes []struct{ Amount string } }
					}
				}
				Portfolios struct {
					Nodes []struct {
						Balance     string
						Investments struct {
							Nodes []struct {
								Balance string
								Cost    *string
							}
						}
					}
				}
			}
		}
	}
}

// TestMoneyKeepsProviderScale reads the demo data's money through the API:
// every amount comes back with the two decimals the provider served it
// with ("25.00", not "25"), on both databases, and so do the totals.
func TestMoneyKeepsProviderScale(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		var d moneyData
		s.mustGQL(t, s.token, moneyQuery, nil, nil) // the first read fills the cache
		s.mustGQL(t, s.token, moneyQuery, nil, &d)

		var values []string
		add := func(what string, v ...*string) {
			for _, x := range v {
				if x != nil {
					values = append(values, what+"="+*x)
				}
			}
		}
		me := d.Me
		for _, a := range me.Accounts.Nodes {
			add("account balance", &a.Balance)
		}
		for _, tx := range me.Transactions.Nodes {
			add("transaction amount", &tx.Amount)
			add("transaction balanceAfter", tx.BalanceAfter)
		}
		for _, c := range me.Credentials.Nodes {
			for _, card := range c.Cards.Nodes {
				add("card availableBalance", card.AvailableBalance)
				for _, tx := range card.Transactions.Nodes {
					add("card transaction", &tx.Amount, tx.Commission)
				}
			}
			for _, l := range c.Liabilities.Nodes {
				add("liability", &l.Balance, l.AvailableBalance, l.InitialCapital)
				for _, tx := range l.Transactions.Nodes {
					add("liability transaction", &tx.Amount)
				}
			}
			for _, p := range c.Portfolios.Nodes {
				add("portfolio balance", &p.Balance)
				for _, inv := range p.Investments.Nodes {
					add("investment", &inv.Balance, inv.Cost)
				}
			}
		}
		trailing := 0
		for _, v := range values {
			_, amount, _ := strings.Cut(v, "=")
			if !cents.MatchString(amount) {
				t.Errorf("%s: want two decimals as served", v)
			}
			if strings.HasSuffix(amount, "0") {
				trailing++
			}
		}
		if len(values) < 100 || trailing == 0 {
			t.Fatalf("%d amounts, %d ending in zero: the test would prove nothing", len(values), trailing)
		}

		// Totals have the scale of their terms (and at least the
		// currency's two decimals), and are their exact sums.
		sum := map[string]decimal.Decimal{}
		if me.Accounts.TotalCount != len(me.Accounts.Nodes) {
			t.Fatalf("read %d of %d accounts", len(me.Accounts.Nodes), me.Accounts.TotalCount)
		}
		for _, a := range me.Accounts.Nodes {
			sum[a.Currency] = sum[a.Currency].Add(decimal.RequireFromString(a.Balance))
		}
		if len(me.Summary.ByCurrency) == 0 {
			t.Fatal("empty summary")
		}
		for _, c := range me.Summary.ByCurrency {
			for _, v := range []string{c.Cash, c.Investments, c.Liabilities, c.Net} {
				if !cents.MatchString(v) {
					t.Errorf("%s total %s: want two decimals", c.Currency, v)
				}
			}
			if want := models.WithScaleAtLeast(sum[c.Currency], 2); c.Cash != models.DecimalText(want) {
				t.Errorf("%s cash total %s, want %s", c.Currency, c.Cash, models.DecimalText(want))
			}
		}
		for _, p := range me.Summary.ByProduct {
			if !cents.MatchString(p.Total) {
				t.Errorf("%s %s total %s: want two decimals", p.Product, p.Currency, p.Total)
			}
		}
	})
}

// TestTransactionTextFilterUnicode searches the demo transactions for
// words with accented letters in other cases than they are stored: the
// filter is case-insensitive for every letter, not only ASCII, on both
// databases, and it does not fold accents.
func TestTransactionTextFilterUnicode(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		const q = `query($t: String) { me { transactions(filter: {text: $t}, first: 100) { totalCount nodes { description } } } }`
		type result struct {
			Me struct {
				Transactions struct {
					TotalCount int
					Nodes      []struct{ Description string }
				}
			}
		}
		search := func(text string) []string {
			t.Helper()
			var r result
			s.mustGQL(t, s.token, q, map[string]any{"t": text}, &r)
			var out []string
			for _, n := range r.Me.Transactions.Nodes {
				out = append(out, n.Description)
			}
			if len(out) != r.Me.Transactions.TotalCount {
				t.Fatalf("%q: %d of %d transactions", text, len(out), r.Me.Transactions.TotalCount)
			}
			return out
		}
		search("bizum") // fills the cache

		// The simulator writes names in mixed case ("BIZUM DE Ana
		// Jiménez"); one movement is relabelled in capitals, as banks
		// often write them.
		db := s.app.DB.Gorm
		var tx models.AccountTransaction
		if err := db.Where("description LIKE ?", "BIZUM%").Order("id").Take(&tx).Error; err != nil {
			t.Fatal(err)
		}
		const upper = "NÓMINA ÁLVAREZ ÑÚÑEZ"
		if err := db.Model(&tx).Update("description", upper).Error; err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"nómina álvarez", "NÓMINA", "Ñúñez", "ñÚñ", "álvarez ñ"} {
			if got := search(text); len(got) != 1 || got[0] != upper {
				t.Errorf("%q found %q, want [%q]", text, got, upper)
			}
		}
		for _, text := range []string{"nomina alvarez", "nunez"} { // accents are not folded
			if got := search(text); len(got) != 0 {
				t.Errorf("%q found %q", text, got)
			}
		}

		// A mixed-case name with an accented letter, searched in capitals
		// and in lower case.
		var word string
		for _, d := range search("bizum") {
			for _, w := range strings.Fields(d) {
				if strings.IndexFunc(w, func(r rune) bool { return r > unicode.MaxASCII && unicode.IsLower(r) }) >= 0 {
					word = w
					break
				}
			}
			if word != "" {
				break
			}
		}
		if word == "" {
			t.Fatal("no demo transaction has an accented name; the test would prove nothing")
		}
		exact := search(word)
		if len(exact) == 0 {
			t.Fatalf("%q finds nothing", word)
		}
		for _, variant := range []string{strings.ToUpper(word), strings.ToLower(word)} {
			got := search(variant)
			if len(got) != len(exact) {
				t.Errorf("%q finds %d transactions, %q finds %d", variant, len(got), word, len(exact))
			}
			for _, d := range got {
				if !strings.Contains(strings.ToLower(d), strings.ToLower(word)) {
					t.Errorf("%q found %q", variant, d)
				}
			}
		}
	})
}

// TestIdentityJSONKeepsNulls reads an identity's provider documents
// through the JSON scalar: a null inside them is answered as null, not
// "", and numbers keep their text, on both databases. (The mapping from
// the provider is tested in internal/aggregate and flanksadapter.)
func TestIdentityJSONKeepsNulls(t *testing.T) {
	eachDB(t, nil, func(t *testing.T, s *testServer) {
		const q = `{ me { credentials(first: 5) { nodes { identity { contactInfo address } } } } }`
		type result struct {
			Me struct {
				Credentials struct {
					Nodes []struct {
						Identity *struct{ ContactInfo, Address json.RawMessage }
					}
				}
			}
		}
		s.mustGQL(t, s.token, q, nil, nil) // fills the cache
		const contact = `{"email":"ana@example.com","phone":null}`
		const address = `{"street":"Calle Mayor 1","floor":null,"number":7,"lat":40.4150}`
		res := s.app.DB.Gorm.Model(&models.Identity{}).Where("1 = 1").
			Updates(map[string]any{"contact_info": models.JSON(contact), "address": models.JSON(address)})
		if res.Error != nil || res.RowsAffected == 0 {
			t.Fatalf("update identities: %v (%d rows)", res.Error, res.RowsAffected)
		}
		var r result
		s.mustGQL(t, s.token, q, nil, &r)
		n := 0
		for _, c := range r.Me.Credentials.Nodes {
			if c.Identity == nil {
				continue
			}
			n++
			// PostgreSQL's jsonb orders keys its own way; values, nulls
			// and the text of numbers are kept.
			if !sameJSON(t, c.Identity.ContactInfo, contact) || !sameJSON(t, c.Identity.Address, address) {
				t.Errorf("identity documents %s and %s, want %s and %s", c.Identity.ContactInfo, c.Identity.Address, contact, address)
			}
		}
		if n == 0 {
			t.Fatal("no identity read")
		}
	})
}

// sameJSON reports whether two documents hold the same values, numbers
// compared by their text.
func sameJSON(t *testing.T, got json.RawMessage, want string) bool {
	t.Helper()
	decode := func(b []byte) any {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		return v
	}
	return reflect.DeepEqual(decode(got), decode([]byte(want)))
}
