package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/jobs"
	"github.com/fingraph/fingraph/migrations"
)

// TestQueueStats counts River's table on both dialects: jobs by state and
// the age of the oldest job ready to run.
func TestQueueStats(t *testing.T) {
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			db, opts := dbtest.OpenWithOptions(t, d)
			backend := jobs.Backend{PostgresURL: opts.PostgresURL}
			if opts.SQLitePath != "" {
				backend = jobs.Backend{SQLiteDSN: database.SQLiteDSN(opts.SQLitePath)}
			}
			ctx := context.Background()
			check(t, jobs.Migrate(ctx, backend))
			sqlite := d == migrations.SQLite
			empty, err := jobs.QueueStats(ctx, db.SQL, sqlite)
			check(t, err)
			if len(empty.ByState) != 0 || empty.OldestAvailable != 0 {
				t.Fatalf("empty queue: %+v", empty)
			}
			ago := `now() - interval '90 seconds'`
			if sqlite {
				ago = `datetime('now', '-90 seconds')`
			}
			for _, state := range []string{"available", "available", "retryable"} {
				err := db.Gorm.Exec(`INSERT INTO river_job (args, kind, max_attempts, queue, priority, state, scheduled_at)
					VALUES ('{}', 'test', 3, 'default', 1, '` + state + `', ` + ago + `)`).Error
				check(t, err)
			}
			st, err := jobs.QueueStats(ctx, db.SQL, sqlite)
			check(t, err)
			if st.ByState["available"] != 2 || st.ByState["retryable"] != 1 {
				t.Fatalf("by state %v", st.ByState)
			}
			if st.OldestAvailable < 85*time.Second || st.OldestAvailable > 10*time.Minute {
				t.Fatalf("oldest available %v, want about 90 s", st.OldestAvailable)
			}
		})
	}
}
