package migrations_test

import (
	"context"
	"testing"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/migrations"
)

func TestUpDownUp(t *testing.T) {
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			db := dbtest.OpenEmpty(t, d)
			ctx := context.Background()
			p, err := migrations.NewProvider(db.SQL, d, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatalf("up: %v", err)
			}
			assertCurrent(t, db, true)
			if _, err := p.DownTo(ctx, 0); err != nil {
				t.Fatalf("down: %v", err)
			}
			assertCurrent(t, db, false)
			if _, err := p.Up(ctx); err != nil {
				t.Fatalf("up again: %v", err)
			}
			assertCurrent(t, db, true)
		})
	}
}

func assertCurrent(t *testing.T, db *database.DB, want bool) {
	t.Helper()
	got, err := migrations.Current(context.Background(), db.SQL, db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("Current = %v, want %v", got, want)
	}
}

// Both dialect directories must define the same versions: a migration added
// to one and forgotten in the other would make the two stores diverge.
func TestDialectsHaveSameVersions(t *testing.T) {
	versions := map[migrations.Dialect][]int64{}
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		db := dbtest.OpenEmpty(t, migrations.SQLite) // any handle lists sources
		p, err := migrations.NewProvider(db.SQL, d, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p.ListSources() {
			versions[d] = append(versions[d], s.Version)
		}
	}
	a, b := versions[migrations.SQLite], versions[migrations.Postgres]
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("sqlite versions %v, postgres versions %v", a, b)
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("sqlite versions %v, postgres versions %v", a, b)
		}
	}
}
