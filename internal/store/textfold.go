package store

import (
	"context"
	"database/sql/driver"
	"strings"

	sqlite "github.com/glebarez/go-sqlite"
)

// The text filter lower-cases both the column and the pattern with the
// database's own function, so both sides always agree; what that function
// is differs per database:
//
//   - SQLite's lower() and LIKE fold ASCII letters only ("NÓMINA" stays
//     "nÓmina"), so the store registers sqliteLower with the driver: Go's
//     strings.ToLower, the Unicode simple lower-case mapping of every
//     character.
//   - PostgreSQL's lower() (and ILIKE) follow the database's LC_CTYPE: a
//     UTF-8 locale (C.UTF-8, en_US.UTF-8, ...) maps every script, but the
//     plain C locale maps ASCII only. The store asks the database once
//     (textFold); where lower() is ASCII-only it lower-cases under the ICU
//     root collation instead, when the server has ICU.
//
// Both are character-by-character case mappings: accents are kept ("ó" is
// not "o"), and one letter never becomes two ("ß" is not "ss").

// sqliteLower is the SQL name of the Unicode lower-case function registered
// with the SQLite driver, for every connection it opens.
const sqliteLower = "fingraph_lower"

// Lower-casing formats of the text filter, each with one %s.
const (
	lowerSQLite   = sqliteLower + "(%s)"
	lowerPostgres = "LOWER(%s)"
	lowerICU      = `LOWER(%s COLLATE "und-x-icu")`
)

func init() {
	sqlite.MustRegisterDeterministicScalarFunction(sqliteLower, 1, lowerValue)
}

// lowerValue lower-cases text; NULL stays NULL and other values (numbers)
// have no case.
func lowerValue(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	switch v := args[0].(type) {
	case string:
		return strings.ToLower(v), nil
	case []byte:
		return strings.ToLower(string(v)), nil
	default:
		return v, nil
	}
}

// textFold returns the lower-casing format of the text filter. On
// PostgreSQL the first call per database handle probes lower(); a probe
// that fails (say the request was cancelled) is not remembered, and the
// query uses plain LOWER.
func (s *Store) textFold(ctx context.Context) string {
	if s.Dialect() != "postgres" {
		return lowerSQLite
	}
	if f := s.hooks.fold.Load(); f != nil {
		return *f
	}
	var probe struct {
		Unicode, ICU bool
	}
	err := s.db.WithContext(ctx).Raw(`SELECT lower('ÓΣÄ') = 'óσä' AS unicode,
		EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu' AND collprovider = 'i') AS icu`).
		Scan(&probe).Error
	if err != nil {
		return lowerPostgres
	}
	f := lowerPostgres
	if !probe.Unicode && probe.ICU {
		f = lowerICU
	}
	s.hooks.fold.Store(&f)
	return f
}
