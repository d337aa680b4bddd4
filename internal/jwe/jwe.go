// Package jwe implements fingraph's end-to-end encrypted credential intake:
// clients encrypt a sensitive value (a bank password, an OTP) to one of the
// server's published RSA keys as a compact JWE, and the server decrypts it
// only where it must hand the value to a provider.
//
// The profile is deliberately narrow (Powens-style, RSA-OAEP-256 + A256GCM,
// "kid" required; see https://docs.powens.com/ end-to-end encryption):
// everything else a JOSE library could accept (RSA1_5, PBES2, dir, ECDH-ES,
// CBC-HMAC, compression, critical extensions) widens the attack surface for
// no benefit, so Open rejects it before any expensive work. All crypto for
// this flow lives in this package (style rule 15, ory/kratos cipher/ model).
//
// Errors returned by this package never contain the token, the plaintext or
// key material, so callers may log them.
package jwe

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// MaxTokenSize is the largest compact JWE Open accepts, in bytes. Credentials
// are short; the cap bounds base64 decoding, JSON parsing and allocation for
// hostile input (reliability goal 15, OWASP API4).
const MaxTokenSize = 16 << 10

// The intake profile, exported so handlers, docs and clients quote one source.
const (
	// KeyAlgorithm is the only accepted "alg": RSA-OAEP with SHA-256. RSA1_5
	// is padding-oracle prone and RSA-OAEP (SHA-1) is legacy.
	KeyAlgorithm = jose.RSA_OAEP_256
	// ContentEncryption is the only accepted "enc": AES-256-GCM, an AEAD
	// without the CBC-HMAC variants' extra moving parts.
	ContentEncryption = jose.A256GCM
)

var (
	// ErrMalformed means the input is not a well-formed compact JWE of the
	// intake profile, or it failed authenticated decryption (tampering or a
	// token encrypted to another key under a reused kid).
	ErrMalformed = errors.New("jwe: malformed token")
	// ErrUnsupportedAlgorithm means the header asks for an algorithm, a
	// compression ("zip") or a critical extension ("crit") outside the profile.
	ErrUnsupportedAlgorithm = errors.New("jwe: unsupported algorithm")
	// ErrUnknownKey means the header has no "kid" or names a key that is not
	// in the keyring (for example one retired after rotation).
	ErrUnknownKey = errors.New("jwe: unknown key")
	// ErrTooLarge means the token (or, for Seal, the resulting token) exceeds
	// MaxTokenSize.
	ErrTooLarge = errors.New("jwe: token too large")
	// ErrDecryptionFailed means the token was well-formed and named a known
	// key but did not decrypt (tampered ciphertext, tag or key). It wraps
	// ErrMalformed, so errors.Is(err, ErrMalformed) also holds.
	ErrDecryptionFailed = fmt.Errorf("%w: decryption failed", ErrMalformed)
)

// b64Chars reports whether every byte of s is in the base64url alphabet
// (RFC 4648 §5, unpadded), which compact JWE parts must use.
func b64Chars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// IsJWE is a cheap shape check: five base64url parts separated by dots, with
// a protected header that starts like a JSON object ("eyJ" = `{"`). It does
// no decoding, so callers can use it to decide whether a field value is meant
// to be encrypted; it deliberately ignores size so that oversized tokens are
// routed to Open and rejected there rather than mistaken for plaintext.
func IsJWE(s string) bool {
	if strings.Count(s, ".") != 4 {
		return false // avoids allocating for arbitrary field values
	}
	parts := strings.Split(s, ".")
	if len(parts) != 5 || !strings.HasPrefix(parts[0], "eyJ") {
		return false
	}
	for i, p := range parts {
		// The encrypted key (part 1) is empty for "dir" and the ciphertext
		// (part 3) for an empty plaintext; both are still JWE-shaped.
		if (p == "" && i != 1 && i != 3) || !b64Chars(p) {
			return false
		}
	}
	return true
}

