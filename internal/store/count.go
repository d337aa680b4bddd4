package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// CountCap is where totalCount stops counting. Counting every row of a
// parent reads every one of them (a user with a million transactions made
// each totalCount read a million index entries); a count stopped at the
// cap reads at most CountCap+1 entries, whatever the parent holds. Below
// the cap the count is exact; at or above it the connection reports
// CountCap and TotalCountIsExact false ("10,000 or more").
const CountCap = 10_000

// capCount turns a count of rows read with a LIMIT of CountCap+1 into the
// reported total and whether it is exact.
func capCount(n int) (total int, exact bool) {
	if n > CountCap {
		return CountCap, false
	}
	return n, true
}

// countCapped counts the rows q selects, stopping at CountCap+1: the
// COUNT runs over a LIMITed subquery, so the database stops reading
// there instead of visiting every matching row.
func countCapped(ctx context.Context, db, q *gorm.DB) (total int, exact bool, err error) {
	var n int
	sub := q.Session(&gorm.Session{}).Select("1").Limit(CountCap + 1)
	if err := db.WithContext(ctx).Raw("SELECT COUNT(*) FROM (?) AS c", sub).Scan(&n).Error; err != nil {
		return 0, false, err
	}
	total, exact = capCount(n)
	return total, exact, nil
}

// totals counts each parent's rows (under the query's scope and filter),
// capped at CountCap: one statement per chunk of parents, a UNION ALL of
// one capped COUNT per parent, each walking the parent's index for at
// most CountCap+1 entries. A GROUP BY over all parents at once cannot
// stop early: it counts every row.
func totals[T any](ctx context.Context, db *gorm.DB, spec listSpec[T], q listQuery, out map[string]*Conn[T]) error {
	for start := 0; start < len(q.parents); start += parentsPerStatement {
		chunk := q.parents[start:min(start+parentsPerStatement, len(q.parents))]
		var counts []struct {
			Parent string
			N      int
		}
		sql, args := countUnion(db, spec, q, chunk)
		if err := db.WithContext(ctx).Raw(sql, args...).Scan(&counts).Error; err != nil {
			return wrap(err, "count %s", spec.table)
		}
		for _, c := range counts {
			if conn := out[c.Parent]; conn != nil {
				conn.TotalCount, conn.TotalCountIsExact = capCount(c.N)
			}
		}
	}
	return nil
}

// countUnion builds SELECT parent, COUNT(*) FROM (member LIMIT cap+1) UNION
// ALL ... for parents. The parent is a bind parameter (cast, so PostgreSQL
// knows its type) rather than a column, so a parent without rows still
// answers 0.
func countUnion[T any](db *gorm.DB, spec listSpec[T], q listQuery, parents []string) (string, []any) {
	parts := make([]string, len(parents))
	args := make([]any, 0, 2*len(parents))
	for i, p := range parents {
		member := db.Table(spec.table+" AS t").Select("1").Where("t."+spec.parentCol+" = ?", p)
		member = q.scope.apply(q.filterOn(member), "t").Limit(CountCap + 1)
		parts[i] = fmt.Sprintf("SELECT CAST(? AS TEXT) AS parent, COUNT(*) AS n FROM (?) AS c%d", i)
		args = append(args, p, member)
	}
	return strings.Join(parts, " UNION ALL "), args
}
