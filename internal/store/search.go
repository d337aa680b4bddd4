package store

import (
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// Text search indexes. The text filter is a substring LIKE over the
// lower-cased text (filter.go), which no B-tree can serve; each database
// gets a trigram index instead (migration 00014):
//
//   - PostgreSQL: a pg_trgm GIN index on exactly the expression the filter
//     compares (LOWER(description), or its ICU form where lower() is
//     ASCII-only), which the planner uses for the LIKE itself.
//   - SQLite: an FTS5 table per transaction table, tokenize 'trigram
//     case_sensitive 1', holding fingraph_lower(text) under the row's
//     rowid, kept in step by triggers. The filter first narrows the rows to
//     those whose lower-cased text contains the lower-cased pattern as a
//     trigram phrase (searchIndex), then applies the same LIKE as before to
//     them. Both sides are lower-cased by the same Go function, and FTS5
//     does no folding of its own, so the index returns every row the LIKE
//     accepts (a substring's trigrams are consecutive in the text) and the
//     LIKE removes the rest: results are exactly those of the scan.
//
// Patterns of fewer than three characters have no trigram: they are
// filtered by the LIKE alone, over the parent's rows.

// minSearchRunes is the shortest pattern the trigram index can serve.
const minSearchRunes = 3

// searchIndex narrows db (over alias t of f.table) to the rows whose text
// the SQLite trigram index finds for text; short patterns pass through.
func (f *TxnFilter) searchIndex(db *gorm.DB, text string) *gorm.DB {
	phrase := strings.ToLower(text) // what fingraph_lower stored
	if f.table == "" || utf8.RuneCountInString(phrase) < minSearchRunes {
		return db
	}
	fts := f.table + "_fts" // a constant of read_lists.go, never input
	return db.Where("t.rowid IN (SELECT rowid FROM "+fts+" WHERE "+fts+" MATCH ?)", ftsPhrase(phrase))
}

// ftsPhrase quotes s as one FTS5 phrase: inside double quotes every
// character is literal, and a double quote is written twice.
func ftsPhrase(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
