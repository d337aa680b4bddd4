package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/apperr"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// writeFixture creates a user, credentials and one account for write tests.
func writeFixture(t *testing.T, st *store.Store) store.WriteScope {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)
	wcheck(t, st.TouchUser(ctx, "writer", now))
	c := &models.Credentials{ID: "creds-w", UserID: "writer", Provider: models.ProviderFlanks,
		ProviderRef: "secret-token", EntityID: "testbank", EntityName: "TestBank", CreatedAt: now, UpdatedAt: now}
	wcheck(t, st.CreateCredentials(ctx, c))
	w := store.WriteScope{CredentialsID: c.ID, UserID: c.UserID, At: now}
	iban := "ES7600000000000000000001"
	wcheck(t, st.ReplaceAccounts(ctx, w, []models.Account{{ProviderID: "acc-1", IBAN: &iban,
		Balance: decimal.RequireFromString("1.5"), Currency: "EUR"}}))
	return w
}

func wcheck(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// txns builds n account transactions linked by IBAN.
func txns(n int, desc string) []store.Linked[models.AccountTransaction] {
	out := make([]store.Linked[models.AccountTransaction], n)
	for i := range out {
		out[i] = store.Linked[models.AccountTransaction]{ParentRef: "ES7600000000000000000001",
			Row: models.AccountTransaction{ProviderID: fmt.Sprintf("t-%05d", i), Amount: decimal.New(int64(i), -2),
				Currency: "EUR", OperationDate: models.DateOf(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)), Description: desc}}
	}
	return out
}

// TestReplaceLargeProduct writes more rows than one statement may bind
// (5,000 × 23 columns > 65,535), then proves replace is idempotent and
// prunes rows no longer present.
func TestReplaceLargeProduct(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, st := context.Background(), store.New(db.Gorm)
		w := writeFixture(t, st)
		write := func(rows []store.Linked[models.AccountTransaction]) map[string]models.AccountTransaction {
			t.Helper()
			wcheck(t, st.Tx(ctx, func(tx *store.Store) error {
				skipped, err := tx.ReplaceAccountTransactions(ctx, w, rows)
				if skipped != 0 {
					t.Errorf("%d skipped", skipped)
				}
				return err
			}))
			var got []models.AccountTransaction
			wcheck(t, db.Gorm.Where("credentials_id = ?", w.CredentialsID).Find(&got).Error)
			out := map[string]models.AccountTransaction{}
			for _, r := range got {
				out[r.ProviderID] = r
			}
			return out
		}
		first := write(txns(5000, "a"))
		if len(first) != 5000 {
			t.Fatalf("%d rows written, want 5000", len(first))
		}
		w.At = w.At.Add(time.Hour)
		second := write(txns(5000, "a"))
		for k, r := range first {
			if s := second[k]; s.ID != r.ID || !s.UpdatedAt.Equal(r.UpdatedAt) {
				t.Fatalf("identical replace changed %s: %+v -> %+v", k, r, s)
			}
		}
		third := write(txns(10, "b"))
		if len(third) != 10 || third["t-00003"].ID != first["t-00003"].ID || third["t-00003"].Description != "b" ||
			!third["t-00003"].UpdatedAt.Equal(w.At) {
			t.Fatalf("shrunk replace: %d rows, %+v", len(third), third["t-00003"])
		}
	})
}

func TestCredentialsWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, st := context.Background(), store.New(db.Gorm)
		w := writeFixture(t, st)
		dup := &models.Credentials{ID: "other", UserID: "writer", Provider: models.ProviderFlanks,
			ProviderRef: "secret-token", EntityID: "x", EntityName: "x", CreatedAt: w.At, UpdatedAt: w.At}
		err := st.CreateCredentials(ctx, dup)
		if !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("duplicate provider_ref: %v", err)
		}
		c, err := st.CredentialsByProviderRef(ctx, models.ProviderFlanks, "secret-token")
		wcheck(t, err)
		c.Pending, c.ProductStatus = true, models.JSON(`{"accounts":{"created":false,"errored":false}}`)
		wcheck(t, st.UpdateCredentialsStatus(ctx, c))
		got, err := st.CredentialsByProviderRef(ctx, models.ProviderFlanks, "secret-token")
		wcheck(t, err)
		if !got.Pending || len(got.ProductStatus) == 0 {
			t.Fatalf("status not written: %+v", got)
		}
		now := w.At
		wcheck(t, st.PutSyncRecord(ctx, &models.SyncRecord{CredentialsID: c.ID, Product: models.ProductAccounts,
			Status: store.SyncOK, FetchedAt: &now, AttemptedAt: now}))
		wcheck(t, st.DeleteCredentials(ctx, c.ID))
		if err := st.DeleteCredentials(ctx, c.ID); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		recs, err := st.SyncRecords(ctx, []string{c.ID})
		wcheck(t, err)
		var accounts int64
		wcheck(t, db.Gorm.Model(&models.Account{}).Where("credentials_id = ?", c.ID).Count(&accounts).Error)
		if len(recs) != 0 || accounts != 0 {
			t.Fatalf("cascade left %d sync records, %d accounts", len(recs), accounts)
		}
	})
}
