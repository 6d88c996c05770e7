-- +goose Up
-- Same schema as migrations/postgres/00002_port_orders.sql (see the
-- comments there). Times are INTEGER Unix microseconds (UTC), 0 = never.
CREATE TABLE port_orders (
    order_name   TEXT    PRIMARY KEY,
    provider     TEXT    NOT NULL,
    callback_uri TEXT    NOT NULL DEFAULT '',
    snapshot     TEXT    NOT NULL DEFAULT '',
    open         INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    seen_at      INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX port_orders_open ON port_orders (provider, order_name) WHERE open = 1;

-- +goose Down
DROP TABLE port_orders;
