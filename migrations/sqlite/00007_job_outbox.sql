-- +goose Up
-- See the PostgreSQL file: jobs enqueued with the change that needs them.
CREATE TABLE job_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    args TEXT NOT NULL,
    created_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE job_outbox;
