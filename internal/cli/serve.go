package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/logging"
)

func runServe(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "serve", "serve", "Serve the GraphQL API, the playground and health probes.\n"+
		"Listens on FINGRAPH_ADDR (default 127.0.0.1:8080); see README.md for all variables.")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	started := time.Now()
	logger := logging.New(env.Stderr, cfg.LogLevel)
	a, err := app.New(ctx, cfg, logger, app.WithVersion(version()))
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	logger.Info("fingraph ready", "addr", ln.Addr().String(), "env", string(cfg.Env),
		"database", string(a.DB.Dialect), "startup_ms", time.Since(started).Milliseconds())
	printBanner(env, a, ln.Addr().String())
	stopHUP := reloadOnHangup(a, logger)
	defer stopHUP()
	srv := app.NewHTTPServer(a.Handler, cfg.RequestTimeout)
	err = app.Serve(ctx, srv, ln, cfg.ShutdownTimeout)
	logger.Info("fingraph stopped")
	return err
}

func printBanner(env Env, a *app.App, addr string) {
	base := "http://" + addr
	fmt.Fprintf(env.Stdout, "fingraph %s (%s) serving on %s\n", version(), a.Config.Env, base)
	fmt.Fprintf(env.Stdout, "  playground: %s/\n", base)
	fmt.Fprintf(env.Stdout, "  graphql:    %s/graphql\n", base)
	if a.MetricsAddr != "" {
		fmt.Fprintf(env.Stdout, "  metrics:    http://%s/metrics (private listener)\n", a.MetricsAddr)
	}
	if a.DemoToken != "" {
		fmt.Fprintf(env.Stdout, "  demo token: %s\n", a.DemoToken)
		fmt.Fprintf(env.Stdout, "  try:        curl -s %s/graphql -H 'Authorization: Bearer %s' "+
			"-H 'Content-Type: application/json' -d '{\"query\":\"{ __typename }\"}'\n", base, a.DemoToken)
		fmt.Fprintf(env.Stdout, "  analysts:   fingraph token --user ana --role analyst (the playground's Analysts tab)\n")
	}
	printSimulators(env, a)
}

// printSimulators lists the running provider simulators, how to drive
// them, and the sandbox mutations that do it through the API.
func printSimulators(env Env, a *app.App) {
	if a.Sandbox == nil {
		return
	}
	for _, e := range a.Sandbox.Describe() {
		fmt.Fprintf(env.Stdout, "  %s simulator: %s\n", e.Name, e.BaseURL)
		for _, h := range e.Hints {
			fmt.Fprintf(env.Stdout, "    %s\n", h)
		}
	}
	if a.SandboxMutations() {
		fmt.Fprintln(env.Stdout, "  sandbox:    mutation { sandbox { linkCode(provider: FLANKS, scenario: \"SCA_SMS\") } } "+
			"(also fireWebhook, decideConsent, setFault) drives the simulators through the API")
	}
}

// reloadOnHangup reloads provider client certificates on SIGHUP, the
// usual signal after a certificate renewal.
func reloadOnHangup(a *app.App, logger *slog.Logger) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-hup:
				if err := a.ReloadCertificates(); err != nil {
					logger.Error("SIGHUP: certificate reload failed", "error", err.Error())
				} else {
					logger.Info("SIGHUP: certificates reloaded")
				}
			case <-done:
				return
			}
		}
	}()
	return func() { signal.Stop(hup); close(done) }
}
