// Package app builds a running fingraph from a Config: database, auth,
// sandbox simulators, services and the HTTP handler. The cli package calls
// it; tests call it to get a real server in-process.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/fingraph/fingraph/graph"
	"github.com/fingraph/fingraph/internal/access"
	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/analytics"
	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/events"
	"github.com/fingraph/fingraph/internal/finance"
	"github.com/fingraph/fingraph/internal/httpapi"
	"github.com/fingraph/fingraph/internal/jobs"
	"github.com/fingraph/fingraph/internal/metrics"
	"github.com/fingraph/fingraph/internal/onboarding"
	"github.com/fingraph/fingraph/internal/playground"
	"github.com/fingraph/fingraph/internal/provider"
	"github.com/fingraph/fingraph/internal/realtime"
	"github.com/fingraph/fingraph/internal/reconcile"
	"github.com/fingraph/fingraph/internal/sandbox"
	"github.com/fingraph/fingraph/internal/sandboxapi"
	"github.com/fingraph/fingraph/internal/statements"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/internal/telemetry"
	"github.com/fingraph/fingraph/internal/users"
)

// DemoUserID is the user the development demo token is minted for.
const DemoUserID = "demo-user"

// App is an assembled server.
type App struct {
	Config    config.Config
	DB        *database.DB
	Handler   http.Handler
	DemoToken string           // set in development only
	Sandbox   *sandbox.Sandbox // the built-in simulators, when running

	// Instance identifies this replica (events, fetch leases).
	Instance string
	// Events is the local bus of what changed, here or on other replicas.
	Events *events.Bus
	Jobs   *jobs.Runner
	// Onboarding runs onboarding sessions (exposed for tests and tools).
	Onboarding *onboarding.Service
	// Statements runs statement uploads.
	Statements *statements.Service
	// AccessLog writes the access trail (analysts' and admins' reads of
	// other users' data); tests flush it.
	AccessLog *access.Log
	// SeededUsers is closed once the sandbox users are seeded and their
	// data fetched (at once when there are none).
	SeededUsers <-chan struct{}
	// Metrics are the Prometheus metrics, served on MetricsAddr (the
	// listener actually bound) when FINGRAPH_METRICS_ADDR is set.
	Metrics     *metrics.Metrics
	MetricsAddr string

	tracing   *telemetry.Tracing
	logger    *slog.Logger
	agg       *aggregate.Service
	closers   []func() error
	reloaders []provider.CertificateReloader

	// aggregates answers the analysts' aggregates.
	aggregates *analytics.Service
	// reconciler answers the admins' reconciliation.
	reconciler *reconcile.Service
}

// New opens the database, applies migrations and wires every dependency.
func New(ctx context.Context, cfg config.Config, logger *slog.Logger, opts ...Option) (*App, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	a := &App{Config: cfg, logger: logger, Instance: uuid.NewString()}
	if err := a.setupTelemetry(ctx, o); err != nil {
		return nil, errors.Join(err, a.Close())
	}
	if err := a.openDatabase(ctx); err != nil {
		return nil, errors.Join(err, a.Close())
	}
	if err := a.observeDatabase(); err != nil {
		return nil, errors.Join(err, a.Close())
	}
	if o.databaseHook != nil {
		if err := o.databaseHook(a.DB.Gorm); err != nil {
			return nil, errors.Join(err, a.Close())
		}
	}
	if err := a.build(ctx); err != nil {
		return nil, errors.Join(err, a.Close())
	}
	if err := a.startMetrics(); err != nil {
		return nil, errors.Join(err, a.Close())
	}
	return a, nil
}

