package graph

import (
	"unicode/utf8"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/fingraph/fingraph/internal/store"
)

// What the database does beyond returning objects, in the cost's unit (one
// object returned). The database reads about entriesPerCost index entries
// in the time the server takes to return one object (BENCHMARKS.md: a
// 10,001-entry capped count takes 1-3 ms, the cached nested query about
// 15 µs per object), so work is charged as the entries it may read
// divided by that.
const (
	entriesPerCost = 200

	// countCost is a capped totalCount: at most store.CountCap+1 index
	// entries of one parent (store/count.go).
	countCost = store.CountCap / entriesPerCost
	// amountFilterCost is an amount bound: a range of the parent's amount
	// index, whose matches are then sorted by date (migration 00014); the
	// planner walks the date index instead when most rows match. A bound
	// that keeps a few thousand rows reads as many as a count does.
	amountFilterCost = countCost
	// textFilterCost is a text filter of at least three characters: a
	// trigram index lookup (pg_trgm, FTS5), which reads the entries of the
	// pattern's trigrams over the whole table, then checks the rows they
	// point to.
	textFilterCost = 2 * countCost
	// textScanCost is a text filter too short for a trigram (one or two
	// characters): it tests every row of the parent, and a parent's
	// history has no bound (the target is a million rows, 5,000
	// in this unit). It costs the default limit (FINGRAPH_MAX_COST,
	// 10,000), so with the objects it returns it is refused unless a
	// deployment raises the limit.
	textScanCost = 10_000
)

// workCost is what connection field f costs the database besides its
// objects: its capped totalCount, when selected, and its filter. It is
// charged once per selection of f (the page size multiplies objects, not
// the count or the filter's index lookup); the multipliers of the lists
// above f multiply it as they do everything under them.
func (w *walker) workCost(f *ast.Field) int {
	cost := 0
	if selectsCount(f.SelectionSet, map[string]bool{}) {
		cost = countCost
	}
	if f.Definition == nil || f.Definition.Arguments.ForName("filter") == nil {
		return cost
	}
	filter, _ := f.ArgumentMap(w.vars)["filter"].(map[string]any)
	if filter["minAmount"] != nil || filter["maxAmount"] != nil {
		cost = satAdd(cost, amountFilterCost)
	}
	if text, ok := filter["text"].(string); ok && text != "" {
		if utf8.RuneCountInString(text) < 3 {
			return satAdd(cost, textScanCost)
		}
		cost = satAdd(cost, textFilterCost)
	}
	return cost
}

// selectsCount reports whether set selects totalCount or
// totalCountIsExact, directly or through fragments (each looked into
// once: seen).
func selectsCount(set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "totalCount" || s.Name == "totalCountIsExact" {
				return true
			}
		case *ast.InlineFragment:
			if selectsCount(s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Name] {
				seen[s.Name] = true
				if selectsCount(s.Definition.SelectionSet, seen) {
					return true
				}
			}
		}
	}
	return false
}
