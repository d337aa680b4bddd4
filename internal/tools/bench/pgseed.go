package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/benchkit"
)

// runPGSeed seeds a PostgreSQL database with the nested data set and
// keeps it, with the data directory the seeding app used, so that a
// fingraph server and PostGraphile can both be started on the same rows
// (see the compare command and scripts/postgraphile).
func runPGSeed(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("pg-seed", `Creates a fresh PostgreSQL database (fingraph_bench_<random>) beside the one
-database-url names, migrates it and seeds the nested query's data set (the
demo user with 9 credentials, >= 10,000 account transactions) through an
in-process fingraph whose data directory is -dir. The database and the
directory are KEPT: it prints the DATABASE_URL and FINGRAPH_DATA_DIR to
start a fingraph server on them (same dev key, so the same demo token) and
PostGraphile (scripts/postgraphile). Drop the database with
psql -c 'DROP DATABASE <name>' when done.`, stderr)
	dir := fs.String("dir", "", "data directory for the fingraph server (created; must not hold another instance's data)")
	history := fs.Int("history-days", 0, "days of simulated transactions per account (0: the server default, 730)")
	var db dbFlags
	db.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	db.kind = "postgres"
	if err := db.validate(); err != nil {
		return err
	}
	if *dir == "" {
		return usageError{"pg-seed: -dir is required"}
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return err
	}
	ctx, cancel := interruptible()
	defer cancel()
	dbURL, _, err := benchkit.FreshPostgres(ctx, db.url)
	if err != nil {
		return err
	}
	env := map[string]string{}
	if *history > 0 {
		env["FINGRAPH_SANDBOX_HISTORY_DAYS"] = fmt.Sprint(*history)
	}
	e, err := benchkit.Open(ctx, benchkit.Options{Dir: abs, DatabaseURL: dbURL, Env: env})
	if err != nil {
		return fmt.Errorf("%w (database %s kept)", err, redacted(dbURL))
	}
	defer e.Close()
	n, err := benchkit.SeedNested(ctx, e, benchkit.MinTransactions)
	if err != nil {
		return fmt.Errorf("%w (database %s kept)", err, redacted(dbURL))
	}
	fmt.Fprintf(stderr, "seeded %s: user %s, %d credentials, %d account transactions\n",
		benchkit.DatabaseName(ctx, e.App.DB), app.DemoUserID, benchkit.MaxCredentials, n.Transactions)
	// Shell assignments on stdout, for eval.
	fmt.Fprintf(stdout, "DATABASE_URL='%s'\nFINGRAPH_DATA_DIR='%s'\n", dbURL, abs)
	return nil
}
