-- +goose Up
-- Number orders portgate keeps itself because the provider has none
-- (Flowroute sells one number per request): order_name is
-- providers/{p}/numberOrders/{id}, snapshot the order as JSON (the service
-- decides its shape). The service writes it before the first purchase and
-- again before and after each number's purchase, so a crash between
-- purchases never loses which numbers were bought (see README "Buy and
-- release numbers", recovery).
CREATE TABLE number_orders (
    order_name TEXT        PRIMARY KEY,
    provider   TEXT        NOT NULL,
    snapshot   TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX number_orders_provider ON number_orders (provider, order_name);

-- +goose Down
DROP TABLE number_orders;
