-- +goose Up
-- Users are created on their first authenticated request; the id is the
-- token's subject, so it is text, not a generated key.
CREATE TABLE users (
    id            text PRIMARY KEY,
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE users;
