package database_test

import (
	"context"
	"path/filepath"
	"testing"

	"gorm.io/gorm"

	"github.com/fingraph/fingraph/internal/database"
)

// TestLogsHideParameters: GORM must log SQL with placeholders only, since
// bound values can be card numbers, IBANs or tokens (reliability goal 13).
func TestLogsHideParameters(t *testing.T) {
	db, err := database.Open(context.Background(), database.Options{SQLitePath: filepath.Join(t.TempDir(), "x.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, ok := db.Gorm.Logger.(gorm.ParamsFilter)
	if !ok {
		t.Fatalf("logger %T cannot filter parameters", db.Gorm.Logger)
	}
	sql, params := f.ParamsFilter(context.Background(), "SELECT ? ", "4111111111111111")
	if len(params) != 0 || sql != "SELECT ? " {
		t.Fatalf("parameters would be logged: %q %v", sql, params)
	}
}