func (a *App) build(ctx context.Context) error {
	verifier, devKey, err := a.verifier()
	if err != nil {
		return err
	}
	if err := a.startSandbox(ctx); err != nil {
		return err
	}
	st := store.New(a.DB.Gorm)
	reg, legacyLinker, err := a.newRegistry()
	if err != nil {
		return err
	}
	a.maintainProviders(reg)
	pub, err := a.startEvents(ctx)
	if err != nil {
		return err
	}
	agg := a.newAggregate(st, reg, pub)
	a.agg = agg
	keys := newE2EKeys(a.Config.E2EKeys, a.Config.DataDir, a.Config.Dev())
	ob := onboarding.New(st, reg, agg, pub, onboarding.Options{PublicURL: a.Config.PublicURL,
		ReturnURL: a.Config.ReturnURL, Opener: keys, Logger: a.logger})
	a.Onboarding = ob
	a.Statements = statements.New(st, reg, agg, statements.Options{Logger: a.logger})
	a.reconciler = reconcile.New(st, reg)
	if err := a.startJobs(ctx, st, agg, ob); err != nil {
		return err
	}
	if devKey != nil {
		if a.DemoToken, err = devKey.Mint(DemoUserID, []auth.Role{auth.RoleUser}, 30*24*time.Hour); err != nil {
			return err
		}
	}
	if a.Sandbox != nil && devKey != nil {
		if err := sandbox.SeedDemo(ctx, a.Sandbox, agg, st, DemoUserID, a.Config.SandboxDemo); err != nil {
			return fmt.Errorf("seed demo data: %w", err)
		}
	}
	if err := a.startAnalytics(ctx, st); err != nil {
		return err
	}
	if devKey != nil {
		a.startSeedingUsers(agg, st)
	}
	safelist, err := loadSafelist(a.Config.SafelistFile)
	if err != nil {
		return err
	}
	a.Handler = a.routes(verifier, st, finance.New(st, agg, keys, legacyLinker), ob, keys.Handler(), safelist)
	return nil
}

// Close releases everything New acquired, in reverse order.
func (a *App) Close() error {
	var errs []error
	for i := len(a.closers) - 1; i >= 0; i-- {
		errs = append(errs, a.closers[i]())
	}
	a.closers = nil
	return errors.Join(errs...)
}

func (a *App) openDatabase(ctx context.Context) error {
	if err := database.PrivateDir(a.Config.DataDir); err != nil {
		return err
	}
	db, err := database.Open(ctx, database.Options{
		SQLitePath:  a.Config.SQLitePath(),
		PostgresURL: postgresURL(a.Config),
		Logger:      a.logger,
	})
	if err != nil {
		return err
	}
	a.DB = db
	a.closers = append(a.closers, db.Close)
	ring, err := Keyring(a.Config, a.logger)
	if err != nil {
		return err
	}
	if err := InstallSecrets(db, ring); err != nil {
		return err
	}
	if err := db.CheckDurability(ctx); err != nil {
		if a.Config.Env == config.EnvProduction {
			return err
		}
		a.logger.Warn("database durability", "error", err.Error())
	}
	return db.Migrate(ctx, a.Config.SQLitePath(), a.logger, func(ctx context.Context) error {
		return jobs.Migrate(ctx, a.jobsBackend())
	})
}

// jobsBackend says where the job queue's tables live: the same database.
func (a *App) jobsBackend() jobs.Backend {
	if p := a.Config.SQLitePath(); p != "" {
		return jobs.Backend{SQLiteDSN: database.SQLiteDSN(p)}
	}
	return jobs.Backend{PostgresURL: a.Config.DatabaseURL}
}

func postgresURL(c config.Config) string {
	if c.SQLitePath() != "" {
		return ""
	}
	return c.DatabaseURL
}

