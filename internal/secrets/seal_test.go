package secrets

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	k := mustRing(t, fixedKey(1))
	for _, pt := range [][]byte{nil, {}, []byte(canary), {0, 1, 2, 0xff}, bytes.Repeat([]byte("x"), MaxPlaintext)} {
		s, err := k.Seal(pt, rowA)
		if err != nil {
			t.Fatalf("Seal(%d bytes): %v", len(pt), err)
		}
		got, err := k.Open(s, rowA)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("Open(%d bytes) = %d bytes, %v", len(pt), len(got), err)
		}
	}
	s := mustSeal(t, k, canary, rowA)
	if got, err := k.OpenString(s, rowA); err != nil || got != canary {
		t.Fatalf("OpenString = %q, %v", got, err)
	}
}

// TestSealedHidesPlaintext is the unit-level version of the database-dump
// canary check: no common encoding of the secret survives sealing.
func TestSealedHidesPlaintext(t *testing.T) {
	k := mustRing(t, fixedKey(1))
	s := mustSeal(t, k, canary, rowA)
	for _, enc := range []string{
		canary, hex.EncodeToString([]byte(canary)),
		base64.StdEncoding.EncodeToString([]byte(canary)), base64.RawURLEncoding.EncodeToString([]byte(canary)),
	} {
		if strings.Contains(s, enc) {
			t.Fatalf("sealed value contains an encoding of the plaintext")
		}
	}
	if s2 := mustSeal(t, k, canary, rowA); s2 == s {
		t.Fatal("sealing twice gave the same value: DEK or nonce reused")
	}
	if !strings.HasPrefix(s, "v1."+k.CurrentKeyID()+".") {
		t.Fatalf("sealed value %q lacks the v1 prefix and key id", s[:20])
	}
}

func TestBindingMismatch(t *testing.T) {
	k := mustRing(t, fixedKey(1))
	s := mustSeal(t, k, canary, rowA)
	mutations := map[string]func(*Binding){
		"tenant":    func(b *Binding) { b.Tenant = "tenant-x" },
		"table":     func(b *Binding) { b.Table = "identity_documents" },
		"column":    func(b *Binding) { b.Column = "access_token" },
		"row":       func(b *Binding) { b.RowID = "0b7e3a52-1111-4c1e-9a57-5d0c0f6f1a02" },
		"no tenant": func(b *Binding) { b.Tenant = "" },
		// Naive concatenation would make these two equal to rowA.
		"shifted boundary": func(b *Binding) { b.Tenant, b.Table = "tenant-ac", "redentials" },
	}
	for name, mutate := range mutations {
		t.Run(name, func(t *testing.T) {
			b := rowA
			mutate(&b)
			_, err := k.Open(s, b)
			if !errors.Is(err, ErrDecrypt) {
				t.Fatalf("Open with another %s = %v, want ErrDecrypt", name, err)
			}
			if _, _, err := k.Rewrap(s, b); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("Rewrap with another %s = %v, want ErrDecrypt", name, err)
			}
			assertNoLeak(t, err)
		})
	}
}

// TestSwapBetweenRows copies whole values, and each part alone, between two
// rows of different tenants: every combination must fail.
func TestSwapBetweenRows(t *testing.T) {
	k := mustRing(t, fixedKey(1))
	sa, sb := mustSeal(t, k, "secret-a", rowA), mustSeal(t, k, "secret-b", rowB)
	if _, err := k.Open(sa, rowB); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("A's value in B's row: %v, want ErrDecrypt", err)
	}
	if _, err := k.Open(sb, rowA); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("B's value in A's row: %v, want ErrDecrypt", err)
	}
	pa, pb := parts(t, sa), parts(t, sb)
	mixed := strings.Join([]string{pa[0], pa[1], pb[2], pa[3]}, ".") // B's DEK, A's data
	for _, b := range []Binding{rowA, rowB} {
		if _, err := k.Open(mixed, b); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("mixed parts in %s: %v, want ErrDecrypt", b.Tenant, err)
		}
	}
}

