package finqwaresim

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

var amountRE = regexp.MustCompile(`^\d+\.\d{2}$`)

func TestGeneratedData(t *testing.T) {
	for seed := range int64(4) {
		e := newEnv(t, Options{Seed: seed})
		tok := e.consent(SkillBT, "")
		var accts []accountWire
		e.data("/accounts/get", tok, nil).json(t, &accts)
		if len(accts) < 1 || len(accts) > 3 {
			t.Fatalf("seed %d: %d accounts", seed, len(accts))
		}
		ids := map[string]bool{}
		for _, a := range accts {
			ids[a.ID] = true
			iban := a.Data.AccountSchemes[0]
			if iban.SchemeName != "IBAN" || !strings.HasPrefix(iban.Identification, "RO") ||
				len(iban.Identification) != 24 || !validIBAN(iban.Identification) || a.Data.AccountSchemes[1].Identification != "BTRLRO22" {
				t.Errorf("seed %d: schemes %+v", seed, a.Data.AccountSchemes)
			}
			if c := a.Data.Currency; c != "RON" && c != "EUR" {
				t.Errorf("currency %s", c)
			}
			if !amountRE.MatchString(a.Data.Balances[0].BalanceAmount) {
				t.Errorf("balance amount %q", a.Data.Balances[0].BalanceAmount)
			}
		}
		var bals []balanceWire
		e.data("/balances/get", tok, nil).json(t, &bals)
		if len(bals) != 3*len(accts) {
			t.Fatalf("%d balances for %d accounts", len(bals), len(accts))
		}
		for _, b := range bals {
			if _, err := time.Parse(naiveLayout, b.Timestamp); err != nil || strings.HasSuffix(b.Timestamp, "Z") {
				t.Errorf("balance timestamp %q is not naive", b.Timestamp)
			}
			if !ids[b.AccountID] || !amountRE.MatchString(b.Data.Amount) {
				t.Errorf("balance %+v", b)
			}
			if (b.Data.Type == "ClosingBooked") != (b.Data.NativeDate != nil) {
				t.Errorf("native_date on %s: %v", b.Data.Type, b.Data.NativeDate)
			}
		}
		var txs []txWire
		e.data("/transactions/get", tok, nil).json(t, &txs)
		if len(txs) < 30 {
			t.Fatalf("only %d transactions over 60 days", len(txs))
		}
		utx := map[string]bool{}
		for i, tx := range txs {
			if utx[tx.UTXID] || tx.UTXID == "" {
				t.Fatalf("utx_id %q repeated or empty", tx.UTXID)
			}
			utx[tx.UTXID] = true
			d := tx.Data
			if !amountRE.MatchString(d.Amount) || (d.CreditDebitIndicator != "credit" && d.CreditDebitIndicator != "debit") ||
				d.Status != "booked" || d.Info == "" || !ids[tx.AccountID] {
				t.Fatalf("transaction %+v", tx)
			}
			if i > 0 && txs[i-1].Data.BookingDateTime < d.BookingDateTime {
				t.Fatalf("not newest first at %d", i)
			}
		}
	}
}