// verifier picks how tokens are checked: an external JWKS or public key
// when configured, else (development only) the dev key in the data dir.
func (a *App) verifier() (auth.Verifier, *auth.DevKey, error) {
	ac := a.Config.Auth
	jc := auth.JWTConfig{Issuer: ac.Issuer, Audience: ac.Audience}
	switch {
	case ac.JWKSURL != "":
		v, err := auth.NewJWKSVerifier(ac.JWKSURL, &http.Client{Timeout: 10 * time.Second}, jc)
		return v, nil, err
	case ac.PublicKey != "":
		v, err := auth.NewStaticKeyVerifier(ac.PublicKey, jc)
		return v, nil, err
	case a.Config.Dev():
		k, err := auth.LoadOrCreateDevKey(a.Config.DataDir)
		if err != nil {
			return nil, nil, err
		}
		return k.Verifier(), k, nil
	}
	return nil, nil, errors.New("no token verification key configured")
}

func (a *App) routes(v auth.Verifier, st *store.Store, fin *finance.Service, ob *onboarding.Service, jwks http.Handler, safelist graph.Safelist) http.Handler {
	rt := realtime.New(a.Events, fin, realtime.Options{MaxSubscriptions: a.Config.MaxSubscriptions,
		MaxConnections: a.Config.MaxConnections})
	a.Metrics.WatchStreams(rt.Open)
	resolver := &graph.Resolver{Viewers: users.New(st), Aggregates: a.aggregates, Finance: fin, Onboarding: ob, Statements: a.Statements, Realtime: rt,
		Reconciler: a.reconciler}
	if a.SandboxMutations() {
		resolver.Simulators = sandboxapi.New(a.Sandbox, fin, ob)
	}
	l := a.Config.Limits
	gql := graph.NewHandler(resolver, graph.HandlerOptions{
		Introspection:  a.Config.Introspection,
		Logger:         a.logger,
		Limits:         graph.Limits{MaxDepth: l.MaxDepth, MaxAliases: l.MaxAliases, MaxDirectives: l.MaxDirectives, MaxCost: l.MaxCost},
		Budget:         graph.NewBudget(l.RateBurst, l.RatePerSecond),
		TokenLimit:     l.MaxTokens,
		Suggestions:    l.Suggestions,
		Safelist:       safelist,
		MaxUploadBytes: a.Config.MaxUploadBytes,
		Streams:        a.streamOptions(v, rt, fin),
		Sandbox:        a.SandboxMutations(),
		Trail:          a.AccessLog,
		Extensions:     a.graphQLExtensions(safelist),
	})
	return httpapi.New(httpapi.Deps{
		GraphQL:            fin.Middleware(gql),
		Verifier:           v,
		Ready:              a.DB.Ready,
		Playground:         playground.Handler("/graphql", playground.Options{Title: "fingraph", DemoToken: a.DemoToken}),
		Assets:             playground.Assets(),
		JWKS:               jwks,
		Logger:             a.logger,
		MaxBodyBytes:       a.Config.MaxBodyBytes,
		MaxUploadBytes:     a.Config.MaxUploadBytes,
		UploadTimeout:      a.Config.UploadTimeout,
		RequestTimeout:     a.Config.RequestTimeout,
		OnboardingCallback: ob.CallbackHandler(),
		Webhooks:           a.agg,
		MaxWebhookBytes:    a.Config.MaxWebhookBytes,
		CORSOrigins:        a.Config.CORSOrigins,
		Schema:             a.schemaHandler(),
		Observer:           a.Metrics,
		Trace:              a.httpTrace(),
	})
}

func loadSafelist(path string) (graph.Safelist, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("FINGRAPH_SAFELIST_FILE: %w", err)
	}
	return graph.ParseSafelist(b)
}

// schemaHandler serves the schema as SDL where introspection is on (the
// same rule: a production server does not publish its schema).
func (a *App) schemaHandler() http.Handler {
	if !a.Config.Introspection {
		return nil
	}
	return graph.SDLHandler(graph.PublicSchema())
}

// SandboxMutations reports whether the schema has the `sandbox` mutations
// that drive the simulators: on development and sandbox servers running
// them, never in production.
func (a *App) SandboxMutations() bool {
	return a.Config.Dev() && a.Config.Sandbox && a.Sandbox != nil
}
