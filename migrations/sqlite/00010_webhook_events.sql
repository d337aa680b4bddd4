-- +goose Up
-- See the PostgreSQL file.
CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    payload TEXT,
    received_at DATETIME NOT NULL,
    processed_at DATETIME,
    last_error TEXT NOT NULL DEFAULT '',
    UNIQUE (provider, body_hash)
);

-- +goose Down
DROP TABLE webhook_events;
