package jobs_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/jobs"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/flanks"
	"github.com/fingraph/fingraph/providers/flanks/flanksadapter"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// env is a migrated database (River included), a Flanks simulator, the
// aggregate service and a running job runner over them.
type env struct {
	ctx    context.Context
	st     *store.Store
	sim    *flankssim.Server
	agg    *aggregate.Service
	runner *jobs.Runner
}

func newEnv(t *testing.T, d migrations.Dialect) *env {
	t.Helper()
	return newEnvClock(t, d, time.Now)
}

func newEnvClock(t *testing.T, d migrations.Dialect, now func() time.Time) *env {
	t.Helper()
	db, opts := dbtest.OpenWithOptions(t, d)
	backend := jobs.Backend{PostgresURL: opts.PostgresURL}
	if opts.SQLitePath != "" {
		backend = jobs.Backend{SQLiteDSN: database.SQLiteDSN(opts.SQLitePath)}
	}
	ctx := context.Background()
	check(t, jobs.Migrate(ctx, backend))
	sim, err := flankssim.New(flankssim.Options{Seed: 3, HistoryDays: 30})
	check(t, err)
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	client, err := flanks.NewClient(ts.URL, flanks.WithClientCredentials(flankssim.DefaultClientID, flankssim.DefaultClientSecret))
	check(t, err)
	st := store.New(db.Gorm)
	agg := aggregate.New(st, provider.NewRegistry(flanksadapter.New(client)),
		aggregate.Options{FinishLinkDelay: time.Millisecond, Now: now})
	r, err := jobs.New(ctx, backend, st, agg, jobs.Options{Work: true, PollInterval: 20 * time.Millisecond,
		OutboxEvery: 50 * time.Millisecond})
	check(t, err)
	check(t, r.Start(ctx))
	t.Cleanup(func() { _ = r.Stop(context.Background()) })
	check(t, st.TouchUser(ctx, "u", time.Now()))
	return &env{ctx: ctx, st: st, sim: sim, agg: agg, runner: r}
}

// waitCompleted waits for n completed jobs of kind.
func waitCompleted(t *testing.T, events <-chan *river.Event, kind string, n int) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for n > 0 {
		select {
		case ev := <-events:
			if ev.Job.Kind == kind && ev.Kind == river.EventKindJobCompleted {
				n--
			}
		case <-deadline:
			t.Fatalf("timed out waiting for %s jobs", kind)
		}
	}
}

// TestFinishLinkAfterTheRequestDied: credentials committed with their
// job by a request that died before fetching the status get it from the
// job, exactly once.
func TestFinishLinkAfterTheRequestDied(t *testing.T) {
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			events, cancel := e.runner.Subscribe(river.EventKindJobCompleted)
			defer cancel()
			tok, err := e.sim.CreateCredentials("testbank", "", "")
			check(t, err)
			c := &models.Credentials{ID: "c1", UserID: "u", Provider: models.ProviderFlanks, ProviderRef: tok,
				Pending: true, RequiredActions: models.StringList{}, CreatedAt: time.Now(), UpdatedAt: time.Now()}
			check(t, e.st.Tx(e.ctx, func(tx *store.Store) error {
				check(t, tx.CreateCredentials(e.ctx, c))
				return tx.EnqueueJob(e.ctx, aggregate.FinishLinkJob{}.Kind(), aggregate.FinishLinkJob{CredentialsID: c.ID})
			}))
			waitCompleted(t, events, aggregate.FinishLinkJob{}.Kind(), 1)
			got, err := e.st.Credentials(e.ctx, c.ID)
			check(t, err)
			if got.EntityID != "testbank" || got.Pending {
				t.Fatalf("status not finished by the job: entity %q pending %v", got.EntityID, got.Pending)
			}
			if n := e.sim.Requests("/v0/bank/credentials/status"); n != 1 {
				t.Fatalf("status fetched %d times, want 1", n)
			}
			// The same job again (a row swept twice) changes nothing.
			check(t, e.st.EnqueueJob(e.ctx, aggregate.FinishLinkJob{}.Kind(), aggregate.FinishLinkJob{CredentialsID: c.ID}))
			check(t, e.runner.SweepOutbox(e.ctx))
			time.Sleep(200 * time.Millisecond)
			if n := e.sim.Requests("/v0/bank/credentials/status"); n != 1 {
				t.Fatalf("a repeated job fetched again: %d status calls", n)
			}
		})
	}
}

