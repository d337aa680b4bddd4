// Package keyfile reads and creates the small secret files fingraph keeps
// in its data dir in development (signing, encryption and master keys).
// Creation is exclusive and crash-safe, so processes starting at once agree
// on one key and nobody reads a half-written file; reading refuses files
// that other users could read, as ssh does with private keys.
package keyfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
)

// Read returns the contents of path, at most limit bytes. A missing file
// gives an error matching os.ErrNotExist, which tells callers to create it.
func Read(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	base := filepath.Base(path)
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("keyfile: stat %s: %w", base, err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("keyfile: %s has mode %#o; want 0600 (chmod 600 %s)", base, fi.Mode().Perm(), path)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("keyfile: read %s: %w", base, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("keyfile: %s is too large to be a key file", base)
	}
	return data, nil
}

// WriteExclusive writes data to a synced temporary file (0600) in path's
// directory (created 0700) and hard-links it to path; it reports whether
// this call created path, false when another writer got there first.
// Filesystems without hard links fall back to an O_EXCL create, still
// exclusive but briefly showing a partly written file to a racing reader.
func WriteExclusive(path string, data []byte) (bool, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, fmt.Errorf("keyfile: create dir: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*") // mode 0600
	if err != nil {
		return false, fmt.Errorf("keyfile: create: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := writeSync(tmp, data); err != nil {
		return false, err
	}
	err = os.Link(tmp.Name(), path)
	switch {
	case err == nil:
		syncDir(dir)
		return true, nil
	case errors.Is(err, os.ErrExist):
		return false, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("keyfile: install: %w", err)
	}
	if err := writeSync(f, data); err != nil {
		return false, err
	}
	syncDir(dir)
	return true, nil
}

// writeSync writes, fsyncs and closes f so the key survives a crash.
func writeSync(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("keyfile: write: %w", err)
	}
	return nil
}

// syncDir makes the new directory entry durable; best effort, since some
// platforms cannot fsync a directory and the file itself is synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
