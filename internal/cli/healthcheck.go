package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// runHealthcheck probes the local server's /healthz. Container images have
// no curl, so the Dockerfile's HEALTHCHECK runs the binary itself.
func runHealthcheck(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "healthcheck", "healthcheck",
		"Exit 0 when the server on FINGRAPH_ADDR answers /healthz (for container HEALTHCHECK).")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(cfg.Addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	res, err := (&http.Client{Timeout: 3 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: status %d", res.StatusCode)
	}
	return nil
}
