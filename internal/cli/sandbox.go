package cli

import (
	"context"
	"fmt"

	"github.com/fingraph/fingraph/internal/sandbox"
)

func runSandbox(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "sandbox", "sandbox [--addr host:port]",
		"Run only the provider simulators on loopback and print their URLs and\n"+
			"credentials, for frontend work against the providers' wire protocols.\n"+
			"Stops on SIGTERM or Ctrl-C.")
	addr := fs.String("addr", "127.0.0.1:0", "Flanks simulator listen address (port 0: any free port)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	sb, err := sandbox.Start(ctx, sandbox.Options{
		Addr: *addr, ExtractionDelay: cfg.SandboxDelay, HistoryDays: cfg.SandboxHistory, Latency: cfg.SandboxLatency,
	})
	if err != nil {
		return err
	}
	defer sb.Close()
	for _, e := range sb.Describe() {
		fmt.Fprintf(env.Stdout, "%s simulator: %s\n  client id:     %s\n  client secret: %s\n", e.Name, e.BaseURL, e.ClientID, e.ClientSecret)
		fmt.Fprintf(env.Stdout, "  link a bank:   curl -s -X POST %s/sandbox/link/complete -H 'Content-Type: application/json' -d '{\"bank\":\"testbank\"}'\n", e.BaseURL)
		fmt.Fprintf(env.Stdout, "  inject faults: curl -s -X POST %s/sandbox/faults -H 'Content-Type: application/json' -d '{\"latency_ms\":300}'\n", e.BaseURL)
	}
	fmt.Fprintln(env.Stdout, "Point fingraph at it with FLANKS_BASE_URL, FLANKS_CLIENT_ID and FLANKS_CLIENT_SECRET.")
	<-ctx.Done()
	return nil
}
