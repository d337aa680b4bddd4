package jwe

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// maliciousCase is one token the intake must refuse.
type maliciousCase struct {
	name  string
	token string
	want  error
}

// maliciousTokens is the goal-15 table. It is shared by the test and the
// fuzz seed corpus.
func maliciousTokens(t testing.TB) []maliciousCase {
	cur := testKey("enc-new")
	pub := cur.Key.(*rsa.PrivateKey).Public()
	good := encrypt(t, jose.RSA_OAEP_256, jose.A256GCM, pub, "enc-new", nil)
	aes256 := make([]byte, 32)
	_, _ = rand.Read(aes256)
	withHeader := func(k jose.HeaderKey, v any) *jose.EncrypterOptions {
		return (&jose.EncrypterOptions{}).WithHeader(k, v)
	}
	otherPub := testKey("enc-other").Key.(*rsa.PrivateKey).Public()
	return []maliciousCase{
		{"alg none", forge(map[string]any{"alg": "none", "enc": "A256GCM", "kid": "enc-new"}), ErrUnsupportedAlgorithm},
		{"RSA1_5", encrypt(t, jose.RSA1_5, jose.A256GCM, pub, "enc-new", nil), ErrUnsupportedAlgorithm},
		{"RSA-OAEP sha1", encrypt(t, jose.RSA_OAEP, jose.A256GCM, pub, "enc-new", nil), ErrUnsupportedAlgorithm},
		{"PBES2 huge p2c", forge(map[string]any{"alg": "PBES2-HS256+A128KW", "enc": "A256GCM", "kid": "enc-new", "p2c": 1_000_000_000, "p2s": "c2FsdHNhbHRzYWx0"}), ErrUnsupportedAlgorithm},
		{"dir", encrypt(t, jose.DIRECT, jose.A256GCM, aes256, "enc-new", nil), ErrUnsupportedAlgorithm},
		{"ECDH-ES", encrypt(t, jose.ECDH_ES, jose.A256GCM, &ecKey(t).PublicKey, "enc-new", nil), ErrUnsupportedAlgorithm},
		{"ECDH-ES+A256KW", encrypt(t, jose.ECDH_ES_A256KW, jose.A256GCM, &ecKey(t).PublicKey, "enc-new", nil), ErrUnsupportedAlgorithm},
		{"enc A128CBC-HS256", encrypt(t, jose.RSA_OAEP_256, jose.A128CBC_HS256, pub, "enc-new", nil), ErrUnsupportedAlgorithm},
		{"enc A256CBC-HS512", encrypt(t, jose.RSA_OAEP_256, jose.A256CBC_HS512, pub, "enc-new", nil), ErrUnsupportedAlgorithm},
		{"enc A128GCM", encrypt(t, jose.RSA_OAEP_256, jose.A128GCM, pub, "enc-new", nil), ErrUnsupportedAlgorithm},
		{"zip DEF", encrypt(t, jose.RSA_OAEP_256, jose.A256GCM, pub, "enc-new", &jose.EncrypterOptions{Compression: jose.DEFLATE}), ErrUnsupportedAlgorithm},
		{"zip null", forge(map[string]any{"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": "enc-new", "zip": nil}), ErrUnsupportedAlgorithm},
		{"crit", encrypt(t, jose.RSA_OAEP_256, jose.A256GCM, pub, "enc-new", withHeader("crit", []string{"exp"}).WithHeader("exp", 1)), ErrUnsupportedAlgorithm},
		{"missing kid", encrypt(t, jose.RSA_OAEP_256, jose.A256GCM, pub, "", nil), ErrUnknownKey},
		{"unknown kid", encrypt(t, jose.RSA_OAEP_256, jose.A256GCM, pub, "enc-retired", nil), ErrUnknownKey},
		{"kid not a string", forge(map[string]any{"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": 7}), ErrMalformed},
		{"over 16 KiB", strings.Repeat("a", MaxTokenSize+1), ErrTooLarge},
		{"over 16 KiB JWE-shaped", good[:20] + strings.Repeat("A", MaxTokenSize) + good[20:], ErrTooLarge},
		{"truncated", good[:len(good)/2], ErrMalformed},
		{"truncated tag", good[:len(good)-4], ErrMalformed},
		{"4 parts", good[:strings.LastIndex(good, ".")], ErrMalformed},
		{"6 parts", good + ".AAAA", ErrMalformed},
		{"bad base64 header", "!" + good[1:], ErrMalformed},
		{"bad base64 ciphertext", replacePart(good, 3, "***"), ErrMalformed},
		{"padded base64", replacePart(good, 4, strings.Split(good, ".")[4]+"=="), ErrMalformed},
		{"header not JSON", replacePart(good, 0, "bm90IGpzb24"), ErrMalformed},
		{"header JSON null", replacePart(good, 0, "bnVsbA"), ErrMalformed},
		{"JSON serialization", `{"protected":"eyJhbGciOiJSU0EtT0FFUC0yNTYifQ"}`, ErrMalformed},
		{"empty", "", ErrMalformed},
		{"tampered ciphertext", flipPart(good, 3), ErrDecryptionFailed},
		{"tampered tag", flipPart(good, 4), ErrDecryptionFailed},
		{"tampered iv", flipPart(good, 2), ErrDecryptionFailed},
		{"tampered encrypted key", flipPart(good, 1), ErrDecryptionFailed},
		{"other key under our kid", encrypt(t, jose.RSA_OAEP_256, jose.A256GCM, otherPub, "enc-new", nil), ErrDecryptionFailed},
	}
}

