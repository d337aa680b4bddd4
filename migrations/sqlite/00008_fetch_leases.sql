-- +goose Up
-- See the PostgreSQL file (SQLite serves one process, which never needs
-- the table; it exists so both schemas match).
CREATE TABLE fetch_leases (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE fetch_leases;
