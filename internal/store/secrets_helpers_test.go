package store_test

import (
	"testing"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/fingraph/fingraph/internal/database"
)

// reopen returns a second GORM handle over the same connection pool with
// its own callbacks, so a test can use one database with several keyrings.
func reopen(t *testing.T, db *database.DB) *gorm.DB {
	t.Helper()
	var d gorm.Dialector = sqlite.Dialector{Conn: db.SQL}
	if db.Dialect == "postgres" {
		d = postgres.New(postgres.Config{Conn: db.SQL})
	}
	g, err := gorm.Open(d, &gorm.Config{SkipDefaultTransaction: true, TranslateError: true})
	if err != nil {
		t.Fatal(err)
	}
	return g
}
