-- +goose Up
-- Bank statement uploads (Flinks' Upload API) run by a durable job. A
-- file's content is sealed and kept only until the provider acknowledges
-- it (status 'sent'), so a resumed job never sends it twice and nothing
-- of the documents outlives the upload. Deleting the credentials the
-- statements became deletes the upload with them.
CREATE TABLE statement_uploads (
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider text NOT NULL,
    status text NOT NULL,
    tag text,
    client_name text,
    session text NOT NULL DEFAULT '',
    credentials_id text REFERENCES credentials(id) ON DELETE CASCADE,
    fraud text,
    error_code text NOT NULL DEFAULT '',
    attempts integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    completed_at timestamptz
);
CREATE INDEX statement_uploads_user ON statement_uploads (user_id, created_at);

CREATE TABLE statement_files (
    upload_id text NOT NULL REFERENCES statement_uploads(id) ON DELETE CASCADE,
    position integer NOT NULL,
    name text NOT NULL,
    type text NOT NULL,
    size bigint NOT NULL,
    status text NOT NULL,
    content text,
    error_code text NOT NULL DEFAULT '',
    sent_at timestamptz,
    PRIMARY KEY (upload_id, position)
);

-- +goose Down
DROP TABLE statement_files;
DROP TABLE statement_uploads;
