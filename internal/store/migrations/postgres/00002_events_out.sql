-- +goose Up
-- The caller's callback URL per port order (status_callback_url on
-- create): portgate POSTs the order's neutral events there.
CREATE TABLE port_order_callbacks (
    order_name   TEXT PRIMARY KEY,
    callback_uri TEXT NOT NULL
);

-- Outbound delivery cursor: the last event sequence whose first delivery
-- attempts were made, and the dispatcher holding the lease (one replica
-- delivers at a time).
CREATE TABLE event_delivery_cursor (
    id          INTEGER     PRIMARY KEY CHECK (id = 1),
    last_seq    BIGINT      NOT NULL,
    owner       TEXT        NOT NULL DEFAULT '',
    lease_until TIMESTAMPTZ NOT NULL DEFAULT 'epoch'
);
INSERT INTO event_delivery_cursor (id, last_seq) VALUES (1, 0);

-- +goose Down
DROP TABLE event_delivery_cursor;
DROP TABLE port_order_callbacks;
