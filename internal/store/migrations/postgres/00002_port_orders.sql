-- +goose Up
-- Port orders portgate tracks for events in: created through portgate
-- (callback_uri = the caller's status_callback_url, which portgate, not the
-- provider, delivers neutral events to) or seen by a callback, poller or
-- sweep. snapshot is the last state a re-read showed (JSON, internal/ingest
-- decides its shape; '' = never read); the poller re-reads the open ones.
CREATE TABLE port_orders (
    order_name   TEXT        PRIMARY KEY,
    provider     TEXT        NOT NULL,
    callback_uri TEXT        NOT NULL DEFAULT '',
    snapshot     TEXT        NOT NULL DEFAULT '',
    open         BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at   TIMESTAMPTZ NOT NULL,
    seen_at      TIMESTAMPTZ
);
CREATE INDEX port_orders_open ON port_orders (provider, order_name) WHERE open;

-- +goose Down
DROP TABLE port_orders;
