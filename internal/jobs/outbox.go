package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/riverqueue/river"

	"github.com/fingraph/fingraph/internal/aggregate"
	"github.com/fingraph/fingraph/internal/statements"
	"github.com/fingraph/fingraph/models"
)

// outboxBatch is how many outbox rows one River insert takes.
const outboxBatch = 200

// decoders turn an outbox row's args back into the typed job, so River
// sees the args' own unique annotations. A kind missing here is a bug
// caught by TestEveryKindDecodes.
var decoders = map[string]func(json.RawMessage) (river.JobArgs, error){
	aggregate.EraseJob{}.Kind():      decode[aggregate.EraseJob],
	aggregate.FinishLinkJob{}.Kind(): decode[aggregate.FinishLinkJob],
	aggregate.RefreshJob{}.Kind():    decode[aggregate.RefreshJob],
	aggregate.PollJob{}.Kind():       decode[aggregate.PollJob],
	aggregate.WebhookJob{}.Kind():    decode[aggregate.WebhookJob],
	statements.Job{}.Kind():          decode[statements.Job],
}

func decode[T river.JobArgs](raw json.RawMessage) (river.JobArgs, error) {
	var v T
	err := json.Unmarshal(raw, &v)
	return v, err
}

// insertOpts makes a second insert of the same job (a row swept twice
// after a crash, a sweep enqueuing work already queued) a no-op while the
// first is queued, running or recently completed.
func insertOpts(kind string) *river.InsertOpts {
	o := &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
	if kind == (aggregate.EraseJob{}).Kind() {
		o.MaxAttempts = eraseMaxAttempts
	}
	return o
}

// eraseMaxAttempts lets provider-side deletes go on for weeks: with the
// backoff capped at 6 h, 200 attempts is about 7 weeks; the periodic sweep
// enqueues a due erasure again after that.
const eraseMaxAttempts = 200

// SweepOutbox moves every committed outbox row into River, in batches,
// and returns when the outbox is empty or ctx ends.
func (r *Runner) SweepOutbox(ctx context.Context) error {
	r.sweepMu.Lock()
	defer r.sweepMu.Unlock()
	for ctx.Err() == nil {
		n, err := r.st.ClaimOutbox(ctx, outboxBatch, r.insert)
		if err != nil || n < outboxBatch {
			return err
		}
	}
	return ctx.Err()
}

func (r *Runner) insert(jobs []models.OutboxJob) error {
	params := make([]river.InsertManyParams, 0, len(jobs))
	// Every job is unique by its arguments, and PostgreSQL refuses an
	// INSERT ... ON CONFLICT that meets the same key twice: two rows with
	// one unique key in a batch would fail it, and the sweep would claim
	// the same batch again forever. Rows with one key are one job, as
	// River would make them in separate inserts.
	seen := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		dec, ok := decoders[j.Kind]
		if !ok {
			r.log.Error("outbox job of an unknown kind dropped", "kind", j.Kind, "id", j.ID)
			continue
		}
		args, err := dec(json.RawMessage(j.Args))
		if err != nil {
			r.log.Error("outbox job with invalid args dropped", "kind", j.Kind, "id", j.ID)
			continue
		}
		if key, err := uniqueKey(args); err == nil {
			if seen[key] {
				continue
			}
			seen[key] = true
		}
		params = append(params, river.InsertManyParams{Args: args, InsertOpts: insertOpts(j.Kind)})
	}
	if len(params) == 0 {
		return nil
	}
	// A background context: the rows are deleted only if this commits.
	if _, err := r.client.InsertMany(context.Background(), params); err != nil {
		return fmt.Errorf("jobs: insert: %w", err)
	}
	return nil
}

// uniqueKey is what River's unique-by-args compares: the kind and the
// fields tagged river:"unique", or all the args when none is tagged. The
// whole args are not enough: FinishLinkJob and PollJob carry a time
// outside their key, so two rows for one credentials differ as JSON yet
// meet on one key.
func uniqueKey(args river.JobArgs) (string, error) {
	v := reflect.Indirect(reflect.ValueOf(args))
	var fields []any
	if v.Kind() == reflect.Struct {
		for i := range v.NumField() {
			if slices.Contains(strings.Split(v.Type().Field(i).Tag.Get("river"), ","), "unique") {
				fields = append(fields, v.Field(i).Interface())
			}
		}
	}
	var key []byte
	var err error
	if len(fields) == 0 {
		key, err = json.Marshal(args)
	} else {
		key, err = json.Marshal(fields)
	}
	return args.Kind() + string(key), err
}

// openSQLite opens River's own handle on the SQLite file: one connection,
// as riversqlite asks, so its internal operations never fight for the lock.
func openSQLite(dsn string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("jobs: open sqlite: %w", err)
	}
	db.SetMaxOpenConns(1)
	return db, nil
}
