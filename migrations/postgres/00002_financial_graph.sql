-- +goose Up
-- The financial graph: one table per product, every row owned by a user and
-- a credentials. Deleting credentials cascades to everything fetched with
-- them, so erasure leaves nothing behind. Rows are keyed by the provider's
-- id per credentials, which makes refreshes idempotent upserts.
CREATE TABLE credentials (
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider text NOT NULL,
    provider_ref text NOT NULL,
    entity_id text NOT NULL,
    entity_name text NOT NULL,
    external_id text,
    pending boolean NOT NULL,
    blocked boolean NOT NULL,
    sca_required boolean NOT NULL,
    reset_required boolean NOT NULL,
    product_status jsonb,
    last_update_at timestamptz,
    provider_created_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (provider, provider_ref)
);
CREATE INDEX credentials_user_id_idx ON credentials (user_id);
CREATE TABLE sync_records (
    credentials_id text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    product text NOT NULL,
    status text NOT NULL,
    error_code text NOT NULL DEFAULT '',
    fetched_at timestamptz,
    attempted_at timestamptz NOT NULL,
    PRIMARY KEY (credentials_id, product)
);
CREATE TABLE accounts (
    id text PRIMARY KEY,
    credentials_id text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id text NOT NULL,
    provider_id text NOT NULL,
    iban text,
    alias text,
    description text,
    balance numeric(38,10) NOT NULL,
    currency text NOT NULL,
    is_owner boolean,
    num_owners integer,
    owners jsonb,
    seen_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX accounts_user_id_idx ON accounts (user_id);
CREATE TABLE account_transactions (
    id text PRIMARY KEY,
    credentials_id text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id text NOT NULL,
    provider_id text NOT NULL,
    account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    amount numeric(38,10) NOT NULL,
    balance_after numeric(38,10),
    currency text NOT NULL,
    operation_date date NOT NULL,
    value_date date,
    description text NOT NULL,
    category text,
    card_number_masked text,
    product_description text,
    beneficiary text,
    beneficiary_iban text,
    payer text,
    payer_iban text,
    bank_transaction_id text,
    order_id text,
    pair_transaction_id text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX account_transactions_account_id_operation_date_id_idx ON account_transactions (account_id, operation_date DESC, id DESC);
CREATE INDEX account_transactions_user_id_operation_date_id_idx ON account_transactions (user_id, operation_date DESC, id DESC);
CREATE TABLE portfolios (
    id text PRIMARY KEY,
    credentials_id text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id text NOT NULL,
    provider_id text NOT NULL,
    name text NOT NULL,
    type text,
    tax_type text,
    currency text NOT NULL,
    balance numeric(38,10) NOT NULL,
    ref_valores text,
    ref_account text,
    ref_accounts jsonb,
    owners jsonb,
    seen_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX portfolios_user_id_idx ON portfolios (user_id);
CREATE TABLE investments (
    id text PRIMARY KEY,
    credentials_id text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id text NOT NULL,
    provider_id text NOT NULL,
    portfolio_id text REFERENCES portfolios(id) ON DELETE SET NULL,
    provider_portfolio_id text,
    name text NOT NULL,
    type text,
    isin text,
    cusip text,
    symbol text,
    amount numeric(38,10) NOT NULL,
    balance numeric(38,10) NOT NULL,
    currency text NOT NULL,
    cost numeric(38,10),
    performance numeric(38,10),
    performance_detail jsonb,
    analytics jsonb,
    interest jsonb,
    detail jsonb,
    initial_date date,
    valuation_date date,
    expiration_date date,
    seen_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX investments_portfolio_id_idx ON investments (portfolio_id);
CREATE INDEX investments_user_id_idx ON investments (user_id);
CREATE TABLE investment_transactions (
    id text PRIMARY KEY,
    credentials_id text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id text NOT NULL,
    provider_id text NOT NULL,
    investment_id text REFERENCES investments(id) ON DELETE SET NULL,
    provider_investment_id text,
    isin text,
    type text,
    symb text,
    description text NOT NULL,
    amount numeric(38,10) NOT NULL,
    shares_after numeric(38,10),
    unit_price numeric(38,10),
    net_cash numeric(38,10),
    commission numeric(38,10),
    currency text NOT NULL,
    operation_date date NOT NULL,
    value_date date,
    extra jsonb,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX investment_transactions_investment_id_operation_date_id_idx ON investment_transactions (investment_id, operation_date DESC, id DESC);
CREATE INDEX investment_transactions_user_id_idx ON investment_transactions (user_id);
CREATE TABLE liabilities (
    id text PRIMARY KEY,
    credentials_id text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id text NOT NULL,
    provider_id text NOT NULL,
    name text NOT NULL,
    type text,
    contract_number text,
    balance numeric(38,10) NOT NULL,
    available_balance numeric(38,10),
    currency text NOT NULL,
    initial_capital numeric(38,10),
    opening_date date,
    expiration_date date,
    periodicity text,
    interest jsonb,
    seen_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX liabilities_user_id_idx ON liabilities (user_id);
CREATE TABLE liability_transactions (
    id text PRIMARY KEY,
    credentials_id text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id text NOT NULL,
    provider_id text NOT NULL,
    liability_id text REFERENCES liabilities(id) ON DELETE SET NULL,
    amount numeric(38,10) NOT NULL,
    balance_after numeric(38,10),
    currency text NOT NULL,
    description text NOT NULL,
    operation_date date NOT NULL,
    value_date date,
    interest numeric(38,10),
    commission numeric(38,10),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX liability_transactions_liability_id_operation_date_id_idx ON liability_transactions (liability_id, operation_date DESC, id DESC);
CREATE INDEX liability_transactions_user_id_idx ON liability_transactions (user_id);
CREATE TABLE cards (
    id text PRIMARY KEY,
    credentials_id text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id text NOT NULL,
    provider_id text NOT NULL,
    product text,
    contract_number text,
    pan_last4 text NOT NULL,
    card_type text,
    available_balance numeric(38,10),
    currency text,
    emission_date date,
    expiration_date date,
    seen_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX cards_user_id_idx ON cards (user_id);
CREATE TABLE card_transactions (
    id text PRIMARY KEY,
    credentials_id text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id text NOT NULL,
    provider_id text NOT NULL,
    card_id text REFERENCES cards(id) ON DELETE SET NULL,
    amount numeric(38,10) NOT NULL,
    commission numeric(38,10),
    currency text NOT NULL,
    shop text,
    category text,
    operation_date date NOT NULL,
    value_date date,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX card_transactions_card_id_operation_date_id_idx ON card_transactions (card_id, operation_date DESC, id DESC);
CREATE INDEX card_transactions_user_id_idx ON card_transactions (user_id);
CREATE TABLE identities (
    id text PRIMARY KEY,
    credentials_id text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id text NOT NULL,
    name text,
    surname1 text,
    surname2 text,
    full_name text,
    birth_date date,
    address jsonb,
    contact_info jsonb,
    document_number text,
    gender text,
    occupation text,
    sector text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (credentials_id)
);
CREATE INDEX identities_user_id_idx ON identities (user_id);
CREATE TABLE holders (
    id text PRIMARY KEY,
    credentials_id text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id text NOT NULL,
    provider_product_id text NOT NULL,
    product_name text,
    name text NOT NULL,
    relation text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    UNIQUE (credentials_id, provider_product_id, name)
);
CREATE INDEX holders_user_id_idx ON holders (user_id);
CREATE TABLE mifid (
    credentials_id text PRIMARY KEY REFERENCES credentials(id) ON DELETE CASCADE,
    user_id text NOT NULL,
    raw jsonb,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE mifid;
DROP TABLE holders;
DROP TABLE identities;
DROP TABLE card_transactions;
DROP TABLE cards;
DROP TABLE liability_transactions;
DROP TABLE liabilities;
DROP TABLE investment_transactions;
DROP TABLE investments;
DROP TABLE portfolios;
DROP TABLE account_transactions;
DROP TABLE accounts;
DROP TABLE sync_records;
DROP TABLE credentials;
