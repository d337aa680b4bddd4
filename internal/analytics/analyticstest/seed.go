// Package analyticstest seeds a small, hand-checked set of users,
// credentials and cached rows for the analysts' aggregates, so the store
// tests and the GraphQL tests check the same expectations (written out in
// the tests, computed by hand from the rows below).
package analyticstest

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// Users seeded by Seed, in id order.
var Users = []string{"alice", "bob", "carol", "dave", "eve"}

// Seen is when Seed says every user was last seen; bob and carol are seen
// a day later (SeenLater).
var (
	Seen      = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	SeenLater = Seen.Add(24 * time.Hour)
)

// FailedAt is the last attempt of bob's failing transactions fetch; dave's
// failing accounts fetch is a year older.
var FailedAt = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

type creds struct {
	id, user    string
	provider    models.Provider
	entity      string
	pending     bool
	blocked     bool
	scaRequired bool
}

var credentials = []creds{
	{id: "creds-a", user: "alice", provider: models.ProviderFlanks, entity: "testbank"},
	{id: "creds-b", user: "bob", provider: models.ProviderFlanks, entity: "bbva"},
	{id: "creds-c", user: "carol", provider: models.ProviderFlinks, entity: "FlinksCapital", pending: true},
	{id: "creds-d", user: "dave", provider: models.ProviderFlanks, entity: "testbank", blocked: true},
	{id: "creds-e", user: "eve", provider: models.ProviderFlinks, entity: "FlinksCapital", scaRequired: true},
}

// txn is one account transaction: account provider id, date, amount,
// category ("" for none).
type txn struct{ account, date, amount, category string }

var accounts = map[string][]struct{ id, currency, balance string }{
	"creds-a": {{"a1", "EUR", "1500.00"}},
	"creds-b": {{"b1", "EUR", "250.5"}, {"b2", "USD", "10.00"}},
	"creds-c": {{"c1", "CAD", "99.99"}},
}

var transactions = map[string][]txn{
	"creds-a": {
		{"a1", "2025-01-05", "-10.50", "food"},
		{"a1", "2025-01-20", "-2.25", "food"},
		{"a1", "2025-01-31", "1000.00", "salary"},
		{"a1", "2025-02-03", "-0.125", "food"},
		{"a1", "2025-02-10", "-100", "rent"},
	},
	"creds-b": {
		{"b1", "2025-01-15", "-5.50", "food"},
		{"b1", "2025-02-01", "2000.00", "salary"},
		{"b2", "2025-01-10", "-20.00", "food"},
		{"b2", "2025-02-11", "-0.01", ""},
	},
	"creds-c": {
		{"c1", "2025-01-02", "-7.77", "food"},
	},
}

// Seed writes the data set through the store's own writers, so the
// rollups are maintained as in production.
func Seed(ctx context.Context, st *store.Store) error {
	for _, u := range Users {
		seen := Seen
		if u == "bob" || u == "carol" {
			seen = SeenLater
		}
		if err := st.TouchUser(ctx, u, seen); err != nil {
			return err
		}
	}
	for _, c := range credentials {
		if err := seedCredentials(ctx, st, c); err != nil {
			return fmt.Errorf("analyticstest: %s: %w", c.id, err)
		}
	}
	return seedSyncRecords(ctx, st)
}

func seedCredentials(ctx context.Context, st *store.Store, c creds) error {
	row := &models.Credentials{ID: c.id, UserID: c.user, Provider: c.provider, ProviderRef: "ref-" + c.id,
		EntityID: c.entity, EntityName: c.entity + " bank", Pending: c.pending, Blocked: c.blocked,
		SCARequired: c.scaRequired, RequiredActions: models.StringList{}, CreatedAt: Seen, UpdatedAt: Seen}
	if err := st.CreateCredentials(ctx, row); err != nil {
		return err
	}
	w := store.WriteScope{CredentialsID: c.id, UserID: c.user, At: Seen}
	return st.Tx(ctx, func(tx *store.Store) error {
		var accts []models.Account
		for _, a := range accounts[c.id] {
			accts = append(accts, models.Account{ProviderID: a.id, Balance: dec(a.balance), Currency: a.currency})
		}
		if err := tx.ReplaceAccounts(ctx, w, accts); err != nil {
			return err
		}
		if _, err := tx.ReplaceAccountTransactions(ctx, w, linkedTxns(c.id)); err != nil {
			return err
		}
		return seedHoldings(ctx, tx, w)
	})
}

