// Package jobs runs fingraph's background work on River (riverpgxv5 on
// PostgreSQL, riversqlite on the embedded database): provider-side deletes
// retried until confirmed, the rest of a link after its handle is stored,
// and the periodic sweep that keeps active users' data fresh and finishes
// what missed webhooks would have.
//
// Jobs are enqueued through an outbox table in the same transaction as the
// change that needs them (store.EnqueueJob), because River's transactional
// insert needs its own transaction type (pgx.Tx) and the store's
// transactions are GORM's: a job row commits or rolls back with the
// change, and the runner moves committed rows into River right after the
// commit, or at the next sweep after a crash. Unique jobs absorb a row
// inserted twice. With several replicas on one PostgreSQL database, River
// runs each job once and its elected leader runs the periodic jobs.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel/trace"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/statements"
	"github.com/fingraph/fingraph/internal/store"
)

// Options tune the runner. Zero values take the defaults.
type Options struct {
	// Work makes this process work jobs; false only enqueues them (a
	// replica dedicated to serving reads).
	Work bool
	// JobTimeout bounds one job run. Default 2 min.
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay running before it counts as
	// lost (its process died) and is run again. Default 10 min.
	RescueAfter time.Duration
	// PollInterval is how often idle workers look for jobs where the
	// database cannot notify them (SQLite). Default 1 s.
	PollInterval time.Duration
	// SweepEvery is the period of the sweep. Default 15 min.
	SweepEvery time.Duration
	// ActiveWithin: the sweep refreshes the data of users seen this
	// recently. Default 24 h.
	ActiveWithin time.Duration
	// OutboxEvery is how often the outbox is swept without a kick (rows a
	// crash left behind, or committed by another replica). Default 5 s.
	OutboxEvery time.Duration
	// Expirer, when set, records lapsed onboarding sessions every
	// ExpireEvery (default 1 min).
	Expirer     Expirer
	ExpireEvery time.Duration
	// Statements, when set, runs statement uploads; a step may send an
	// 18 MB file, so it gets StepTimeout (default JobTimeout), which must
	// stay under RescueAfter.
	Statements  Stepper
	StepTimeout time.Duration
	Logger      *slog.Logger
	// Observer counts job runs (metrics); Tracer, when set, runs each job
	// in a span. Either may be nil.
	Observer Observer
	Tracer   trace.TracerProvider
}

// Stepper runs one step of a statement upload (statements.Service).
type Stepper interface {
	Step(ctx context.Context, job statements.Job) error
}

// Expirer records lapsed sessions (onboarding.Service).
type Expirer interface {
	ExpireDue(ctx context.Context) (int, error)
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.JobTimeout, 2*time.Minute)
	def(&o.RescueAfter, 10*time.Minute)
	def(&o.PollInterval, time.Second)
	def(&o.SweepEvery, 15*time.Minute)
	def(&o.ActiveWithin, 24*time.Hour)
	def(&o.OutboxEvery, 5*time.Second)
	def(&o.StepTimeout, o.JobTimeout)
	def(&o.ExpireEvery, time.Minute)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// client is the part of *river.Client[TTx] the runner uses, whatever the
// driver's transaction type.
type client interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func())
}

// Runner moves outbox rows into River and works the jobs.
type Runner struct {
	client client
	st     *store.Store
	opts   Options
	log    *slog.Logger
	close  func()

	kick    chan struct{}
	sweepMu sync.Mutex // one outbox sweep at a time in this process
	stop    context.CancelFunc
	done    chan struct{}
}

// Backend is where River keeps its tables: the PostgreSQL URL, or the
// SQLite file's DSN. Exactly one is set.
type Backend struct {
	PostgresURL string
	SQLiteDSN   string
}

