package cli

import (
	"context"
	"fmt"

	"github.com/pressly/goose/v3"

	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/jobs"
	"github.com/fingraph/fingraph/internal/logging"
	"github.com/fingraph/fingraph/migrations"
)

func runMigrate(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "migrate", "migrate up|down|status",
		"up applies every pending migration, down rolls back the latest one,\n"+
			"status lists each migration and whether it is applied.")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return &usageError{"migrate needs exactly one of: up, down, status"}
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	db, err := openForMigrate(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := migrations.NewProvider(db.SQL, db.Dialect, nil)
	if err != nil {
		return err
	}
	switch fs.Arg(0) {
	case "up":
		backend := jobs.Backend{PostgresURL: cfg.DatabaseURL}
		if p := cfg.SQLitePath(); p != "" {
			backend = jobs.Backend{SQLiteDSN: database.SQLiteDSN(p)}
		}
		if err := db.Migrate(ctx, cfg.SQLitePath(), nil, func(ctx context.Context) error {
			return jobs.Migrate(ctx, backend)
		}); err != nil {
			return err
		}
	case "down":
		r, err := p.Down(ctx)
		if err != nil {
			return fmt.Errorf("migrate down: %w", err)
		}
		fmt.Fprintf(env.Stdout, "rolled back %d %s\n", r.Source.Version, r.Source.Path)
		return nil
	case "status":
	default:
		return &usageError{fmt.Sprintf("unknown migrate action %q (want up, down or status)", fs.Arg(0))}
	}
	return printStatus(ctx, env, p)
}

func openForMigrate(ctx context.Context, cfg config.Config, env Env) (*database.DB, error) {
	pg := ""
	if cfg.SQLitePath() == "" {
		pg = cfg.DatabaseURL
	}
	return database.Open(ctx, database.Options{
		SQLitePath: cfg.SQLitePath(), PostgresURL: pg,
		Logger: logging.New(env.Stderr, cfg.LogLevel),
	})
}

func printStatus(ctx context.Context, env Env, p *goose.Provider) error {
	st, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("migrate status: %w", err)
	}
	for _, m := range st {
		applied := "pending"
		if m.State == goose.StateApplied {
			applied = "applied " + m.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
		}
		fmt.Fprintf(env.Stdout, "%05d  %-32s %s\n", m.Source.Version, m.Source.Path, applied)
	}
	return nil
}
