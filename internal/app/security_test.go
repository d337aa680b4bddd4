package app_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fingraph/fingraph/internal/auth"
	"github.com/fingraph/fingraph/migrations"
)

// TestCostNeverWraps: an Int argument beyond 32 bits once overflowed the
// cost estimate into a negative number, so a sibling the limit refuses
// alone was accepted and charged one point. Out-of-range Ints are refused
// before anything runs, literal or variable, and costs saturate.
func TestCostNeverWraps(t *testing.T) {
	s := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_MAX_COST": "120"})
	over := `{ me { accounts(first: 100) { nodes { id } } } }`
	s.rejectedWithoutWork(t, over, "QUERY_TOO_COMPLEX")
	for _, q := range []string{
		`{ me { a: accounts(first: 100) { nodes { id } } b: accounts(first: 2147483648) { nodes { id } } } }`,
		`{ me { a: accounts(first: 100) { nodes { id } } b: accounts(first: -2147483649) { nodes { id } } } }`,
		`{ me { a: accounts(first: 100) { nodes { id } } b: accounts(first: 9223372036854775807) { nodes { id } } } }`,
	} {
		s.rejectedWithoutWork(t, q, "BAD_USER_INPUT")
	}
	// Through a variable, and nested so that any wrapping would show.
	q := `query($n: Int) { me { a: accounts(first: 100) { nodes { id } }
	  credentials(first: $n) { nodes { accounts(first: $n) { nodes { transactions(first: $n) { nodes { id } } } } } } } }`
	for _, n := range []any{2147483648, json.Number("4294967296"), -2147483649} {
		r := s.gql(t, s.token, q, map[string]any{"n": n}, nil)
		if len(r.Errors) == 0 || code(r.Errors[0]) != "BAD_USER_INPUT" || string(r.Data) != "" {
			t.Fatalf("n=%v: %+v data=%s", n, r.Errors, r.Data)
		}
	}
	// In range but huge: the product saturates instead of wrapping.
	r := s.gql(t, s.token, q, map[string]any{"n": 2147483647}, nil)
	if len(r.Errors) == 0 || code(r.Errors[0]) != "QUERY_TOO_COMPLEX" {
		t.Fatalf("huge nested page sizes: %+v", r.Errors)
	}
}

// TestNodesCostedPerID: nodes(ids:) returns one object per id.
func TestNodesCostedPerID(t *testing.T) {
	s := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_MAX_COST": "40"})
	ids := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf("%q", fmt.Sprintf("id-%d", i))
		}
		return strings.Join(parts, ",")
	}
	if r := s.gql(t, s.token, `{ nodes(ids: [`+ids(40)+`]) { id } }`, nil, nil); len(r.Errors) > 0 && code(r.Errors[0]) == "QUERY_TOO_COMPLEX" {
		t.Fatalf("40 ids at a limit of 40: %+v", r.Errors)
	}
	s.rejectedWithoutWork(t, `{ nodes(ids: [`+ids(41)+`]) { id } }`, "QUERY_TOO_COMPLEX")
	r := s.gql(t, s.token, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
		map[string]any{"ids": strings.Split(strings.ReplaceAll(ids(41), `"`, ""), ",")}, nil)
	if len(r.Errors) == 0 || code(r.Errors[0]) != "QUERY_TOO_COMPLEX" {
		t.Fatalf("41 ids as a variable: %+v", r.Errors)
	}
}

