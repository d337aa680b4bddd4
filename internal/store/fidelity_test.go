package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/models"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func nullDec(s string) decimal.NullDecimal {
	return decimal.NullDecimal{Decimal: dec(s), Valid: true}
}

// moneyTxns are transactions whose amounts end in zeros, linked by IBAN.
func moneyTxns(amounts ...string) []store.Linked[models.AccountTransaction] {
	out := make([]store.Linked[models.AccountTransaction], len(amounts))
	for i, a := range amounts {
		out[i] = store.Linked[models.AccountTransaction]{ParentRef: "ES7600000000000000000001",
			Row: models.AccountTransaction{ProviderID: fmt.Sprintf("m-%d", i), Amount: dec(a), BalanceAfter: nullDec("2150.00"),
				Currency: "EUR", OperationDate: models.DateOf(time.Date(2024, 1, 1+i, 0, 0, 0, 0, time.UTC)),
				Description: "movement " + a}}
	}
	return out
}

// Money is written with its scale and read back with it, by every read
// path: the direct page scanner, GORM's scanner and the summary rows.
func TestMoneyRoundTripKeepsScale(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, st := context.Background(), store.New(db.Gorm)
		w := writeFixture(t, st)
		iban := "ES7600000000000000000001"
		wcheck(t, st.ReplaceAccounts(ctx, w, []models.Account{{ProviderID: "acc-1", IBAN: &iban,
			Balance: dec("2150.00"), Currency: "EUR"}}))
		amounts := []string{"-45.20", "0.00", "12.5", "100", "-0.0000000001", "123456789012345678901234.123456789000"}
		_, err := st.ReplaceAccountTransactions(ctx, w, moneyTxns(amounts...))
		wcheck(t, err)
		wcheck(t, st.ReplaceCards(ctx, w, []models.Card{{ProviderID: "c-1", PANLast4: "1234",
			AvailableBalance: nullDec("3000.00"), Currency: ptr("EUR")}}))

		acct := accountOf(t, db, w)
		res, err := st.AccountTransactionsByAccount(ctx, store.ListRequest{Parents: []string{acct.ID},
			Scope: store.Scope{UserID: w.UserID}, Page: page(t, ptr[int32](100), nil, nil, nil)})
		wcheck(t, err)
		var direct []string
		for _, r := range res[acct.ID].Rows {
			direct = append(direct, models.DecimalText(r.Amount))
			if got := models.DecimalText(r.BalanceAfter.Decimal); got != "2150.00" {
				t.Errorf("%s: balance after read as %s", r.ProviderID, got)
			}
		}
		var rows []models.AccountTransaction
		wcheck(t, db.Gorm.Where("credentials_id = ?", w.CredentialsID).Order("operation_date").Find(&rows).Error)
		var viaGorm []string
		for _, r := range rows {
			viaGorm = append(viaGorm, models.DecimalText(r.Amount))
		}
		slices.Sort(direct)
		want := slices.Clone(amounts)
		slices.Sort(want)
		if !slices.Equal(direct, want) {
			t.Errorf("page read %v, want %v", direct, want)
		}
		if !slices.Equal(viaGorm, amounts) {
			t.Errorf("GORM read %v, want %v", viaGorm, amounts)
		}

		sum, err := st.SummaryRows(ctx, store.Scope{UserID: w.UserID})
		wcheck(t, err)
		if len(sum.Accounts) != 1 || models.DecimalText(sum.Accounts[0].Balance) != "2150.00" ||
			len(sum.Cards) != 1 || models.DecimalText(sum.Cards[0].AvailableBalance.Decimal) != "3000.00" {
			t.Errorf("summary rows %+v", sum)
		}
	})
}

func accountOf(t *testing.T, db *database.DB, w store.WriteScope) models.Account {
	t.Helper()
	var a models.Account
	wcheck(t, db.Gorm.Where("credentials_id = ? AND provider_id = ?", w.CredentialsID, "acc-1").Take(&a).Error)
	return a
}

