package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/internal/store"
	"github.com/fingraph/fingraph/migrations"
	"github.com/fingraph/fingraph/models"
)

// planCase is one list request whose statements (its page and its capped
// totalCount) must all be served by an index whose name matches want: an
// index leading with the parent for the parent's lists, the amount index
// for an amount bound, the text index (pg_trgm GIN, or the FTS5 table) for
// text.
type planCase struct {
	name  string
	table string
	want  *regexp.Regexp
	run   func(st *store.Store, r store.ListRequest) error
	req   store.ListRequest
	// ordered cases read the parent's page index in page order, without a
	// sort: their page statement must use page (their count, any index
	// matching want).
	ordered bool
	page    *regexp.Regexp
}

// wantFor is the index pattern statement s must use.
func (c planCase) wantFor(s store.Statement) *regexp.Regexp {
	if c.ordered && !strings.Contains(s.SQL, "COUNT(*)") {
		return c.page
	}
	return c.want
}

// TestListPlansUseIndexes seeds 100,000 rows per transaction table and
// EXPLAINs every statement each list sends, unfiltered and with each
// filter: no statement may scan the transaction table (a full table scan,
// or an index walked without a condition on its leading columns), and
// each must go through the expected index.
func TestListPlansUseIndexes(t *testing.T) {
	if testing.Short() || raceEnabled {
		// .ci/run runs it once more without -race.
		t.Skip("seeds 400,000 rows: too slow under -race or -short")
	}
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		seedPlans(t, db, 100_000)
		st, statements := store.Recording(db.Gorm)
		for _, c := range planCases() {
			t.Run(c.name, func(t *testing.T) {
				c.req.Total = true
				c.req.Page = page(t, ptr[int32](20), nil, nil, nil)
				must(t, c.run(st, c.req)) // first use may probe the database (textFold)
				statements()
				must(t, c.run(st, c.req))
				stmts := statements()
				if len(stmts) != 2 {
					t.Fatalf("%d statements, want a page and a count", len(stmts))
				}
				for _, s := range stmts {
					if db.Dialect == "postgres" {
						checkPostgresPlan(t, db, s, c.table, c.wantFor(s))
					} else {
						checkSQLitePlan(t, db, s, c.wantFor(s), c.ordered)
					}
				}
			})
		}
	})
}

func planCases() []planCase {
	from, _ := models.ParseDate("2020-01-01")
	to, _ := models.ParseDate("2020-01-31")
	filters := []struct {
		name string
		f    *store.TxnFilter
		idx  string // the index kind the filter must use; "" for the parent's
	}{
		{"", nil, ""},
		{", dates", &store.TxnFilter{From: &from, To: &to}, ""},
		{", amount with no match", &store.TxnFilter{MinAmount: ptr(decimal.RequireFromString("5000"))}, "amount"},
		{", text with no match", &store.TxnFilter{Text: ptr("nómina ÄRZTE")}, "text"},
	}
	lists := []struct {
		name, table, parent, parentIdx, pageIdx string
		run                                     func(*store.Store, store.ListRequest) error
	}{
		{"account", "account_transactions", "a0", "account_(id_user_page|amount)", "account_id_user_page", wrapRun((*store.Store).AccountTransactionsByAccount)},
		{"user", "account_transactions", "u0", "user_(id_operation_date_id|amount)", "user_id_operation_date_id", wrapRun((*store.Store).AccountTransactionsByUser)},
		{"card", "card_transactions", "k0", "card_(id_user_page|amount)", "card_id_user_page", wrapRun((*store.Store).CardTransactionsByCard)},
		{"liability", "liability_transactions", "l0", "liability_(id_user_page|amount)", "liability_id_user_page", wrapRun((*store.Store).LiabilityTransactionsByLiability)},
		{"investment", "investment_transactions", "v0", "investment_(id_user_page|amount)", "investment_id_user_page", wrapRun((*store.Store).InvestmentTransactionsByInvestment)},
	}
	var out []planCase
	for _, l := range lists {
		for _, f := range filters {
			want := l.table + "_" + l.parentIdx + "_idx"
			switch f.idx {
			case "amount":
				want = l.table + "_" + strings.SplitN(l.parentIdx, "_", 2)[0] + "_amount_idx"
			case "text":
				want = l.table + "_(text_idx|fts)"
			}
			out = append(out, planCase{name: l.name + f.name, table: l.table, want: regexp.MustCompile("^" + want + "$"),
				run: l.run, req: store.ListRequest{Parents: []string{l.parent}, Scope: store.Scope{UserID: "u0"}, Filter: f.f},
				ordered: f.idx == "", page: regexp.MustCompile("^" + l.table + "_" + l.pageIdx + "_idx$")})
		}
	}
	return out
}

