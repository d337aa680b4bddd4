package secrets

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// canary is a seeded secret; it must never appear in a sealed value or an
// error message.
const canary = "flanks-credentials-token-CANARY-91c4e"

// fixedKey returns a deterministic, non-zero test key: tests need several
// distinct keys and reproducible failures, not randomness.
func fixedKey(seed byte) []byte {
	return bytes.Repeat([]byte{seed}, KeySize)
}

// mustRing builds a keyring or fails the test.
func mustRing(t testing.TB, current []byte, previous ...[]byte) *Keyring {
	t.Helper()
	k, err := NewKeyring(current, previous...)
	if err != nil {
		t.Fatalf("NewKeyring: %v", err)
	}
	return k
}

// mustSeal seals plaintext or fails the test.
func mustSeal(t testing.TB, k *Keyring, plaintext string, b Binding) string {
	t.Helper()
	s, err := k.SealString(plaintext, b)
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	return s
}

// rowA and rowB are two credential rows of different tenants.
var (
	rowA = Binding{Tenant: "tenant-a", Table: "credentials", Column: "provider_token", RowID: "0b7e3a52-1111-4c1e-9a57-5d0c0f6f1a01"}
	rowB = Binding{Tenant: "tenant-b", Table: "credentials", Column: "provider_token", RowID: "6f9d2c11-2222-4b8e-8a44-9e1f3c2b7b02"}
)

// parts splits a sealed value into its four dot-separated fields.
func parts(t testing.TB, s string) []string {
	t.Helper()
	p := strings.Split(s, ".")
	if len(p) != 4 {
		t.Fatalf("sealed value has %d parts, want 4", len(p))
	}
	return p
}

// assertNoLeak fails if err's message contains the canary or any key bytes'
// encodings.
func assertNoLeak(t testing.TB, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range append(secrets, canary) {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error %q leaks secret material", err)
		}
	}
}

// isSentinel reports whether err matches one of the package's sentinels.
func isSentinel(err error) bool {
	for _, s := range []error{ErrMalformed, ErrUnknownKey, ErrDecrypt, ErrBinding, ErrTooLarge} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
