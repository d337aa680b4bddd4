package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

// TestEachCredentialsRef: every credentials of the provider, in batches,
// each with the hash its handle hashes to, a row written before sealing
// included; other providers' rows are not walked.
func TestEachCredentialsRef(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, st := context.Background(), store.New(db.Gorm)
		want := map[string]string{} // credentials id -> handle
		for i, ref := range []string{"tok-a", "tok-b", "tok-c", "tok-d", "tok-e"} {
			c := newCredentials(t, st, db, "u"+string(rune('1'+i)), ref)
			want[c.ID] = ref
		}
		var legacy, other string
		for id, ref := range want {
			switch ref {
			case "tok-c":
				legacy = id
			case "tok-e":
				other = id
			}
		}
		must(t, db.Gorm.Table("credentials").Where("id = ?", legacy).
			UpdateColumns(map[string]any{"provider_ref": "tok-c", "provider_ref_index": ""}).Error)
		must(t, db.Gorm.Table("credentials").Where("id = ?", other).UpdateColumn("provider", models.ProviderFlinks).Error)
		delete(want, other)

		var batches []int
		got := map[string]string{} // credentials id -> index
		must(t, st.EachCredentialsRef(ctx, models.ProviderFlanks, 2, func(b []store.CredentialsRef) error {
			batches = append(batches, len(b))
			for _, r := range b {
				got[r.ID] = r.RefIndex
				if r.UserID == "" || r.CreatedAt.IsZero() {
					t.Errorf("row %+v", r)
				}
			}
			return nil
		}))
		if len(batches) != 2 || batches[0] != 2 || batches[1] != 2 || len(got) != len(want) {
			t.Fatalf("batches %v, rows %d, want 2+2 rows", batches, len(got))
		}
		for id, ref := range want {
			idx, err := st.ProviderRefIndex(models.ProviderFlanks, ref)
			must(t, err)
			if got[id] != idx || idx == "" {
				t.Errorf("credentials %s: index %q, want %q", id, got[id], idx)
			}
		}

		stop := errors.New("stop")
		calls := 0
		err := st.EachCredentialsRef(ctx, models.ProviderFlanks, 1, func([]store.CredentialsRef) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Fatalf("stop: %v after %d calls", err, calls)
		}
	})
}
