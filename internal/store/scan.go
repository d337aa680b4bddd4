package store

import (
	"database/sql"
	"fmt"
	"reflect"

	"gorm.io/gorm"
)

// scanAll reads rows into a slice of T, each column straight into its
// struct field by the field's own sql.Scanner or database/sql's
// conversions. Direct list reads use it instead of GORM's scanner,
// which allocates a temporary value per column and row and then copies it
// by reflection: on a page of thousands of transactions that was a third
// of the read. Only models without query hooks may be read this way.
func scanAll[T any](db *gorm.DB, rows *sql.Rows, capacity int) ([]T, error) {
	defer rows.Close()
	sch, err := schemaOf[T](db)
	if err != nil {
		return nil, err
	}
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	index := make([][]int, len(cols))
	for i, c := range cols {
		f := sch.LookUpField(c)
		if f == nil {
			return nil, fmt.Errorf("store: %s has no column %q", sch.Table, c)
		}
		index[i] = f.StructField.Index
	}
	out := make([]T, 0, capacity)
	dest := make([]any, len(cols))
	for rows.Next() {
		out = append(out, *new(T))
		v := reflect.ValueOf(&out[len(out)-1]).Elem()
		for i, idx := range index {
			dest[i] = v.FieldByIndex(idx).Addr().Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}
