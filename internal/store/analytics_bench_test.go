package store_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/models"
)

// The analysts' aggregates at scale (BENCHMARKS.md): users × transactions
// account transactions over 2025, written through the store's own writers
// (so the rollups are maintained as in production), then each aggregate
// timed on its own.
//
//	go test -run '^$' -bench Analytics -benchtime 20x ./internal/store/
var (
	benchUsers = flag.Int("analytics.users", 1000, "users of BenchmarkAnalytics")
	benchTxns  = flag.Int("analytics.txns", 1000, "account transactions per user of BenchmarkAnalytics")
)

var (
	benchBanks      = []string{"testbank", "bbva", "santander", "caixabank", "bankinter", "ing", "openbank"}
	benchCategories = []string{"food", "rent", "salary", "transport", "leisure", "health", "shopping", "utilities",
		"insurance", "cash", "transfers", "savings"}
)

func BenchmarkAnalytics(b *testing.B) {
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			db := dbtest.Open(b, d)
			st := store.New(db.Gorm)
			start := time.Now()
			rows := seedBench(b, st, *benchUsers, *benchTxns)
			var rollups int64
			check(b, db.Gorm.Table("transaction_rollups").Count(&rollups).Error)
			b.Logf("%s: %d transactions of %d users written with their %d rollup rows in %s", d, rows, *benchUsers, rollups,
				time.Since(start).Round(time.Second))
			if d == migrations.Postgres {
				if err := db.Gorm.Exec("ANALYZE").Error; err != nil {
					b.Fatal(err)
				}
			}
			for _, q := range benchQueries() {
				b.Run(q.name, func(b *testing.B) {
					ctx := context.Background()
					for b.Loop() {
						if err := q.run(ctx, st); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

type benchQuery struct {
	name string
	run  func(context.Context, *store.Store) error
}

func totalsQuery(name string, q store.TxnTotalsQuery) benchQuery {
	return benchQuery{name, func(ctx context.Context, st *store.Store) error {
		_, err := st.TransactionTotals(ctx, q)
		return err
	}}
}

func benchQueries() []benchQuery {
	year := store.TxnTotalsQuery{From: date("2025-01-01"), To: date("2025-12-31")}
	monthly := year
	monthly.GroupBy = []store.TxnDim{store.DimPeriod}
	byCategory := year
	byCategory.GroupBy = []store.TxnDim{store.DimPeriod, store.DimCategory}
	byInstitution := year
	byInstitution.GroupBy, byInstitution.Direction = []store.TxnDim{store.DimInstitution}, models.DirectionOut
	weekly := store.TxnTotalsQuery{GroupBy: []store.TxnDim{store.DimPeriod}, Period: store.PeriodWeek,
		From: date("2025-10-01"), To: date("2025-12-31")}
	bounded := year
	bounded.MinAmount, bounded.MaxAmount = decp("-50"), decp("0")
	errored := models.CredentialsErrored
	first := int32(50)
	page, _ := store.NewPage(&first, nil, nil, nil)
	return []benchQuery{
		totalsQuery("monthly_year", monthly),
		totalsQuery("monthly_by_category_year", byCategory),
		totalsQuery("spending_by_institution_year", byInstitution),
		totalsQuery("weekly_quarter_transactions", weekly),
		totalsQuery("amount_bounds_year_transactions", bounded),
		{"balances", func(ctx context.Context, st *store.Store) error {
			_, err := st.BalanceTotals(ctx, store.AnalyticsFilter{})
			return err
		}},
		{"investment_exposure", func(ctx context.Context, st *store.Store) error {
			_, err := st.InvestmentExposure(ctx, store.AnalyticsFilter{})
			return err
		}},
		{"credentials_health", func(ctx context.Context, st *store.Store) error {
			_, err := st.CredentialsHealth(ctx, store.AnalyticsFilter{})
			return err
		}},
		{"sync_failures", func(ctx context.Context, st *store.Store) error {
			_, err := st.SyncFailures(ctx, store.AnalyticsFilter{}, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			return err
		}},
		{"users_errored_page", func(ctx context.Context, st *store.Store) error {
			_, err := st.Users(ctx, store.UserFilter{State: &errored}, page, true)
			return err
		}},
	}
}

// seedBench writes users × txns transactions: one credentials per user at
// one of seven banks, an EUR account (and a USD one for every tenth
// user), an investment and a loan; every twentieth credentials has a
// failed fetch. It returns how many transactions it wrote.
func seedBench(b *testing.B, st *store.Store, users, txns int) int {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(20250101, uint64(users)))
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	total := 0
	for u := range users {
		user, credsID := fmt.Sprintf("bench-%05d", u), fmt.Sprintf("creds-%05d", u)
		check(b, st.TouchUser(ctx, user, at.Add(-time.Duration(u)*time.Hour)))
		check(b, st.CreateCredentials(ctx, &models.Credentials{ID: credsID, UserID: user, Provider: models.ProviderFlanks,
			ProviderRef: "ref-" + credsID, EntityID: benchBanks[u%len(benchBanks)], EntityName: benchBanks[u%len(benchBanks)],
			RequiredActions: models.StringList{}, CreatedAt: at, UpdatedAt: at}))
		w := store.WriteScope{CredentialsID: credsID, UserID: user, At: at}
		check(b, st.Tx(ctx, func(tx *store.Store) error {
			accts := []models.Account{{ProviderID: "eur", Balance: decimal.New(rng.Int64N(1_000_000), -2), Currency: "EUR"}}
			if u%10 == 0 {
				accts = append(accts, models.Account{ProviderID: "usd", Balance: decimal.New(rng.Int64N(100_000), -2), Currency: "USD"})
			}
			if err := tx.ReplaceAccounts(ctx, w, accts); err != nil {
				return err
			}
			rows := benchTxnRows(rng, accts, txns)
			total += len(rows)
			if _, err := tx.ReplaceAccountTransactions(ctx, w, rows); err != nil {
				return err
			}
			kind := "FUND"
			if _, err := tx.ReplaceInvestments(ctx, w, []store.Linked[models.Investment]{{Row: models.Investment{ProviderID: "fund",
				Name: "Fund", Kind: &kind, Amount: decimal.New(rng.Int64N(1000), 0), Balance: decimal.New(rng.Int64N(10_000_000), -2), Currency: "EUR"}}}); err != nil {
				return err
			}
			return tx.ReplaceLiabilities(ctx, w, []models.Liability{{ProviderID: "loan", Name: "Loan",
				Balance: decimal.New(rng.Int64N(20_000_000), -2), Currency: "EUR"}})
		}))
		if u%20 == 0 {
			check(b, st.PutSyncRecord(ctx, &models.SyncRecord{CredentialsID: credsID, Product: models.ProductTransactions,
				Status: "error", ErrorCode: "unavailable", AttemptedAt: at.AddDate(0, -1, 0)}))
		}
	}
	return total
}

// benchTxnRows spreads n movements over 2025: mostly spending of up to
// 150.00, a salary now and then.
func benchTxnRows(rng *rand.Rand, accts []models.Account, n int) []store.Linked[models.AccountTransaction] {
	out := make([]store.Linked[models.AccountTransaction], n)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		a := accts[i%len(accts)]
		cat := benchCategories[rng.IntN(len(benchCategories))]
		amount := -rng.Int64N(15_000)
		if cat == "salary" {
			amount = 150_000 + rng.Int64N(100_000)
		}
		out[i] = store.Linked[models.AccountTransaction]{ParentRef: a.ProviderID, Row: models.AccountTransaction{
			ProviderID: fmt.Sprintf("t%06d", i), Amount: decimal.New(amount, -2), Currency: a.Currency,
			OperationDate: models.DateOf(start.AddDate(0, 0, rng.IntN(365))), Description: "movement", Category: &cat}}
	}
	return out
}

func check(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