// A refresh that serves the same amounts with the same scale changes
// nothing, while one that serves them with another scale is stored: a
// numerically equal value is still a change of what clients see.
func TestReplaceStoresScaleChangesOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, st := context.Background(), store.New(db.Gorm)
		w := writeFixture(t, st)
		iban := "ES7600000000000000000001"
		write := func(at time.Time, balance, amount string) {
			t.Helper()
			w.At = at
			wcheck(t, st.Tx(ctx, func(tx *store.Store) error {
				if err := tx.ReplaceAccounts(ctx, w, []models.Account{{ProviderID: "acc-1", IBAN: &iban,
					Balance: dec(balance), Currency: "EUR"}}); err != nil {
					return err
				}
				_, err := tx.ReplaceAccountTransactions(ctx, w, moneyTxns(amount))
				return err
			}))
		}
		read := func() (models.Account, models.AccountTransaction) {
			t.Helper()
			var tx models.AccountTransaction
			wcheck(t, db.Gorm.Where("credentials_id = ?", w.CredentialsID).Take(&tx).Error)
			return accountOf(t, db, w), tx
		}
		t0 := w.At
		write(t0.Add(time.Minute), "2150.00", "-45.20")
		a1, tx1 := read()
		write(t0.Add(2*time.Minute), "2150.00", "-45.20")
		a2, tx2 := read()
		if !a2.UpdatedAt.Equal(a1.UpdatedAt) || !tx2.UpdatedAt.Equal(tx1.UpdatedAt) {
			t.Errorf("an identical refresh rewrote the rows: account %v -> %v, transaction %v -> %v",
				a1.UpdatedAt, a2.UpdatedAt, tx1.UpdatedAt, tx2.UpdatedAt)
		}
		write(t0.Add(3*time.Minute), "2150.0", "-45.2")
		a3, tx3 := read()
		if models.DecimalText(a3.Balance) != "2150.0" || models.DecimalText(tx3.Amount) != "-45.2" {
			t.Errorf("scale change not stored: balance %s, amount %s", models.DecimalText(a3.Balance), models.DecimalText(tx3.Amount))
		}
		if a3.UpdatedAt.Equal(a2.UpdatedAt) || tx3.UpdatedAt.Equal(tx2.UpdatedAt) {
			t.Errorf("scale change did not update the rows")
		}

		// The same holds for numbers inside provider documents (jsonb on
		// PostgreSQL, whose equality ignores their scale too).
		writeLiability := func(at time.Time, interest string) models.Liability {
			t.Helper()
			w.At = at
			wcheck(t, st.ReplaceLiabilities(ctx, w, []models.Liability{{ProviderID: "l-1", Name: "Loan",
				Balance: dec("100.00"), Currency: "EUR", Interest: models.JSON(interest)}}))
			var l models.Liability
			wcheck(t, db.Gorm.Where("credentials_id = ?", w.CredentialsID).Take(&l).Error)
			return l
		}
		l1 := writeLiability(t0.Add(4*time.Minute), `{"rate":2.50}`)
		l2 := writeLiability(t0.Add(5*time.Minute), `{"rate":2.50}`)
		l3 := writeLiability(t0.Add(6*time.Minute), `{"rate":2.5}`)
		if !l2.UpdatedAt.Equal(l1.UpdatedAt) {
			t.Errorf("an identical document rewrote the row")
		}
		if l3.UpdatedAt.Equal(l2.UpdatedAt) || !strings.Contains(string(l3.Interest), "2.5}") {
			t.Errorf("a document whose number changed scale was not stored: %s", l3.Interest)
		}
	})
}

// Amount bounds compare numerically, whatever the scale of the bound or
// of the stored value.
func TestAmountFilterIgnoresScale(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, st := context.Background(), store.New(db.Gorm)
		w := writeFixture(t, st)
		_, err := st.ReplaceAccountTransactions(ctx, w, moneyTxns("-45.20", "0.00", "12.50", "12.5", "100"))
		wcheck(t, err)
		for _, tc := range []struct {
			min, max string
			want     int
		}{
			{"-45.2", "-45.2", 1}, {"-45.200", "0", 2}, {"0.0", "0.00000", 1}, {"12.5", "12.50", 2}, {"1E+2", "", 1},
		} {
			f := store.TxnFilter{MinAmount: ptr(dec(tc.min))}
			if tc.max != "" {
				f.MaxAmount = ptr(dec(tc.max))
			}
			res, err := st.AccountTransactionsByUser(ctx, store.ListRequest{Parents: []string{w.UserID},
				Scope: store.Scope{UserID: w.UserID}, Filter: &f, Page: page(t, ptr[int32](100), nil, nil, nil), Total: true})
			wcheck(t, err)
			if got := res[w.UserID].TotalCount; got != tc.want {
				t.Errorf("amount in [%s, %s]: %d rows, want %d", tc.min, tc.max, got, tc.want)
			}
		}
	})
}