func TestOpenRejectsMaliciousTokens(t *testing.T) {
	r := ring(t, "enc-new", "enc-old")
	for _, tc := range maliciousTokens(t) {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			pt, err := r.Open(tc.token)
			elapsed := time.Since(start)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Open() error = %v, want %v", err, tc.want)
			}
			if pt != nil {
				t.Fatal("Open() returned plaintext on error")
			}
			msg := err.Error()
			if strings.Contains(msg, canary) || (len(tc.token) > 8 && strings.Contains(msg, tc.token[:8])) {
				t.Fatalf("error leaks token or plaintext: %q", msg)
			}
			// Goal 15: each rejection costs at most one RSA decryption.
			// Generous bound so -race on a loaded CI box does not flake.
			if elapsed > 250*time.Millisecond {
				t.Errorf("rejection took %v", elapsed)
			}
		})
	}
}

func TestDecryptionFailedIsMalformed(t *testing.T) {
	if !errors.Is(ErrDecryptionFailed, ErrMalformed) {
		t.Fatal("ErrDecryptionFailed must wrap ErrMalformed")
	}
}

func TestRoundTrip(t *testing.T) {
	r := ring(t, "enc-new")
	for _, pt := range [][]byte{[]byte(canary), {}, []byte(strings.Repeat("é", 2000))} {
		tok, err := r.Seal(pt)
		if err != nil {
			t.Fatal(err)
		}
		if !IsJWE(tok) {
			t.Fatalf("IsJWE(Seal()) = false")
		}
		got, err := r.Open(tok)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if string(got) != string(pt) {
			t.Fatalf("round trip mismatch")
		}
	}
}

func TestSealTooLarge(t *testing.T) {
	r := ring(t, "enc-new")
	if _, err := r.Seal(make([]byte, MaxTokenSize)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Seal(huge) error = %v, want ErrTooLarge", err)
	}
}

func TestRotation(t *testing.T) {
	oldRing := ring(t, "enc-old")
	rotated := ring(t, "enc-new", "enc-old")
	oldTok, err := oldRing.Seal([]byte("old"))
	if err != nil {
		t.Fatal(err)
	}
	newTok, err := rotated.Seal([]byte("new"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := jose.ParseEncryptedCompact(newTok, []jose.KeyAlgorithm{KeyAlgorithm}, []jose.ContentEncryption{ContentEncryption})
	if err != nil {
		t.Fatal(err)
	}
	if obj.Header.KeyID != "enc-new" || rotated.CurrentKID() != "enc-new" {
		t.Fatalf("Seal used kid %q, want enc-new", obj.Header.KeyID)
	}
	for tok, want := range map[string]string{oldTok: "old", newTok: "new"} {
		got, err := rotated.Open(tok)
		if err != nil || string(got) != want {
			t.Fatalf("Open() = %q, %v; want %q", got, err, want)
		}
	}
	// After the old key is retired its tokens are unknown, not "malformed".
	if _, err := ring(t, "enc-new").Open(oldTok); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("retired kid: error = %v, want ErrUnknownKey", err)
	}
}

func TestIsJWE(t *testing.T) {
	tok, err := ring(t, "enc-new").Seal([]byte(canary))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want bool
	}{
		{tok, true},
		{"eyJhbGciOiJkaXIifQ..aXY.Y3Q.dGFn", true}, // dir shape: empty key part
		{"", false},
		{"hunter2", false},
		{"a.b.c.d.e", false},
		{"eyJ.b.c.d", false},
		{"eyJ.b.c.d.e.f", false},
		{"eyJ.b.c.d.", false},
		{"eyJ.b.c+.d.e", false},
		{"eyJ.b.c.d.e=", false},
		{" " + tok, false},
	}
	for _, tc := range tests {
		if got := IsJWE(tc.in); got != tc.want {
			t.Errorf("IsJWE(%.20q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestZeroKeyring(t *testing.T) {
	var r Keyring
	if _, err := r.Seal([]byte("x")); err == nil {
		t.Fatal("Seal on zero keyring succeeded")
	}
	tok, _ := ring(t, "enc-new").Seal([]byte("x"))
	if _, err := r.Open(tok); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("Open on zero keyring: %v", err)
	}
}

func FuzzOpen(f *testing.F) {
	r := ring(f, "enc-new", "enc-old")
	good, err := r.Seal([]byte(canary))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	for _, tc := range maliciousTokens(f) {
		if len(tc.token) <= MaxTokenSize {
			f.Add(tc.token)
		}
	}
	f.Add("....")
	f.Add("eyJ.eyJ.eyJ.eyJ.eyJ")
	f.Fuzz(func(t *testing.T, s string) {
		_ = IsJWE(s)
		pt, err := r.Open(s)
		if err == nil {
			// Only authentic tokens decrypt; the one seed is the canary.
			if string(pt) != canary {
				t.Fatalf("Open accepted a forged token")
			}
			return
		}
		if pt != nil {
			t.Fatal("plaintext returned with an error")
		}
		for _, want := range []error{ErrMalformed, ErrUnsupportedAlgorithm, ErrUnknownKey, ErrTooLarge} {
			if errors.Is(err, want) {
				return
			}
		}
		t.Fatalf("error %v is not a package sentinel", err)
	})
}
