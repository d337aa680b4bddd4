package store

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"

	"github.com/fingraph/fingraph/models"
)

// maxBinds bounds rows × columns of one INSERT: PostgreSQL refuses more
// than 65,535 bind parameters and SQLite more than 32,766, and a product
// can hold thousands of transactions. The SQLite driver binds parameters in
// quadratic time (each one is looked up in the whole argument list), so
// SQLite statements stay small; many short statements in one transaction
// cost little there.
func maxBinds(db *gorm.DB) int {
	if db.Dialector.Name() == "sqlite" {
		return 1_000
	}
	return 30_000
}

// deleteBatch bounds the ids of one DELETE ... WHERE id IN (...).
const deleteBatch = 1_000

// WriteScope names the credentials (and owner) a product write replaces
// rows for, and the time stamped on the rows it creates or changes.
type WriteScope struct {
	CredentialsID string
	UserID        string
	At            time.Time
}

// Linked is a child row with its provider's parent reference.
type Linked[T any] = models.Linked[T]

// replaceSpec describes one product table: its unique key per credentials
// and how to read that key from a row.
type replaceSpec[T any] struct {
	// keyCols are the unique key columns after credentials_id.
	keyCols []string
	// key renders a row's unique key (provider id, ...) as one string.
	key func(*T) string
}

// replaceRows makes the rows of one product of one credentials exactly
// rows: new keys are inserted, known keys keep their id and created_at and
// are updated only when a column changed, and keys no longer present are
// deleted. Running it twice with the same rows changes nothing. Call it
// inside Tx so readers never see half a product.
func replaceRows[T any](ctx context.Context, s *Store, w WriteScope, spec replaceSpec[T], rows []T) error {
	db := s.db
	sch, err := schemaOf[T](db)
	if err != nil {
		return err
	}
	existing, err := existingKeys(ctx, db, sch, w.CredentialsID, spec)
	if err != nil {
		return err
	}
	rows = dedupe(rows, spec.key)
	kept := make(map[string]bool, len(rows))
	inserted := 0
	for i := range rows {
		k := spec.key(&rows[i])
		kept[k] = true
		id := existing[k]
		if id == "" {
			id = uuid.NewString()
			inserted++
		}
		stampRow(&rows[i], id, w)
	}
	if err := upsertRows(ctx, db, sch, spec.keyCols, rows); err != nil {
		return err
	}
	s.afterBulkInsert(ctx, inserted)
	var gone []string
	for k, id := range existing {
		if !kept[k] {
			gone = append(gone, id)
		}
	}
	return deleteIDs(ctx, db, sch.Table, gone)
}

// schemaOf parses T's GORM schema (cached by GORM).
func schemaOf[T any](db *gorm.DB) (*schema.Schema, error) {
	stmt := &gorm.Statement{DB: db}
	if err := stmt.Parse(new(T)); err != nil {
		return nil, fmt.Errorf("store: parse %T: %w", *new(T), err)
	}
	return stmt.Schema, nil
}

// existingKeys maps the unique key of every stored row of the credentials
// to its id.
func existingKeys[T any](ctx context.Context, db *gorm.DB, sch *schema.Schema, credsID string, spec replaceSpec[T]) (map[string]string, error) {
	var rows []T
	cols := append([]string{"id"}, spec.keyCols...)
	err := db.WithContext(ctx).Model(new(T)).Select(cols).Where("credentials_id = ?", credsID).Find(&rows).Error
	if err != nil {
		return nil, wrap(err, "read %s keys", sch.Table)
	}
	out := make(map[string]string, len(rows))
	for i := range rows {
		out[spec.key(&rows[i])] = rowID(&rows[i])
	}
	return out, nil
}

// dedupe keeps the first row of each key: PostgreSQL refuses an upsert
// that touches one row twice, and a provider may repeat an item.
func dedupe[T any](rows []T, key func(*T) string) []T {
	seen := make(map[string]bool, len(rows))
	out := rows[:0:0]
	for i := range rows {
		k := key(&rows[i])
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, rows[i])
	}
	return out
}

