//go:build !unix

package database

// lockFile is a no-op where flock is unavailable; run one process per
// SQLite file there.
func lockFile(string) (func(), error) { return func() {}, nil }
