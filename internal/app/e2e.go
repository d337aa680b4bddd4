package app

import (
	"errors"
	"net/http"
	"path/filepath"
	"sync"

	"github.com/fingraph/fingraph/internal/jwe"
)

// e2eKeys holds the RSA keys clients encrypt sensitive values to. In
// development they are generated into the data dir on first use (RSA key
// generation takes a second, which start-up should not pay); in production
// they come from FINGRAPH_E2E_KEYS or end-to-end encryption is off.
type e2eKeys struct {
	once sync.Once
	load func() (*jwe.Keyring, error)
	ring *jwe.Keyring
	err  error
}

func newE2EKeys(jwks, dataDir string, dev bool) *e2eKeys {
	k := &e2eKeys{}
	switch {
	case jwks != "":
		k.load = func() (*jwe.Keyring, error) { return jwe.ParseKeyring([]byte(jwks)) }
	case dev:
		k.load = func() (*jwe.Keyring, error) { return jwe.LoadOrCreateKeyring(filepath.Join(dataDir, "e2e-keys.json")) }
	default:
		k.load = func() (*jwe.Keyring, error) { return nil, errE2EDisabled }
	}
	return k
}

var errE2EDisabled = errors.New("end-to-end encryption is not configured (FINGRAPH_E2E_KEYS)")

// Ring returns the keyring, loading it once.
func (k *e2eKeys) Ring() (*jwe.Keyring, error) {
	k.once.Do(func() { k.ring, k.err = k.load() })
	return k.ring, k.err
}

// Open decrypts one compact JWE value.
func (k *e2eKeys) Open(token string) ([]byte, error) {
	ring, err := k.Ring()
	if err != nil {
		return nil, err
	}
	return ring.Open(token)
}

// Handler publishes the public keys at /.well-known/jwks.json.
func (k *e2eKeys) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ring, err := k.Ring()
		if err != nil {
			http.NotFound(w, r)
			return
		}
		ring.JWKSHandler().ServeHTTP(w, r)
	})
}
