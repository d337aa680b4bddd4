-- +goose Up
-- Provider fields the graph dropped although clients ask for them (issue 9):
-- every object's provider external_id (the provider's id of the object
-- derived from the connection's external id), an investment's nominal flag
-- and markets, an investment movement's exchange rate and bank ids, a
-- liability's initial-capital currency and limit (credit_limit: LIMIT is a
-- reserved word), a liability movement's balance currency and credit
-- account, and the status's last transaction date. All nullable: rows
-- cached before this migration get them at their next refresh.
ALTER TABLE accounts ADD COLUMN external_id text;
ALTER TABLE account_transactions ADD COLUMN external_id text;
ALTER TABLE portfolios ADD COLUMN external_id text;
ALTER TABLE investments ADD COLUMN is_nominal boolean;
ALTER TABLE investments ADD COLUMN market text;
ALTER TABLE investments ADD COLUMN operating_market text;
ALTER TABLE investments ADD COLUMN external_id text;
ALTER TABLE investment_transactions ADD COLUMN exchange_rate numeric;
ALTER TABLE investment_transactions ADD COLUMN bank_transaction_id text;
ALTER TABLE investment_transactions ADD COLUMN order_id text;
ALTER TABLE investment_transactions ADD COLUMN pair_transaction_id text;
ALTER TABLE investment_transactions ADD COLUMN external_id text;
ALTER TABLE liabilities ADD COLUMN initial_capital_currency text;
ALTER TABLE liabilities ADD COLUMN credit_limit numeric;
ALTER TABLE liabilities ADD COLUMN external_id text;
ALTER TABLE liability_transactions ADD COLUMN balance_currency text;
ALTER TABLE liability_transactions ADD COLUMN credit_account text;
ALTER TABLE liability_transactions ADD COLUMN external_id text;
ALTER TABLE cards ADD COLUMN external_id text;
ALTER TABLE card_transactions ADD COLUMN external_id text;
ALTER TABLE credentials ADD COLUMN last_transaction_date date;

-- +goose Down
ALTER TABLE credentials DROP COLUMN last_transaction_date;
ALTER TABLE card_transactions DROP COLUMN external_id;
ALTER TABLE cards DROP COLUMN external_id;
ALTER TABLE liability_transactions DROP COLUMN external_id;
ALTER TABLE liability_transactions DROP COLUMN credit_account;
ALTER TABLE liability_transactions DROP COLUMN balance_currency;
ALTER TABLE liabilities DROP COLUMN external_id;
ALTER TABLE liabilities DROP COLUMN credit_limit;
ALTER TABLE liabilities DROP COLUMN initial_capital_currency;
ALTER TABLE investment_transactions DROP COLUMN external_id;
ALTER TABLE investment_transactions DROP COLUMN pair_transaction_id;
ALTER TABLE investment_transactions DROP COLUMN order_id;
ALTER TABLE investment_transactions DROP COLUMN bank_transaction_id;
ALTER TABLE investment_transactions DROP COLUMN exchange_rate;
ALTER TABLE investments DROP COLUMN external_id;
ALTER TABLE investments DROP COLUMN operating_market;
ALTER TABLE investments DROP COLUMN market;
ALTER TABLE investments DROP COLUMN is_nominal;
ALTER TABLE portfolios DROP COLUMN external_id;
ALTER TABLE account_transactions DROP COLUMN external_id;
ALTER TABLE accounts DROP COLUMN external_id;
