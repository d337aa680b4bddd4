package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Environment variables that carry key material. They are exported so the
// config package, docs and error messages quote one spelling.
const (
	// EnvMasterKey holds the current KEK, 32 bytes in base64 (std or url,
	// padded or not).
	EnvMasterKey = "FINGRAPH_MASTER_KEY"
	// EnvMasterKeyPrevious holds older KEKs, comma-separated, still accepted
	// for unwrapping until rotate-keys has rewrapped every row.
	EnvMasterKeyPrevious = "FINGRAPH_MASTER_KEY_PREVIOUS"
	// EnvIndexKey holds the blind-index key, 32 bytes in base64. It is not
	// rotated with the master key; see the package doc.
	EnvIndexKey = "FINGRAPH_INDEX_KEY"
)

// KeySize is the size in bytes of every key this package uses: KEKs, DEKs
// and the index key (AES-256, HMAC-SHA256).
const KeySize = 32

// keyHint tells an operator how to produce a valid key without us ever
// printing the bad one.
const keyHint = "generate one with: head -c 32 /dev/urandom | base64"

// Sentinel errors. Callers match them with errors.Is; the messages never
// carry key bytes or plaintext.
var (
	// ErrMalformed means the sealed value is not in the v1 format (wrong
	// version, bad base64, wrong lengths, characters outside the alphabet,
	// over the size limit).
	ErrMalformed = errors.New("secrets: malformed sealed value")
	// ErrUnknownKey means the value was sealed under a KEK that is not in
	// the keyring: an old key was dropped from FINGRAPH_MASTER_KEY_PREVIOUS
	// before rotate-keys finished, or the value comes from another system.
	ErrUnknownKey = errors.New("secrets: sealed under a master key that is not in the keyring")
	// ErrDecrypt means authentication failed: wrong binding (row, column,
	// table or tenant), tampering, or a wrong key with a colliding id. The
	// causes are deliberately indistinguishable.
	ErrDecrypt = errors.New("secrets: decryption failed")
	// ErrBinding means the caller passed a Binding with an empty table,
	// column or row ID, or an oversized field; a caller bug, not bad data.
	ErrBinding = errors.New("secrets: incomplete binding")
	// ErrTooLarge means the plaintext exceeds MaxPlaintext.
	ErrTooLarge = errors.New("secrets: plaintext too large")
)

// kek is one key-encryption key with its id.
type kek struct {
	id   string
	aead cipher.AEAD
}

// Keyring holds the current KEK, older KEKs still accepted for unwrapping,
// and optionally the blind-index key. It is immutable and safe for
// concurrent use.
type Keyring struct {
	current  kek
	byID     map[string]cipher.AEAD
	indexKey []byte // nil: BlindIndex unavailable
}

// NewKeyring builds a keyring whose current KEK is current; previous keys
// are accepted by Open and Rewrap only. Each key must be KeySize random
// bytes. Duplicates (e.g. the current key also listed as previous) are
// harmless and ignored.
func NewKeyring(current []byte, previous ...[]byte) (*Keyring, error) {
	if err := checkKey(current); err != nil {
		return nil, fmt.Errorf("secrets: current master key %w", err)
	}
	for i, p := range previous {
		if err := checkKey(p); err != nil {
			return nil, fmt.Errorf("secrets: previous master key %d %w", i+1, err)
		}
	}
	k := &Keyring{byID: make(map[string]cipher.AEAD, 1+len(previous))}
	for i, key := range append([][]byte{current}, previous...) {
		id := KeyID(key)
		if _, dup := k.byID[id]; dup {
			continue
		}
		aead, err := newAEAD(key)
		if err != nil {
			return nil, err
		}
		k.byID[id] = aead
		if i == 0 {
			k.current = kek{id: id, aead: aead}
		}
	}
	return k, nil
}

