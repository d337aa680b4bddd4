-- +goose Up
-- Filtered lists and their counts read only what they return (issue 15).
--
-- Amount bounds: a B-tree per parent leading with the parent and the owner,
-- then the amount, so "this account's transactions over 1,000" is a range
-- scan of this account's index entries instead of a walk through its whole
-- history (the date filters already had theirs: the page indexes of 00004
-- end with operation_date).
CREATE INDEX account_transactions_account_amount_idx ON account_transactions (account_id, user_id, amount);
CREATE INDEX account_transactions_user_amount_idx ON account_transactions (user_id, amount);
CREATE INDEX investment_transactions_investment_amount_idx ON investment_transactions (investment_id, user_id, amount);
CREATE INDEX liability_transactions_liability_amount_idx ON liability_transactions (liability_id, user_id, amount);
CREATE INDEX card_transactions_card_amount_idx ON card_transactions (card_id, user_id, amount);

-- Text: pg_trgm GIN indexes on exactly the expression the text filter
-- compares (internal/store textFold): LOWER(text) where lower() maps every
-- script (a UTF-8 LC_CTYPE), LOWER(text COLLATE "und-x-icu") where it is
-- ASCII-only and ICU is there. The planner serves "LIKE '%…%'" from them.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may
-- create it. It goes into the public schema when there is one, so that
-- dropping an application schema never drops an extension other schemas
-- use; the operator class is named with its schema, so search_path need
-- not include it.
-- +goose StatementBegin
DO $$
DECLARE
    ext_schema text;
    expr text := 'lower(%I)';
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN
            CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
        ELSE
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
        END IF;
    END IF;
    SELECT n.nspname INTO ext_schema FROM pg_extension e
        JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    IF lower('ÓΣÄ') <> 'óσä' AND EXISTS (
        SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu' AND collprovider = 'i') THEN
        expr := 'lower((%I COLLATE "und-x-icu"))';
    END IF;
    EXECUTE format('CREATE INDEX account_transactions_text_idx ON account_transactions USING gin ('
        || expr || ' %I.gin_trgm_ops)', 'description', ext_schema);
    EXECUTE format('CREATE INDEX investment_transactions_text_idx ON investment_transactions USING gin ('
        || expr || ' %I.gin_trgm_ops)', 'description', ext_schema);
    EXECUTE format('CREATE INDEX liability_transactions_text_idx ON liability_transactions USING gin ('
        || expr || ' %I.gin_trgm_ops)', 'description', ext_schema);
    EXECUTE format('CREATE INDEX card_transactions_text_idx ON card_transactions USING gin ('
        || expr || ' %I.gin_trgm_ops)', 'shop', ext_schema);
END
$$;
-- +goose StatementEnd

-- +goose Down
-- The extension stays: other schemas of the database may use it.
DROP INDEX card_transactions_text_idx;
DROP INDEX liability_transactions_text_idx;
DROP INDEX investment_transactions_text_idx;
DROP INDEX account_transactions_text_idx;
DROP INDEX card_transactions_card_amount_idx;
DROP INDEX liability_transactions_liability_amount_idx;
DROP INDEX investment_transactions_investment_amount_idx;
DROP INDEX account_transactions_user_amount_idx;
DROP INDEX account_transactions_account_amount_idx;
