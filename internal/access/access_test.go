package access_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/access"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/models"
)

func as(id string, roles ...auth.Role) context.Context {
	return auth.NewContext(context.Background(), &auth.Principal{UserID: id, Roles: roles})
}

// rows returns the trail as "role actor user operation" lines, oldest
// first.
func rows(t *testing.T, db *database.DB) []string {
	t.Helper()
	var all []models.AccessLogEntry
	if err := db.Gorm.Order("id").Find(&all).Error; err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(all))
	for i, e := range all {
		user := "*"
		if e.UserID != nil {
			user = *e.UserID
		}
		out[i] = fmt.Sprintf("%s %s %s %s", e.ActorRole, e.ActorID, user, e.Operation)
	}
	return out
}

// TestOneRowPerOperationAndUser: repeated reads of a user in one operation
// leave one row, the caller's own data none, a plain user's reads none.
func TestOneRowPerOperationAndUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		log := access.New(store.New(db.Gorm), access.Options{})
		ctx := log.Begin(as("ana", auth.RoleAnalyst), "Look", "query Look { x }")
		access.Viewed(ctx, "u1", "u1", "ana", "u2")
		access.Viewed(ctx, "u2", "")
		access.ViewedAll(ctx)
		access.ViewedAll(ctx)
		again := log.Begin(as("root", auth.RoleAdmin, auth.RoleAnalyst), "", "{ y }")
		access.Viewed(again, "u1")
		plain := log.Begin(as("bob"), "Mine", "{ me }")
		access.Viewed(plain, "u1")
		access.ViewedAll(plain)
		if access.Watching(plain) || access.Watching(context.Background()) {
			t.Error("a plain user's reads are watched")
		}
		if err := log.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		want := []string{"analyst ana u1 Look", "analyst ana u2 Look", "analyst ana * Look", "admin root u1 "}
		if got := rows(t, db); !slices.Equal(got, want) {
			t.Errorf("trail %q, want %q", got, want)
		}
	})
}

// TestBatchesAndRetention: the flusher writes a full batch without being
// asked, deletes rows past the retention period, and the table refuses
// updates.
func TestBatchesAndRetention(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx, st := context.Background(), store.New(db.Gorm)
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		old := []models.AccessLogEntry{{At: now.AddDate(-2, 0, 0), ActorID: "ana", ActorRole: "analyst", Operation: "Old", QueryHash: "h"}}
		if err := st.AppendAccessLog(ctx, old); err != nil {
			t.Fatal(err)
		}
		if err := db.Gorm.Exec("UPDATE access_log SET actor_id = 'x'").Error; err == nil {
			t.Error("the access log accepted an update")
		}
		log := access.New(st, access.Options{Retention: 400 * 24 * time.Hour, MaxBatch: 2, FlushEvery: time.Hour,
			Now: func() time.Time { return now }})
		log.Start()
		op := log.Begin(as("ana", auth.RoleAnalyst), "Batch", "{ z }")
		access.Viewed(op, "u1", "u2")
		deadline := time.Now().Add(5 * time.Second)
		for len(rows(t, db)) != 2 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if got, want := rows(t, db), []string{"analyst ana u1 Batch", "analyst ana u2 Batch"}; !slices.Equal(got, want) {
			t.Errorf("after a full batch: %q, want %q", got, want)
		}
		access.Viewed(op, "u3")
		if err := log.Close(); err != nil {
			t.Fatal(err)
		}
		if got := rows(t, db); len(got) != 3 || got[2] != "analyst ana u3 Batch" {
			t.Errorf("after Close: %q", got)
		}
	})
}
