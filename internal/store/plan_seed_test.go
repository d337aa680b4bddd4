package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/models"
)

// The seeded graph: users u0..u3, one credentials each ("c"+user). Every
// transaction table has ten parents, P0..P9 (P is a, k, l or v); P0
// belongs to u0 and holds half the rows, the others share the rest. Rows
// are spread over 5,000 days, amounts over -1000.50..999.50, and the text
// reads "Payment <i%1000> at SHOP <i%7>".
var planTables = []struct {
	parents, table, parentCol, textCol string
	prefix                             string
}{
	{"accounts", "account_transactions", "account_id", "description", "a"},
	{"cards", "card_transactions", "card_id", "shop", "k"},
	{"liabilities", "liability_transactions", "liability_id", "description", "l"},
	{"investments", "investment_transactions", "investment_id", "description", "v"},
}

// planOwner is the user owning parent number k.
func planOwner(k int) string {
	if k == 0 {
		return "u0"
	}
	return fmt.Sprintf("u%d", 1+k%3)
}

// seedPlans fills a database for the plan tests, rows per table, with one INSERT ... SELECT
// per table over a generated series (generate_series on PostgreSQL, a
// recursive CTE on SQLite), then ANALYZEs it, as a running server would
// have (autovacuum; PRAGMA optimize after bulk writes).
func seedPlans(t *testing.T, db *database.DB, rows int) {
	t.Helper()
	now := time.Now().UTC()
	g := db.Gorm
	for u := range 4 {
		id := fmt.Sprintf("u%d", u)
		must(t, g.Create(&models.User{ID: id, CreatedAt: now, LastSeenAt: now}).Error)
		must(t, g.Create(&models.Credentials{ID: "c" + id, UserID: id, Provider: models.ProviderFlanks,
			ProviderRef: "ref-" + id, EntityID: "testbank", EntityName: "Test Bank", CreatedAt: now, UpdatedAt: now}).Error)
	}
	for _, pt := range planTables {
		for k := range 10 {
			must(t, g.Exec(parentInsert(pt.parents), fmt.Sprintf("%s%d", pt.prefix, k), "c"+planOwner(k),
				planOwner(k), fmt.Sprintf("p%d", k)).Error)
		}
		must(t, g.Exec(seriesInsert(db.Dialect == "postgres", false, rows, pt.table, pt.parentCol, pt.textCol, pt.prefix)).Error)
	}
	analyze := "ANALYZE"
	if db.Dialect == "postgres" {
		analyze = "VACUUM ANALYZE" // and autovacuum's visibility map, for index-only scans
	}
	must(t, g.Exec(analyze).Error)
}

// parentInsert writes one parent row with only its required columns.
func parentInsert(table string) string {
	cols, vals := "", ""
	switch table {
	case "accounts":
		cols, vals = "balance, currency", "0, 'EUR'"
	case "cards":
		cols, vals = "pan_last4", "'1234'"
	case "liabilities":
		cols, vals = "name, balance, currency", "'loan', 0, 'EUR'"
	case "investments":
		cols, vals = "name, amount, balance, currency", "'fund', 0, 0, 'EUR'"
	}
	return fmt.Sprintf(`INSERT INTO %s (id, credentials_id, user_id, provider_id, %s, created_at, updated_at)
		VALUES (?, ?, ?, ?, %s, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, table, cols, vals)
}

// seriesInsert is the one statement that writes rows transactions, all
// under parent 0 and u0 when oneParent.
func seriesInsert(postgres, oneParent bool, rows int, table, parentCol, textCol, prefix string) string {
	parent := fmt.Sprintf("CASE WHEN i %% 2 = 0 THEN '%[1]s0' ELSE '%[1]s' || (1 + i %% 9) END", prefix)
	user := "CASE WHEN i % 2 = 0 THEN 'u0' ELSE 'u' || (1 + (1 + i % 9) % 3) END"
	if oneParent {
		parent, user = "'"+prefix+"0'", "'u0'"
	}
	return seriesInsertAs(postgres, rows, table, parentCol, textCol, prefix, parent, user)
}

// seriesInsertAs writes rows transactions with ids prefix-i, under the
// parent and user SQL expressions given.
func seriesInsertAs(postgres bool, rows int, table, parentCol, textCol, prefix, parent, user string) string {
	// Dates are not in insertion order (a provider's pages are not
	// either), so the physical order of rows tells the planner nothing.
	amount, date := "((i % 2000) - 1000) + 0.5", "DATE '2024-06-30' - CAST(i * 7919 % 5000 AS integer)"
	head, source := "", fmt.Sprintf("generate_series(0::bigint, %d) AS g(i)", rows-1)
	if !postgres {
		amount, date = "printf('%.2f', (i % 2000) - 1000 + 0.5)", "date('2024-06-30', '-' || (i * 7919 % 5000) || ' days')"
		head = fmt.Sprintf("WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < %d) ", rows-1)
		source = "g"
	}
	cols := []string{"id", "credentials_id", "user_id", "provider_id", parentCol, "amount", "currency",
		"operation_date", textCol, "created_at", "updated_at"}
	vals := []string{fmt.Sprintf("'%s-' || i", prefix), "'c' || " + user, user, "'p' || i", parent, amount, "'EUR'",
		date, "'Payment ' || (i % 1000) || ' at SHOP ' || (i % 7)", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"}
	return fmt.Sprintf("%sINSERT INTO %s (%s) SELECT %s FROM %s", head, table,
		strings.Join(cols, ", "), strings.Join(vals, ", "), source)
}
