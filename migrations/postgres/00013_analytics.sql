-- +goose Up
-- Analysts' aggregates stay fast over every user's cached data through a
-- rollup maintained with the data: per credentials, month, category,
-- currency and direction (in: amount >= 0, out: amount < 0), the count
-- and exact sum of its account transactions. The store rewrites a
-- credentials' rows in the transaction that writes its transactions or
-- accounts, so the rollup never disagrees with the rows; deleting the
-- credentials (erasure) cascades here at once. provider and
-- institution_id are copied from the credentials so the aggregates group
-- and filter on them without a join. total is exact (numeric); total_int,
-- total_frac (the fraction times 10^10) and total_scale carry the same
-- value as integers, which SQLite sums exactly where its SUM of text
-- money would go through floating point.
CREATE TABLE transaction_rollups (
    credentials_id text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id text NOT NULL,
    provider text NOT NULL,
    institution_id text NOT NULL,
    month date NOT NULL,
    category text NOT NULL,
    currency text NOT NULL,
    direction text NOT NULL,
    txn_count bigint NOT NULL,
    total numeric NOT NULL,
    total_int bigint NOT NULL,
    total_frac bigint NOT NULL,
    total_scale integer NOT NULL,
    PRIMARY KEY (credentials_id, month, category, currency, direction)
);
CREATE INDEX transaction_rollups_month_idx ON transaction_rollups (month);

-- Aggregates the rollup cannot answer (days, weeks, amount bounds, ranges
-- that cut a month) read the transactions of a date range across users.
CREATE INDEX account_transactions_operation_date_idx ON account_transactions (operation_date);

-- The access trail: one row per (operation, user whose data an analyst or
-- admin read). user_id is NULL for aggregates over every user. It names
-- the operation (its name and the SHA-256 of its text), never its
-- variables, and keeps no personal data, so it outlives the user's data;
-- rows older than the retention period are deleted. Append-only: an
-- update is refused.
CREATE TABLE access_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL,
    actor_id text NOT NULL,
    actor_role text NOT NULL,
    user_id text,
    operation text NOT NULL,
    query_hash text NOT NULL
);
CREATE INDEX access_log_at_idx ON access_log (at);
CREATE INDEX access_log_user_id_idx ON access_log (user_id, id);
CREATE INDEX access_log_actor_id_idx ON access_log (actor_id, id);

-- +goose StatementBegin
CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'access_log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER access_log_append_only BEFORE UPDATE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_append_only();

-- +goose Down
DROP TABLE access_log;
DROP FUNCTION access_log_append_only();
DROP INDEX account_transactions_operation_date_idx;
DROP TABLE transaction_rollups;