// wrapRun adapts a typed list method to planCase.run.
func wrapRun[T any](m func(*store.Store, context.Context, store.ListRequest) (map[string]*store.Conn[T], error)) func(*store.Store, store.ListRequest) error {
	return func(st *store.Store, r store.ListRequest) error {
		_, err := m(st, context.Background(), r)
		return err
	}
}

// sqliteAccess matches the plan lines that read a table: "SEARCH t USING
// [COVERING] INDEX x (a=? ...)", "SEARCH t USING INTEGER PRIMARY KEY
// (rowid=?)", "SCAN t", "SCAN t USING INDEX x", "SCAN x_fts VIRTUAL TABLE
// INDEX 0:M1" (the subquery aliases c0 and u are not tables).
var sqliteAccess = regexp.MustCompile(`^(SEARCH|SCAN) (\S+)(?: USING (?:COVERING )?INDEX (\S+)| USING INTEGER PRIMARY KEY| VIRTUAL TABLE INDEX \d+:(\S*))?`)

// checkSQLitePlan fails when the plan of s scans table t (SCAN t, with or
// without an index: a SEARCH is what uses an index's leading columns), or
// uses no index matching want; an FTS5 table counts as used when searched
// with MATCH (M in its index string). An ordered plan must also read its
// rows in page order, without sorting them.
func checkSQLitePlan(t *testing.T, db *database.DB, s store.Statement, want *regexp.Regexp, ordered bool) {
	t.Helper()
	lines := explain(t, db, "EXPLAIN QUERY PLAN ", s)
	used := false
	for _, l := range lines {
		m := sqliteAccess.FindStringSubmatch(l)
		switch {
		case ordered && strings.Contains(l, "TEMP B-TREE FOR ORDER BY"):
			t.Errorf("sorted page %q in\n%s\n%s", l, s.SQL, strings.Join(lines, "\n"))
		case m == nil:
		case m[2] == "t" && m[1] == "SCAN":
			t.Errorf("full scan %q in\n%s\n%s", l, s.SQL, strings.Join(lines, "\n"))
		case m[2] == "t" && want.MatchString(m[3]),
			want.MatchString(m[2]) && strings.Contains(m[4], "M"):
			used = true
		}
	}
	if !used {
		t.Errorf("no index matching %s in\n%s\n%s", want, s.SQL, strings.Join(lines, "\n"))
	}
}

// pgNode is a node of EXPLAIN (FORMAT JSON).
type pgNode struct {
	NodeType  string   `json:"Node Type"`
	Relation  string   `json:"Relation Name"`
	IndexName string   `json:"Index Name"`
	IndexCond string   `json:"Index Cond"`
	Plans     []pgNode `json:"Plans"`
}

