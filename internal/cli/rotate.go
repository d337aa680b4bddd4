package cli

import (
	"context"
	"fmt"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/logging"
	"github.com/fingraph/fingraph/internal/store"
)

func runRotateKeys(ctx context.Context, env Env, args []string) error {
	fs := newFlags(env, "rotate-keys", "rotate-keys",
		"Re-wrap every sealed secret under the current master key.\n\n"+
			"To rotate: set FINGRAPH_MASTER_KEY to a new key and move the old one to\n"+
			"FINGRAPH_MASTER_KEY_PREVIOUS (servers then read both), run this command,\n"+
			"then drop the old key. Only the wrapped data keys change; re-running is\n"+
			"harmless. Values stored before encryption existed are sealed too.")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	logger := logging.New(env.Stderr, cfg.LogLevel)
	db, err := openForMigrate(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer db.Close()
	ring, err := app.Keyring(cfg, logger)
	if err != nil {
		return err
	}
	if err := app.InstallSecrets(db, ring); err != nil {
		return err
	}
	st, err := store.New(db.Gorm).RotateSecrets(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "re-wrapped under key %s: %d credentials, %d identity documents, %d pending erasures, "+
		"%d webhook payloads, %d fraud analyses\n",
		ring.CurrentKeyID(), st.Credentials, st.Identities, st.Erasures, st.Webhooks, st.Uploads)
	return nil
}