// upsertRows inserts rows in batches; on a key conflict it updates the
// changed columns only (IS DISTINCT FROM), so unchanged rows keep their
// updated_at and the write is a true no-op.
func upsertRows[T any](ctx context.Context, db *gorm.DB, sch *schema.Schema, keyCols []string, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	conflict := append([]string{"credentials_id"}, keyCols...)
	var set, compare []string
	for _, c := range sch.DBNames {
		if c == "id" || c == "created_at" || slices.Contains(conflict, c) {
			continue
		}
		set = append(set, c)
		if c != "updated_at" {
			compare = append(compare, c)
		}
	}
	onConflict := clause.OnConflict{Columns: columns(conflict), DoUpdates: clause.AssignmentColumns(set)}
	if len(compare) > 0 {
		onConflict.Where = clause.Where{Exprs: []clause.Expression{changedExpr(sch.Table, compare, scaledColumns(db, sch))}}
	}
	batch := max(1, maxBinds(db)/len(sch.DBNames))
	err := db.WithContext(ctx).Clauses(onConflict).CreateInBatches(rows, batch).Error
	return wrap(err, "upsert %s", sch.Table)
}

func columns(names []string) []clause.Column {
	out := make([]clause.Column, len(names))
	for i, n := range names {
		out[i] = clause.Column{Name: n}
	}
	return out
}

// scaledColumns reports, on PostgreSQL, the columns whose equality ignores
// the scale of numbers: numeric (2150.00 = 2150) and jsonb ({"r": 2.50} =
// {"r": 2.5}). changedExpr compares their text instead, so a provider that
// now serves 2150.00 where 2150 is stored rewrites the row, while the same
// value with the same scale is no change. On SQLite money and documents
// are TEXT, whose comparison already sees the scale: nil.
func scaledColumns(db *gorm.DB, sch *schema.Schema) func(col string) bool {
	if db.Dialector.Name() != "postgres" {
		return nil
	}
	return func(c string) bool {
		f := sch.FieldsByDBName[c]
		return f != nil && (models.IsDecimalType(f.FieldType) || f.FieldType == jsonType)
	}
}

var jsonType = reflect.TypeOf(models.JSON(nil))

// changedExpr is "t.a IS DISTINCT FROM excluded.a OR ...", understood by
// PostgreSQL and SQLite (3.39+) alike; columns for which asText (when not
// nil) is true compare as text. Names come from the schema, never from
// input.
func changedExpr(table string, cols []string, asText func(col string) bool) clause.Expr {
	parts := make([]string, len(cols))
	for i, c := range cols {
		cast := ""
		if asText != nil && asText(c) {
			cast = "::text"
		}
		parts[i] = fmt.Sprintf(`%q.%q%s IS DISTINCT FROM excluded.%q%s`, table, c, cast, c, cast)
	}
	return clause.Expr{SQL: strings.Join(parts, " OR ")}
}

// deleteIDs removes rows by id, in batches.
func deleteIDs(ctx context.Context, db *gorm.DB, table string, ids []string) error {
	for chunk := range slices.Chunk(ids, deleteBatch) {
		if err := db.WithContext(ctx).Exec(fmt.Sprintf("DELETE FROM %q WHERE id IN ?", table), chunk).Error; err != nil {
			return wrap(err, "delete stale %s", table)
		}
	}
	return nil
}

// stampRow sets the columns every product row shares: its id, owner and
// timestamps. created_at is only written on insert (the upsert leaves it).
// Reflection keeps the models free of store-only methods.
func stampRow[T any](row *T, id string, w WriteScope) {
	v := reflect.ValueOf(row).Elem()
	v.FieldByName("ID").SetString(id)
	v.FieldByName("CredentialsID").SetString(w.CredentialsID)
	v.FieldByName("UserID").SetString(w.UserID)
	v.FieldByName("CreatedAt").Set(reflect.ValueOf(w.At))
	v.FieldByName("UpdatedAt").Set(reflect.ValueOf(w.At))
}

func rowID[T any](row *T) string {
	return reflect.ValueOf(row).Elem().FieldByName("ID").String()
}
