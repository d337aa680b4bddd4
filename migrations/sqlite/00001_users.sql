-- +goose Up
-- Users are created on their first authenticated request; the id is the
-- token's subject, so it is text, not a generated key.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    created_at    DATETIME NOT NULL,
    last_seen_at  DATETIME NOT NULL
);

-- +goose Down
DROP TABLE users;
