package secrets

import (
	"strings"
	"testing"
)

func TestBlindIndex(t *testing.T) {
	k, err := mustRing(t, fixedKey(1)).WithIndexKey(fixedKey(9))
	if err != nil {
		t.Fatal(err)
	}
	v := []byte("4111111111111111")
	a := k.BlindIndex("card.pan", v)
	if len(a) != 64 || strings.ToLower(a) != a {
		t.Fatalf("index %q is not 64 lowercase hex digits", a)
	}
	if k.BlindIndex("card.pan", v) != a {
		t.Fatal("BlindIndex is not deterministic")
	}
	if k.BlindIndex("flanks.credentials_token", v) == a {
		t.Fatal("the same value indexes alike under two purposes")
	}
	if k.BlindIndex("card.pan", []byte("4111111111111112")) == a {
		t.Fatal("different values share an index")
	}
	if strings.Contains(a, string(v)) {
		t.Fatal("index contains the value")
	}

	// KEK rotation must not move indexes: same index key, other KEKs.
	rotated, _ := mustRing(t, fixedKey(2), fixedKey(1)).WithIndexKey(fixedKey(9))
	if rotated.BlindIndex("card.pan", v) != a {
		t.Fatal("BlindIndex changed with the master key")
	}
	other, _ := mustRing(t, fixedKey(1)).WithIndexKey(fixedKey(8))
	if other.BlindIndex("card.pan", v) == a {
		t.Fatal("BlindIndex does not depend on the index key")
	}
}

func TestBlindIndexRequiresKey(t *testing.T) {
	k := mustRing(t, fixedKey(1))
	if k.HasIndexKey() {
		t.Fatal("HasIndexKey without WithIndexKey")
	}
	if _, err := k.WithIndexKey(make([]byte, 5)); err == nil {
		t.Fatal("WithIndexKey accepted a short key")
	}
	with, err := k.WithIndexKey(fixedKey(9))
	if err != nil || !with.HasIndexKey() || k.HasIndexKey() {
		t.Fatalf("WithIndexKey must return a copy with the key: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("BlindIndex without an index key did not panic")
		}
	}()
	k.BlindIndex("card.pan", []byte("4111111111111111"))
}