// protectedHeader is the subset of the JOSE header the intake inspects itself,
// before go-jose sees the token, so every rejection maps to a sentinel.
type protectedHeader struct {
	Alg string
	Enc string
	Kid string
}

// parseProtectedHeader decodes and vets the raw protected header. Checking
// the raw JSON (rather than go-jose's parsed view) means a "zip" or "crit"
// member is caught whatever its value, including duplicate-key tricks.
func parseProtectedHeader(part string) (protectedHeader, error) {
	var h protectedHeader
	raw, err := base64.RawURLEncoding.Strict().DecodeString(part)
	if err != nil {
		return h, ErrMalformed
	}
	var members map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&members); err != nil || dec.More() || members == nil {
		return h, ErrMalformed
	}
	if _, ok := members["zip"]; ok {
		return h, fmt.Errorf("%w: compression", ErrUnsupportedAlgorithm)
	}
	if _, ok := members["crit"]; ok {
		return h, fmt.Errorf("%w: critical header", ErrUnsupportedAlgorithm)
	}
	for name, dst := range map[string]*string{"alg": &h.Alg, "enc": &h.Enc, "kid": &h.Kid} {
		v, ok := members[name]
		if !ok {
			continue
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return h, ErrMalformed
		}
	}
	if h.Alg != string(KeyAlgorithm) || h.Enc != string(ContentEncryption) {
		return h, ErrUnsupportedAlgorithm
	}
	if h.Kid == "" {
		return h, fmt.Errorf("%w: missing kid", ErrUnknownKey)
	}
	return h, nil
}

// Open decrypts a compact JWE sent by a client. The checks run cheapest
// first: size, shape, header profile, key lookup by kid, and only then the
// RSA and AES-GCM work. The key is selected by kid and never by trying every
// key, so a hostile token costs at most one RSA decryption. The returned
// plaintext is a secret: hand it to the provider call and drop it; never log
// or store it.
func (k *Keyring) Open(compact string) ([]byte, error) {
	if len(compact) > MaxTokenSize {
		return nil, ErrTooLarge
	}
	parts := strings.Split(compact, ".")
	if len(parts) != 5 {
		return nil, ErrMalformed
	}
	h, err := parseProtectedHeader(parts[0])
	if err != nil {
		return nil, err
	}
	key, ok := k.byKID[h.Kid]
	if !ok {
		return nil, ErrUnknownKey
	}
	obj, err := jose.ParseEncryptedCompact(compact,
		[]jose.KeyAlgorithm{KeyAlgorithm}, []jose.ContentEncryption{ContentEncryption})
	if err != nil {
		return nil, ErrMalformed
	}
	// Belt and braces: go-jose parsed the same header we vetted.
	if obj.Header.KeyID != h.Kid || obj.Header.ExtraHeaders["zip"] != nil || obj.Header.ExtraHeaders["crit"] != nil {
		return nil, ErrMalformed
	}
	plaintext, err := obj.Decrypt(key)
	if err != nil {
		return nil, ErrDecryptionFailed
	}
	return plaintext, nil
}

// Seal encrypts plaintext to the current (first) key of the ring with the
// intake profile. The server itself never needs it; it exists for tests,
// tools and README examples, and mirrors what a client must do.
func (k *Keyring) Seal(plaintext []byte) (string, error) {
	if len(k.keys) == 0 {
		return "", errors.New("jwe: seal: empty keyring")
	}
	cur := k.keys[0]
	enc, err := jose.NewEncrypter(ContentEncryption, jose.Recipient{
		Algorithm: KeyAlgorithm,
		Key:       &cur.key.PublicKey,
		KeyID:     cur.kid,
	}, nil)
	if err != nil {
		return "", fmt.Errorf("jwe: new encrypter: %w", err)
	}
	obj, err := enc.Encrypt(plaintext)
	if err != nil {
		return "", errors.New("jwe: encrypt failed")
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		return "", errors.New("jwe: serialize failed")
	}
	if len(s) > MaxTokenSize {
		// Open would refuse it; fail here where the cause is obvious.
		return "", ErrTooLarge
	}
	return s, nil
}
