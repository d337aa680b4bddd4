package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/analytics/analyticstest"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/models"
)

// The expectations below are computed by hand from the rows of
// analyticstest.Seed; every total keeps the largest scale of its terms.

func seeded(t *testing.T, db *database.DB) *store.Store {
	t.Helper()
	st := store.New(db.Gorm)
	wcheck(t, analyticstest.Seed(context.Background(), st))
	return st
}

// totals renders transaction totals as sorted lines, one per group.
func totals(t *testing.T, st *store.Store, q store.TxnTotalsQuery) []string {
	t.Helper()
	rows, err := st.TransactionTotals(context.Background(), q)
	wcheck(t, err)
	out := make([]string, len(rows))
	for i, r := range rows {
		parts := []string{r.Currency}
		if r.Period != nil {
			parts = append(parts, r.Period.String())
		}
		for _, p := range []*string{r.Category, (*string)(r.Provider), r.Institution, r.Direction} {
			if p != nil {
				parts = append(parts, *p)
			}
		}
		out[i] = fmt.Sprintf("%s n=%d %s", strings.Join(parts, " "), r.Count, models.DecimalText(r.Total))
	}
	slices.Sort(out)
	return out
}

func date(s string) *models.Date {
	d, err := models.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}

func decp(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

func TestTransactionTotals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		st := seeded(t, db)
		flinks, bbva := models.ProviderFlinks, "bbva"
		tests := []struct {
			name string
			q    store.TxnTotalsQuery
			want []string
		}{
			{"by currency: never added together", store.TxnTotalsQuery{}, []string{
				"CAD n=1 -7.77", "EUR n=7 2881.625", "USD n=2 -20.01"}},
			{"monthly by category", store.TxnTotalsQuery{GroupBy: []store.TxnDim{store.DimPeriod, store.DimCategory}}, []string{
				"CAD 2025-01-01 food n=1 -7.77",
				"EUR 2025-01-01 food n=3 -18.25", "EUR 2025-01-01 salary n=1 1000.00",
				"EUR 2025-02-01 food n=1 -0.125", "EUR 2025-02-01 rent n=1 -100", "EUR 2025-02-01 salary n=1 2000.00",
				"USD 2025-01-01 food n=1 -20.00", "USD 2025-02-01 n=1 -0.01"}},
			{"by provider", store.TxnTotalsQuery{GroupBy: []store.TxnDim{store.DimProvider}}, []string{
				"CAD flinks n=1 -7.77", "EUR flanks n=7 2881.625", "USD flanks n=2 -20.01"}},
			{"by institution (with its provider)", store.TxnTotalsQuery{GroupBy: []store.TxnDim{store.DimInstitution}}, []string{
				"CAD flinks FlinksCapital n=1 -7.77", "EUR flanks bbva n=2 1994.50", "EUR flanks testbank n=5 887.125",
				"USD flanks bbva n=2 -20.01"}},
			{"by direction", store.TxnTotalsQuery{GroupBy: []store.TxnDim{store.DimDirection}}, []string{
				"CAD out n=1 -7.77", "EUR in n=2 3000.00", "EUR out n=5 -118.375", "USD out n=2 -20.01"}},
			{"spending in January (whole month)", store.TxnTotalsQuery{From: date("2025-01-01"), To: date("2025-01-31"),
				Direction: models.DirectionOut}, []string{"CAD n=1 -7.77", "EUR n=3 -18.25", "USD n=1 -20.00"}},
			{"one institution", store.TxnTotalsQuery{AnalyticsFilter: store.AnalyticsFilter{Institution: &bbva}}, []string{
				"EUR n=2 1994.50", "USD n=2 -20.01"}},
			{"one provider", store.TxnTotalsQuery{AnalyticsFilter: store.AnalyticsFilter{Provider: &flinks}}, []string{"CAD n=1 -7.77"}},
			{"category", store.TxnTotalsQuery{Category: ptr("salary")}, []string{"EUR n=2 3000.00"}},
			{"weekly (Monday first), from the transactions", store.TxnTotalsQuery{GroupBy: []store.TxnDim{store.DimPeriod},
				Period: store.PeriodWeek, To: date("2025-01-31")}, []string{
				"CAD 2024-12-30 n=1 -7.77", "EUR 2024-12-30 n=1 -10.50", "EUR 2025-01-13 n=1 -5.50",
				"EUR 2025-01-20 n=1 -2.25", "EUR 2025-01-27 n=1 1000.00", "USD 2025-01-06 n=1 -20.00"}},
			{"daily", store.TxnTotalsQuery{GroupBy: []store.TxnDim{store.DimPeriod}, Period: store.PeriodDay,
				From: date("2025-02-01"), To: date("2025-02-03")}, []string{"EUR 2025-02-01 n=1 2000.00", "EUR 2025-02-03 n=1 -0.125"}},
			{"amount bounds", store.TxnTotalsQuery{MinAmount: decp("-50"), MaxAmount: decp("0")}, []string{
				"CAD n=1 -7.77", "EUR n=4 -18.375", "USD n=2 -20.01"}},
			{"a range cutting months", store.TxnTotalsQuery{From: date("2025-01-15"), To: date("2025-02-02")}, []string{
				"EUR n=4 2992.25"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if d := diff(tt.want, totals(t, st, tt.q)); d != "" {
					t.Errorf("mismatch:\n%s", d)
				}
			})
		}
	})
}

