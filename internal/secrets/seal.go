package secrets

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
)

// MaxPlaintext is the largest plaintext Seal accepts, in bytes. Secrets
// are short; the cap bounds what Open will decode from a hostile column.
const MaxPlaintext = 64 << 10

const (
	// version is the first field of every sealed value.
	version = "v1"
	// gcmOverhead is nonce + tag, added by NewGCMWithRandomNonce.
	gcmOverhead = 12 + 16
	// wrappedLen is the exact length of a wrapped DEK.
	wrappedLen = KeySize + gcmOverhead
	// maxBindingField bounds each Binding field; IDs and names are short.
	maxBindingField = 1 << 10
	// AAD labels keep the DEK-wrapping and data AADs apart.
	labelWrap = "fingraph/secrets/v1/wrap"
	labelData = "fingraph/secrets/v1/data"
)

// maxSealedLen is the longest sealed value Open parses: the encoding of a
// MaxPlaintext value.
var maxSealedLen = len(version) + 1 + 16 + 1 +
	b64.EncodedLen(wrappedLen) + 1 + b64.EncodedLen(MaxPlaintext+gcmOverhead)

// b64 is unpadded base64url, strict, so each byte string has exactly one
// spelling and tampering with any character is detected.
var b64 = base64.RawURLEncoding.Strict()

// Binding names the row and column a sealed value belongs to; it is
// authenticated (not stored) in the ciphertext, so Open needs the same
// Binding that Seal got. Table, Column and RowID are required. Tenant may be
// empty only for rows that belong to no tenant.
type Binding struct {
	Tenant, Table, Column, RowID string
}

// validate rejects bindings that would make the row check vacuous.
func (b Binding) validate() error {
	if b.Table == "" || b.Column == "" || b.RowID == "" {
		return ErrBinding
	}
	for _, f := range []string{b.Tenant, b.Table, b.Column, b.RowID} {
		if len(f) > maxBindingField {
			return ErrBinding
		}
	}
	return nil
}

// aad encodes fields as a sequence of (uint32 big-endian length, bytes), so
// the encoding is injective: no two field lists share an AAD.
func aad(fields ...string) []byte {
	n := 0
	for _, f := range fields {
		n += 4 + len(f)
	}
	out := make([]byte, 0, n)
	for _, f := range fields {
		out = binary.BigEndian.AppendUint32(out, uint32(len(f)))
		out = append(out, f...)
	}
	return out
}

// wrapAAD binds a wrapped DEK to its KEK id and row.
func (b Binding) wrapAAD(kekID string) []byte {
	return aad(labelWrap, kekID, b.Tenant, b.Table, b.Column, b.RowID)
}

// dataAAD binds the data ciphertext to its row.
func (b Binding) dataAAD() []byte {
	return aad(labelData, b.Tenant, b.Table, b.Column, b.RowID)
}

// sealed is a parsed sealed value. data keeps its encoded form so Rewrap
// can copy it unchanged.
type sealed struct {
	kekID   string
	wrapped []byte
	dataEnc string
	data    []byte
}

// Seal encrypts plaintext for the row b under a fresh DEK wrapped by the
// current KEK, and returns the v1 string to store.
func (k *Keyring) Seal(plaintext []byte, b Binding) (string, error) {
	if err := b.validate(); err != nil {
		return "", err
	}
	if len(plaintext) > MaxPlaintext {
		return "", ErrTooLarge
	}
	dek := GenerateKey()
	defer clear(dek) // best effort: shorten the DEK's life in memory
	dataAEAD, err := newAEAD(dek)
	if err != nil {
		return "", err
	}
	data := dataAEAD.Seal(nil, nil, plaintext, b.dataAAD())
	wrapped := k.current.aead.Seal(nil, nil, dek, b.wrapAAD(k.current.id))
	return format(k.current.id, wrapped, b64.EncodeToString(data)), nil
}

// SealString is Seal for string secrets.
func (k *Keyring) SealString(plaintext string, b Binding) (string, error) {
	return k.Seal([]byte(plaintext), b)
}

