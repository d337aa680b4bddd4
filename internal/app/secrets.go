package app

import (
	"fmt"
	"log/slog"

	"github.com/fingraph/fingraph/internal/config"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/secrets"
	"github.com/fingraph/fingraph/internal/store"
)

// Keyring builds the keys protecting secrets at rest from configuration;
// in development, missing keys are generated into the data dir (with a
// warning: losing that directory loses every sealed value).
func Keyring(cfg config.Config, logger *slog.Logger) (*secrets.Keyring, error) {
	k := cfg.Secrets
	var ring *secrets.Keyring
	var err error
	if k.MasterKey != "" {
		ring, err = secrets.ParseKeys(k.MasterKey, k.MasterKeyPrevious)
	} else {
		var key []byte
		var generated bool
		if key, generated, err = secrets.LoadOrCreateDevMasterKey(cfg.DataDir); err == nil {
			warnGenerated(logger, generated, "master key", secrets.MasterKeyFile, cfg.DataDir)
			ring, err = secrets.NewKeyring(key)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	index, err := indexKey(cfg, logger)
	if err != nil {
		return nil, err
	}
	return ring.WithIndexKey(index)
}

func indexKey(cfg config.Config, logger *slog.Logger) ([]byte, error) {
	if cfg.Secrets.IndexKey != "" {
		return secrets.ParseIndexKey(cfg.Secrets.IndexKey)
	}
	key, generated, err := secrets.LoadOrCreateDevIndexKey(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("index key: %w", err)
	}
	warnGenerated(logger, generated, "index key", secrets.IndexKeyFile, cfg.DataDir)
	return key, nil
}

func warnGenerated(logger *slog.Logger, generated bool, what, file, dir string) {
	if generated {
		logger.Warn("generated a development "+what+"; set it from a secret store in production",
			"file", file, "dir", dir)
	}
}

// InstallSecrets puts the secrets plugin on db, so secret columns are sealed
// on write and opened on read.
func InstallSecrets(db *database.DB, ring *secrets.Keyring) error {
	p, err := store.NewSecretsPlugin(ring)
	if err != nil {
		return err
	}
	return db.Gorm.Use(p)
}
