-- +goose Up
-- See the PostgreSQL file.
CREATE TABLE statement_uploads (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    status TEXT NOT NULL,
    tag TEXT,
    client_name TEXT,
    session TEXT NOT NULL DEFAULT '',
    credentials_id TEXT REFERENCES credentials(id) ON DELETE CASCADE,
    fraud TEXT,
    error_code TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    completed_at DATETIME
);
CREATE INDEX statement_uploads_user ON statement_uploads (user_id, created_at);

CREATE TABLE statement_files (
    upload_id TEXT NOT NULL REFERENCES statement_uploads(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    size INTEGER NOT NULL,
    status TEXT NOT NULL,
    content TEXT,
    error_code TEXT NOT NULL DEFAULT '',
    sent_at DATETIME,
    PRIMARY KEY (upload_id, position)
);

-- +goose Down
DROP TABLE statement_files;
DROP TABLE statement_uploads;
