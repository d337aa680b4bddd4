-- +goose Up
-- See the PostgreSQL file: a sealed provider state document, the required
-- user actions as a JSON list, the consent expiry, the erasure's state and
-- the provider-neutral kind of a position.
ALTER TABLE credentials ADD COLUMN provider_state TEXT;
ALTER TABLE credentials ADD COLUMN required_actions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE credentials ADD COLUMN consent_expires_at DATETIME;
UPDATE credentials SET required_actions = CASE
    WHEN sca_required AND reset_required THEN '["sca","reset"]'
    WHEN sca_required THEN '["sca"]'
    WHEN reset_required THEN '["reset"]'
    ELSE '[]' END;
ALTER TABLE erasures ADD COLUMN provider_state TEXT;
ALTER TABLE investments ADD COLUMN kind TEXT;
UPDATE investments SET kind = CASE upper(type)
    WHEN 'F' THEN 'FUND' WHEN 'VI' THEN 'VARIABLE_INCOME' WHEN 'ETF' THEN 'ETF'
    WHEN 'FI' THEN 'FIXED_INCOME' WHEN 'PP' THEN 'PENSION_PLAN' WHEN 'C' THEN 'CRYPTO'
    WHEN 'L' THEN 'LIQUIDITY' WHEN 'CFD' THEN 'CFD' WHEN 'DV' THEN 'DERIVATIVE'
    WHEN 'BP' THEN 'BANK_PRODUCT' WHEN 'AEP' THEN 'ALTERNATIVE' ELSE 'OTHER' END;

-- +goose Down
ALTER TABLE investments DROP COLUMN kind;
ALTER TABLE erasures DROP COLUMN provider_state;
ALTER TABLE credentials DROP COLUMN consent_expires_at;
ALTER TABLE credentials DROP COLUMN required_actions;
ALTER TABLE credentials DROP COLUMN provider_state;