// New builds a runner over the store's database; Start starts it.
func New(ctx context.Context, b Backend, st *store.Store, agg *aggregate.Service, o Options) (*Runner, error) {
	o = o.withDefaults()
	cfg := riverConfig(agg, o)
	r := &Runner{st: st, opts: o, log: o.Logger.With("component", "jobs"), kick: make(chan struct{}, 1)}
	var err error
	switch {
	case b.PostgresURL != "":
		var pool *pgxpool.Pool
		if pool, err = pgxpool.New(ctx, b.PostgresURL); err != nil {
			return nil, fmt.Errorf("jobs: connect: %w", err)
		}
		r.close = pool.Close
		r.client, err = river.NewClient(riverpgxv5.New(pool), cfg)
	case b.SQLiteDSN != "":
		var db *sql.DB
		if db, err = openSQLite(b.SQLiteDSN); err != nil {
			return nil, err
		}
		r.close = func() { db.Close() }
		cfg.PollOnly = true // SQLite cannot notify; workers poll
		r.client, err = river.NewClient(riversqlite.New(db), cfg)
	default:
		return nil, errors.New("jobs: no database")
	}
	if err != nil {
		r.close()
		return nil, fmt.Errorf("jobs: %w", err)
	}
	st.OnJobsEnqueued(r.Kick)
	return r, nil
}

// riverConfig is the River configuration: one queue, the workers and the
// periodic sweep (run by the elected leader only).
func riverConfig(agg *aggregate.Service, o Options) *river.Config {
	cfg := &river.Config{
		JobTimeout:           o.JobTimeout,
		RescueStuckJobsAfter: o.RescueAfter,
		FetchPollInterval:    o.PollInterval,
		FetchCooldown:        min(o.PollInterval, 100*time.Millisecond),
		Logger:               slog.New(quietCancel{o.Logger.Handler()}).With("component", "river"),
	}
	if !o.Work {
		return cfg
	}
	cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}}
	cfg.Workers = workers(agg, o)
	if o.Observer != nil || o.Tracer != nil {
		obs := &observer{obs: o.Observer}
		if o.Tracer != nil {
			obs.tracer = o.Tracer.Tracer("github.com/fingraph/fingraph/internal/jobs")
		}
		cfg.Middleware = []rivertype.Middleware{obs}
	}
	// The sweep also runs at start: after a crash it finishes links and
	// erasures left behind without waiting for River to rescue their jobs.
	cfg.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(o.SweepEvery),
		func() (river.JobArgs, *river.InsertOpts) { return sweepJob{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})}
	if o.Expirer != nil {
		cfg.PeriodicJobs = append(cfg.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(o.ExpireEvery),
			func() (river.JobArgs, *river.InsertOpts) { return expireJob{}, nil }, nil))
	}
	return cfg
}

// Start starts the workers (when Work is set) and the outbox sweeper.
func (r *Runner) Start(ctx context.Context) error {
	if r.opts.Work {
		if err := r.client.Start(context.WithoutCancel(ctx)); err != nil {
			return fmt.Errorf("jobs: start: %w", err)
		}
	}
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.stop, r.done = cancel, make(chan struct{})
	go r.sweepLoop(sctx)
	return nil
}

// Stop stops the sweeper and the workers, letting running jobs finish
// within ctx, and releases the connections.
func (r *Runner) Stop(ctx context.Context) error {
	if r.stop != nil {
		r.stop()
		<-r.done
	}
	var err error
	if r.opts.Work {
		err = r.client.Stop(ctx)
	}
	r.close()
	return err
}

// Kick asks for an outbox sweep now (after a commit that enqueued jobs).
func (r *Runner) Kick() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Subscribe exposes River's job events (for tests and metrics).
func (r *Runner) Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func()) {
	return r.client.Subscribe(kinds...)
}

func (r *Runner) sweepLoop(ctx context.Context) {
	defer close(r.done)
	t := time.NewTicker(r.opts.OutboxEvery)
	defer t.Stop()
	for {
		if err := r.SweepOutbox(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("outbox sweep failed; retrying at the next tick", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-r.kick:
		case <-t.C:
		}
	}
}
