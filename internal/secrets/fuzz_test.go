package secrets

import (
	"strings"
	"testing"
)

// FuzzOpen feeds arbitrary strings to Open and Rewrap. They must not panic,
// must fail only with the package's sentinels, and whatever opens must be
// canonical and carry a plaintext this test seals. (The exact set of sealed
// strings cannot be the oracle: fuzz workers are separate processes whose
// setup seals with fresh random DEKs, so a coordinator's seed is a genuine
// value the worker never produced.)
func FuzzOpen(f *testing.F) {
	k := mustRing(f, fixedKey(2), fixedKey(1))
	old := mustSeal(f, mustRing(f, fixedKey(1)), canary, rowA)
	cur := mustSeal(f, k, canary, rowA)
	empty := mustSeal(f, k, "", rowA)
	for _, s := range []string{old, cur, empty} {
		f.Add(s)
		p := strings.Split(s, ".")
		f.Add(strings.Join([]string{p[0], p[1], p[2]}, "."))
		f.Add(strings.Join([]string{p[0], p[1], p[3], p[2]}, "."))
		f.Add(s[:len(s)-1] + "\n")
	}
	for _, s := range []string{"", ".", "...", "v1...", "v1.0000000000000000..", "v1." + KeyID(fixedKey(2)) + ".AAAA.AAAA", canary} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pt, err := k.Open(s, rowA)
		if err == nil {
			p, perr := parse(s)
			if perr != nil || format(p.kekID, p.wrapped, b64.EncodeToString(p.data)) != s {
				t.Fatalf("Open accepted a non-canonical value %q", s)
			}
			if string(pt) != canary && len(pt) != 0 {
				t.Fatal("Open returned a plaintext nobody sealed")
			}
		} else if !isSentinel(err) {
			t.Fatalf("Open error %v is not a sentinel", err)
		}
		out, _, err := k.Rewrap(s, rowA)
		if err == nil {
			if _, err := k.Open(out, rowA); err != nil {
				t.Fatalf("Rewrap result does not open: %v", err)
			}
		} else if !isSentinel(err) {
			t.Fatalf("Rewrap error %v is not a sentinel", err)
		}
	})
}