// TestTamperEveryCharacter changes each character of a sealed value to
// another alphabet character, a newline and padding; each must fail.
func TestTamperEveryCharacter(t *testing.T) {
	k := mustRing(t, fixedKey(1))
	s := mustSeal(t, k, canary, rowA)
	for i := range len(s) {
		repl := byte('A')
		if s[i] == 'A' {
			repl = 'B'
		}
		for _, c := range []byte{repl, '\n', '=', '.'} {
			if s[i] == c {
				continue
			}
			bad := s[:i] + string(c) + s[i+1:]
			if _, err := k.Open(bad, rowA); err == nil || !isSentinel(err) {
				t.Fatalf("tampered char %d (%q): err = %v, want a sentinel error", i, c, err)
			}
		}
	}
	for _, bad := range []string{s + "A", s[:len(s)-1], s + ".", "\n" + s, s + "\n"} {
		if _, err := k.Open(bad, rowA); err == nil {
			t.Fatalf("extended or truncated value opened")
		}
	}
}

// TestTamperEveryByte flips one bit of each decoded byte of the wrapped DEK
// and of the data; the result still parses, so GCM must catch it.
func TestTamperEveryByte(t *testing.T) {
	k := mustRing(t, fixedKey(1))
	p := parts(t, mustSeal(t, k, canary, rowA))
	for part := 2; part <= 3; part++ {
		raw, err := b64.DecodeString(p[part])
		if err != nil {
			t.Fatal(err)
		}
		for i := range raw {
			mod := bytes.Clone(raw)
			mod[i] ^= 0x01
			q := append([]string(nil), p...)
			q[part] = b64.EncodeToString(mod)
			if _, err := k.Open(strings.Join(q, "."), rowA); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("part %d byte %d flipped: %v, want ErrDecrypt", part, i, err)
			}
		}
	}
}

func TestMalformed(t *testing.T) {
	k := mustRing(t, fixedKey(1))
	good := parts(t, mustSeal(t, k, canary, rowA))
	cases := map[string]string{
		"empty":         "",
		"plaintext":     canary,
		"version":       strings.Join(append([]string{"v2"}, good[1:]...), "."),
		"three parts":   strings.Join(good[:3], "."),
		"five parts":    strings.Join(append(good, "AAAA"), "."),
		"key id case":   strings.Join([]string{good[0], strings.ToUpper(good[1]), good[2], good[3]}, "."),
		"short key id":  strings.Join([]string{good[0], good[1][:15], good[2], good[3]}, "."),
		"short wrapped": strings.Join([]string{good[0], good[1], good[2][:40], good[3]}, "."),
		"short data":    strings.Join([]string{good[0], good[1], good[2], "AAAA"}, "."),
		"oversized":     strings.Repeat("A", maxSealedLen+1),
	}
	for name, s := range cases {
		if _, err := k.Open(s, rowA); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: Open = %v, want ErrMalformed", name, err)
		}
	}
}

func TestInvalidBindingAndSize(t *testing.T) {
	k := mustRing(t, fixedKey(1))
	for _, b := range []Binding{
		{}, {Tenant: "t", Column: "c", RowID: "r"}, {Tenant: "t", Table: "x", RowID: "r"},
		{Tenant: "t", Table: "x", Column: "c"}, {Table: "x", Column: "c", RowID: strings.Repeat("r", maxBindingField+1)},
	} {
		if _, err := k.Seal([]byte(canary), b); !errors.Is(err, ErrBinding) {
			t.Errorf("Seal(%+v) = %v, want ErrBinding", b, err)
		}
		if _, err := k.Open("v1.x", b); !errors.Is(err, ErrBinding) {
			t.Errorf("Open(%+v) = %v, want ErrBinding", b, err)
		}
	}
	if _, err := k.Seal(make([]byte, MaxPlaintext+1), rowA); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized Seal = %v, want ErrTooLarge", err)
	}
	// A tenant-less row (e.g. a system upload token) is allowed.
	sys := Binding{Table: "upload_tokens", Column: "token", RowID: "1"}
	if got, err := k.OpenString(mustSeal(t, k, canary, sys), sys); err != nil || got != canary {
		t.Fatalf("tenant-less round trip = %q, %v", got, err)
	}
}