// diff describes how two lists of lines differ ("" when equal).
func diff(want, got []string) string {
	if slices.Equal(want, got) {
		return ""
	}
	return fmt.Sprintf("-want %q\n+got  %q", want, got)
}

// TestRollupsMatchTransactions: a question the rollups answer gives what
// the transactions themselves give (an amount bound no row reaches makes
// the query read them), for every dimension.
func TestRollupsMatchTransactions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		st := seeded(t, db)
		all := []store.TxnDim{store.DimPeriod, store.DimCategory, store.DimInstitution, store.DimDirection}
		q := store.TxnTotalsQuery{GroupBy: all, From: date("2025-01-01"), To: date("2025-02-28")}
		rolled := totals(t, st, q)
		q.MinAmount = decp("-1000000000")
		if d := diff(totals(t, st, q), rolled); d != "" {
			t.Errorf("rollups differ from the transactions (-transactions +rollups):\n%s", d)
		}
	})
}

// TestRollupsFollowWrites: the rollups change with the data in the same
// transaction: a dropped account, a renamed institution, erased
// credentials, and a value finer than the integer columns.
func TestRollupsFollowWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, st := context.Background(), seeded(t, db)
		byInst := store.TxnTotalsQuery{GroupBy: []store.TxnDim{store.DimInstitution}}
		w := store.WriteScope{CredentialsID: "creds-b", UserID: "bob", At: analyticstest.Seen}
		wcheck(t, st.Tx(ctx, func(tx *store.Store) error {
			return tx.ReplaceAccounts(ctx, w, []models.Account{{ProviderID: "b1", Balance: decimal.RequireFromString("1"), Currency: "EUR"}})
		}))
		c, err := st.Credentials(ctx, "creds-b")
		wcheck(t, err)
		c.EntityID = "santander"
		wcheck(t, st.UpdateCredentialsStatus(ctx, c))
		want := []string{"CAD flinks FlinksCapital n=1 -7.77", "EUR flanks santander n=2 1994.50", "EUR flanks testbank n=5 887.125"}
		if d := diff(want, totals(t, st, byInst)); d != "" {
			t.Errorf("after dropping an account and renaming (-want +got):\n%s", d)
		}
		wcheck(t, st.DeleteCredentials(ctx, "creds-a"))
		want = []string{"CAD flinks FlinksCapital n=1 -7.77", "EUR flanks santander n=2 1994.50"}
		if d := diff(want, totals(t, st, byInst)); d != "" {
			t.Errorf("after erasure (-want +got):\n%s", d)
		}
		tiny := []store.Linked[models.AccountTransaction]{{ParentRef: "b1", Row: models.AccountTransaction{ProviderID: "tiny",
			Amount: decimal.RequireFromString("0.000000000001"), Currency: "EUR", OperationDate: *date("2025-01-15"), Description: "x"}}}
		wcheck(t, st.Tx(ctx, func(tx *store.Store) error {
			_, err := tx.ReplaceAccountTransactions(ctx, w, tiny)
			return err
		}))
		want = []string{"EUR n=1 0.000000000001"}
		if d := diff(want, totals(t, st, store.TxnTotalsQuery{AnalyticsFilter: store.AnalyticsFilter{Institution: ptr("santander")}})); d != "" {
			t.Errorf("twelve decimals (-want +got):\n%s", d)
		}
	})
}

