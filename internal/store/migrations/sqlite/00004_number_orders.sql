-- +goose Up
-- Same schema as migrations/postgres/00004_number_orders.sql (see the
-- comments there). Times are INTEGER Unix microseconds (UTC).
CREATE TABLE number_orders (
    order_name TEXT    PRIMARY KEY,
    provider   TEXT    NOT NULL,
    snapshot   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX number_orders_provider ON number_orders (provider, order_name);

-- +goose Down
DROP TABLE number_orders;
