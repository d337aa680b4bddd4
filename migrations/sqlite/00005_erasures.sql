-- +goose Up
-- Deleting credentials purges their cached data at once; the provider-side
-- delete is retried from here until the provider confirms it. A row keeps
-- no user or credentials key and no personal data: it is the audit trail
-- of the erasure, and the sealed provider handle is blanked on
-- confirmation.
CREATE TABLE erasures (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    requested_at DATETIME NOT NULL,
    purged_at DATETIME NOT NULL,
    upstream_confirmed_at DATETIME,
    attempts INTEGER NOT NULL,
    next_attempt_at DATETIME NOT NULL,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX erasures_due ON erasures (next_attempt_at) WHERE upstream_confirmed_at IS NULL;

-- +goose Down
DROP TABLE erasures;
