-- +goose Up
-- A second rollup level across users (issue 17): per month, category,
-- currency, direction, provider and institution, the count and exact sum
-- of every user's account transactions. The analysts' aggregates read it
-- instead of the per-credentials rollups: a few hundred rows a month
-- whatever the number of users (the per-credentials level grows with
-- them: about 16M rows at 100,000 users, seconds to sum).
--
-- Triggers on transaction_rollups keep it in step in the same
-- transaction, whatever changes a per-credentials rollup: a refresh, an
-- institution renamed by a status, a credentials deleted (the cascade
-- fires them too) or a user erased, so an erasure leaves analytics at
-- once. A group whose count falls to zero is deleted. total is numeric:
-- additions and subtractions are exact and keep the largest scale seen.
-- Writers take a transaction advisory lock before changing rollups
-- (internal/store rollups.go), so two refreshes never update the shared
-- rows in opposite orders (a deadlock).
CREATE TABLE transaction_rollups_global (
    month date NOT NULL,
    category text NOT NULL,
    currency text NOT NULL,
    direction text NOT NULL,
    provider text NOT NULL,
    institution_id text NOT NULL,
    txn_count bigint NOT NULL,
    total numeric NOT NULL,
    PRIMARY KEY (month, category, currency, direction, provider, institution_id)
);

-- +goose StatementBegin
CREATE FUNCTION transaction_rollups_global_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE transaction_rollups_global g
           SET txn_count = g.txn_count - OLD.txn_count, total = g.total - OLD.total
         WHERE g.month = OLD.month AND g.category = OLD.category AND g.currency = OLD.currency
           AND g.direction = OLD.direction AND g.provider = OLD.provider AND g.institution_id = OLD.institution_id;
        DELETE FROM transaction_rollups_global g
         WHERE g.month = OLD.month AND g.category = OLD.category AND g.currency = OLD.currency
           AND g.direction = OLD.direction AND g.provider = OLD.provider AND g.institution_id = OLD.institution_id
           AND g.txn_count <= 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO transaction_rollups_global AS g
               (month, category, currency, direction, provider, institution_id, txn_count, total)
        VALUES (NEW.month, NEW.category, NEW.currency, NEW.direction, NEW.provider, NEW.institution_id,
                NEW.txn_count, NEW.total)
        ON CONFLICT (month, category, currency, direction, provider, institution_id)
        DO UPDATE SET txn_count = g.txn_count + EXCLUDED.txn_count, total = g.total + EXCLUDED.total;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER transaction_rollups_global_sync
    AFTER INSERT OR UPDATE OR DELETE ON transaction_rollups
    FOR EACH ROW EXECUTE FUNCTION transaction_rollups_global_apply();

INSERT INTO transaction_rollups_global
       (month, category, currency, direction, provider, institution_id, txn_count, total)
SELECT month, category, currency, direction, provider, institution_id, SUM(txn_count), SUM(total)
  FROM transaction_rollups
 GROUP BY month, category, currency, direction, provider, institution_id;

-- +goose Down
DROP TRIGGER transaction_rollups_global_sync ON transaction_rollups;
DROP FUNCTION transaction_rollups_global_apply();
DROP TABLE transaction_rollups_global;
