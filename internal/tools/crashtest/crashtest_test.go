package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/dbtest"
)

// TestCrash runs a short crash test (3 kill rounds) on SQLite and on
// PostgreSQL. The PostgreSQL half follows internal/dbtest: skipped without
// TEST_DATABASE_URL, failed instead when FINGRAPH_REQUIRE_POSTGRES=1.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and kills a server; skipped with -short")
	}
	bin := buildOnce(t)
	seed := time.Now().UnixNano()
	t.Logf("seed %d (go run ./internal/tools/crashtest -seed %d -rounds 3 reproduces the schedule)", seed, seed)
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			o := Options{Seed: seed, Rounds: 3, MinLoad: 300 * time.Millisecond, MaxLoad: 1500 * time.Millisecond,
				Settle: 50 * time.Second, Workers: 1, Binary: bin}
			if kind == "postgres" {
				o.Postgres = dbtest.PostgresURL(t)
			}
			var log bytes.Buffer
			o.Log = &log
			err := Run(context.Background(), kind, o)
			t.Log(log.String())
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// buildOnce builds the server binary for both subtests.
func buildOnce(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin, err := buildServer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(filepath.Dir(bin)) })
	return bin
}

// TestDBKinds checks the -db flag.
func TestDBKinds(t *testing.T) {
	for _, c := range []struct {
		db, pg string
		want   int
		ok     bool
	}{{"all", "", 1, true}, {"all", "postgres://x", 2, true}, {"postgres", "", 0, false}, {"sqlite", "", 1, true}, {"mysql", "", 0, false}} {
		got, err := dbKinds(c.db, c.pg)
		if (err == nil) != c.ok || len(got) != c.want {
			t.Errorf("dbKinds(%q, %q) = %v, %v", c.db, c.pg, got, err)
		}
	}
}

// TestTagged checks that a tagged body stays one JSON object with a new
// field first, so each delivery has its own hash but the same content.
func TestTagged(t *testing.T) {
	got := string(tagged([]byte(` {"LoginId":"x"}`), 7))
	if want := `{"CrashTestDelivery":7,"LoginId":"x"}`; got != want {
		t.Fatalf("tagged = %s, want %s", got, want)
	}
}
