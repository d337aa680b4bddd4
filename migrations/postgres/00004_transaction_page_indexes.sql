-- +goose Up
-- Pages of a parent's transactions filter on the parent AND the owner
-- (user_id, a second check behind the parent's own authorization) and sort
-- by date. With the owner outside the index, SQLite preferred the
-- (user_id, date) index and walked the user's whole history per page; with
-- both equalities in the prefix, a page reads just its rows in order.
DROP INDEX account_transactions_account_id_operation_date_id_idx;
CREATE INDEX account_transactions_account_id_user_page_idx ON account_transactions (account_id, user_id, operation_date DESC, id DESC);
DROP INDEX investment_transactions_investment_id_operation_date_id_idx;
CREATE INDEX investment_transactions_investment_id_user_page_idx ON investment_transactions (investment_id, user_id, operation_date DESC, id DESC);
DROP INDEX liability_transactions_liability_id_operation_date_id_idx;
CREATE INDEX liability_transactions_liability_id_user_page_idx ON liability_transactions (liability_id, user_id, operation_date DESC, id DESC);
DROP INDEX card_transactions_card_id_operation_date_id_idx;
CREATE INDEX card_transactions_card_id_user_page_idx ON card_transactions (card_id, user_id, operation_date DESC, id DESC);

-- +goose Down
DROP INDEX account_transactions_account_id_user_page_idx;
CREATE INDEX account_transactions_account_id_operation_date_id_idx ON account_transactions (account_id, operation_date DESC, id DESC);
DROP INDEX investment_transactions_investment_id_user_page_idx;
CREATE INDEX investment_transactions_investment_id_operation_date_id_idx ON investment_transactions (investment_id, operation_date DESC, id DESC);
DROP INDEX liability_transactions_liability_id_user_page_idx;
CREATE INDEX liability_transactions_liability_id_operation_date_id_idx ON liability_transactions (liability_id, operation_date DESC, id DESC);
DROP INDEX card_transactions_card_id_user_page_idx;
CREATE INDEX card_transactions_card_id_operation_date_id_idx ON card_transactions (card_id, operation_date DESC, id DESC);
