package secrets

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/fingraph/fingraph/internal/keyfile"
)

// Dev key file names inside the data dir.
const (
	// MasterKeyFile holds the development KEK when FINGRAPH_MASTER_KEY is
	// unset.
	MasterKeyFile = "master.key"
	// IndexKeyFile holds the development blind-index key when
	// FINGRAPH_INDEX_KEY is unset.
	IndexKeyFile = "index.key"
	// maxKeyFile bounds the key file read; a key is 45 bytes of base64.
	maxKeyFile = 1 << 10
)

// LoadOrCreateDevMasterKey returns the development KEK from
// dataDir/master.key, creating it (32 random bytes, base64, file 0600, dir
// 0700) if missing. generated reports that this call created it: the caller
// must then log a warning that data is encrypted under a key stored next to
// it, which is fine for development and useless in production.
func LoadOrCreateDevMasterKey(dataDir string) (key []byte, generated bool, err error) {
	return loadOrCreateKey(dataDir, MasterKeyFile)
}

// LoadOrCreateDevIndexKey is LoadOrCreateDevMasterKey for the blind-index
// key (dataDir/index.key). Losing this file makes every stored blind index
// unmatchable, so treat it like the master key.
func LoadOrCreateDevIndexKey(dataDir string) (key []byte, generated bool, err error) {
	return loadOrCreateKey(dataDir, IndexKeyFile)
}

// loadOrCreateKey reads dataDir/name or installs a new key there. Creation
// links a fully written temp file into place, which fails if the name
// exists, so concurrent starts (goroutines or processes) agree on one key
// and nobody ever reads a half-written file.
func loadOrCreateKey(dataDir, name string) ([]byte, bool, error) {
	path := filepath.Join(dataDir, name)
	key, err := readKeyFile(path)
	if !errors.Is(err, os.ErrNotExist) {
		return key, false, err
	}
	fresh := GenerateKey()
	won, err := keyfile.WriteExclusive(path, []byte(EncodeKey(fresh)+"\n"))
	if err != nil {
		return nil, false, err
	}
	if !won {
		key, err := readKeyFile(path)
		return key, false, err
	}
	return fresh, true, nil
}

// readKeyFile reads and decodes a key file, refusing one that group or
// others can read (as ssh does): a leaked KEK decrypts every dump.
func readKeyFile(path string) ([]byte, error) {
	data, err := keyfile.Read(path, maxKeyFile)
	if err != nil {
		return nil, err // ErrNotExist is how the caller learns to create it
	}
	return parseKey(filepath.Base(path), string(data))
}
