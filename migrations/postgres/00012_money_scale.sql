-- +goose Up
-- Money keeps the scale the provider served it with: 2150.00 is stored as
-- 2150.00 and answered as "2150.00". numeric(38,10) padded every value to
-- ten decimals, so the scale was lost and the API could only trim zeros
-- ("2150"). Unconstrained numeric stores each value with its own scale
-- and compares numerically as before; sums keep the largest scale of
-- their terms. Values already stored have lost their scale: they are
-- trimmed here (a numeric(38,10) text always has a point, so trimming
-- zeros then the point is exact), as the API showed them, and get the
-- provider's scale back at their next refresh, which rewrites a value
-- whose scale changed.
ALTER TABLE accounts
    ALTER COLUMN balance TYPE numeric USING rtrim(rtrim(balance::text, '0'), '.')::numeric;

ALTER TABLE account_transactions
    ALTER COLUMN amount TYPE numeric USING rtrim(rtrim(amount::text, '0'), '.')::numeric,
    ALTER COLUMN balance_after TYPE numeric USING rtrim(rtrim(balance_after::text, '0'), '.')::numeric;

ALTER TABLE portfolios
    ALTER COLUMN balance TYPE numeric USING rtrim(rtrim(balance::text, '0'), '.')::numeric;

ALTER TABLE investments
    ALTER COLUMN amount TYPE numeric USING rtrim(rtrim(amount::text, '0'), '.')::numeric,
    ALTER COLUMN balance TYPE numeric USING rtrim(rtrim(balance::text, '0'), '.')::numeric,
    ALTER COLUMN cost TYPE numeric USING rtrim(rtrim(cost::text, '0'), '.')::numeric,
    ALTER COLUMN performance TYPE numeric USING rtrim(rtrim(performance::text, '0'), '.')::numeric;

ALTER TABLE investment_transactions
    ALTER COLUMN amount TYPE numeric USING rtrim(rtrim(amount::text, '0'), '.')::numeric,
    ALTER COLUMN shares_after TYPE numeric USING rtrim(rtrim(shares_after::text, '0'), '.')::numeric,
    ALTER COLUMN unit_price TYPE numeric USING rtrim(rtrim(unit_price::text, '0'), '.')::numeric,
    ALTER COLUMN net_cash TYPE numeric USING rtrim(rtrim(net_cash::text, '0'), '.')::numeric,
    ALTER COLUMN commission TYPE numeric USING rtrim(rtrim(commission::text, '0'), '.')::numeric;

ALTER TABLE liabilities
    ALTER COLUMN balance TYPE numeric USING rtrim(rtrim(balance::text, '0'), '.')::numeric,
    ALTER COLUMN available_balance TYPE numeric USING rtrim(rtrim(available_balance::text, '0'), '.')::numeric,
    ALTER COLUMN initial_capital TYPE numeric USING rtrim(rtrim(initial_capital::text, '0'), '.')::numeric;

ALTER TABLE liability_transactions
    ALTER COLUMN amount TYPE numeric USING rtrim(rtrim(amount::text, '0'), '.')::numeric,
    ALTER COLUMN balance_after TYPE numeric USING rtrim(rtrim(balance_after::text, '0'), '.')::numeric,
    ALTER COLUMN interest TYPE numeric USING rtrim(rtrim(interest::text, '0'), '.')::numeric,
    ALTER COLUMN commission TYPE numeric USING rtrim(rtrim(commission::text, '0'), '.')::numeric;

ALTER TABLE cards
    ALTER COLUMN available_balance TYPE numeric USING rtrim(rtrim(available_balance::text, '0'), '.')::numeric;

ALTER TABLE card_transactions
    ALTER COLUMN amount TYPE numeric USING rtrim(rtrim(amount::text, '0'), '.')::numeric,
    ALTER COLUMN commission TYPE numeric USING rtrim(rtrim(commission::text, '0'), '.')::numeric;

-- +goose Down
ALTER TABLE accounts
    ALTER COLUMN balance TYPE numeric(38,10);

ALTER TABLE account_transactions
    ALTER COLUMN amount TYPE numeric(38,10),
    ALTER COLUMN balance_after TYPE numeric(38,10);

ALTER TABLE portfolios
    ALTER COLUMN balance TYPE numeric(38,10);

ALTER TABLE investments
    ALTER COLUMN amount TYPE numeric(38,10),
    ALTER COLUMN balance TYPE numeric(38,10),
    ALTER COLUMN cost TYPE numeric(38,10),
    ALTER COLUMN performance TYPE numeric(38,10);

ALTER TABLE investment_transactions
    ALTER COLUMN amount TYPE numeric(38,10),
    ALTER COLUMN shares_after TYPE numeric(38,10),
    ALTER COLUMN unit_price TYPE numeric(38,10),
    ALTER COLUMN net_cash TYPE numeric(38,10),
    ALTER COLUMN commission TYPE numeric(38,10);

ALTER TABLE liabilities
    ALTER COLUMN balance TYPE numeric(38,10),
    ALTER COLUMN available_balance TYPE numeric(38,10),
    ALTER COLUMN initial_capital TYPE numeric(38,10);

ALTER TABLE liability_transactions
    ALTER COLUMN amount TYPE numeric(38,10),
    ALTER COLUMN balance_after TYPE numeric(38,10),
    ALTER COLUMN interest TYPE numeric(38,10),
    ALTER COLUMN commission TYPE numeric(38,10);

ALTER TABLE cards
    ALTER COLUMN available_balance TYPE numeric(38,10);

ALTER TABLE card_transactions
    ALTER COLUMN amount TYPE numeric(38,10),
    ALTER COLUMN commission TYPE numeric(38,10);
