-- +goose Up
-- See the PostgreSQL file.
CREATE TABLE onboarding_sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    skill TEXT NOT NULL,
    skill_def TEXT NOT NULL,
    state TEXT NOT NULL,
    step_index INTEGER NOT NULL,
    step_submitted BOOLEAN NOT NULL,
    uploads TEXT,
    redirect TEXT,
    public TEXT,
    provider_state TEXT,
    callback_hash TEXT NOT NULL,
    token_hash TEXT NOT NULL DEFAULT '',
    credentials_id TEXT REFERENCES credentials(id) ON DELETE CASCADE,
    error_code TEXT NOT NULL DEFAULT '',
    start_key TEXT,
    last_key TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL,
    expires_at DATETIME NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX onboarding_sessions_user ON onboarding_sessions (user_id, created_at);
CREATE UNIQUE INDEX onboarding_sessions_start_key ON onboarding_sessions (user_id, start_key) WHERE start_key IS NOT NULL;
CREATE INDEX onboarding_sessions_open ON onboarding_sessions (expires_at)
    WHERE state IN ('created', 'in_progress', 'awaiting_consent');

-- +goose Down
DROP TABLE onboarding_sessions;
