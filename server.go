// Command fingraph serves a GraphQL API over aggregated financial data.
// Run it with no arguments to serve on an embedded SQLite database with the
// built-in provider sandboxes; see README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/fingraph/fingraph/internal/cli"
)

func main() {
	// SIGTERM and SIGINT cancel ctx; serve then stops accepting connections
	// and lets in-flight requests finish.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], cli.Env{Getenv: os.Getenv, Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	os.Exit(code)
}