// linkedTxns are the transactions of credsID, each linked to its account.
func linkedTxns(credsID string) []store.Linked[models.AccountTransaction] {
	currency := map[string]string{}
	for _, a := range accounts[credsID] {
		currency[a.id] = a.currency
	}
	var out []store.Linked[models.AccountTransaction]
	for i, t := range transactions[credsID] {
		d, _ := models.ParseDate(t.date)
		row := models.AccountTransaction{ProviderID: fmt.Sprintf("%s-t%d", credsID, i), Amount: dec(t.amount),
			Currency: currency[t.account], OperationDate: d, Description: "seeded"}
		if t.category != "" {
			row.Category = &t.category
		}
		out = append(out, store.Linked[models.AccountTransaction]{ParentRef: t.account, Row: row})
	}
	return out
}

// seedHoldings gives alice a fund and a card, bob an ETF, an unmapped
// investment, a loan and a card without a balance.
func seedHoldings(ctx context.Context, tx *store.Store, w store.WriteScope) error {
	kind := func(k string) *string { return &k }
	eur, usd := "EUR", "USD"
	switch w.CredentialsID {
	case "creds-a":
		if _, err := tx.ReplaceInvestments(ctx, w, []store.Linked[models.Investment]{{Row: models.Investment{
			ProviderID: "fund", Name: "Fund", Kind: kind("FUND"), Amount: dec("10"), Balance: dec("1000.1234"), Currency: eur}}}); err != nil {
			return err
		}
		return tx.ReplaceCards(ctx, w, []models.Card{{ProviderID: "card-a", PANLast4: "1234",
			AvailableBalance: decimal.NullDecimal{Decimal: dec("50.00"), Valid: true}, Currency: &eur}})
	case "creds-b":
		if _, err := tx.ReplaceInvestments(ctx, w, []store.Linked[models.Investment]{
			{Row: models.Investment{ProviderID: "etf", Name: "ETF", Kind: kind("ETF"), Amount: dec("5"), Balance: dec("500"), Currency: usd}},
			{Row: models.Investment{ProviderID: "misc", Name: "Misc", Amount: dec("1"), Balance: dec("1.00"), Currency: eur}},
		}); err != nil {
			return err
		}
		if err := tx.ReplaceLiabilities(ctx, w, []models.Liability{{ProviderID: "loan", Name: "Loan", Balance: dec("300.00"), Currency: eur}}); err != nil {
			return err
		}
		return tx.ReplaceCards(ctx, w, []models.Card{{ProviderID: "card-b", PANLast4: "9876"}})
	}
	return nil
}

// seedSyncRecords: bob's transactions last failed (unavailable) on
// FailedAt, dave's accounts a year earlier (gone); alice's are fine.
func seedSyncRecords(ctx context.Context, st *store.Store) error {
	recs := []models.SyncRecord{
		{CredentialsID: "creds-a", Product: models.ProductTransactions, Status: "ok", FetchedAt: &FailedAt, AttemptedAt: FailedAt},
		{CredentialsID: "creds-b", Product: models.ProductTransactions, Status: "error", ErrorCode: "unavailable", AttemptedAt: FailedAt},
		{CredentialsID: "creds-d", Product: models.ProductAccounts, Status: "error", ErrorCode: "gone", AttemptedAt: FailedAt.AddDate(-1, 0, 0)},
	}
	for i := range recs {
		if err := st.PutSyncRecord(ctx, &recs[i]); err != nil {
			return err
		}
	}
	return nil
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
