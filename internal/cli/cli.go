// Package cli is fingraph's command line: serve (the default), migrate,
// sandbox, token and version. Main returns the process exit status: 0 on
// success, 1 on a runtime failure, 2 on a usage or configuration error.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/config"
)

// Version is stamped at build time with
// -ldflags "-X github.com/fingraph/fingraph/internal/cli.Version=v1.2.3".
var Version = "dev"

// Env is what a command may use from its surroundings.
type Env struct {
	Getenv func(string) string
	Stdout io.Writer
	Stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve the GraphQL API (the default command)", runServe},
		{"migrate", "apply or inspect database migrations: migrate up|down|status", runMigrate},
		{"sandbox", "run only the provider simulators, for frontend work", runSandbox},
		{"token", "print a bearer token the local dev server accepts", runToken},
		{"rotate-keys", "re-wrap secrets at rest under the current master key", runRotateKeys},
		{"version", "print the version", runVersion},
		{"healthcheck", "probe the local server's /healthz (container HEALTHCHECK)", runHealthcheck},
	}
}

// usageError marks errors that exit with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// Main runs the command named by args[0] (serve when absent).
func Main(ctx context.Context, args []string, env Env) int {
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	} else if len(args) > 0 && isHelp(args[0]) {
		printUsage(env.Stdout)
		return 0
	}
	if name == "help" {
		printUsage(env.Stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == name {
			return exitCode(env, c.run(ctx, env, args))
		}
	}
	fmt.Fprintf(env.Stderr, "fingraph: unknown command %q\n\n", name)
	printUsage(env.Stderr)
	return 2
}

func exitCode(env Env, err error) int {
	var ue *usageError
	var ce *config.Error
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ce):
		fmt.Fprintf(env.Stderr, "fingraph: invalid configuration: %s\n", ce.Error())
		return 2
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "fingraph: %s\n", ue.msg)
		return 2
	}
	fmt.Fprintf(env.Stderr, "fingraph: %v\n", err)
	return 1
}

func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "fingraph: a GraphQL API over aggregated financial data.")
	fmt.Fprintln(w, "\nUsage: fingraph [command] [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'fingraph <command> --help' for a command's flags.")
	fmt.Fprintln(w, "Configuration comes from the environment; see README.md.")
}

// newFlags returns a flag set whose --help prints the summary and flags.
func newFlags(env Env, name, usage, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stdout, "Usage: fingraph %s\n\n%s\n", usage, summary)
		fs.SetOutput(env.Stdout)
		fs.PrintDefaults()
		fs.SetOutput(env.Stderr)
	}
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err.Error()}
	}
	return nil
}

func loadConfig(env Env) (config.Config, error) {
	return config.Load(env.Getenv, app.Sections())
}

func runVersion(_ context.Context, env Env, args []string) error {
	fs := newFlags(env, "version", "version", "Print the version.")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "fingraph %s\n", version())
	return nil
}

func version() string {
	if Version != "dev" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return Version
}