func TestBackfillRollups(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, st := context.Background(), seeded(t, db)
		q := store.TxnTotalsQuery{GroupBy: []store.TxnDim{store.DimPeriod, store.DimCategory}}
		want := totals(t, st, q)
		wcheck(t, db.Gorm.Exec("DELETE FROM transaction_rollups").Error)
		n, err := st.BackfillRollups(ctx)
		wcheck(t, err)
		if n != 3 {
			t.Errorf("backfilled %d credentials, want 3", n)
		}
		if d := diff(want, totals(t, st, q)); d != "" {
			t.Errorf("after backfill (-want +got):\n%s", d)
		}
		if n, err := st.BackfillRollups(ctx); err != nil || n != 0 {
			t.Errorf("second backfill: %d, %v", n, err)
		}
	})
}

func TestBalanceAndExposureTotals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, st := context.Background(), seeded(t, db)
		bal, err := st.BalanceTotals(ctx, store.AnalyticsFilter{})
		wcheck(t, err)
		var got []string
		for _, b := range bal {
			got = append(got, fmt.Sprintf("%s %s n=%d %s", b.Product, b.Currency, b.Count, models.DecimalText(b.Total)))
		}
		slices.Sort(got)
		want := []string{"accounts CAD n=1 99.99", "accounts EUR n=2 1750.50", "accounts USD n=1 10.00",
			"cards EUR n=1 50.00", "investments EUR n=2 1001.1234", "investments USD n=1 500", "liabilities EUR n=1 300.00"}
		if d := diff(want, got); d != "" {
			t.Errorf("balances (-want +got):\n%s", d)
		}
		exp, err := st.InvestmentExposure(ctx, store.AnalyticsFilter{Provider: ptr(models.ProviderFlanks)})
		wcheck(t, err)
		got = nil
		for _, e := range exp {
			got = append(got, fmt.Sprintf("%v %s n=%d %s", deref(e.Kind), e.Currency, e.Count, models.DecimalText(e.Total)))
		}
		slices.Sort(got)
		want = []string{" EUR n=1 1.00", "ETF USD n=1 500", "FUND EUR n=1 1000.1234"}
		if d := diff(want, got); d != "" {
			t.Errorf("exposure (-want +got):\n%s", d)
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func TestCredentialsHealthAndSyncFailures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, st := context.Background(), seeded(t, db)
		health, err := st.CredentialsHealth(ctx, store.AnalyticsFilter{})
		wcheck(t, err)
		var got []string
		for _, h := range health {
			got = append(got, fmt.Sprintf("%s %s %d", h.Provider, h.State, h.Count))
		}
		slices.Sort(got)
		want := []string{"flanks blocked 1", "flanks errored 1", "flanks ok 1", "flinks pending 1", "flinks sca_required 1"}
		if d := diff(want, got); d != "" {
			t.Errorf("health (-want +got):\n%s", d)
		}
		fails, err := st.SyncFailures(ctx, store.AnalyticsFilter{}, analyticstest.FailedAt.AddDate(0, -1, 0), analyticstest.FailedAt.Add(time.Second))
		wcheck(t, err)
		want = []string{"flanks transactions unavailable 1"}
		got = nil
		for _, f := range fails {
			got = append(got, fmt.Sprintf("%s %s %s %d", f.Provider, f.Product, f.ErrorCode, f.Count))
		}
		if d := diff(want, got); d != "" {
			t.Errorf("sync failures (-want +got):\n%s", d)
		}
	})
}

