package secrets

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestRotation(t *testing.T) {
	k1, k2 := fixedKey(1), fixedKey(2)
	old := mustSeal(t, mustRing(t, k1), canary, rowA)

	during := mustRing(t, k2, k1) // FINGRAPH_MASTER_KEY=k2, _PREVIOUS=k1
	if got, err := during.OpenString(old, rowA); err != nil || got != canary {
		t.Fatalf("ring(k2, k1) opening a k1 value = %q, %v", got, err)
	}
	rewrapped, changed, err := during.Rewrap(old, rowA)
	if err != nil || !changed {
		t.Fatalf("Rewrap = changed %v, %v; want changed", changed, err)
	}
	po, pn := parts(t, old), parts(t, rewrapped)
	if pn[1] != KeyID(k2) || pn[2] == po[2] {
		t.Fatal("Rewrap did not re-wrap the DEK under k2")
	}
	if pn[3] != po[3] {
		t.Fatal("Rewrap changed the data ciphertext; it must copy it byte for byte")
	}

	after := mustRing(t, k2) // k1 dropped
	if got, err := after.OpenString(rewrapped, rowA); err != nil || got != canary {
		t.Fatalf("ring(k2) opening the rewrapped value = %q, %v", got, err)
	}
	_, err = after.Open(old, rowA)
	if !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), KeyID(k1)) {
		t.Fatalf("ring(k2) opening a k1 value = %v, want ErrUnknownKey naming %s", err, KeyID(k1))
	}

	again, changed, err := after.Rewrap(rewrapped, rowA)
	if err != nil || changed || again != rewrapped {
		t.Fatalf("second Rewrap = changed %v, %v; want unchanged", changed, err)
	}
	if _, _, err := during.Rewrap(old, rowB); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("Rewrap into another row = %v, want ErrDecrypt", err)
	}
}

// TestRewrapRefusesBrokenData: a value whose DEK unwraps but whose data was
// tampered must not be carried forward as "rotated".
func TestRewrapRefusesBrokenData(t *testing.T) {
	k1, k2 := fixedKey(1), fixedKey(2)
	p := parts(t, mustSeal(t, mustRing(t, k1), canary, rowA))
	data, _ := b64.DecodeString(p[3])
	data[len(data)-1] ^= 1
	p[3] = b64.EncodeToString(data)
	if _, _, err := mustRing(t, k2, k1).Rewrap(strings.Join(p, "."), rowA); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("Rewrap of tampered data = %v, want ErrDecrypt", err)
	}
}

func TestNewKeyringRejectsBadKeys(t *testing.T) {
	for name, key := range map[string][]byte{
		"nil": nil, "short": make([]byte, 16), "long": make([]byte, 33), "zero": make([]byte, KeySize),
	} {
		if _, err := NewKeyring(key); err == nil {
			t.Errorf("NewKeyring(%s) accepted", name)
		}
		if _, err := NewKeyring(fixedKey(1), fixedKey(2), key); err == nil || !strings.Contains(err.Error(), "previous master key 2") {
			t.Errorf("NewKeyring(previous %s) = %v, want an error naming previous key 2", name, err)
		}
	}
	k := mustRing(t, fixedKey(1), fixedKey(1), fixedKey(2))
	if k.CurrentKeyID() != KeyID(fixedKey(1)) || len(k.byID) != 2 {
		t.Fatal("duplicate keys should collapse and the first key stay current")
	}
}

func TestParseKeys(t *testing.T) {
	k1, k2, k3 := fixedKey(1), fixedKey(2), fixedKey(0xfb) // 0xfb encodes with + and / in std base64
	k, err := ParseKeys(" "+base64.StdEncoding.EncodeToString(k2)+"\n",
		base64.RawURLEncoding.EncodeToString(k1)+", "+base64.StdEncoding.EncodeToString(k3)+",")
	if err != nil {
		t.Fatalf("ParseKeys: %v", err)
	}
	if k.CurrentKeyID() != KeyID(k2) || len(k.byID) != 3 {
		t.Fatal("ParseKeys: wrong current key or ring size")
	}
	if _, err := ParseKeys(EncodeKey(k1), ""); err != nil {
		t.Fatalf("ParseKeys without previous keys: %v", err)
	}

	const badB64 = "not*base64!" + canary
	short := base64.StdEncoding.EncodeToString([]byte("sixteen byte key"))
	cases := []struct{ cur, prev, wantVar, value string }{
		{"", "", EnvMasterKey + " is not set", ""},
		{badB64, "", EnvMasterKey + " is not valid base64", badB64},
		{short, "", EnvMasterKey + " must be 32 bytes, got 16", short},
		{EncodeKey(make([]byte, KeySize)), "", EnvMasterKey + " is all zero", ""},
		{EncodeKey(k1), EncodeKey(k2) + "," + badB64, EnvMasterKeyPrevious + " entry 2 is not valid base64", badB64},
		{EncodeKey(k1), short, EnvMasterKeyPrevious + " entry 1 must be 32 bytes", short},
	}
	for _, c := range cases {
		_, err := ParseKeys(c.cur, c.prev)
		if err == nil || !strings.Contains(err.Error(), c.wantVar) {
			t.Errorf("ParseKeys error = %v, want it to contain %q", err, c.wantVar)
		}
		assertNoLeak(t, err, c.value, EncodeKey(k1), EncodeKey(k2))
	}
	if _, err := ParseIndexKey(short); err == nil || !strings.Contains(err.Error(), EnvIndexKey) {
		t.Errorf("ParseIndexKey error = %v, want it to name %s", err, EnvIndexKey)
	}
}

func TestGenerateKey(t *testing.T) {
	a, b := GenerateKey(), GenerateKey()
	if len(a) != KeySize || string(a) == string(b) {
		t.Fatal("GenerateKey must return distinct 32-byte keys")
	}
	k, err := ParseKeys(EncodeKey(a), "")
	if err != nil || k.CurrentKeyID() != KeyID(a) {
		t.Fatalf("EncodeKey output does not parse back: %v", err)
	}
}
