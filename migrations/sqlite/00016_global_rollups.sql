-- +goose Up
-- See the PostgreSQL file. SQLite cannot add decimal text exactly, so the
-- sums are kept as the per-credentials rollups' integers (the integer
-- part, the fraction times 10^10, the largest scale seen); the readers
-- put them together and, for a group finer than ten decimals (never seen
-- in money), read the per-credentials rollups instead. SQLite has one
-- writer at a time: no lock order to keep.
CREATE TABLE transaction_rollups_global (
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    currency TEXT NOT NULL,
    direction TEXT NOT NULL,
    provider TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    txn_count INTEGER NOT NULL,
    total_int INTEGER NOT NULL,
    total_frac INTEGER NOT NULL,
    total_scale INTEGER NOT NULL,
    PRIMARY KEY (month, category, currency, direction, provider, institution_id)
);

-- +goose StatementBegin
CREATE TRIGGER transaction_rollups_global_add AFTER INSERT ON transaction_rollups
BEGIN
    INSERT INTO transaction_rollups_global
           (month, category, currency, direction, provider, institution_id, txn_count, total_int, total_frac, total_scale)
    VALUES (NEW.month, NEW.category, NEW.currency, NEW.direction, NEW.provider, NEW.institution_id,
            NEW.txn_count, NEW.total_int, NEW.total_frac, NEW.total_scale)
    ON CONFLICT (month, category, currency, direction, provider, institution_id)
    DO UPDATE SET txn_count = txn_count + excluded.txn_count, total_int = total_int + excluded.total_int,
                  total_frac = total_frac + excluded.total_frac, total_scale = max(total_scale, excluded.total_scale);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER transaction_rollups_global_remove AFTER DELETE ON transaction_rollups
BEGIN
    UPDATE transaction_rollups_global
       SET txn_count = txn_count - OLD.txn_count, total_int = total_int - OLD.total_int,
           total_frac = total_frac - OLD.total_frac
     WHERE month = OLD.month AND category = OLD.category AND currency = OLD.currency
       AND direction = OLD.direction AND provider = OLD.provider AND institution_id = OLD.institution_id;
    DELETE FROM transaction_rollups_global
     WHERE month = OLD.month AND category = OLD.category AND currency = OLD.currency
       AND direction = OLD.direction AND provider = OLD.provider AND institution_id = OLD.institution_id
       AND txn_count <= 0;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER transaction_rollups_global_move AFTER UPDATE ON transaction_rollups
BEGIN
    UPDATE transaction_rollups_global
       SET txn_count = txn_count - OLD.txn_count, total_int = total_int - OLD.total_int,
           total_frac = total_frac - OLD.total_frac
     WHERE month = OLD.month AND category = OLD.category AND currency = OLD.currency
       AND direction = OLD.direction AND provider = OLD.provider AND institution_id = OLD.institution_id;
    DELETE FROM transaction_rollups_global
     WHERE month = OLD.month AND category = OLD.category AND currency = OLD.currency
       AND direction = OLD.direction AND provider = OLD.provider AND institution_id = OLD.institution_id
       AND txn_count <= 0;
    INSERT INTO transaction_rollups_global
           (month, category, currency, direction, provider, institution_id, txn_count, total_int, total_frac, total_scale)
    VALUES (NEW.month, NEW.category, NEW.currency, NEW.direction, NEW.provider, NEW.institution_id,
            NEW.txn_count, NEW.total_int, NEW.total_frac, NEW.total_scale)
    ON CONFLICT (month, category, currency, direction, provider, institution_id)
    DO UPDATE SET txn_count = txn_count + excluded.txn_count, total_int = total_int + excluded.total_int,
                  total_frac = total_frac + excluded.total_frac, total_scale = max(total_scale, excluded.total_scale);
END;
-- +goose StatementEnd

INSERT INTO transaction_rollups_global
       (month, category, currency, direction, provider, institution_id, txn_count, total_int, total_frac, total_scale)
SELECT month, category, currency, direction, provider, institution_id,
       SUM(txn_count), SUM(total_int), SUM(total_frac), MAX(total_scale)
  FROM transaction_rollups
 WHERE true
 GROUP BY month, category, currency, direction, provider, institution_id;

-- +goose Down
DROP TRIGGER transaction_rollups_global_move;
DROP TRIGGER transaction_rollups_global_remove;
DROP TRIGGER transaction_rollups_global_add;
DROP TABLE transaction_rollups_global;
