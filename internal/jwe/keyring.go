package jwe

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/fingraph/fingraph/internal/keyfile"
)

const (
	// MinKeyBits is the smallest RSA modulus accepted in a keyring (NIST
	// SP 800-57: 2048 bits is the floor through 2030).
	MinKeyBits = 2048
	// maxKeyBits bounds keys loaded from configuration so a typo cannot
	// make every decryption absurdly slow.
	maxKeyBits = 8192
	// maxKeyFileSize bounds the JWKS file read by LoadOrCreateKeyring.
	maxKeyFileSize = 1 << 20
	// jwksMaxAge is how long clients and proxies may cache the published
	// keys; short enough that a newly added key is picked up within minutes
	// of a rotation.
	jwksMaxAge = 300
)

// devKeyBits is the size of the key LoadOrCreateKeyring creates. A variable
// only so tests can avoid 3072-bit key generation; production never changes it.
var devKeyBits = 3072

// ringKey is one private key of the ring with its kid.
type ringKey struct {
	kid string
	key *rsa.PrivateKey
}

// Keyring is an ordered, immutable list of RSA private keys. The first key is
// current (Seal uses it, clients should use it); the others stay live during
// rotation so tokens encrypted to them still open. It is safe for concurrent
// use.
type Keyring struct {
	keys  []ringKey
	byKID map[string]*rsa.PrivateKey
	jwks  []byte // pre-rendered public JWKS served by JWKSHandler
}

// GenerateKey creates an RSA encryption key of the given size (>= 2048 bits)
// labelled with kid, alg RSA-OAEP-256 and use "enc".
func GenerateKey(kid string, bits int) (*jose.JSONWebKey, error) {
	if kid == "" {
		return nil, errors.New("jwe: generate key: empty kid")
	}
	if bits < MinKeyBits || bits > maxKeyBits {
		return nil, fmt.Errorf("jwe: generate key: %d bits outside [%d, %d]", bits, MinKeyBits, maxKeyBits)
	}
	priv, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, fmt.Errorf("jwe: generate key: %w", err)
	}
	return &jose.JSONWebKey{Key: priv, KeyID: kid, Algorithm: string(KeyAlgorithm), Use: "enc"}, nil
}

// NewKeyring builds a keyring from private JWKs, first = current. It rejects
// public-only or non-RSA keys, keys under 2048 bits, empty or duplicate kids,
// and keys labelled for another use or algorithm, because any of these would
// be a configuration mistake that fails only later, at decryption time.
func NewKeyring(keys ...jose.JSONWebKey) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("jwe: keyring: no keys")
	}
	ring := &Keyring{byKID: make(map[string]*rsa.PrivateKey, len(keys))}
	for i, k := range keys {
		priv, ok := k.Key.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("jwe: keyring: key %d: not an RSA private key", i)
		}
		if err := checkRingKey(k, priv); err != nil {
			return nil, fmt.Errorf("jwe: keyring: key %d: %w", i, err)
		}
		if _, dup := ring.byKID[k.KeyID]; dup {
			return nil, fmt.Errorf("jwe: keyring: duplicate kid %q", k.KeyID)
		}
		ring.byKID[k.KeyID] = priv
		ring.keys = append(ring.keys, ringKey{kid: k.KeyID, key: priv})
	}
	b, err := json.Marshal(ring.PublicJWKS())
	if err != nil {
		return nil, fmt.Errorf("jwe: keyring: render jwks: %w", err)
	}
	ring.jwks = b
	return ring, nil
}

// checkRingKey validates one key's labels and size.
func checkRingKey(k jose.JSONWebKey, priv *rsa.PrivateKey) error {
	switch {
	case k.KeyID == "":
		return errors.New("empty kid")
	case k.Use != "" && k.Use != "enc":
		return fmt.Errorf("use %q, want enc", k.Use)
	case k.Algorithm != "" && k.Algorithm != string(KeyAlgorithm):
		return fmt.Errorf("alg %q, want %s", k.Algorithm, KeyAlgorithm)
	case priv.N.BitLen() < MinKeyBits || priv.N.BitLen() > maxKeyBits:
		return fmt.Errorf("%d-bit modulus outside [%d, %d]", priv.N.BitLen(), MinKeyBits, maxKeyBits)
	}
	if err := priv.Validate(); err != nil {
		return errors.New("inconsistent RSA private key")
	}
	return nil
}

// ParseKeyring builds a keyring from a JWKS document holding private keys
// (production: from an environment variable or a secret file). Key order in
// the document is rotation order: first = current. A single JWK object is
// also accepted. Errors never echo the document.
func ParseKeyring(jwksJSON []byte) (*Keyring, error) {
	var probe struct {
		Keys json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(jwksJSON, &probe); err != nil {
		return nil, errors.New("jwe: parse keyring: invalid JSON")
	}
	if probe.Keys == nil {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(jwksJSON); err != nil {
			return nil, errors.New("jwe: parse keyring: invalid JWK")
		}
		return NewKeyring(k)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(jwksJSON, &set); err != nil {
		return nil, errors.New("jwe: parse keyring: invalid JWKS")
	}
	return NewKeyring(set.Keys...)
}

// LoadOrCreateKeyring is the development key store: it reads a JWKS with
// private keys from path, or, if the file does not exist, creates one 3072-bit
// key named "enc-<yyyymmdd>-<random>" and writes it with mode 0600 (directory
// 0700). Creation is atomic and never clobbers a file another process wrote
// first, so concurrent starts agree on one key.
func LoadOrCreateKeyring(path string) (*Keyring, error) {
	if b, err := readKeyFile(path); err == nil {
		return ParseKeyring(b)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	kid := "enc-" + time.Now().UTC().Format("20060102") + "-" + randomHex(4)
	jwk, err := GenerateKey(kid, devKeyBits)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{*jwk}}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("jwe: marshal keyring: %w", err)
	}
	won, err := keyfile.WriteExclusive(path, b)
	if err != nil {
		return nil, err
	}
	if !won {
		// Another process created the file first; use its key.
		if b, err = readKeyFile(path); err != nil {
			return nil, err
		}
	}
	return ParseKeyring(b)
}

// readKeyFile reads a bounded key file.
func readKeyFile(path string) ([]byte, error) {
	return keyfile.Read(path, maxKeyFileSize)
}

// randomHex returns n random bytes, hex-encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// PublicJWKS returns the public halves of all keys in ring order, labelled
// use "enc" and alg RSA-OAEP-256, ready to publish.
func (k *Keyring) PublicJWKS() jose.JSONWebKeySet {
	set := jose.JSONWebKeySet{Keys: make([]jose.JSONWebKey, 0, len(k.keys))}
	for _, rk := range k.keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{
			Key:       &rk.key.PublicKey,
			KeyID:     rk.kid,
			Algorithm: string(KeyAlgorithm),
			Use:       "enc",
		})
	}
	return set
}

// CurrentKID returns the kid of the key Seal encrypts to.
func (k *Keyring) CurrentKID() string {
	if len(k.keys) == 0 {
		return ""
	}
	return k.keys[0].kid
}

// JWKSHandler serves the public JWKS (GET /.well-known/jwks.json). Only GET
// and HEAD are allowed; responses may be cached for 5 minutes, which bounds
// how long clients keep encrypting to a key after it leaves the ring, so
// rotate by adding the new key first and dropping the old one later.
func (k *Keyring) JWKSHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "public, max-age="+strconv.Itoa(jwksMaxAge))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Length", strconv.Itoa(len(k.jwks)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(k.jwks)
		}
	})
}
