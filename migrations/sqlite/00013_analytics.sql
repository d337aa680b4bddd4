-- +goose Up
-- See the PostgreSQL file. Money is TEXT here, as elsewhere; the rollup's
-- integer columns are what SQLite sums.
CREATE TABLE transaction_rollups (
    credentials_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    currency TEXT NOT NULL,
    direction TEXT NOT NULL,
    txn_count INTEGER NOT NULL,
    total TEXT NOT NULL,
    total_int INTEGER NOT NULL,
    total_frac INTEGER NOT NULL,
    total_scale INTEGER NOT NULL,
    PRIMARY KEY (credentials_id, month, category, currency, direction)
);
-- SQLite reads the aggregates from covering indexes whose order matches
-- their groups (by period, or by provider and institution), so a query
-- walks one index without a sort or a lookup per row; PostgreSQL hashes
-- the groups of a plain scan as fast.
CREATE INDEX transaction_rollups_month_idx ON transaction_rollups
    (month, currency, category, direction, provider, institution_id, txn_count, total_int, total_frac, total_scale);
CREATE INDEX transaction_rollups_institution_idx ON transaction_rollups
    (provider, institution_id, currency, direction, month, category, txn_count, total_int, total_frac, total_scale);

CREATE INDEX account_transactions_operation_date_idx ON account_transactions (operation_date);

CREATE TABLE access_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at DATETIME NOT NULL,
    actor_id TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    user_id TEXT,
    operation TEXT NOT NULL,
    query_hash TEXT NOT NULL
);
CREATE INDEX access_log_at_idx ON access_log (at);
CREATE INDEX access_log_user_id_idx ON access_log (user_id, id);
CREATE INDEX access_log_actor_id_idx ON access_log (actor_id, id);

-- +goose StatementBegin
CREATE TRIGGER access_log_append_only BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE access_log;
DROP INDEX account_transactions_operation_date_idx;
DROP TABLE transaction_rollups;
