package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// seed creates user u with one credentials and accounts holding n[i]
// transactions each, dated one per day back from 2024-06-30.
func seed(t *testing.T, db *database.DB, u string, n ...int) (creds string, accounts []string) {
	t.Helper()
	now := time.Now().UTC()
	g := db.Gorm
	must(t, g.Create(&models.User{ID: u, CreatedAt: now, LastSeenAt: now}).Error)
	creds = uuid.NewString()
	must(t, g.Create(&models.Credentials{ID: creds, UserID: u, Provider: models.ProviderFlanks,
		ProviderRef: "ref-" + creds, EntityID: "testbank", EntityName: "Test Bank", CreatedAt: now, UpdatedAt: now}).Error)
	for i, count := range n {
		acct := uuid.NewString()
		accounts = append(accounts, acct)
		must(t, g.Create(&models.Account{ID: acct, CredentialsID: creds, UserID: u, ProviderID: fmt.Sprintf("acct-%d", i),
			Balance: decimal.RequireFromString("10.01"), Currency: "EUR", CreatedAt: now, UpdatedAt: now}).Error)
		var txns []models.AccountTransaction
		for j := range count {
			day := models.DateOf(time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -j/2))
			txns = append(txns, models.AccountTransaction{ID: uuid.NewString(), CredentialsID: creds, UserID: u,
				AccountID: acct, ProviderID: fmt.Sprintf("t-%d-%d", i, j), Amount: decimal.New(int64(j*100-250), -2),
				Currency: "EUR", OperationDate: day, Description: fmt.Sprintf("Payment %d at SHOP_%d", j, j%3),
				Category: ptr([]string{"food", "rent"}[j%2]), CreatedAt: now, UpdatedAt: now})
		}
		if len(txns) > 0 {
			must(t, g.CreateInBatches(txns, 200).Error)
		}
	}
	return creds, accounts
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

func page(t *testing.T, first, last *int32, after, before *string) store.Page {
	t.Helper()
	p, err := store.NewPage(first, last, after, before)
	must(t, err)
	return p
}

// TestPagingWalksEveryRowOnce pages forward and backward through one
// account and checks every transaction comes exactly once, in order.
func TestPagingWalksEveryRowOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		_, accts := seed(t, db, "u1", 23)
		st := store.New(db.Gorm)
		ctx := context.Background()
		scope := store.Scope{UserID: "u1"}
		var forward []string
		var after *string
		for {
			res, err := st.AccountTransactionsByAccount(ctx, store.ListRequest{
				Parents: accts, Scope: scope, Page: page(t, ptr[int32](5), nil, after, nil), Total: true})
			must(t, err)
			c := res[accts[0]]
			if c.TotalCount != 23 {
				t.Fatalf("totalCount = %d", c.TotalCount)
			}
			for _, r := range c.Rows {
				forward = append(forward, r.ProviderID)
			}
			if !c.HasNextPage {
				break
			}
			after = c.EndCursor()
		}
		var backward []string
		var before *string
		for {
			res, err := st.AccountTransactionsByAccount(ctx, store.ListRequest{
				Parents: accts, Scope: scope, Page: page(t, nil, ptr[int32](4), nil, before)})
			must(t, err)
			c := res[accts[0]]
			backward = append(append([]string{}, providerIDs(c.Rows)...), backward...)
			if !c.HasPreviousPage {
				break
			}
			before = c.StartCursor()
		}
		if len(forward) != 23 || fmt.Sprint(forward) != fmt.Sprint(backward) {
			t.Fatalf("forward %v\nbackward %v", forward, backward)
		}
		seen := map[string]bool{}
		for _, id := range forward {
			if seen[id] {
				t.Fatalf("duplicate %s", id)
			}
			seen[id] = true
		}
	})
}

func providerIDs(rows []models.AccountTransaction) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.ProviderID)
	}
	return out
}

