package database

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// PrivateDir makes dir exist with mode 0700, tightening an existing one:
// the data directory holds the cache of personal financial data and the
// development keys, so no other local user may list or read it. MkdirAll
// alone keeps whatever mode an older install or a volume mount left.
func PrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("database: create %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("database: make %s private: %w", dir, err)
	}
	return nil
}

// privateSQLiteFiles creates the database file 0600 before SQLite opens it
// and tightens an existing one and its sidecars. SQLite creates the -wal,
// -shm and -journal files with the mode of the database file, so once that
// is 0600 they are too.
func privateSQLiteFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("database: create %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("database: create %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("database: make %s private: %w", p, err)
		}
	}
	return nil
}