// checkPostgresPlan fails when the plan of s reads table with a Seq Scan,
// walks an index of it without an Index Cond (a full index scan), or uses
// no index matching want.
func checkPostgresPlan(t *testing.T, db *database.DB, s store.Statement, table string, want *regexp.Regexp) {
	t.Helper()
	out := explain(t, db, "EXPLAIN (FORMAT JSON) ", s)
	var plans []struct{ Plan pgNode }
	must(t, json.Unmarshal([]byte(strings.Join(out, "")), &plans))
	var used []string
	var walk func(n pgNode)
	walk = func(n pgNode) {
		switch {
		case n.NodeType == "Seq Scan" && n.Relation == table:
			t.Errorf("Seq Scan on %s", table)
		case strings.Contains(n.NodeType, "Index") && n.IndexName != "":
			if n.IndexCond == "" {
				t.Errorf("%s on %s without an Index Cond", n.NodeType, n.IndexName)
			}
			used = append(used, n.IndexName)
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(plans[0].Plan)
	if !slices.ContainsFunc(used, want.MatchString) || t.Failed() {
		t.Errorf("indexes %v, want one matching %s, in\n%s\n%s", used, want, s.SQL, strings.Join(out, "\n"))
	}
}

// explain runs prefix+s and returns the last column of each row (the
// detail of SQLite's EXPLAIN QUERY PLAN, PostgreSQL's JSON).
func explain(t *testing.T, db *database.DB, prefix string, s store.Statement) []string {
	t.Helper()
	rows, err := db.SQL.Query(prefix+s.SQL, s.Args...)
	must(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	must(t, err)
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		must(t, rows.Scan(ptrs...))
		out = append(out, fmt.Sprintf("%s", vals[len(vals)-1]))
	}
	must(t, rows.Err())
	return out
}

// TestListPlanForParentNewerThanStatistics lists a parent whose 300
// rows arrived after the last ANALYZE (as a newly linked account's do:
// SQLite's statistics are refreshed only when a table grows ~10x), so the
// STAT4 samples have never seen it. Its page must still walk the parent's
// page index in order; the planner, expecting a handful of rows, once
// chose the narrower amount index and sorted the whole history. SQLite
// only: PostgreSQL estimates a value missing from its statistics from the
// column's number of distinct values, and plans it like the others.
func TestListPlanForParentNewerThanStatistics(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("seeds 80,000 rows: too slow under -race or -short")
	}
	db := dbtest.Open(t, migrations.SQLite)
	seedParents(t, db, 200, 20_000)
	// A user the statistics have never seen either, as a new sign-up.
	now := time.Now().UTC()
	must(t, db.Gorm.Create(&models.User{ID: "u9", CreatedAt: now, LastSeenAt: now}).Error)
	must(t, db.Gorm.Create(&models.Credentials{ID: "cu9", UserID: "u9", Provider: models.ProviderFlanks,
		ProviderRef: "ref-u9", EntityID: "testbank", EntityName: "Test Bank", CreatedAt: now, UpdatedAt: now}).Error)
	for _, pt := range planTables {
		must(t, db.Gorm.Exec(parentInsert(pt.parents), pt.prefix+"n0", "cu9", "u9", "pn").Error)
		must(t, db.Gorm.Exec(seriesInsertAs(false, 300, pt.table, pt.parentCol,
			pt.textCol, pt.prefix+"n", "'"+pt.prefix+"n0'", "'u9'")).Error)
	}
	st, statements := store.Recording(db.Gorm)
	for _, c := range planCases() {
		if !c.ordered || c.req.Filter != nil {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			c.req.Parents, c.req.Scope = []string{c.req.Parents[0][:1] + "n0"}, store.Scope{UserID: "u9"}
			if c.name == "user" {
				c.req.Parents = []string{"u9"}
			}
			c.req.Page = page(t, ptr[int32](50), nil, nil, nil)
			must(t, c.run(st, c.req))
			stmts := statements()
			if len(stmts) != 1 {
				t.Fatalf("%d statements, want one page", len(stmts))
			}
			checkSQLitePlan(t, db, stmts[0], c.page, true)
		})
	}
}

// seedParents writes rows transactions per plan table spread over n
// parents of four users (many small histories, as accounts are), then
// analyzes: STAT4's samples then cover only some parents.
func seedParents(t *testing.T, db *database.DB, n, rows int) {
	// SQLite only (TestListPlanForParentNewerThanStatistics).
	t.Helper()
	now := time.Now().UTC()
	for u := range 4 {
		id := fmt.Sprintf("u%d", u)
		must(t, db.Gorm.Create(&models.User{ID: id, CreatedAt: now, LastSeenAt: now}).Error)
		must(t, db.Gorm.Create(&models.Credentials{ID: "c" + id, UserID: id, Provider: models.ProviderFlanks,
			ProviderRef: "ref-" + id, EntityID: "testbank", EntityName: "Test Bank", CreatedAt: now, UpdatedAt: now}).Error)
	}
	for _, pt := range planTables {
		for k := range n {
			user := fmt.Sprintf("u%d", k%4)
			must(t, db.Gorm.Exec(parentInsert(pt.parents), fmt.Sprintf("%s%d", pt.prefix, k), "c"+user, user,
				fmt.Sprintf("p%d", k)).Error)
		}
		parent := fmt.Sprintf("'%s' || (i %% %d)", pt.prefix, n)
		must(t, db.Gorm.Exec(seriesInsertAs(false, rows, pt.table, pt.parentCol, pt.textCol,
			pt.prefix, parent, fmt.Sprintf("'u' || (i %% %d %% 4)", n))).Error)
	}
	must(t, db.Gorm.Exec("ANALYZE").Error)
}
