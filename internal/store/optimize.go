package store

import "context"

// bulkInsertRows is how many new rows one product write must insert
// before SQLite's planner statistics are refreshed.
const bulkInsertRows = 1_000

// afterBulkInsert refreshes SQLite's planner statistics once a write has
// inserted many rows: after the transaction commits, or at once outside
// one. SQLite plans from sqlite_stat1/stat4, which nothing else keeps
// current (PostgreSQL has autovacuum); without them, a first large sync
// leaves the planner guessing, and a guess is how an amount filter walks
// a whole history instead of its index. Small writes change nothing that
// matters and skip it.
func (s *Store) afterBulkInsert(ctx context.Context, inserted int) {
	if inserted < bulkInsertRows || s.Dialect() != "sqlite" {
		return
	}
	if s.tx != nil {
		s.tx.optimize = true
		return
	}
	s.optimize(ctx)
}

// optimize runs PRAGMA optimize over every table (0x10002: check all
// tables, not only those this connection queried). It ANALYZEs only the
// tables whose statistics are missing or stale (rows changed ~10×), each
// under SQLite's built-in analysis limit, so it costs milliseconds. Its
// error is dropped: statistics are an optimisation, and the write they
// follow has committed.
func (s *Store) optimize(ctx context.Context) {
	_ = s.db.WithContext(ctx).Exec("PRAGMA optimize=0x10002").Error
}