func TestUsersList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, st := context.Background(), seeded(t, db)
		list := func(f store.UserFilter, first int32, after *string) (*store.Conn[store.UserRow], []string) {
			t.Helper()
			p, err := store.NewPage(&first, nil, after, nil)
			wcheck(t, err)
			c, err := st.Users(ctx, f, p, true)
			wcheck(t, err)
			var ids []string
			for _, r := range c.Rows {
				ids = append(ids, r.ID)
			}
			return c, ids
		}
		state := func(s models.CredentialsState) *models.CredentialsState { return &s }
		later := analyticstest.SeenLater
		for _, tt := range []struct {
			name string
			f    store.UserFilter
			want []string
		}{
			{"all", store.UserFilter{}, analyticstest.Users},
			{"errored", store.UserFilter{State: state(models.CredentialsErrored)}, []string{"bob"}},
			{"flinks", store.UserFilter{Provider: ptr(models.ProviderFlinks)}, []string{"carol", "eve"}},
			{"flinks, pending", store.UserFilter{Provider: ptr(models.ProviderFlinks), State: state(models.CredentialsPending)}, []string{"carol"}},
			{"testbank", store.UserFilter{Institution: ptr("testbank")}, []string{"alice", "dave"}},
			{"seen recently", store.UserFilter{SeenFrom: &later}, []string{"bob", "carol"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c, got := list(tt.f, 10, nil)
				if d := diff(tt.want, got); d != "" || c.TotalCount != len(tt.want) {
					t.Errorf("total %d; mismatch (-want +got):\n%s", c.TotalCount, d)
				}
			})
		}
		c, got := list(store.UserFilter{}, 2, nil)
		if d := diff([]string{"alice", "bob"}, got); d != "" || !c.HasNextPage {
			t.Fatalf("first page (-want +got):\n%s", d)
		}
		if want := []store.CredentialsCount{{Provider: models.ProviderFlanks, State: models.CredentialsErrored, Count: 1}}; !slices.Equal(want, c.Rows[1].Credentials) {
			t.Errorf("bob's credentials: %+v", c.Rows[1].Credentials)
		}
		c, got = list(store.UserFilter{}, 2, c.EndCursor())
		if d := diff([]string{"carol", "dave"}, got); d != "" || !c.HasNextPage || !c.HasPreviousPage {
			t.Errorf("second page (-want +got):\n%s", d)
		}
	})
}

// TestGlobalRollupsFollowPerCredentials: the rollups across users (kept
// by triggers) always hold the per-credentials rollups' sums, through
// refreshes, a renamed institution and deleted credentials, and a group
// whose last credentials goes disappears instead of staying at zero.
func TestGlobalRollupsFollowPerCredentials(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, st := context.Background(), seeded(t, db)
		compare := func(when string) {
			t.Helper()
			sum := "SUM(total)::text"
			if db.Dialect == migrations.SQLite {
				sum = "SUM(total_int) || '/' || SUM(total_frac)"
			}
			per := rowsOf(t, db, "transaction_rollups", sum)
			if len(per) == 0 && when != "after deleting everything" {
				t.Fatalf("%s: no rollups: the comparison proves nothing", when)
			}
			if d := diff(per, rowsOf(t, db, "transaction_rollups_global", sum)); d != "" {
				t.Errorf("%s: global rollups differ (-per credentials +global):\n%s", when, d)
			}
		}
		compare("after the seed")
		w := store.WriteScope{CredentialsID: "creds-b", UserID: "bob", At: analyticstest.Seen}
		wcheck(t, st.Tx(ctx, func(tx *store.Store) error {
			return tx.ReplaceAccounts(ctx, w, []models.Account{{ProviderID: "b1", Balance: decimal.RequireFromString("1"), Currency: "EUR"}})
		}))
		compare("after an account was dropped")
		c, err := st.Credentials(ctx, "creds-b")
		wcheck(t, err)
		c.EntityID = "santander"
		wcheck(t, st.UpdateCredentialsStatus(ctx, c))
		compare("after a rename")
		for _, id := range []string{"creds-a", "creds-b", "creds-c"} {
			wcheck(t, st.DeleteCredentials(ctx, id))
		}
		compare("after deleting everything")
		var left int64
		wcheck(t, db.Gorm.Table("transaction_rollups_global").Count(&left).Error)
		if left != 0 {
			t.Errorf("%d global groups left at zero after every credentials went", left)
		}
	})
}

// rowsOf renders the groups of a rollup table as sorted lines.
func rowsOf(t *testing.T, db *database.DB, table, sum string) []string {
	t.Helper()
	keys := "month, category, currency, direction, provider, institution_id"
	rows, err := db.Gorm.Raw("SELECT " + keys + ", SUM(txn_count), " + sum + " FROM " + table + " GROUP BY " + keys).Rows()
	wcheck(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var month, category, currency, direction, provider, inst, n, total string
		wcheck(t, rows.Scan(&month, &category, &currency, &direction, &provider, &inst, &n, &total))
		out = append(out, strings.Join([]string{month[:10], category, currency, direction, provider, inst, n, total}, " "))
	}
	wcheck(t, rows.Err())
	slices.Sort(out)
	return out
}
