package models_test

import (
	"testing"

	"gorm.io/gorm/schema"

	"github.com/fingraph/fingraph/internal/database"
	"github.com/fingraph/fingraph/internal/dbtest"
	"github.com/fingraph/fingraph/models"
)

// TestModelsMatchMigrations proves the GORM models and the migrated schema
// agree on both databases: every model has its table, every field its
// column, and no NOT NULL column lacks a field (an insert would fail).
func TestModelsMatchMigrations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		for _, m := range models.All() {
			stmt := &gormStatement{db: db}
			sch := stmt.parse(t, m)
			t.Run(sch.Table, func(t *testing.T) {
				checkTable(t, db, m, sch)
			})
		}
	})
}

func checkTable(t *testing.T, db *database.DB, m any, sch *schema.Schema) {
	mig := db.Gorm.Migrator()
	if !mig.HasTable(m) {
		t.Fatalf("table %s missing from migrations", sch.Table)
	}
	cols, err := mig.ColumnTypes(m)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]bool{}
	for _, c := range cols {
		byName[c.Name()] = true
		nullable, ok := c.Nullable()
		if _, mapped := sch.FieldsByDBName[c.Name()]; !mapped && ok && !nullable {
			if _, hasDefault := c.DefaultValue(); !hasDefault {
				t.Errorf("column %s.%s is NOT NULL without default and has no model field", sch.Table, c.Name())
			}
		}
	}
	for _, f := range sch.Fields {
		if f.DBName != "" && !byName[f.DBName] {
			t.Errorf("model field %s.%s has no column %q", sch.Name, f.Name, f.DBName)
		}
	}
}

type gormStatement struct{ db *database.DB }

func (g *gormStatement) parse(t *testing.T, m any) *schema.Schema {
	t.Helper()
	stmt := g.db.Gorm.Model(m).Statement
	if err := stmt.Parse(m); err != nil {
		t.Fatalf("parse %T: %v", m, err)
	}
	return stmt.Schema
}