func TestTransactionFilters(t *testing.T) {
	e := newEnv(t, Options{Seed: 3})
	tok := e.consent(SkillRZB, "")
	var all []txWire
	e.data("/transactions/get", tok, nil).json(t, &all)
	acct := all[0].AccountID
	mid := e.clock.Now().AddDate(0, 0, -20).Truncate(24 * time.Hour)
	stampMid := all[len(all)/2].Timestamp
	tests := []struct {
		name   string
		filter map[string]any
		keep   func(txWire) bool
	}{
		{"account", map[string]any{"account_id": acct}, func(x txWire) bool { return x.AccountID == acct }},
		{"debits", map[string]any{"credit_debit_indicator": "debit"},
			func(x txWire) bool { return x.Data.CreditDebitIndicator == "debit" }},
		{"category", map[string]any{"category": "groceries"}, func(x txWire) bool { return x.Data.Category == "groceries" }},
		{"amount range", map[string]any{"gte": "100", "lt": 500},
			func(x txWire) bool {
				a := decimal.RequireFromString(x.Data.Amount)
				return a.GreaterThanOrEqual(decimal.NewFromInt(100)) && a.LessThan(decimal.NewFromInt(500))
			}},
		{"amount eq", map[string]any{"eq": all[0].Data.Amount},
			func(x txWire) bool { return x.Data.Amount == all[0].Data.Amount }},
		{"booking range", map[string]any{"booking_date_gte": mid.Format(time.DateOnly),
			"booking_date_lt": mid.AddDate(0, 0, 7).Format(time.RFC3339)},
			func(x txWire) bool {
				b, _ := time.Parse(time.RFC3339, x.Data.BookingDateTime)
				return !b.Before(mid) && b.Before(mid.AddDate(0, 0, 7))
			}},
		{"booking eq", map[string]any{"booking_date_eq": mid.Format("2006-01-02T15:04:05")},
			func(x txWire) bool { b, _ := time.Parse(time.RFC3339, x.Data.BookingDateTime); return b.Equal(mid) }},
		{"timestamp gte", map[string]any{"timestamp_gte": stampMid},
			func(x txWire) bool { return x.Timestamp >= stampMid }},
		{"combined", map[string]any{"account_id": acct, "credit_debit_indicator": "credit", "currency": "ron"},
			func(x txWire) bool {
				return x.AccountID == acct && x.Data.CreditDebitIndicator == "credit" && x.Data.Currency == "RON"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []txWire
			e.data("/transactions/get", tok, tt.filter).json(t, &got)
			want := 0
			for _, x := range all {
				if tt.keep(x) {
					want++
				}
			}
			if len(got) != want || want == 0 && tt.name != "combined" {
				t.Fatalf("%d transactions, want %d (of %d)", len(got), want, len(all))
			}
			for _, x := range got {
				if !tt.keep(x) {
					t.Fatalf("transaction outside the filter: %+v", x)
				}
			}
		})
	}
	for _, bad := range []map[string]any{{"booking_date": "2024-01-01"}, {"gte": "ten"}, {"timestamp_gte": "yesterday"},
		{"account_id": 5}} {
		e.data("/transactions/get", tok, bad).wantError(t, 400, "invalid_field")
	}
}

func TestBalanceFilter(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.consent(SkillBT, "")
	var got []balanceWire
	e.data("/balances/get", tok, map[string]string{"type": "ClosingBooked"}).json(t, &got)
	if len(got) == 0 {
		t.Fatal("no ClosingBooked balance")
	}
	for _, b := range got {
		if b.Data.Type != "ClosingBooked" || b.Data.NativeDate == nil || *b.Data.NativeDate != "2024-03-14" {
			t.Fatalf("balance %+v", b)
		}
	}
	e.data("/balances/get", tok, map[string]string{"status": "x"}).wantError(t, 400, "invalid_field")
}

func TestIncrementalSyncSeesAddedTransactions(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.consent(SkillBT, "")
	var before []txWire
	e.data("/transactions/get", tok, nil).json(t, &before)
	e.clock.Advance(26 * time.Hour)
	since := e.clock.Now().Format(time.RFC3339Nano)
	utx, err := e.sim.AddTransactions(tok.CredentialsID, 3)
	if err != nil || len(utx) != 3 {
		t.Fatalf("AddTransactions: %v %v", utx, err)
	}
	var got []txWire
	e.data("/transactions/get", tok, map[string]string{"timestamp_gte": since}).json(t, &got)
	if len(got) != 3 {
		t.Fatalf("incremental sync returned %d, want the 3 new ones", len(got))
	}
	for _, x := range got {
		if x.UTXID != utx[0] && x.UTXID != utx[1] && x.UTXID != utx[2] {
			t.Fatalf("unexpected %s", x.UTXID)
		}
	}
	// A second consent of the same bank user sees the same utx_ids.
	tok2 := e.consent(SkillBT, "")
	var again []txWire
	e.data("/transactions/get", tok2, nil).json(t, &again)
	if len(again) != len(before)+3 || tok2.CredentialsID == tok.CredentialsID {
		t.Fatalf("second consent: %d transactions, want %d", len(again), len(before)+3)
	}
	if _, err := e.sim.AddTransactions("nope", 1); err != ErrUnknownCredentials {
		t.Fatalf("unknown credentials: %v", err)
	}
}

func TestIBAN(t *testing.T) {
	// The docs' example IBAN is valid, and ours validate the same way.
	if !validIBAN("RO49AAAA1B31007593840000") || validIBAN("RO48AAAA1B31007593840000") {
		t.Fatal("mod97 check broken")
	}
	if iban := romanianIBAN("BTRL", "0123456789012345"); !validIBAN(iban) || len(iban) != 24 {
		t.Fatalf("generated %s", iban)
	}
}
