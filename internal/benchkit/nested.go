package benchkit

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/app"
	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/models"
)

// NestedQuery is the cached nested query with one change:
// credentials(first: 9) instead of first: 10. With first: 10 the cost
// estimate is 10221 and the default FINGRAPH_MAX_COST (10000) refuses it.
// The seeded user has exactly 9 credentials, so the response is the one
// first: 10 would give, and the server runs with its default limits.
const NestedQuery = `query { me { credentials(first: 9) { nodes { id accounts(first: 10) { nodes { id iban balance transactions(first: 50) { nodes { id amount operationDate description } } } } } } } }`

// MaxCredentials is how many credentials the nested query pages over.
const MaxCredentials = 9

// MinTransactions is the floor on the seeded account transactions.
const MinTransactions = 10_000

// seedBanks are the institutions extra credentials are linked at; the
// demo user already has testbank and bbva.
var seedBanks = []string{"santander", "caixabank", "bankinter", "ing", "openbank", "testbank", "bbva"}

// Nested is a seeded app ready for the nested-query benchmarks.
type Nested struct {
	*Env
	// Transactions is how many account transactions the user has.
	Transactions int
	// Body is the request body of NestedQuery.
	Body []byte
	// Data is the data part the server returned while warming.
	Data []byte
}

// SeedNested links credentials for the demo user until it has
// MaxCredentials of them (two from the demo seed plus seven linked
// through exchangeLinkCode), warms the cache with one run of NestedQuery
// (which fetches every account and transaction) and counts the user's
// account transactions. With the default two years of simulated history
// that is about 12,000; fewer than minTxns is an error (the benchmarks
// pass MinTransactions).
func SeedNested(ctx context.Context, e *Env, minTxns int) (*Nested, error) {
	have, err := countRows(ctx, e.App.DB, `SELECT COUNT(*) FROM credentials WHERE user_id = ?`, app.DemoUserID)
	if err != nil {
		return nil, err
	}
	for i := 0; have < MaxCredentials; i, have = i+1, have+1 {
		if _, err := e.Link(ctx, seedBanks[i%len(seedBanks)]); err != nil {
			return nil, err
		}
	}
	n := &Nested{Env: e, Body: RequestBody(NestedQuery, nil)}
	r, err := e.Query(ctx, NestedQuery, nil)
	if err != nil {
		return nil, fmt.Errorf("benchkit: warm the cache: %w", err)
	}
	n.Data = r.Data
	n.Transactions, err = countRows(ctx, e.App.DB, `SELECT COUNT(*) FROM account_transactions WHERE user_id = ?`, app.DemoUserID)
	if err != nil {
		return nil, err
	}
	if n.Transactions < minTxns {
		return nil, fmt.Errorf("benchkit: seeded %d account transactions, want at least %d (raise FINGRAPH_SANDBOX_HISTORY_DAYS)",
			n.Transactions, minTxns)
	}
	return n, nil
}

func countRows(ctx context.Context, db *database.DB, q string, args ...any) (int, error) {
	var n int
	if err := db.SQL.QueryRowContext(ctx, Rebind(db.Dialect, q), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("benchkit: count: %w", err)
	}
	return n, nil
}

// ServeNested runs NestedQuery once through the handler and returns the
// recorder (status and body).
func (n *Nested) ServeNested(ctx context.Context) (int, *bytes.Buffer) {
	rec := n.Serve(n.NewRequest(ctx, n.Body))
	return rec.Code, rec.Body
}

// ServerData runs NestedQuery and returns the data part of the response.
func (n *Nested) ServerData(ctx context.Context) ([]byte, error) {
	status, body := n.ServeNested(ctx)
	r, err := decode(status, body)
	if err != nil {
		return nil, err
	}
	return r.Data, nil
}

// Check verifies that both baselines produce the server's data (the same
// JSON token for token; see sameJSON), so that the benchmarks compare
// equal work.
func (n *Nested) Check(ctx context.Context) error {
	got, err := n.ServerData(ctx)
	if err != nil {
		return err
	}
	for name, fn := range map[string]BaselineFunc{"baseline": Baseline, "baseline-per-account": BaselinePerAccount} {
		var buf bytes.Buffer
		if err := fn(ctx, n.App.DB, app.DemoUserID, &buf); err != nil {
			return fmt.Errorf("benchkit: %s: %w", name, err)
		}
		if want := buf.Bytes(); !sameJSON(got, want) {
			i := firstDiff(got, want)
			return fmt.Errorf("benchkit: %s differs from the server at byte %d:\nserver: %s\n%s: %s",
				name, i, around(got, i), name, around(want, i))
		}
	}
	return nil
}

// BaselineFunc writes the data part of NestedQuery for a user. db's
// dialect picks the placeholder syntax (Rebind); the statements are
// otherwise the same on SQLite and PostgreSQL.
type BaselineFunc func(ctx context.Context, db *database.DB, userID string, w *bytes.Buffer) error

