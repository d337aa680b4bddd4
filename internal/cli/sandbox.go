package cli

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/internal/sandbox"
)

func runSandbox(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "sandbox", "sandbox [--addr host:port]",
		"Run only the provider simulators on loopback and print their URLs and\n"+
			"credentials, for frontend work against the providers' wire protocols.\n"+
			"Stops on SIGTERM or Ctrl-C.")
	addr := fs.String("addr", "127.0.0.1:0", "simulators' listen address (port 0: a free port each)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	cfg.Providers = app.Sections() // every simulator, whatever the environment says
	for _, sec := range cfg.Providers {
		sec.Load(config.NewReader(func(string) string { return "" }))
	}
	sb, err := app.StartSimulators(cfg, sandbox.Options{
		Addr: *addr, ExtractionDelay: cfg.SandboxDelay, HistoryDays: cfg.SandboxHistory, Latency: cfg.SandboxLatency,
		DataDir: cfg.DataDir,
	})
	if err != nil {
		return err
	}
	defer sb.Close()
	for _, e := range sb.Describe() {
		fmt.Fprintf(env.Stdout, "%s simulator: %s\n", e.Name, e.BaseURL)
		for _, k := range slices.Sorted(maps.Keys(e.Settings)) {
			fmt.Fprintf(env.Stdout, "  %s=%s\n", k, e.Settings[k])
		}
		for _, h := range e.Hints {
			fmt.Fprintf(env.Stdout, "  %s\n", h)
		}
	}
	fmt.Fprintln(env.Stdout, "Point fingraph at a simulator with the variables listed under it.")
	<-ctx.Done()
	return nil
}
