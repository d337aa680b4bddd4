package app_test

import (
	"bytes"
	"database/sql"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/providers/flanks/flankssim"
)

// syncBuffer collects log output written from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestNoSecretsInDatabaseOrLogs links credentials through the API, reads
// their identity, then dumps the whole database (every row of every table
// as text, plus the SQLite files on disk) and every log line, and finds
// neither the provider's credentials token nor the identity document number.
func TestNoSecretsInDatabaseOrLogs(t *testing.T) {
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			logs := &syncBuffer{}
			s := newServerLogging(t, d, nil, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
			link, err := s.sim().CompleteLink(flankssim.LinkCompletion{Bank: "testbank"})
			if err != nil {
				t.Fatal(err)
			}
			var out struct {
				ExchangeLinkCode struct {
					Credentials struct {
						Identity struct{ DocumentNumber string }
					}
				}
			}
			s.mustGQL(t, s.token, `mutation($c: String!) { exchangeLinkCode(code: $c) { credentials { identity { documentNumber } } } }`,
				map[string]any{"c": link.Code}, &out)
			canaries := []string{link.CredentialsToken, out.ExchangeLinkCode.Credentials.Identity.DocumentNumber, link.Code}
			for _, c := range canaries[:2] {
				if len(c) < 6 {
					t.Fatalf("canary %q too short to search for", c)
				}
			}
			dump := dumpDatabase(t, s.app.DB)
			if d == migrations.SQLite {
				dump += sqliteFiles(t, s.app.Config.DataDir)
			}
			for _, c := range canaries {
				if strings.Contains(dump, c) {
					t.Errorf("secret %q found in the database dump", c)
				}
				if strings.Contains(logs.String(), c) {
					t.Errorf("secret %q found in the logs", c)
				}
			}
			if !strings.Contains(logs.String(), `"msg":"http request"`) {
				t.Error("no access log captured: the log check proves nothing")
			}
		})
	}
}

// dumpDatabase renders every row of every table as text.
func dumpDatabase(t *testing.T, db *database.DB) string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if db.Dialect == migrations.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
	}
	tables := queryStrings(t, db.SQL, q)
	if len(tables) < 10 {
		t.Fatalf("only %d tables found", len(tables))
	}
	var b strings.Builder
	for _, table := range tables {
		rows, err := db.SQL.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				b.WriteString(v.String)
				b.WriteByte('\t')
			}
			b.WriteByte('\n')
		}
		rows.Close()
	}
	return b.String()
}

func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// sqliteFiles returns the raw bytes of the SQLite database and its WAL.
func sqliteFiles(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for _, name := range []string{"fingraph.db", "fingraph.db-wal"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		b.Write(data)
	}
	if b.Len() == 0 {
		t.Fatal("no SQLite files found")
	}
	return b.String()
}
