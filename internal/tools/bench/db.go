package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"

	"github.com/fingraph/fingraph/internal/benchkit"
)

// dbFlags choose the database an in-process command runs the app on.
type dbFlags struct {
	kind string // "sqlite" or "postgres"
	url  string // PostgreSQL server to create the fresh database on
}

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.kind, "db", "sqlite",
		"database to run on: sqlite (a scratch file) or postgres (a fresh database, dropped afterwards)")
	fs.StringVar(&f.url, "database-url", "",
		"with -db postgres: the PostgreSQL server to create the fresh database on (default $TEST_DATABASE_URL, then $DATABASE_URL); the database it names is never written")
}

// validate checks the flags once parsed, filling the URL from the
// environment.
func (f *dbFlags) validate() error {
	switch f.kind {
	case "sqlite":
		return nil
	case "postgres":
		if f.url == "" {
			f.url = benchkit.PostgresURLFromEnv()
		}
		if f.url == "" {
			return usageError{"-db postgres needs -database-url, $TEST_DATABASE_URL or $DATABASE_URL"}
		}
		return nil
	}
	return usageError{fmt.Sprintf("-db must be sqlite or postgres, not %q", f.kind)}
}

// fresh returns the DATABASE_URL of a database for one app ("" for
// SQLite, which lives in the app's scratch directory) and a function that
// drops it after the app closed. With keep the database stays and its
// URL is printed, like the kept data directory.
func (f *dbFlags) fresh(ctx context.Context, keep bool, stderr io.Writer) (string, func(), error) {
	if f.kind != "postgres" {
		return "", func() {}, nil
	}
	u, drop, err := benchkit.FreshPostgres(ctx, f.url)
	if err != nil {
		return "", nil, err
	}
	return u, func() {
		if keep {
			fmt.Fprintln(stderr, "database kept:", redacted(u))
			return
		}
		if err := drop(); err != nil {
			fmt.Fprintln(stderr, "bench: drop the benchmark database:", err)
		}
	}, nil
}

// redacted is u with any password masked, for printing.
func redacted(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}
