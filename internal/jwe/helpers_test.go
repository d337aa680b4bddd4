package jwe

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

// canary is the plaintext used in tests; it must never show up in an error.
const canary = "hunter2-CANARY-7f3a"

// testKeys are generated once per test binary: RSA key generation is the
// slowest thing these tests do, and 2048 bits is enough to exercise the code.
var testKeys = sync.OnceValue(func() []jose.JSONWebKey {
	var keys []jose.JSONWebKey
	for _, kid := range []string{"enc-new", "enc-old", "enc-other"} {
		k, err := GenerateKey(kid, 2048)
		if err != nil {
			panic(err)
		}
		keys = append(keys, *k)
	}
	return keys
})

// ring returns a keyring of the named test keys, in order.
func ring(t testing.TB, kids ...string) *Keyring {
	t.Helper()
	var keys []jose.JSONWebKey
	for _, kid := range kids {
		for _, k := range testKeys() {
			if k.KeyID == kid {
				keys = append(keys, k)
			}
		}
	}
	r, err := NewKeyring(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// testKey returns the test key with the given kid.
func testKey(kid string) jose.JSONWebKey {
	for _, k := range testKeys() {
		if k.KeyID == kid {
			return k
		}
	}
	panic("no test key " + kid)
}

// encrypt builds a real JWE with arbitrary algorithms and headers, the way a
// confused or hostile client would.
func encrypt(t testing.TB, alg jose.KeyAlgorithm, enc jose.ContentEncryption, key any, kid string, opts *jose.EncrypterOptions) string {
	t.Helper()
	e, err := jose.NewEncrypter(enc, jose.Recipient{Algorithm: alg, Key: key, KeyID: kid}, opts)
	if err != nil {
		t.Fatalf("NewEncrypter(%s, %s): %v", alg, enc, err)
	}
	obj, err := e.Encrypt([]byte(canary))
	if err != nil {
		t.Fatal(err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// forge assembles a compact JWE from a header object and dummy parts, for
// headers no honest library would produce (alg none, PBES2 with a huge p2c).
func forge(header map[string]any) string {
	b, err := json.Marshal(header)
	if err != nil {
		panic(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return strings.Join([]string{enc(b), enc(make([]byte, 256)), enc(make([]byte, 12)), enc([]byte("ciphertext")), enc(make([]byte, 16))}, ".")
}

// ecKey returns a fresh P-256 key for ECDH-ES cases.
func ecKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// replacePart swaps part i of a compact token.
func replacePart(tok string, i int, part string) string {
	parts := strings.Split(tok, ".")
	parts[i] = part
	return strings.Join(parts, ".")
}

// flipPart flips one bit in the decoded bytes of part i and re-encodes it,
// so the token stays well-formed but no longer authenticates.
func flipPart(tok string, i int) string {
	parts := strings.Split(tok, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[i])
	if err != nil || len(b) == 0 {
		panic("flipPart: bad part")
	}
	b[0] ^= 0x01
	parts[i] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}