// ParseKeys builds a keyring from the values of FINGRAPH_MASTER_KEY
// (current) and FINGRAPH_MASTER_KEY_PREVIOUS (comma-separated, may be
// empty). Errors name the variable and entry at fault but never echo its
// value.
func ParseKeys(current, previousCSV string) (*Keyring, error) {
	cur, err := parseKey(EnvMasterKey, current)
	if err != nil {
		return nil, err
	}
	var prev [][]byte
	for i, s := range strings.Split(previousCSV, ",") {
		if strings.TrimSpace(s) == "" {
			continue // tolerate "k1," and an unset variable
		}
		p, err := parseKey(fmt.Sprintf("%s entry %d", EnvMasterKeyPrevious, i+1), s)
		if err != nil {
			return nil, err
		}
		prev = append(prev, p)
	}
	return NewKeyring(cur, prev...)
}

// ParseIndexKey decodes the value of FINGRAPH_INDEX_KEY for WithIndexKey.
func ParseIndexKey(s string) ([]byte, error) {
	return parseKey(EnvIndexKey, s)
}

// WithIndexKey returns a copy of the keyring that computes blind indexes
// with key (KeySize random bytes, independent of every KEK).
func (k *Keyring) WithIndexKey(key []byte) (*Keyring, error) {
	if err := checkKey(key); err != nil {
		return nil, fmt.Errorf("secrets: index key %w", err)
	}
	c := *k
	c.indexKey = append([]byte(nil), key...)
	return &c, nil
}

// HasIndexKey reports whether BlindIndex is usable, so startup can fail
// fast instead of BlindIndex panicking on the first lookup.
func (k *Keyring) HasIndexKey() bool { return k.indexKey != nil }

// CurrentKeyID returns the id of the KEK Seal and Rewrap use, for logs and
// the rotate-keys summary.
func (k *Keyring) CurrentKeyID() string { return k.current.id }

// KeyID returns the id stored in sealed values for key: the first 8 bytes
// of SHA-256(key), lowercase hex. It identifies a 256-bit random key without
// revealing anything usable about it.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:8])
}

// GenerateKey returns KeySize fresh random bytes, e.g. for a
// `fingraph gen-key` command; EncodeKey turns them into the env var form.
func GenerateKey() []byte {
	key := make([]byte, KeySize)
	_, _ = rand.Read(key) // crypto/rand.Read never fails on supported platforms
	return key
}

// EncodeKey returns key in the standard base64 form ParseKeys accepts.
func EncodeKey(key []byte) string { return base64.StdEncoding.EncodeToString(key) }

// parseKey decodes a base64 key from the variable name (used only in
// errors) and checks it.
func parseKey(name, s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("secrets: %s is not set (%s)", name, keyHint)
	}
	key, ok := decodeBase64(s)
	if !ok {
		// The decoder's own error is dropped: it is harmless today, but
		// this message is guaranteed never to quote the input.
		return nil, fmt.Errorf("secrets: %s is not valid base64 (%s)", name, keyHint)
	}
	if err := checkKey(key); err != nil {
		return nil, fmt.Errorf("secrets: %s %w (%s)", name, err, keyHint)
	}
	return key, nil
}

// decodeBase64 accepts every common spelling of base64, since keys arrive
// from shells, secret managers and Kubernetes manifests.
func decodeBase64(s string) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{
		base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
	} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

// checkKey rejects keys of the wrong size and the all-zero key, which is
// what a placeholder ("AAAA...") decodes to.
func checkKey(key []byte) error {
	if len(key) != KeySize {
		return fmt.Errorf("must be %d bytes, got %d", KeySize, len(key))
	}
	var acc byte
	for _, b := range key {
		acc |= b
	}
	if acc == 0 {
		return errors.New("is all zero bytes (a placeholder?)")
	}
	return nil
}

// newAEAD returns AES-256-GCM with random nonces prepended to the output.
func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err) // only on a bad key size
	}
	return cipher.NewGCMWithRandomNonce(block)
}
