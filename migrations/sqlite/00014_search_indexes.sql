-- +goose Up
-- See the PostgreSQL file for the amount indexes. Money is TEXT here and
-- the amount filter compares CAST(amount AS REAL) (internal/store
-- filter.go), so the indexes are on that very expression.
CREATE INDEX account_transactions_account_amount_idx ON account_transactions (account_id, user_id, CAST(amount AS REAL));
CREATE INDEX account_transactions_user_amount_idx ON account_transactions (user_id, CAST(amount AS REAL));
CREATE INDEX investment_transactions_investment_amount_idx ON investment_transactions (investment_id, user_id, CAST(amount AS REAL));
CREATE INDEX liability_transactions_liability_amount_idx ON liability_transactions (liability_id, user_id, CAST(amount AS REAL));
CREATE INDEX card_transactions_card_amount_idx ON card_transactions (card_id, user_id, CAST(amount AS REAL));

-- Text: one FTS5 trigram index per transaction table over
-- fingraph_lower(text), the Unicode lower-casing the text filter applies
-- (internal/store textfold.go, search.go), with case_sensitive 1 so FTS5
-- folds nothing itself: a lower-cased pattern's trigram phrase then finds
-- every row whose lower-cased text contains it, and the filter's LIKE
-- removes the rest. Contentless (the text is in the table already), keyed
-- by the row's rowid, and kept in step by triggers. fingraph_lower is
-- registered by internal/store in every process of fingraph; a process
-- without it (the sqlite3 shell) cannot write these tables. The rowids of
-- these tables are implicit, which VACUUM may renumber: after a VACUUM,
-- rebuild each index (DELETE FROM x_fts; INSERT INTO x_fts (rowid, body)
-- SELECT rowid, fingraph_lower(text) FROM x), as this migration does.
CREATE VIRTUAL TABLE account_transactions_fts USING fts5 (body, tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1);
INSERT INTO account_transactions_fts (rowid, body) SELECT rowid, fingraph_lower(description) FROM account_transactions;
-- +goose StatementBegin
CREATE TRIGGER account_transactions_fts_insert AFTER INSERT ON account_transactions BEGIN
    INSERT INTO account_transactions_fts (rowid, body) VALUES (new.rowid, fingraph_lower(new.description));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_transactions_fts_update AFTER UPDATE OF description ON account_transactions BEGIN
    DELETE FROM account_transactions_fts WHERE rowid = old.rowid;
    INSERT INTO account_transactions_fts (rowid, body) VALUES (new.rowid, fingraph_lower(new.description));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER account_transactions_fts_delete AFTER DELETE ON account_transactions BEGIN
    DELETE FROM account_transactions_fts WHERE rowid = old.rowid;
END;
-- +goose StatementEnd
CREATE VIRTUAL TABLE investment_transactions_fts USING fts5 (body, tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1);
INSERT INTO investment_transactions_fts (rowid, body) SELECT rowid, fingraph_lower(description) FROM investment_transactions;
-- +goose StatementBegin
CREATE TRIGGER investment_transactions_fts_insert AFTER INSERT ON investment_transactions BEGIN
    INSERT INTO investment_transactions_fts (rowid, body) VALUES (new.rowid, fingraph_lower(new.description));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER investment_transactions_fts_update AFTER UPDATE OF description ON investment_transactions BEGIN
    DELETE FROM investment_transactions_fts WHERE rowid = old.rowid;
    INSERT INTO investment_transactions_fts (rowid, body) VALUES (new.rowid, fingraph_lower(new.description));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER investment_transactions_fts_delete AFTER DELETE ON investment_transactions BEGIN
    DELETE FROM investment_transactions_fts WHERE rowid = old.rowid;
END;
-- +goose StatementEnd
CREATE VIRTUAL TABLE liability_transactions_fts USING fts5 (body, tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1);
INSERT INTO liability_transactions_fts (rowid, body) SELECT rowid, fingraph_lower(description) FROM liability_transactions;
-- +goose StatementBegin
CREATE TRIGGER liability_transactions_fts_insert AFTER INSERT ON liability_transactions BEGIN
    INSERT INTO liability_transactions_fts (rowid, body) VALUES (new.rowid, fingraph_lower(new.description));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER liability_transactions_fts_update AFTER UPDATE OF description ON liability_transactions BEGIN
    DELETE FROM liability_transactions_fts WHERE rowid = old.rowid;
    INSERT INTO liability_transactions_fts (rowid, body) VALUES (new.rowid, fingraph_lower(new.description));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER liability_transactions_fts_delete AFTER DELETE ON liability_transactions BEGIN
    DELETE FROM liability_transactions_fts WHERE rowid = old.rowid;
END;
-- +goose StatementEnd
CREATE VIRTUAL TABLE card_transactions_fts USING fts5 (body, tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1);
INSERT INTO card_transactions_fts (rowid, body) SELECT rowid, fingraph_lower(shop) FROM card_transactions;
-- +goose StatementBegin
CREATE TRIGGER card_transactions_fts_insert AFTER INSERT ON card_transactions BEGIN
    INSERT INTO card_transactions_fts (rowid, body) VALUES (new.rowid, fingraph_lower(new.shop));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER card_transactions_fts_update AFTER UPDATE OF shop ON card_transactions BEGIN
    DELETE FROM card_transactions_fts WHERE rowid = old.rowid;
    INSERT INTO card_transactions_fts (rowid, body) VALUES (new.rowid, fingraph_lower(new.shop));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER card_transactions_fts_delete AFTER DELETE ON card_transactions BEGIN
    DELETE FROM card_transactions_fts WHERE rowid = old.rowid;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER card_transactions_fts_delete;
DROP TRIGGER card_transactions_fts_update;
DROP TRIGGER card_transactions_fts_insert;
DROP TABLE card_transactions_fts;
DROP TRIGGER liability_transactions_fts_delete;
DROP TRIGGER liability_transactions_fts_update;
DROP TRIGGER liability_transactions_fts_insert;
DROP TABLE liability_transactions_fts;
DROP TRIGGER investment_transactions_fts_delete;
DROP TRIGGER investment_transactions_fts_update;
DROP TRIGGER investment_transactions_fts_insert;
DROP TABLE investment_transactions_fts;
DROP TRIGGER account_transactions_fts_delete;
DROP TRIGGER account_transactions_fts_update;
DROP TRIGGER account_transactions_fts_insert;
DROP TABLE account_transactions_fts;
DROP INDEX card_transactions_card_amount_idx;
DROP INDEX liability_transactions_liability_amount_idx;
DROP INDEX investment_transactions_investment_amount_idx;
DROP INDEX account_transactions_user_amount_idx;
DROP INDEX account_transactions_account_amount_idx;
