package main

import (
	"context"
	"database/sql"
)

// snapshot is the server's database as the checks read it: the tables
// whose rows the invariants are about, loaded whole (they are small).
type snapshot struct {
	creds    map[string]credRow
	syncs    map[string]map[string]syncRow // credentials id → product → record
	accounts map[string]int                // rows per credentials id
	txns     map[string]int
	hooks    map[string]hookRow // by body hash
	jobs     []jobRow
	outbox   int
	uploads  map[string]uploadRow
	files    map[string][]fileRow // by upload id
}

type credRow struct {
	user    string
	pending bool
}

type syncRow struct {
	status, code string
	fetched      bool
}

type hookRow struct {
	id, lastError string
	processed     bool
}

type jobRow struct {
	id                int64
	kind, state, args string
	attempt           int
	errors            sql.NullString
}

type uploadRow struct {
	status, code string
	attempts     int // failed runs of the current step
	creds        sql.NullString
}

type fileRow struct {
	status     string
	hasContent bool
}

// load reads a snapshot of a database of kind "sqlite" or "postgres";
// each query is a plain read.
func load(ctx context.Context, db *sql.DB, kind string) (*snapshot, error) {
	s := &snapshot{creds: map[string]credRow{}, syncs: map[string]map[string]syncRow{}, accounts: map[string]int{},
		txns: map[string]int{}, hooks: map[string]hookRow{}, uploads: map[string]uploadRow{}, files: map[string][]fileRow{}}
	for _, f := range []func(context.Context, *sql.DB) error{s.loadCreds, s.loadRows, s.loadHooks, s.loadUploads} {
		if err := f(ctx, db); err != nil {
			return nil, err
		}
	}
	return s, s.loadJobs(ctx, db, kind)
}

func (s *snapshot) loadCreds(ctx context.Context, db *sql.DB) error {
	err := rows(ctx, db, "SELECT id, user_id, pending FROM credentials", func(r *sql.Rows) error {
		var id string
		var c credRow
		err := r.Scan(&id, &c.user, &c.pending)
		s.creds[id] = c
		return err
	})
	if err != nil {
		return err
	}
	return rows(ctx, db, "SELECT credentials_id, product, status, error_code, fetched_at IS NOT NULL FROM sync_records",
		func(r *sql.Rows) error {
			var id, p string
			var rec syncRow
			err := r.Scan(&id, &p, &rec.status, &rec.code, &rec.fetched)
			if s.syncs[id] == nil {
				s.syncs[id] = map[string]syncRow{}
			}
			s.syncs[id][p] = rec
			return err
		})
}

// loadRows counts the cached rows of the two products every Flinks
// connection has.
func (s *snapshot) loadRows(ctx context.Context, db *sql.DB) error {
	for table, into := range map[string]map[string]int{"accounts": s.accounts, "account_transactions": s.txns} {
		err := rows(ctx, db, "SELECT credentials_id, COUNT(*) FROM "+table+" GROUP BY credentials_id", func(r *sql.Rows) error {
			var id string
			var n int
			err := r.Scan(&id, &n)
			into[id] = n
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *snapshot) loadHooks(ctx context.Context, db *sql.DB) error {
	return rows(ctx, db, "SELECT id, body_hash, processed_at IS NOT NULL, last_error FROM webhook_events WHERE provider = 'flinks'",
		func(r *sql.Rows) error {
			var h hookRow
			var hash string
			err := r.Scan(&h.id, &hash, &h.processed, &h.lastError)
			s.hooks[hash] = h
			return err
		})
}

// loadJobs reads River's jobs and the outbox that feeds them. River keeps
// args and errors as JSONB: binary on SQLite (json() turns it into text).
func (s *snapshot) loadJobs(ctx context.Context, db *sql.DB, kind string) error {
	q := "SELECT id, kind, state, attempt, CAST(args AS TEXT), CAST(errors AS TEXT) FROM river_job"
	if kind == "sqlite" {
		q = "SELECT id, kind, state, attempt, json(args), json(errors) FROM river_job"
	}
	err := rows(ctx, db, q,
		func(r *sql.Rows) error {
			var j jobRow
			err := r.Scan(&j.id, &j.kind, &j.state, &j.attempt, &j.args, &j.errors)
			s.jobs = append(s.jobs, j)
			return err
		})
	if err != nil {
		return err
	}
	s.outbox, err = count(ctx, db, "SELECT COUNT(*) FROM job_outbox")
	return err
}

func (s *snapshot) loadUploads(ctx context.Context, db *sql.DB) error {
	err := rows(ctx, db, "SELECT id, status, error_code, attempts, credentials_id FROM statement_uploads", func(r *sql.Rows) error {
		var id string
		var u uploadRow
		err := r.Scan(&id, &u.status, &u.code, &u.attempts, &u.creds)
		s.uploads[id] = u
		return err
	})
	if err != nil {
		return err
	}
	return rows(ctx, db, "SELECT upload_id, status, content IS NOT NULL FROM statement_files", func(r *sql.Rows) error {
		var id string
		var f fileRow
		err := r.Scan(&id, &f.status, &f.hasContent)
		s.files[id] = append(s.files[id], f)
		return err
	})
}
