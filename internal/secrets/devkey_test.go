package secrets

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestDevMasterKeyCreateAndReuse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // missing: must be created 0700
	key, generated, err := LoadOrCreateDevMasterKey(dir)
	if err != nil || !generated || len(key) != KeySize {
		t.Fatalf("first load = %d bytes, generated %v, %v", len(key), generated, err)
	}
	if runtime.GOOS != "windows" {
		for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, MasterKeyFile): 0o600} {
			fi, err := os.Stat(path)
			if err != nil || fi.Mode().Perm() != want {
				t.Fatalf("%s mode = %v (%v), want %#o", path, fi.Mode().Perm(), err, want)
			}
		}
	}
	again, generated, err := LoadOrCreateDevMasterKey(dir)
	if err != nil || generated || !bytes.Equal(again, key) {
		t.Fatalf("second load: generated %v, same key %v, %v", generated, bytes.Equal(again, key), err)
	}
	if _, err := NewKeyring(key); err != nil {
		t.Fatalf("dev key is not a valid master key: %v", err)
	}
	idx, generated, err := LoadOrCreateDevIndexKey(dir)
	if err != nil || !generated || bytes.Equal(idx, key) {
		t.Fatalf("index key: generated %v, %v; must be a separate new key", generated, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("data dir holds %d entries, want only the two key files (temp files left?)", len(entries))
	}
}

func TestDevMasterKeyConcurrentCreate(t *testing.T) {
	dir := t.TempDir()
	const n = 16
	keys := make([][]byte, n)
	gens := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { keys[i], gens[i], errs[i] = LoadOrCreateDevMasterKey(dir) })
	}
	wg.Wait()
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatal("concurrent callers got different keys")
		}
		if gens[i] {
			created++
		}
	}
	if created != 1 {
		t.Fatalf("%d callers report generating the key, want exactly 1", created)
	}
}

func TestDevMasterKeyRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, MasterKeyFile)
	if err := os.WriteFile(path, []byte("*corrupt* "+canary), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := LoadOrCreateDevMasterKey(dir)
	if err == nil {
		t.Fatal("a corrupt key file was accepted")
	}
	assertNoLeak(t, err)
	if runtime.GOOS == "windows" {
		return
	}
	if err := os.WriteFile(path, []byte(EncodeKey(fixedKey(1))), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = LoadOrCreateDevMasterKey(dir)
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key file: %v, want a chmod hint", err)
	}
	assertNoLeak(t, err, EncodeKey(fixedKey(1)))
}
