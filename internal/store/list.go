package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// Scope limits reads to one user's rows, unless All (analysts, admins).
type Scope struct {
	UserID string
	All    bool
}

func (s Scope) apply(db *gorm.DB, alias string) *gorm.DB {
	if s.All {
		return db
	}
	return db.Where(alias+".user_id = ?", s.UserID)
}

// listSpec describes how one table is paged under its parents.
type listSpec[T any] struct {
	table     string
	parentCol string
	sortCol   string // "" sorts by id only
	sortDesc  bool
	parentOf  func(*T) string
	sortOf    func(*T) string
	idOf      func(*T) string
}

// listQuery is one batched page request.
type listQuery struct {
	parents   []string
	scope     Scope
	filter    func(*gorm.DB) *gorm.DB
	page      Page
	withTotal bool
}

// list pages rows for many parents in one statement per chunk of parents:
// a UNION ALL of per-parent subqueries, each ordered by its keyset and
// limited to size+1 rows (the extra row tells whether another page
// exists), so each walks its index and stops early instead of ranking the
// parent's whole history. Totals, when asked for, take one GROUP BY
// statement. A nested query thus costs the same number of statements
// whatever the list sizes: no N+1.
func list[T any](ctx context.Context, db *gorm.DB, spec listSpec[T], q listQuery) (map[string]*Conn[T], error) {
	desc := spec.sortDesc != q.page.Backward
	var rows []T
	for start := 0; start < len(q.parents); start += parentsPerStatement {
		chunk := q.parents[start:min(start+parentsPerStatement, len(q.parents))]
		var part []T
		if err := db.WithContext(ctx).Table("(?) AS u", unionOf(db, spec, q, chunk, desc)).
			Find(&part).Error; err != nil {
			return nil, wrap(err, "list %s", spec.table)
		}
		rows = append(rows, part...)
	}
	out := group(spec, q, rows)
	if q.withTotal {
		if err := totals(ctx, db, spec, q, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parentsPerStatement bounds the UNION ALL members (and bind parameters) of
// one statement.
const parentsPerStatement = 100

// unionOf builds SELECT * FROM (member) AS m0 UNION ALL ... for parents.
// Members are wrapped because SQLite does not allow ORDER BY or LIMIT on a
// bare compound member. There is no outer ORDER BY: UNION ALL emits each
// member's rows in turn, each already in keyset order from its index, and
// re-sorting thousands of wide rows cost more than the rest of the query.
func unionOf[T any](db *gorm.DB, spec listSpec[T], q listQuery, parents []string, desc bool) *gorm.DB {
	parts := make([]string, len(parents))
	args := make([]any, len(parents))
	for i, p := range parents {
		member := db.Table(spec.table+" AS t").Select("t.*").Where("t."+spec.parentCol+" = ?", p)
		member = q.scope.apply(q.filterOn(member), "t")
		if c := q.page.cursor(); c != nil {
			cond, cargs := keysetSQL(spec.sortCol, desc, *c)
			member = member.Where(cond, cargs...)
		}
		parts[i] = fmt.Sprintf("SELECT * FROM (?) AS m%d", i)
		args[i] = member.Order(orderSQL(spec.sortCol, desc)).Limit(q.page.Size + 1)
	}
	return db.Raw(strings.Join(parts, " UNION ALL "), args...)
}

func (q listQuery) filterOn(db *gorm.DB) *gorm.DB {
	if q.filter == nil {
		return db
	}
	return q.filter(db)
}

// cursor is the position the query starts from in its own direction.
func (p Page) cursor() *Cursor {
	if p.Backward {
		return p.Before
	}
	return p.After
}

func orderSQL(sortCol string, desc bool) string {
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	if sortCol == "" {
		return "t.id " + dir
	}
	return fmt.Sprintf("t.%s %s, t.id %s", sortCol, dir, dir)
}

// keysetSQL selects rows strictly after c in the query's direction.
func keysetSQL(sortCol string, desc bool, c Cursor) (string, []any) {
	op := ">"
	if desc {
		op = "<"
	}
	if sortCol == "" {
		return "t.id " + op + " ?", []any{c.ID}
	}
	return fmt.Sprintf("(t.%[1]s %[2]s ? OR (t.%[1]s = ? AND t.id %[2]s ?))", sortCol, op),
		[]any{c.Sort, c.Sort, c.ID}
}

// group splits rows by parent, trims the look-ahead row and sets paging
// flags. Backward pages are read in reverse and flipped back here.
func group[T any](spec listSpec[T], q listQuery, rows []T) map[string]*Conn[T] {
	out := make(map[string]*Conn[T], len(q.parents))
	for _, p := range q.parents {
		out[p] = &Conn[T]{}
	}
	for i := range rows {
		c := out[spec.parentOf(&rows[i])]
		if c == nil {
			continue
		}
		c.Rows = append(c.Rows, rows[i])
	}
	for _, c := range out {
		more := len(c.Rows) > q.page.Size
		if more {
			c.Rows = c.Rows[:q.page.Size]
		}
		if q.page.Backward {
			slices.Reverse(c.Rows)
			c.HasPreviousPage, c.HasNextPage = more, q.page.Before != nil
		} else {
			c.HasNextPage, c.HasPreviousPage = more, q.page.After != nil
		}
		c.Cursors = make([]string, len(c.Rows))
		for i := range c.Rows {
			c.Cursors[i] = Cursor{Sort: spec.sortOf(&c.Rows[i]), ID: spec.idOf(&c.Rows[i])}.Encode()
		}
	}
	return out
}

func totals[T any](ctx context.Context, db *gorm.DB, spec listSpec[T], q listQuery, out map[string]*Conn[T]) error {
	var counts []struct {
		Parent string
		N      int
	}
	tx := db.WithContext(ctx).Table(spec.table+" AS t").
		Select("t."+spec.parentCol+" AS parent, COUNT(*) AS n").
		Where("t."+spec.parentCol+" IN ?", q.parents)
	tx = q.scope.apply(q.filterOn(tx), "t")
	if err := tx.Group("t." + spec.parentCol).Scan(&counts).Error; err != nil {
		return wrap(err, "count %s", spec.table)
	}
	for _, c := range counts {
		if conn := out[c.Parent]; conn != nil {
			conn.TotalCount = c.N
		}
	}
	return nil
}