// Open decrypts a value sealed for the row b, with whichever KEK in the
// ring wrapped its DEK. It returns ErrMalformed, ErrUnknownKey, ErrBinding
// or ErrDecrypt (wrong row, tampering) and never a partial plaintext.
func (k *Keyring) Open(s string, b Binding) ([]byte, error) {
	p, dek, err := k.unwrap(s, b)
	if err != nil {
		return nil, err
	}
	defer clear(dek)
	return openData(dek, p.data, b)
}

// OpenString is Open for string secrets.
func (k *Keyring) OpenString(s string, b Binding) (string, error) {
	pt, err := k.Open(s, b)
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

// Rewrap re-encrypts the value's DEK under the current KEK and copies the
// data part unchanged; changed is false when it already was under the
// current KEK. It first checks that the whole value opens for b, so a nil
// error guarantees the result decrypts: rotate-keys reports broken rows
// instead of carrying them forward.
func (k *Keyring) Rewrap(s string, b Binding) (string, bool, error) {
	p, dek, err := k.unwrap(s, b)
	if err != nil {
		return "", false, err
	}
	defer clear(dek)
	pt, err := openData(dek, p.data, b)
	clear(pt)
	if err != nil {
		return "", false, err
	}
	if p.kekID == k.current.id {
		return s, false, nil
	}
	wrapped := k.current.aead.Seal(nil, nil, dek, b.wrapAAD(k.current.id))
	return format(k.current.id, wrapped, p.dataEnc), true, nil
}

// unwrap parses s, finds its KEK and returns the DEK.
func (k *Keyring) unwrap(s string, b Binding) (sealed, []byte, error) {
	if err := b.validate(); err != nil {
		return sealed{}, nil, err
	}
	p, err := parse(s)
	if err != nil {
		return sealed{}, nil, err
	}
	kekAEAD, ok := k.byID[p.kekID]
	if !ok {
		// The id is validated hex from the value itself: safe to show, and
		// it tells the operator which key to put back.
		return sealed{}, nil, fmt.Errorf("%w (key id %s)", ErrUnknownKey, p.kekID)
	}
	dek, err := kekAEAD.Open(nil, nil, p.wrapped, b.wrapAAD(p.kekID))
	if err != nil {
		return sealed{}, nil, ErrDecrypt
	}
	return p, dek, nil
}

// openData decrypts the data part with the DEK.
func openData(dek, data []byte, b Binding) ([]byte, error) {
	aead, err := newAEAD(dek)
	if err != nil {
		return nil, ErrDecrypt
	}
	pt, err := aead.Open(nil, nil, data, b.dataAAD())
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// format assembles the v1 string.
func format(kekID string, wrapped []byte, dataEnc string) string {
	return version + "." + kekID + "." + b64.EncodeToString(wrapped) + "." + dataEnc
}

// parse splits and decodes a v1 string, checking every length, so nothing
// after it handles attacker-sized input.
func parse(s string) (sealed, error) {
	if len(s) > maxSealedLen || !validChars(s) {
		return sealed{}, ErrMalformed
	}
	parts := strings.Split(s, ".")
	if len(parts) != 4 || parts[0] != version {
		return sealed{}, ErrMalformed
	}
	if !isKeyID(parts[1]) {
		return sealed{}, ErrMalformed
	}
	wrapped, err := b64.DecodeString(parts[2])
	if err != nil || len(wrapped) != wrappedLen {
		return sealed{}, ErrMalformed
	}
	data, err := b64.DecodeString(parts[3])
	if err != nil || len(data) < gcmOverhead {
		return sealed{}, ErrMalformed
	}
	return sealed{kekID: parts[1], wrapped: wrapped, dataEnc: parts[3], data: data}, nil
}

// validChars allows only the base64url alphabet and dots. The base64
// decoder alone would skip CR and LF, letting two strings open alike.
func validChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// isKeyID reports whether s is 16 lowercase hex digits, the KeyID form.
func isKeyID(s string) bool {
	if len(s) != 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}
