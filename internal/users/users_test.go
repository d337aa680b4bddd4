package users_test

import (
	"context"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/internal/users"
)

// TestMeWritesVisitsAtMostEveryMinute: the first `me` creates the user row,
// later ones within a minute write nothing, and one past the minute moves
// last_seen_at.
func TestMeWritesVisitsAtMostEveryMinute(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		st := store.New(db.Gorm)
		now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
		svc := users.NewWithClock(st, func() time.Time { return now })
		ctx := auth.NewContext(context.Background(), &auth.Principal{UserID: "visitor"})
		seen := func() time.Time {
			t.Helper()
			u, err := st.User(ctx, "visitor")
			if err != nil {
				t.Fatal(err)
			}
			return u.LastSeenAt.UTC()
		}
		me := func() {
			t.Helper()
			if _, err := svc.Me(ctx); err != nil {
				t.Fatal(err)
			}
		}
		me()
		first := now
		if got := seen(); !got.Equal(first) {
			t.Fatalf("after the first visit last_seen_at = %v, want %v", got, first)
		}
		now = now.Add(59 * time.Second)
		me()
		if got := seen(); !got.Equal(first) {
			t.Fatalf("a visit 59 s later wrote last_seen_at = %v", got)
		}
		now = now.Add(2 * time.Second)
		me()
		if got := seen(); !got.Equal(now) {
			t.Fatalf("a visit past the minute: last_seen_at = %v, want %v", got, now)
		}
	})
}
