-- +goose Up
-- Idempotency records (AIP-155 request_id). One row per (caller scope,
-- request_id); request_hash is SHA-256 over the method and the canonical
-- request bytes without request_id. state: in_progress (claimed by token
-- until lease_until) or done (code/outcome hold the first call's answer).
-- resource_id is the provider resource a create produced, recorded as soon
-- as the provider accepted it.
CREATE TABLE idempotency (
    scope        TEXT        NOT NULL,
    request_id   TEXT        NOT NULL,
    method       TEXT        NOT NULL,
    request_hash BYTEA       NOT NULL,
    state        TEXT        NOT NULL CHECK (state IN ('in_progress', 'done')),
    token        TEXT        NOT NULL DEFAULT '',
    lease_until  TIMESTAMPTZ NOT NULL,
    resource_id  TEXT        NOT NULL DEFAULT '',
    code         INTEGER     NOT NULL DEFAULT 0,
    outcome      BYTEA,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, request_id)
);
CREATE INDEX idempotency_expires ON idempotency (expires_at);

-- The per-deployment event sequence: one row, bumped in the appending
-- transaction, so sequences are contiguous and commit in order.
CREATE TABLE event_sequence (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    last BIGINT  NOT NULL
);
INSERT INTO event_sequence (id, last) VALUES (1, 0);

-- Port order events, from webhooks, re-reads and sweeps. (provider,
-- event_id) is unique: the same provider event received twice (webhook and
-- sweep, or a redelivery) is stored once. This is the webhook inbox dedupe.
CREATE TABLE port_order_events (
    seq         BIGINT      PRIMARY KEY,
    provider    TEXT        NOT NULL,
    event_id    TEXT        NOT NULL,
    order_name  TEXT        NOT NULL,
    type        TEXT        NOT NULL,
    payload     JSONB       NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    UNIQUE (provider, event_id)
);
CREATE INDEX port_order_events_order ON port_order_events (order_name, seq);

-- Outbound delivery log: one row per attempt to POST an event to a target.
CREATE TABLE event_deliveries (
    id              BIGSERIAL   PRIMARY KEY,
    event_seq       BIGINT      NOT NULL REFERENCES port_order_events (seq) ON DELETE CASCADE,
    target_url      TEXT        NOT NULL,
    attempt         INTEGER     NOT NULL,
    status          TEXT        NOT NULL,
    http_status     INTEGER     NOT NULL DEFAULT 0,
    error           TEXT        NOT NULL DEFAULT '',
    attempted_at    TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ
);
CREATE INDEX event_deliveries_event ON event_deliveries (event_seq, id);
CREATE INDEX event_deliveries_due ON event_deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;

-- +goose Down
DROP TABLE event_deliveries;
DROP TABLE port_order_events;
DROP TABLE event_sequence;
DROP TABLE idempotency;
