-- +goose Up
-- The financial graph: one table per product, every row owned by a user and
-- a credentials. Deleting credentials cascades to everything fetched with
-- them, so erasure leaves nothing behind. Rows are keyed by the provider's
-- id per credentials, which makes refreshes idempotent upserts.
-- Money is TEXT here: SQLite's NUMERIC affinity would round it.
CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    provider_ref TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    entity_name TEXT NOT NULL,
    external_id TEXT,
    pending BOOLEAN NOT NULL,
    blocked BOOLEAN NOT NULL,
    sca_required BOOLEAN NOT NULL,
    reset_required BOOLEAN NOT NULL,
    product_status TEXT,
    last_update_at DATETIME,
    provider_created_at DATETIME,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (provider, provider_ref)
);
CREATE INDEX credentials_user_id_idx ON credentials (user_id);
CREATE TABLE sync_records (
    credentials_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    product TEXT NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT NOT NULL DEFAULT '',
    fetched_at DATETIME,
    attempted_at DATETIME NOT NULL,
    PRIMARY KEY (credentials_id, product)
);
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    credentials_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    iban TEXT,
    alias TEXT,
    description TEXT,
    balance TEXT NOT NULL,
    currency TEXT NOT NULL,
    is_owner BOOLEAN,
    num_owners INTEGER,
    owners TEXT,
    seen_at DATETIME,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX accounts_user_id_idx ON accounts (user_id);
CREATE TABLE account_transactions (
    id TEXT PRIMARY KEY,
    credentials_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    amount TEXT NOT NULL,
    balance_after TEXT,
    currency TEXT NOT NULL,
    operation_date TEXT NOT NULL,
    value_date TEXT,
    description TEXT NOT NULL,
    category TEXT,
    card_number_masked TEXT,
    product_description TEXT,
    beneficiary TEXT,
    beneficiary_iban TEXT,
    payer TEXT,
    payer_iban TEXT,
    bank_transaction_id TEXT,
    order_id TEXT,
    pair_transaction_id TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX account_transactions_account_id_operation_date_id_idx ON account_transactions (account_id, operation_date DESC, id DESC);
CREATE INDEX account_transactions_user_id_operation_date_id_idx ON account_transactions (user_id, operation_date DESC, id DESC);
CREATE TABLE portfolios (
    id TEXT PRIMARY KEY,
    credentials_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT,
    tax_type TEXT,
    currency TEXT NOT NULL,
    balance TEXT NOT NULL,
    ref_valores TEXT,
    ref_account TEXT,
    ref_accounts TEXT,
    owners TEXT,
    seen_at DATETIME,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX portfolios_user_id_idx ON portfolios (user_id);
CREATE TABLE investments (
    id TEXT PRIMARY KEY,
    credentials_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    portfolio_id TEXT REFERENCES portfolios(id) ON DELETE SET NULL,
    provider_portfolio_id TEXT,
    name TEXT NOT NULL,
    type TEXT,
    isin TEXT,
    cusip TEXT,
    symbol TEXT,
    amount TEXT NOT NULL,
    balance TEXT NOT NULL,
    currency TEXT NOT NULL,
    cost TEXT,
    performance TEXT,
    performance_detail TEXT,
    analytics TEXT,
    interest TEXT,
    detail TEXT,
    initial_date TEXT,
    valuation_date TEXT,
    expiration_date TEXT,
    seen_at DATETIME,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX investments_portfolio_id_idx ON investments (portfolio_id);
CREATE INDEX investments_user_id_idx ON investments (user_id);
CREATE TABLE investment_transactions (
    id TEXT PRIMARY KEY,
    credentials_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    investment_id TEXT REFERENCES investments(id) ON DELETE SET NULL,
    provider_investment_id TEXT,
    isin TEXT,
    type TEXT,
    symb TEXT,
    description TEXT NOT NULL,
    amount TEXT NOT NULL,
    shares_after TEXT,
    unit_price TEXT,
    net_cash TEXT,
    commission TEXT,
    currency TEXT NOT NULL,
    operation_date TEXT NOT NULL,
    value_date TEXT,
    extra TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX investment_transactions_investment_id_operation_date_id_idx ON investment_transactions (investment_id, operation_date DESC, id DESC);
CREATE INDEX investment_transactions_user_id_idx ON investment_transactions (user_id);
CREATE TABLE liabilities (
    id TEXT PRIMARY KEY,
    credentials_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT,
    contract_number TEXT,
    balance TEXT NOT NULL,
    available_balance TEXT,
    currency TEXT NOT NULL,
    initial_capital TEXT,
    opening_date TEXT,
    expiration_date TEXT,
    periodicity TEXT,
    interest TEXT,
    seen_at DATETIME,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX liabilities_user_id_idx ON liabilities (user_id);
CREATE TABLE liability_transactions (
    id TEXT PRIMARY KEY,
    credentials_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    liability_id TEXT REFERENCES liabilities(id) ON DELETE SET NULL,
    amount TEXT NOT NULL,
    balance_after TEXT,
    currency TEXT NOT NULL,
    description TEXT NOT NULL,
    operation_date TEXT NOT NULL,
    value_date TEXT,
    interest TEXT,
    commission TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX liability_transactions_liability_id_operation_date_id_idx ON liability_transactions (liability_id, operation_date DESC, id DESC);
CREATE INDEX liability_transactions_user_id_idx ON liability_transactions (user_id);
CREATE TABLE cards (
    id TEXT PRIMARY KEY,
    credentials_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    product TEXT,
    contract_number TEXT,
    pan_last4 TEXT NOT NULL,
    card_type TEXT,
    available_balance TEXT,
    currency TEXT,
    emission_date TEXT,
    expiration_date TEXT,
    seen_at DATETIME,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX cards_user_id_idx ON cards (user_id);
CREATE TABLE card_transactions (
    id TEXT PRIMARY KEY,
    credentials_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    card_id TEXT REFERENCES cards(id) ON DELETE SET NULL,
    amount TEXT NOT NULL,
    commission TEXT,
    currency TEXT NOT NULL,
    shop TEXT,
    category TEXT,
    operation_date TEXT NOT NULL,
    value_date TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (credentials_id, provider_id)
);
CREATE INDEX card_transactions_card_id_operation_date_id_idx ON card_transactions (card_id, operation_date DESC, id DESC);
CREATE INDEX card_transactions_user_id_idx ON card_transactions (user_id);
CREATE TABLE identities (
    id TEXT PRIMARY KEY,
    credentials_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    name TEXT,
    surname1 TEXT,
    surname2 TEXT,
    full_name TEXT,
    birth_date TEXT,
    address TEXT,
    contact_info TEXT,
    document_number TEXT,
    gender TEXT,
    occupation TEXT,
    sector TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (credentials_id)
);
CREATE INDEX identities_user_id_idx ON identities (user_id);
CREATE TABLE holders (
    id TEXT PRIMARY KEY,
    credentials_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    provider_product_id TEXT NOT NULL,
    product_name TEXT,
    name TEXT NOT NULL,
    relation TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE (credentials_id, provider_product_id, name)
);
CREATE INDEX holders_user_id_idx ON holders (user_id);
CREATE TABLE mifid (
    credentials_id TEXT PRIMARY KEY REFERENCES credentials(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    raw TEXT,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
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
