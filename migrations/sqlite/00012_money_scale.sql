-- +goose Up
-- See the PostgreSQL file. SQLite keeps money as TEXT, which already keeps
-- the scale of the text written (the store now writes it unshortened);
-- nothing changes in the schema, the version exists so both schemas match.
SELECT 1;

-- +goose Down
SELECT 1;
