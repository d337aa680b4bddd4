package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"gorm.io/gorm"

	"github.com/fingraph/fingraph/graph"
	"github.com/fingraph/fingraph/internal/jobs"
	"github.com/fingraph/fingraph/internal/metrics"
	"github.com/fingraph/fingraph/internal/telemetry"
	"github.com/fingraph/fingraph/models"
	"github.com/fingraph/fingraph/providers/guard"
)

// Option tunes New beyond the configuration.
type Option func(*options)

type options struct {
	spanExporter sdktrace.SpanExporter
	version      string
	databaseHook func(*gorm.DB) error
}

// WithSpanExporter sends every span to exp, synchronously, whatever the
// OTEL_* configuration says: tests read spans from tracetest's in-memory
// exporter.
func WithSpanExporter(exp sdktrace.SpanExporter) Option {
	return func(o *options) { o.spanExporter = exp }
}

// WithDatabaseHook runs hook on the database handle once it is open and
// migrated, before any job or request uses it: GORM's callback registry
// may not change while statements run, so callbacks (tests count
// statements with one) are registered here.
func WithDatabaseHook(hook func(*gorm.DB) error) Option {
	return func(o *options) { o.databaseHook = hook }
}

// WithVersion names the running version in the spans' resource.
func WithVersion(v string) Option {
	return func(o *options) { o.version = v }
}

// setupTelemetry builds the metrics (always: their registry is cheap, and
// only a listener exposes them) and the tracer provider (when
// configured), before anything they observe exists.
func (a *App) setupTelemetry(ctx context.Context, o options) error {
	names := make([]string, len(kits))
	for i, k := range kits {
		names[i] = string(k.name)
	}
	a.Metrics = metrics.New(prometheus.NewRegistry(), metrics.Options{Providers: names})
	tr, err := telemetry.Setup(ctx, a.Config.Tracing, telemetry.Options{Exporter: o.spanExporter, Console: os.Stdout,
		Version: o.version})
	if err != nil {
		return err
	}
	a.tracing = tr
	a.closers = append(a.closers, func() error {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return tr.Shutdown(sctx)
	})
	return nil
}

// observeDatabase traces the SQL of the app's database and exports its
// pool statistics.
func (a *App) observeDatabase() error {
	a.Metrics.WatchDB(a.DB.SQL)
	a.Metrics.WatchJobs(func(ctx context.Context) (metrics.JobCounts, error) {
		st, err := jobs.QueueStats(ctx, a.DB.SQL, a.Config.SQLitePath() != "")
		return metrics.JobCounts{ByState: st.ByState, OldestAvailable: st.OldestAvailable}, err
	})
	if !a.tracing.Enabled() {
		return nil
	}
	return a.tracing.Gorm(a.DB.Gorm)
}

// providerHooks connect provider p's client to the metrics and, when
// tracing, its transport to the tracer.
func (a *App) providerHooks(p models.Provider) guard.Hooks {
	h := guard.Hooks{Observer: a.Metrics.Providers()}
	if a.tracing.Enabled() {
		h.WrapTransport = a.tracing.Transport(string(p))
	}
	return h
}

// httpTrace is the tracing middleware of the HTTP surface (nil: none).
func (a *App) httpTrace() func(http.Handler) http.Handler {
	if !a.tracing.Enabled() {
		return nil
	}
	return a.tracing.Middleware
}

// startMetrics serves /metrics on FINGRAPH_METRICS_ADDR, a listener of
// its own: the metrics name routes, providers and queue sizes, which the
// public API must not publish. A port already taken fails the start.
func (a *App) startMetrics() error {
	if a.Config.MetricsAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", a.Config.MetricsAddr)
	if err != nil {
		return fmt.Errorf("FINGRAPH_METRICS_ADDR: listen on %s: %w", a.Config.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Metrics.Handler())
	if a.Config.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: a.metricsWriteTimeout(), IdleTimeout: 60 * time.Second, MaxHeaderBytes: 16 << 10}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.logger.Error("metrics listener stopped", "error", err.Error())
		}
	}()
	a.MetricsAddr = ln.Addr().String()
	a.logger.Info("metrics listening", "addr", a.MetricsAddr)
	a.closers = append(a.closers, func() error {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	})
	return nil
}

// graphQLExtensions observe every operation: metrics (operations named
// only when safelisted) and, when tracing, spans.
func (a *App) graphQLExtensions(safelist graph.Safelist) []graphql.HandlerExtension {
	ext := []graphql.HandlerExtension{a.Metrics.GraphQL(safelist)}
	if a.tracing.Enabled() {
		ext = append(ext, a.tracing.GraphQL())
	}
	return ext
}

// metricsWriteTimeout bounds a response of the metrics listener; a CPU
// profile or trace streams for its ?seconds= (30 by default), so with
// profiles on the bound leaves room for two minutes of profiling.
func (a *App) metricsWriteTimeout() time.Duration {
	if a.Config.Pprof {
		return 2*time.Minute + 10*time.Second
	}
	return 30 * time.Second
}