// TestEraseRetriedUntilConfirmed: a provider-side delete that failed is
// retried by its job; a rolled-back transaction enqueues nothing.
func TestEraseRetriedUntilConfirmed(t *testing.T) {
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			// The service's clock runs a little less than the first retry
			// delay behind, so the erasure's job is due half a second after
			// the delete instead of a minute.
			e := newEnvClock(t, d, func() time.Time { return time.Now().Add(-time.Minute + 500*time.Millisecond) })
			events, cancel := e.runner.Subscribe(river.EventKindJobCompleted)
			defer cancel()
			tok, err := e.sim.CreateCredentials("testbank", "", "")
			check(t, err)
			c, err := e.agg.AttachCredentials(e.ctx, "u", models.ProviderFlanks, &provider.Link{Ref: tok})
			check(t, err)
			check(t, e.sim.InjectFault("/v0/bank/credentials", flankssim.Fault{Kind: flankssim.FaultServerError, Times: 100}))
			confirmed, err := e.agg.DeleteCredentials(e.ctx, c)
			check(t, err)
			if confirmed {
				t.Fatal("confirmed while the provider fails")
			}
			e.sim.ClearFaults()
			erasures, err := e.st.DueErasures(e.ctx, time.Now().Add(time.Hour), 10)
			check(t, err)
			if len(erasures) != 1 {
				t.Fatalf("pending erasures: %d", len(erasures))
			}
			// The sweep enqueueing the same erasure adds no second job.
			check(t, e.st.EnqueueJob(e.ctx, aggregate.EraseJob{}.Kind(), aggregate.EraseJob{ErasureID: erasures[0].ID}))
			waitCompleted(t, events, aggregate.EraseJob{}.Kind(), 1)
			after, err := e.st.Erasure(e.ctx, erasures[0].ID)
			check(t, err)
			if after.UpstreamConfirmedAt == nil || after.ProviderRefSealed != "" || after.ProviderStateSealed != nil {
				t.Fatalf("erasure not confirmed and blanked: %+v", after)
			}
			// A transaction that rolls back leaves no job behind.
			_ = e.st.Tx(e.ctx, func(tx *store.Store) error {
				check(t, tx.EnqueueJob(e.ctx, aggregate.RefreshJob{}.Kind(), aggregate.RefreshJob{CredentialsID: "x"}))
				return context.Canceled
			})
			n, err := e.st.ClaimOutbox(e.ctx, 10, func([]models.OutboxJob) error { return nil })
			check(t, err)
			if n != 0 {
				t.Fatalf("%d outbox rows after a rollback", n)
			}
		})
	}
}

// TestEqualOutboxRowsAreOneJob: two equal jobs committed together reach
// River as one. PostgreSQL refused the batch that held both (ON CONFLICT
// meeting one key twice), and every later sweep claimed the same batch:
// the outbox stopped moving.
func TestEqualOutboxRowsAreOneJob(t *testing.T) {
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d)
			events, cancel := e.runner.Subscribe(river.EventKindJobCompleted)
			defer cancel()
			tok, err := e.sim.CreateCredentials("testbank", "", "")
			check(t, err)
			c := &models.Credentials{ID: "c2", UserID: "u", Provider: models.ProviderFlanks, ProviderRef: tok,
				Pending: true, RequiredActions: models.StringList{}, CreatedAt: time.Now(), UpdatedAt: time.Now()}
			job := aggregate.FinishLinkJob{CredentialsID: c.ID}
			check(t, e.st.Tx(e.ctx, func(tx *store.Store) error {
				check(t, tx.CreateCredentials(e.ctx, c))
				check(t, tx.EnqueueJob(e.ctx, job.Kind(), job))
				return tx.EnqueueJob(e.ctx, job.Kind(), job)
			}))
			check(t, e.runner.SweepOutbox(e.ctx))
			waitCompleted(t, events, job.Kind(), 1)
			if n := e.sim.Requests("/v0/bank/credentials/status"); n != 1 {
				t.Fatalf("status fetched %d times, want 1", n)
			}
		})
	}
}