// sameJSON reports whether a and b are the same JSON document token by
// token (member order included). Only the spelling of string escapes may
// differ: encoding/json always writes U+2028 and U+2029 as \u escapes,
// which the server's writer leaves as they are.
func sameJSON(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	da, db := json.NewDecoder(bytes.NewReader(a)), json.NewDecoder(bytes.NewReader(b))
	da.UseNumber()
	db.UseNumber()
	for {
		ta, ea := da.Token()
		tb, eb := db.Token()
		if ea != nil || eb != nil {
			return errors.Is(ea, io.EOF) && errors.Is(eb, io.EOF)
		}
		if ta != tb {
			return false
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func around(b []byte, i int) string {
	lo, hi := max(i-80, 0), min(i+80, len(b))
	return string(b[lo:hi])
}

// BenchServer is the body of BenchmarkNestedQuery/server: the cached
// nested query through the full HTTP handler (auth, limits, gqlgen,
// loaders, GORM), recorded in memory.
func (n *Nested) BenchServer(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if status, body := n.ServeNested(ctx); status != http.StatusOK {
			b.Fatalf("status %d: %s", status, truncate(body.Bytes()))
		}
	}
	// After the loop: b.Loop's first call resets the timer, which also
	// drops metrics reported earlier.
	b.ReportMetric(float64(n.Transactions), "txns")
}

// BenchBaseline is the body of BenchmarkNestedQuery/baseline: the same
// data part by hand-written SQL on the same database and encoding/json.
func (n *Nested) BenchBaseline(b *testing.B) { n.benchBaseline(b, Baseline) }

// BenchBaselinePerAccount is the body of
// BenchmarkNestedQuery/baseline-per-account (see BaselinePerAccount).
func (n *Nested) BenchBaselinePerAccount(b *testing.B) { n.benchBaseline(b, BaselinePerAccount) }

func (n *Nested) benchBaseline(b *testing.B, fn BaselineFunc) {
	ctx := context.Background()
	b.ReportAllocs()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := fn(ctx, n.App.DB, app.DemoUserID, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n.Transactions), "txns")
}

// Baseline types: field order and tags give exactly the server's JSON.
type (
	baseData struct {
		Me struct {
			Credentials struct {
				Nodes []*baseCreds `json:"nodes"`
			} `json:"credentials"`
		} `json:"me"`
	}
	baseCreds struct {
		ID       string `json:"id"`
		Accounts struct {
			Nodes []*baseAccount `json:"nodes"`
		} `json:"accounts"`
	}
	baseAccount struct {
		ID           string  `json:"id"`
		IBAN         *string `json:"iban"`
		Balance      string  `json:"balance"`
		Transactions struct {
			Nodes []baseTxn `json:"nodes"`
		} `json:"transactions"`
	}
	baseTxn struct {
		ID            string `json:"id"`
		Amount        string `json:"amount"`
		OperationDate string `json:"operationDate"`
		Description   string `json:"description"`
	}
)

// Baseline writes the data part of NestedQuery for userID to w using
// three plain SQL statements (SQLite or PostgreSQL, the same text but for
// placeholders) and encoding/json, reading the transactions the way the
// server used to (ROW_NUMBER() per account). It keeps
// the server's semantics: rows scoped to the user, credentials by id,
// accounts by provider_id then id, transactions newest first by
// operation_date then id, global IDs as base64url("Type:id"), Decimal as
// its stored text with its scale (models.DecimalText), Date as YYYY-MM-DD.
func Baseline(ctx context.Context, db *database.DB, userID string, w *bytes.Buffer) error {
	return baseline(ctx, db, userID, w, txnsByRowNumber)
}

// BaselinePerAccount is Baseline with the transactions read by one
// index-ordered LIMIT 50 subquery per account (UNION ALL, still one
// statement) instead of ROW_NUMBER(): it reads only the rows it returns,
// where ROW_NUMBER() reads every transaction of every account. It is the
// plan the server's lists use now, and the baseline the nested target is
// stated against.
func BaselinePerAccount(ctx context.Context, db *database.DB, userID string, w *bytes.Buffer) error {
	return baseline(ctx, db, userID, w, txnsPerAccount)
}

// txnQuery reads (id, account_id, amount, operation_date, description) of
// the first 50 transactions of each account, grouped by account, newest
// first within each.
type txnQuery func(ctx context.Context, db *database.DB, userID string, acctIDs []any) (*sql.Rows, error)

// query runs q on db with its placeholders rebound for db's dialect.
func query(ctx context.Context, db *database.DB, q string, args ...any) (*sql.Rows, error) {
	return db.SQL.QueryContext(ctx, Rebind(db.Dialect, q), args...)
}

// txnsByRowNumber is the server's former strategy (see the history in
// BENCHMARKS.md): rank every row of the parents with
// ROW_NUMBER() and keep the first 50. Derived tables are aliased because
// PostgreSQL before 16 requires it.
func txnsByRowNumber(ctx context.Context, db *database.DB, userID string, acctIDs []any) (*sql.Rows, error) {
	return query(ctx, db, `SELECT id, account_id, amount, operation_date, description FROM (
		SELECT id, account_id, amount, operation_date, description,
			ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY operation_date DESC, id DESC) AS rn
		FROM account_transactions WHERE user_id = ? AND account_id IN (`+placeholders(len(acctIDs))+`)
	) AS ranked WHERE rn <= 50 ORDER BY account_id, rn`, append([]any{userID}, acctIDs...)...)
}

// txnsPerAccount walks the (account_id, user_id, operation_date DESC,
// id DESC) index of each account and stops after 50 rows: the best plan
// this schema allows, under the same owner check the server applies.
func txnsPerAccount(ctx context.Context, db *database.DB, userID string, acctIDs []any) (*sql.Rows, error) {
	const one = `SELECT * FROM (SELECT id, account_id, amount, operation_date, description FROM account_transactions
		WHERE account_id = ? AND user_id = ? ORDER BY operation_date DESC, id DESC LIMIT 50) AS page`
	args := make([]any, 0, 2*len(acctIDs))
	for _, id := range acctIDs {
		args = append(args, id, userID)
	}
	return query(ctx, db, strings.TrimSuffix(strings.Repeat(one+" UNION ALL ", len(acctIDs)), " UNION ALL "), args...)
}

func baseline(ctx context.Context, db *database.DB, userID string, w *bytes.Buffer, txns txnQuery) error {
	var out baseData
	out.Me.Credentials.Nodes = []*baseCreds{}

	rows, err := query(ctx, db,
		`SELECT id FROM credentials WHERE user_id = ? ORDER BY id LIMIT ?`, userID, MaxCredentials)
	if err != nil {
		return err
	}
	var credIDs []any
	creds := map[string]*baseCreds{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		c := &baseCreds{ID: globalID("Credentials", id)}
		c.Accounts.Nodes = []*baseAccount{}
		out.Me.Credentials.Nodes = append(out.Me.Credentials.Nodes, c)
		creds[id] = c
		credIDs = append(credIDs, id)
	}
	if err := closeRows(rows); err != nil {
		return err
	}
	if len(credIDs) == 0 {
		return encode(w, &out)
	}

	rows, err = query(ctx, db, `SELECT id, credentials_id, iban, balance FROM (
		SELECT id, credentials_id, iban, balance,
			ROW_NUMBER() OVER (PARTITION BY credentials_id ORDER BY provider_id, id) AS rn
		FROM accounts WHERE user_id = ? AND credentials_id IN (`+placeholders(len(credIDs))+`)
	) AS ranked WHERE rn <= 10 ORDER BY credentials_id, rn`, append([]any{userID}, credIDs...)...)
	if err != nil {
		return err
	}
	var acctIDs []any
	accts := map[string]*baseAccount{}
	for rows.Next() {
		var id, credID, balance string
		var iban sql.NullString
		if err := rows.Scan(&id, &credID, &iban, &balance); err != nil {
			rows.Close()
			return err
		}
		a := &baseAccount{ID: globalID("Account", id)}
		if iban.Valid {
			a.IBAN = &iban.String
		}
		if a.Balance, err = decimalString(balance); err != nil {
			rows.Close()
			return err
		}
		a.Transactions.Nodes = []baseTxn{}
		creds[credID].Accounts.Nodes = append(creds[credID].Accounts.Nodes, a)
		accts[id] = a
		acctIDs = append(acctIDs, id)
	}
	if err := closeRows(rows); err != nil {
		return err
	}
	if len(acctIDs) == 0 {
		return encode(w, &out)
	}

	rows, err = txns(ctx, db, userID, acctIDs)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t baseTxn
		var id, acctID, amount string
		if err := rows.Scan(&id, &acctID, &amount, &t.OperationDate, &t.Description); err != nil {
			rows.Close()
			return err
		}
		t.ID = globalID("AccountTransaction", id)
		if t.Amount, err = decimalString(amount); err != nil {
			rows.Close()
			return err
		}
		// PostgreSQL's date arrives as a time.Time, which database/sql
		// formats as RFC 3339: keep the day, as the Date scalar does.
		if len(t.OperationDate) > 10 {
			t.OperationDate = t.OperationDate[:10]
		}
		a := accts[acctID]
		a.Transactions.Nodes = append(a.Transactions.Nodes, t)
	}
	if err := closeRows(rows); err != nil {
		return err
	}
	return encode(w, &out)
}

func closeRows(rows *sql.Rows) error {
	return errors.Join(rows.Err(), rows.Close())
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func globalID(typ, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + id))
}

// decimalString renders a stored amount the way the Decimal scalar
// prints it: with the scale it was stored with ("12.50" stays "12.50").
func decimalString(s string) (string, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return "", fmt.Errorf("benchkit: decimal %q: %w", s, err)
	}
	return models.DecimalText(d), nil
}

// encode writes v without the Encoder's trailing newline and, like the
// server, without HTML-escaping <, > and &.
func encode(w *bytes.Buffer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	w.Truncate(w.Len() - 1)
	return nil
}
