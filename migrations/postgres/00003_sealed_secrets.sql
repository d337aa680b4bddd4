-- +goose Up
-- Provider handles are now sealed (encrypted, bound to their row), so equal
-- plaintexts no longer give equal column values: lookups and uniqueness go
-- through a keyed hash. Rows written before this migration keep '' until
-- `fingraph rotate-keys` seals them.
ALTER TABLE credentials ADD COLUMN provider_ref_index text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX credentials_provider_ref_index_key ON credentials (provider, provider_ref_index)
    WHERE provider_ref_index <> '';

-- +goose Down
DROP INDEX credentials_provider_ref_index_key;
ALTER TABLE credentials DROP COLUMN provider_ref_index;
