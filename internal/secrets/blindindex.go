package secrets

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// indexInfo prefixes the HKDF info so per-purpose subkeys cannot collide
// with any other use of the index key.
const indexInfo = "fingraph/secrets/blind-index/v1:"

// BlindIndex returns a deterministic keyed hash of value for purpose
// (e.g. "card.pan", "flanks.credentials_token"): HMAC-SHA256 under a subkey
// HKDF-derived from the index key and purpose, as 64 lowercase hex digits.
// Hex, not base64, because case-insensitive collations would merge base64
// values that differ only in case. Normalise value first (PAN digits only,
// trimmed tokens): the index matches bytes, not meaning.
//
// The index key is independent of the master keys, so KEK rotation never
// changes an index (see the package doc). BlindIndex panics if the keyring
// has no index key: that is a wiring bug (check HasIndexKey at startup), and
// any fallback index would silently break lookups later.
func (k *Keyring) BlindIndex(purpose string, value []byte) string {
	if k.indexKey == nil {
		panic("secrets: BlindIndex on a keyring without an index key (set " + EnvIndexKey + ")")
	}
	sub, err := hkdf.Key(sha256.New, k.indexKey, nil, indexInfo+purpose, KeySize)
	if err != nil {
		panic("secrets: hkdf: " + err.Error()) // only for an impossible output length
	}
	defer clear(sub)
	mac := hmac.New(sha256.New, sub)
	mac.Write(value)
	return hex.EncodeToString(mac.Sum(nil))
}