// TestNoSuggestionsAnywhere: with suggestions off (production), no
// validation error hints at a name: fields, arguments, enum values (also
// in variables), input fields or types.
func TestNoSuggestionsAnywhere(t *testing.T) {
	queries := []struct {
		q    string
		vars map[string]any
	}{
		{q: `{ me { rolez } }`},
		{q: `{ me { credentials(frist: 1) { totalCount } } }`},
		{q: `{ entities(provider: FLANK) { id } }`},
		{q: `{ me { transactions(filter: { txt: "a" }) { totalCount } } }`},
		{q: `query($f: TransactionFiltr) { me { transactions(filter: $f) { totalCount } } }`},
		{q: `query($p: Provider!) { entities(provider: $p) { id } }`, vars: map[string]any{"p": "flanks"}},
		{q: `{ me { ... on Viewr { id } } }`},
	}
	prod := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_SUGGESTIONS": "false"})
	dev := newServer(t, migrations.SQLite, nil)
	hinted := 0
	for _, tt := range queries {
		r := prod.gql(t, prod.token, tt.q, tt.vars, nil)
		if len(r.Errors) == 0 {
			t.Fatalf("%s: no error", tt.q)
		}
		for _, e := range r.Errors {
			if strings.Contains(e.Message, "Did you mean") {
				t.Errorf("%s: suggestion with suggestions off: %q", tt.q, e.Message)
			}
		}
		if d := dev.gql(t, dev.token, tt.q, tt.vars, nil); len(d.Errors) > 0 && strings.Contains(d.Errors[0].Message, "Did you mean") {
			hinted++
		}
	}
	if hinted < 4 {
		t.Fatalf("development gives only %d hints: the queries above no longer exercise suggestions", hinted)
	}
}

func apqBody(query, hash string) string {
	body := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}}
	if query != "" {
		body["query"] = query
	}
	b, _ := json.Marshal(body)
	return string(b)
}

// TestAPQRegistersOnlyAccepted: a refused request registers nothing, and
// no amount of registrations evicts the safelist.
func TestAPQRegistersOnlyAccepted(t *testing.T) {
	allowed := `{ me { id } }`
	path := filepath.Join(t.TempDir(), "safelist.json")
	b, _ := json.Marshal([]string{allowed})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_SAFELIST_FILE": path, "FINGRAPH_MAX_COST": "120"})
	post := func(token, body string) string {
		h := s.authed(nil)
		h["Authorization"] = "Bearer " + token
		return s.do(t, "POST", "/graphql", body, h).body
	}
	// A user floods the cache with operations the safelist refuses.
	for i := range 1200 {
		q := fmt.Sprintf(`{ me { id a%d: roles } }`, i)
		if got := post(s.token, apqBody(q, sha(q))); !strings.Contains(got, "PERSISTED_QUERY_NOT_ALLOWED") {
			t.Fatalf("unlisted operation: %s", got)
		}
	}
	if got := post(s.token, apqBody("", sha(allowed))); !strings.Contains(got, `"demo-user"`) {
		t.Fatalf("the safelisted hash was evicted: %s", got)
	}
	refused := `{ me { roles } }`
	if got := post(s.token, apqBody("", sha(refused))); !strings.Contains(got, "PERSISTED_QUERY_NOT_FOUND") {
		t.Fatalf("a refused request registered its query: %s", got)
	}
	// An analyst (exempt from the safelist) registers only what passed the
	// other checks: an over-cost query is not runnable by its hash later.
	analyst := s.tokenFor(t, "ana", auth.RoleAnalyst)
	tooCostly := `{ me { accounts(first: 100) { nodes { id } } } }`
	if got := post(analyst, apqBody(tooCostly, sha(tooCostly))); !strings.Contains(got, "QUERY_TOO_COMPLEX") {
		t.Fatalf("over cost: %s", got)
	}
	if got := post(analyst, apqBody("", sha(tooCostly))); !strings.Contains(got, "PERSISTED_QUERY_NOT_FOUND") {
		t.Fatalf("a refused query is runnable by hash: %s", got)
	}
	fine := `{ me { roles } }`
	post(analyst, apqBody(fine, sha(fine)))
	if got := post(analyst, apqBody("", sha(fine))); !strings.Contains(got, `"ANALYST"`) {
		t.Fatalf("an accepted query was not registered: %s", got)
	}
}

// TestDataDirPrivate: an existing world-readable data dir is tightened on
// start, and the SQLite cache of personal data is private.
func TestDataDirPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := newServer(t, migrations.SQLite, map[string]string{"FINGRAPH_DATA_DIR": dir})
	s.mustGQL(t, s.token, `{ me { id } }`, nil, nil)
	if got := mode(t, dir); got != 0o700 {
		t.Errorf("data dir mode %o; want 700", got)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if got := mode(t, filepath.Join(dir, e.Name())); got&0o077 != 0 {
			t.Errorf("%s mode %o: readable by others", e.Name(), got)
		}
	}
}

func mode(t *testing.T, p string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}
