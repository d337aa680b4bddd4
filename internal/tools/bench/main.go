// Command bench measures fingraph's performance targets (BENCHMARKS.md)
// and drives load against a running server.
//
//	go run ./internal/tools/bench nested   # cached nested query vs SQL + encoding/json baselines
//	go run ./internal/tools/bench nested -db postgres   # the same on a fresh PostgreSQL database
//	go run ./internal/tools/bench cold     # cold 5-product query vs 1-product query, 200 ms latency
//	go run ./internal/tools/bench load -url http://127.0.0.1:8080/graphql -token "$TOKEN"
//	go run ./internal/tools/bench compare -token "$TOKEN"   # vs PostGraphile, see scripts/postgraphile
//
// nested, cold, cold-all and swr run the app in-process (the same code as
// the go test benchmarks in internal/app, shared through internal/benchkit)
// on SQLite or, with -db postgres, on a PostgreSQL database created for
// the run and dropped after it, and print the ratios the targets are
// stated in, measured side by side in one run. load sends real HTTP
// requests to a server already running on loopback.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

const usage = `usage: go run ./internal/tools/bench <command> [flags]

commands:
  nested   cached nested query me → credentials → accounts → transactions(first: 50)
           over >= 10,000 transactions: server vs hand-written SQL + encoding/json
           (target: server <= 2x the per-account LIMIT baseline); -db postgres
  cold     one cold query of 5 products vs of 1 product, 200 ms simulated
           provider latency (target: <= 1.3x)
  load     drive a running server over HTTP on loopback: p50/p95/p99, req/s, errors;
           closed loop or -rate (open loop); -workload mixed adds refreshCredentials,
           signed Flinks webhooks and WebSocket subscriptions; -pid reports the server's RSS
  swr      p99 of steady reads (50 req/s, 200 ms provider latency) while the
           accounts' TTL expires, with and without stale-while-revalidate
  cold-all one cold query over every product of one credentials vs one product
  pg-seed  seed a kept PostgreSQL database with the nested data set, for compare
  compare  the nested query against a running fingraph and a running PostGraphile
           over HTTP, in interleaved rounds at -c 1 and 8 (scripts/postgraphile)

Run "go run ./internal/tools/bench <command> -h" for the command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a command and returns the exit status: 0 done, 1 the
// measurement failed, 2 bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "nested":
		err = runNested(args[1:], stdout, stderr)
	case "cold":
		err = runCold(args[1:], stdout, stderr)
	case "load":
		err = runLoad(args[1:], stdout, stderr)
	case "swr":
		err = runSWR(args[1:], stdout, stderr)
	case "cold-all":
		err = runColdAll(args[1:], stdout, stderr)
	case "pg-seed":
		err = runPGSeed(args[1:], stdout, stderr)
	case "compare":
		err = runCompare(args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "bench: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}
	fmt.Fprintln(stderr, "bench:", err)
	return 1
}

// usageError is a bad flag value: exit status 2, like flag parsing errors.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// newFlags returns a flag set for one command whose -h prints what the
// command does before its flags.
func newFlags(name, about string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./internal/tools/bench %s [flags]\n\n%s\nflags:\n", name, about)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args; a flag error is a usage error (already printed).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))}
	}
	return nil
}
