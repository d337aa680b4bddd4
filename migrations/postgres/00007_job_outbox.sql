-- +goose Up
-- Background jobs are enqueued in the same transaction as the change that
-- needs them: a row here commits or rolls back with that change, and the
-- jobs runner moves it into River's queue after the commit (and again
-- after a crash, where River's unique jobs absorb a second insert).
CREATE TABLE job_outbox (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    args jsonb NOT NULL,
    created_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE job_outbox;
