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
	keys      []string // columns parentOf reads besides parentCol
	// direct lists are scanned straight into the structs (scanAll), not
	// through GORM's query callbacks: only for models that have no hooks
	// and no sealed columns. projected lists may also read only some
	// columns (transactions).
	direct    bool
	projected bool
	// pageIndex is the SQLite index that yields one parent's rows in
	// page order. Unbounded pages name it (INDEXED BY): SQLite's STAT4
	// samples miss a parent whose rows arrived after the last ANALYZE
	// (statistics are refreshed only when a table grows ~10x), the planner
	// then expects a handful of rows, and picks the narrower amount index
	// plus a sort of the parent's whole history, ten times slower. "" lets
	// the planner choose.
	pageIndex string
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
	fields    []string // model fields the caller reads; nil reads all
	// bounded is true when the filter bounds amounts or text, which
	// other indexes serve better than the page order.
	bounded bool
}

// list pages rows for many parents in one statement per chunk of parents:
// a UNION ALL of per-parent subqueries, each ordered by its keyset and
// limited to size+1 rows (the extra row tells whether another page
// exists), so each walks its index and stops early instead of ranking the
// parent's whole history. Totals, when asked for, take one more statement
// per chunk, each count capped at CountCap (count.go). A nested query thus costs the same number of statements
// whatever the list sizes: no N+1.
func list[T any](ctx context.Context, db *gorm.DB, spec listSpec[T], q listQuery) (map[string]*Conn[T], error) {
	if c := q.page.cursor(); c != nil {
		if err := c.fits(spec.sortCol); err != nil {
			return nil, err
		}
	}
	if !spec.projected {
		q.fields = nil
	}
	cols, err := selectList(db, spec, q.fields)
	if err != nil {
		return nil, err
	}
	desc := spec.sortDesc != q.page.Backward
	var rows []T
	for start := 0; start < len(q.parents); start += parentsPerStatement {
		chunk := q.parents[start:min(start+parentsPerStatement, len(q.parents))]
		part, err := readChunk[T](ctx, db, unionOf(db, spec, q, chunk, cols, desc),
			min(len(chunk)*(q.page.Size+1), maxPrealloc), spec.direct || spec.projected)
		if err != nil {
			return nil, wrap(err, "list %s", spec.table)
		}
		if rows == nil {
			rows = part
		} else {
			rows = append(rows, part...)
		}
	}
	out := group(spec, q, rows)
	if q.withTotal {
		if err := totals(ctx, db, spec, q, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readChunk runs one list statement. Its result is sized up front: rows
// are appended one by one, and regrowing a slice of wide structs copies
// every row already read, again and again. Direct reads scan straight
// into the structs (scanAll).
func readChunk[T any](ctx context.Context, db, union *gorm.DB, capacity int, direct bool) ([]T, error) {
	q := db.WithContext(ctx).Table("(?) AS u", union)
	if direct {
		rows, err := q.Rows()
		if err != nil {
			return nil, err
		}
		return scanAll[T](db, rows, capacity)
	}
	out := make([]T, 0, capacity)
	return out, q.Find(&out).Error
}

// maxPrealloc bounds the rows reserved before a list statement runs.
const maxPrealloc = 4096

// selectList is the SELECT list of a list statement: every column when
// fields is nil, else the id, the parent and sort keys and the columns of
// fields, given as model field names. Reading only what the query selects matters: a
// transaction row has two dozen columns and decoding them was most of a
// cached query's time.
func selectList[T any](db *gorm.DB, spec listSpec[T], fields []string) (string, error) {
	if fields == nil {
		return "t.*", nil
	}
	sch, err := schemaOf[T](db)
	if err != nil {
		return "", err
	}
	cols := append([]string{"id", spec.parentCol}, spec.keys...)
	if spec.sortCol != "" {
		cols = append(cols, spec.sortCol)
	}
	for _, f := range fields {
		sf := sch.LookUpField(f)
		if sf == nil || sf.DBName == "" {
			return "", fmt.Errorf("store: %s has no column for field %q", spec.table, f)
		}
		cols = append(cols, sf.DBName)
	}
	slices.Sort(cols)
	cols = slices.Compact(cols)
	return "t." + strings.Join(cols, ", t."), nil
}

// parentsPerStatement bounds the UNION ALL members (and bind parameters) of
// one statement.
const parentsPerStatement = 100

// unionOf builds SELECT * FROM (member) AS m0 UNION ALL ... for parents.
// Members are wrapped because SQLite does not allow ORDER BY or LIMIT on a
// bare compound member. There is no outer ORDER BY: UNION ALL emits each
// member's rows in turn, each already in keyset order from its index, and
// re-sorting thousands of wide rows cost more than the rest of the query.
func unionOf[T any](db *gorm.DB, spec listSpec[T], q listQuery, parents []string, cols string, desc bool) *gorm.DB {
	parts := make([]string, len(parents))
	args := make([]any, len(parents))
	from := spec.table + " AS t"
	if spec.pageIndex != "" && !q.bounded && db.Dialector.Name() == "sqlite" {
		from += " INDEXED BY " + spec.pageIndex
	}
	for i, p := range parents {
		member := db.Table(from).Select(cols).Where("t."+spec.parentCol+" = ?", p)
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
// flags. Backward pages are read in reverse and flipped back here. A
// parent's rows normally arrive together (UNION ALL emits its members in
// turn) and are sliced in place; rows that arrive interleaved, as a
// parallel plan may emit them, are copied in arrival order.
func group[T any](spec listSpec[T], q listQuery, rows []T) map[string]*Conn[T] {
	cursorOf := func(r *T) Cursor { return Cursor{Sort: spec.sortOf(r), ID: spec.idOf(r)} }
	out := make(map[string]*Conn[T], len(q.parents))
	for _, p := range q.parents {
		out[p] = &Conn[T]{cursorOf: cursorOf, TotalCountIsExact: true}
	}
	for i := 0; i < len(rows); {
		p := spec.parentOf(&rows[i])
		j := i + 1
		for j < len(rows) && spec.parentOf(&rows[j]) == p {
			j++
		}
		if c := out[p]; c != nil {
			// The capacity limit makes a later append copy instead of
			// overwriting the next parent's rows.
			if c.Rows == nil {
				c.Rows = rows[i:j:j]
			} else {
				c.Rows = append(c.Rows, rows[i:j]...)
			}
		}
		i = j
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
	}
	return out
}