// The text filter is case-insensitive for every script on both
// databases; accents are not folded; % and _ match themselves.
func TestTextFilterUnicodeCase(t *testing.T) {
	descriptions := []string{"NÓMINA ENERO", "Nómina febrero", "nomina sin acento", "ÄRZTEHAUS BERLIN",
		"ΣΟΥΠΕΡ ΜΑΡΚΕΤ", "CAFÉ 100% ARÁBICA", "PAGO_TARJETA", "PAGOXTARJETA", "STRAßE 5"}
	cases := []struct {
		text string
		want []string
	}{
		{"nómina", []string{"NÓMINA ENERO", "Nómina febrero"}},
		{"NÓMINA", []string{"NÓMINA ENERO", "Nómina febrero"}},
		{"óMi", []string{"NÓMINA ENERO", "Nómina febrero"}},
		{"nomina", []string{"nomina sin acento"}}, // accents are not folded
		{"ärztehaus", []string{"ÄRZTEHAUS BERLIN"}},
		{"σουπερ", []string{"ΣΟΥΠΕΡ ΜΑΡΚΕΤ"}},
		{"café 100%", []string{"CAFÉ 100% ARÁBICA"}},
		{"0% a", []string{"CAFÉ 100% ARÁBICA"}},
		{"%", []string{"CAFÉ 100% ARÁBICA"}},
		{"pago_", []string{"PAGO_TARJETA"}},
		{"straße", []string{"STRAßE 5"}},
		{"strasse", nil}, // one letter never becomes two
	}
	run := func(t *testing.T, db *database.DB, st *store.Store) {
		ctx := context.Background()
		w := writeFixture(t, st)
		rows := moneyTxns(slices.Repeat([]string{"1.00"}, len(descriptions))...)
		for i := range rows {
			rows[i].Row.Description = descriptions[i]
		}
		_, err := st.ReplaceAccountTransactions(ctx, w, rows)
		wcheck(t, err)
		acct := accountOf(t, db, w)
		for _, tc := range cases {
			f := store.TxnFilter{Text: ptr(tc.text)}
			// Both list shapes: per account and per user.
			byAcct, err := st.AccountTransactionsByAccount(ctx, store.ListRequest{Parents: []string{acct.ID},
				Scope: store.Scope{UserID: w.UserID}, Filter: &f, Page: page(t, ptr[int32](100), nil, nil, nil), Total: true})
			wcheck(t, err)
			byUser, err := st.AccountTransactionsByUser(ctx, store.ListRequest{Parents: []string{w.UserID},
				Scope: store.Scope{UserID: w.UserID}, Filter: &f, Page: page(t, ptr[int32](100), nil, nil, nil), Total: true})
			wcheck(t, err)
			for _, c := range []*store.Conn[models.AccountTransaction]{byAcct[acct.ID], byUser[w.UserID]} {
				var got []string
				for _, r := range c.Rows {
					got = append(got, r.Description)
				}
				slices.Sort(got)
				if !slices.Equal(got, tc.want) || c.TotalCount != len(tc.want) {
					t.Errorf("text %q found %q (total %d), want %q", tc.text, got, c.TotalCount, tc.want)
				}
			}
		}
	}
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		st := store.New(db.Gorm)
		if db.Dialect == "postgres" {
			t.Logf("PostgreSQL lower-cases with %s", store.TextFold(st, context.Background()))
		}
		run(t, db, st)
	})
	// A PostgreSQL database whose LC_CTYPE is C lower-cases ASCII only:
	// the store notices and lower-cases under the ICU root collation.
	t.Run("postgres-ctype-C", func(t *testing.T) {
		db := openCTypeC(t)
		st := store.New(db.Gorm)
		if f := store.TextFold(st, context.Background()); f != `LOWER(%s COLLATE "und-x-icu")` {
			t.Fatalf("text filter lower-cases with %s on a C-locale database", f)
		}
		run(t, db, st)
	})
	// The same ICU lower-casing, forced on the test database whatever its
	// locale (for a server where databases cannot be created).
	t.Run("postgres-icu", func(t *testing.T) {
		db := dbtest.Open(t, "postgres")
		var icu bool
		wcheck(t, db.Gorm.Raw(`SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu')`).Scan(&icu).Error)
		if !icu {
			t.Skip("this PostgreSQL has no ICU")
		}
		st := store.New(db.Gorm)
		store.UseICUFold(st)
		run(t, db, st)
	})
}

// openCTypeC creates a migrated PostgreSQL database whose LC_CTYPE is C,
// dropped when the test ends. It skips when the server lacks ICU or the
// test role may not create databases.
func openCTypeC(t *testing.T) *database.DB {
	t.Helper()
	base := dbtest.PostgresURL(t)
	admin, err := database.Open(context.Background(), database.Options{PostgresURL: base})
	wcheck(t, err)
	defer admin.Close()
	var icu bool
	wcheck(t, admin.Gorm.Raw(`SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu')`).Scan(&icu).Error)
	if !icu {
		t.Skip("this PostgreSQL has no ICU")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "fingraph_ctype_c_" + hex.EncodeToString(b[:])
	if _, err := admin.SQL.Exec("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"); err != nil {
		t.Skipf("cannot create a C-locale database: %v", err)
	}
	u, err := url.Parse(base)
	wcheck(t, err)
	u.Path = "/" + name
	db, err := database.Open(context.Background(), database.Options{PostgresURL: u.String()})
	t.Cleanup(func() {
		if db != nil {
			db.Close()
		}
		if a, err := database.Open(context.Background(), database.Options{PostgresURL: base}); err == nil {
			_, _ = a.SQL.Exec("DROP DATABASE IF EXISTS " + name)
			a.Close()
		}
	})
	wcheck(t, err)
	wcheck(t, db.Gorm.Use(dbtest.SecretsPlugin(t)))
	wcheck(t, migrations.Up(context.Background(), db.SQL, migrations.Postgres, nil))
	var lower string
	wcheck(t, db.Gorm.Raw(`SELECT lower('Ó')`).Scan(&lower).Error)
	if lower != "Ó" {
		t.Fatalf("lower('Ó') = %q on a C-locale database; the test would prove nothing", lower)
	}
	return db
}
