-- +goose Up
-- Onboarding sessions (Finqware sessions and steps) as a persisted state
-- machine. provider_state is the sealed session id and nonce chain.
CREATE TABLE onboarding_sessions (
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider text NOT NULL,
    skill text NOT NULL,
    skill_def jsonb NOT NULL,
    state text NOT NULL,
    step_index integer NOT NULL,
    step_submitted boolean NOT NULL,
    uploads jsonb,
    redirect jsonb,
    public jsonb,
    provider_state text,
    callback_hash text NOT NULL,
    token_hash text NOT NULL DEFAULT '',
    credentials_id text REFERENCES credentials(id) ON DELETE CASCADE,
    error_code text NOT NULL DEFAULT '',
    start_key text,
    last_key text NOT NULL DEFAULT '',
    version integer NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX onboarding_sessions_user ON onboarding_sessions (user_id, created_at);
CREATE UNIQUE INDEX onboarding_sessions_start_key ON onboarding_sessions (user_id, start_key) WHERE start_key IS NOT NULL;
CREATE INDEX onboarding_sessions_open ON onboarding_sessions (expires_at)
    WHERE state IN ('created', 'in_progress', 'awaiting_consent');

-- +goose Down
DROP TABLE onboarding_sessions;
