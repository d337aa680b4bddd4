-- +goose Up
-- Providers keep more than one handle per credentials (Flinks: the pending
-- RequestId; Finqware: the access token and consent expiry): a sealed JSON
-- document next to the sealed handle, opened only by the provider's
-- adapter. Erasures keep it too, since a provider-side delete may need it.
ALTER TABLE credentials ADD COLUMN provider_state text;
-- The user flows the provider needs (sca, reset, reconsent), as a list,
-- instead of one boolean per Flanks flow.
ALTER TABLE credentials ADD COLUMN required_actions jsonb NOT NULL DEFAULT '[]';
ALTER TABLE credentials ADD COLUMN consent_expires_at timestamptz;
UPDATE credentials SET required_actions =
    (CASE WHEN sca_required THEN '["sca"]'::jsonb ELSE '[]'::jsonb END) ||
    (CASE WHEN reset_required THEN '["reset"]'::jsonb ELSE '[]'::jsonb END);
ALTER TABLE erasures ADD COLUMN provider_state text;
-- The provider-neutral kind of a position, mapped by each adapter; rows
-- cached before it existed are mapped once here from Flanks' codes.
ALTER TABLE investments ADD COLUMN kind text;
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
