-- +goose Up
-- Provider webhook deliveries, committed before they are acknowledged
-- (a 2xx answer means the event survives a crash), unique on the hash of
-- the body: Flinks signs only the body, with no timestamp or id, so the
-- hash is the replay guard and is kept for ever. The payload is sealed,
-- and blanked once processed.
CREATE TABLE webhook_events (
    id text PRIMARY KEY,
    provider text NOT NULL,
    body_hash text NOT NULL,
    payload text,
    received_at timestamptz NOT NULL,
    processed_at timestamptz,
    last_error text NOT NULL DEFAULT '',
    UNIQUE (provider, body_hash)
);

-- +goose Down
DROP TABLE webhook_events;
