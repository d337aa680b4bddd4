-- +goose Up
-- Several replicas on one database fetch a cold (credentials, product)
-- once: the replica holding the lease fetches, the others wait for its
-- sync record. A lease outlives a crashed holder only until it expires.
CREATE TABLE fetch_leases (
    key text PRIMARY KEY,
    owner text NOT NULL,
    expires_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE fetch_leases;
