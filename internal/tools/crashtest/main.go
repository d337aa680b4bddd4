// Command crashtest kills a fingraph server with SIGKILL at random points
// while signed Flinks webhooks, links, statement uploads and refreshes
// flow, restarts it on the same database, and then checks that nothing
// acknowledged was lost or doubled:
//
//   - every webhook answered 2xx is stored once and processed, its job done;
//   - every acknowledged link is one credentials row, synced, not pending;
//   - no product is half-written: cached rows match their sync record and
//     the simulator's data exactly;
//   - no job is lost or stuck: the outbox drains, every River job completes;
//   - every acknowledged statement upload completes, its files sent.
//
// Usage:
//
//	go run ./internal/tools/crashtest                  # SQLite, then PostgreSQL if TEST_DATABASE_URL is set
//	go run ./internal/tools/crashtest -db postgres -rounds 20 -seed 42
//
// The kill times and the workload come from -seed (printed at start); the
// goroutines' interleaving is not seeded, so a seed reproduces the
// schedule, not every instant. Exit status 1 means an invariant failed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// Options are the crash test's knobs (flags of the command, fields in the
// test).
type Options struct {
	Seed     int64
	Rounds   int           // kill/restart rounds before the final check
	MinLoad  time.Duration // shortest load before a kill
	MaxLoad  time.Duration // longest load before a kill
	Settle   time.Duration // how long the final server may take to finish all work
	Workers  int           // concurrent clients per kind of operation
	Postgres string        // base URL a fresh database is created from ("" skips PostgreSQL)
	Keep     bool          // keep the temporary directory and database
	Binary   string        // server binary; built from the module when empty
	Log      io.Writer
}

func main() {
	os.Exit(runMain(os.Args[1:], os.Stdout, os.Stderr))
}

// runMain parses flags, runs the requested databases and returns the exit
// status: 0 all invariants held, 1 a violation or failure, 2 bad usage.
func runMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("crashtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := Options{Log: stdout}
	fs.Int64Var(&o.Seed, "seed", time.Now().UnixNano(), "seed of the kill times and workload (printed; pass it to reproduce)")
	fs.IntVar(&o.Rounds, "rounds", 8, "kill -9 / restart rounds per database")
	fs.DurationVar(&o.MinLoad, "min-load", 400*time.Millisecond, "shortest load before a kill")
	fs.DurationVar(&o.MaxLoad, "max-load", 3*time.Second, "longest load before a kill")
	fs.DurationVar(&o.Settle, "settle", 90*time.Second, "how long the last server may take to finish every job")
	fs.IntVar(&o.Workers, "workers", 2, "concurrent clients per operation kind")
	db := fs.String("db", "all", "sqlite, postgres or all (postgres needs -postgres or TEST_DATABASE_URL)")
	fs.StringVar(&o.Postgres, "postgres", os.Getenv("TEST_DATABASE_URL"), "PostgreSQL URL to create a fresh database from")
	fs.BoolVar(&o.Keep, "keep", false, "keep the temporary directory and database for inspection")
	fs.StringVar(&o.Binary, "binary", "", "server binary to test (default: go build the module)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	kinds, err := dbKinds(*db, o.Postgres)
	if err != nil {
		fmt.Fprintln(stderr, "crashtest:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "crashtest: seed %d (rerun with -seed %d)\n", o.Seed, o.Seed)
	if o.Binary == "" {
		if o.Binary, err = buildServer(ctx); err != nil {
			fmt.Fprintln(stderr, "crashtest:", err)
			return 1
		}
		defer os.RemoveAll(filepath.Dir(o.Binary))
	}
	status := 0
	for _, k := range kinds {
		if err := Run(ctx, k, o); err != nil {
			fmt.Fprintf(stderr, "crashtest %s: FAIL (seed %d)\n%v\n", k, o.Seed, err)
			status = 1
			continue
		}
		fmt.Fprintf(stdout, "crashtest %s: ok\n", k)
	}
	return status
}

// dbKinds turns the -db flag into the databases to run.
func dbKinds(db, pgURL string) ([]string, error) {
	switch db {
	case "sqlite":
		return []string{"sqlite"}, nil
	case "postgres":
		if pgURL == "" {
			return nil, fmt.Errorf("-db postgres needs -postgres or TEST_DATABASE_URL")
		}
		return []string{"postgres"}, nil
	case "all":
		if pgURL == "" {
			return []string{"sqlite"}, nil
		}
		return []string{"sqlite", "postgres"}, nil
	}
	return nil, fmt.Errorf("-db %q: want sqlite, postgres or all", db)
}