// TestPagingBatchesParents serves several accounts in one call, each with
// its own page, and scopes rows to their owner.
func TestPagingBatchesParents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		_, accts := seed(t, db, "u1", 7, 0, 3)
		_, foreign := seed(t, db, "u2", 4)
		st := store.New(db.Gorm)
		res, err := st.AccountTransactionsByAccount(context.Background(), store.ListRequest{
			Parents: append(accts, foreign...), Scope: store.Scope{UserID: "u1"},
			Page: page(t, ptr[int32](5), nil, nil, nil), Total: true})
		must(t, err)
		want := []struct {
			rows, total int
			next        bool
		}{{5, 7, true}, {0, 0, false}, {3, 3, false}}
		for i, w := range want {
			c := res[accts[i]]
			if len(c.Rows) != w.rows || c.TotalCount != w.total || c.HasNextPage != w.next {
				t.Errorf("account %d: rows=%d total=%d next=%v, want %+v", i, len(c.Rows), c.TotalCount, c.HasNextPage, w)
			}
		}
		if c := res[foreign[0]]; len(c.Rows) != 0 || c.TotalCount != 0 {
			t.Errorf("another user's rows leaked: %d rows, total %d", len(c.Rows), c.TotalCount)
		}
	})
}

func TestFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		seed(t, db, "u1", 20) // amounts -2.50, -1.50, ..., 16.50; two per day from 2024-06-30
		st := store.New(db.Gorm)
		from, _ := models.ParseDate("2024-06-27")
		to, _ := models.ParseDate("2024-06-29")
		tests := []struct {
			name string
			f    store.TxnFilter
			want int
		}{
			{"date range", store.TxnFilter{From: &from, To: &to}, 6},
			{"min amount", store.TxnFilter{MinAmount: ptr(decimal.RequireFromString("0"))}, 17},
			{"max amount", store.TxnFilter{MaxAmount: ptr(decimal.RequireFromString("-1.5"))}, 2},
			{"amount range", store.TxnFilter{MinAmount: ptr(decimal.RequireFromString("1.5")), MaxAmount: ptr(decimal.RequireFromString("3.5"))}, 3},
			{"text, case-insensitive", store.TxnFilter{Text: ptr("shop_1")}, 7},
			{"text with LIKE metacharacters", store.TxnFilter{Text: ptr("%")}, 0},
			{"category", store.TxnFilter{Category: ptr("rent")}, 10},
			{"combined", store.TxnFilter{Category: ptr("food"), MinAmount: ptr(decimal.RequireFromString("10"))}, 3},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res, err := st.AccountTransactionsByUser(context.Background(), store.ListRequest{
					Parents: []string{"u1"}, Scope: store.Scope{UserID: "u1"}, Filter: &tt.f,
					Page: page(t, ptr[int32](100), nil, nil, nil), Total: true})
				must(t, err)
				if c := res["u1"]; c.TotalCount != tt.want || len(c.Rows) != tt.want {
					t.Errorf("total=%d rows=%d, want %d", c.TotalCount, len(c.Rows), tt.want)
				}
			})
		}
	})
}

func TestNewPageValidation(t *testing.T) {
	bad := []struct {
		name          string
		first, last   *int32
		after, before *string
	}{
		{"both first and last", ptr[int32](1), ptr[int32](1), nil, nil},
		{"zero", ptr[int32](0), nil, nil, nil},
		{"over the cap", ptr[int32](101), nil, nil, nil},
		{"negative last", nil, ptr[int32](-1), nil, nil},
		{"garbage cursor", ptr[int32](1), nil, ptr("!!"), nil},
	}
	for _, tt := range bad {
		if _, err := store.NewPage(tt.first, tt.last, tt.after, tt.before); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	if p, err := store.NewPage(ptr[int32](100), nil, nil, nil); err != nil || p.Size != 100 {
		t.Errorf("first: 100 rejected: %v", err)
	}
	if p, _ := store.NewPage(nil, nil, nil, nil); p.Size != store.DefaultPageSize {
		t.Errorf("default size = %d", p.Size)
	}
}
