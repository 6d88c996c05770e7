-- +goose Up
-- Same schema as migrations/postgres/00001_init.sql (see the comments
-- there). Times are INTEGER Unix microseconds (UTC); payload is JSON text.
CREATE TABLE idempotency (
    scope        TEXT    NOT NULL,
    request_id   TEXT    NOT NULL,
    method       TEXT    NOT NULL,
    request_hash BLOB    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('in_progress', 'done')),
    token        TEXT    NOT NULL DEFAULT '',
    lease_until  INTEGER NOT NULL,
    resource_id  TEXT    NOT NULL DEFAULT '',
    code         INTEGER NOT NULL DEFAULT 0,
    outcome      BLOB,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    PRIMARY KEY (scope, request_id)
) WITHOUT ROWID;
CREATE INDEX idempotency_expires ON idempotency (expires_at);

CREATE TABLE event_sequence (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
);
INSERT INTO event_sequence (id, last) VALUES (1, 0);

CREATE TABLE port_order_events (
    seq         INTEGER PRIMARY KEY,
    provider    TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    order_name  TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    payload     TEXT    NOT NULL CHECK (json_valid(payload)),
    occurred_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (provider, event_id)
);
CREATE INDEX port_order_events_order ON port_order_events (order_name, seq);

CREATE TABLE event_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_seq       INTEGER NOT NULL REFERENCES port_order_events (seq) ON DELETE CASCADE,
    target_url      TEXT    NOT NULL,
    attempt         INTEGER NOT NULL,
    status          TEXT    NOT NULL,
    http_status     INTEGER NOT NULL DEFAULT 0,
    error           TEXT    NOT NULL DEFAULT '',
    attempted_at    INTEGER NOT NULL,
    next_attempt_at INTEGER
);
CREATE INDEX event_deliveries_event ON event_deliveries (event_seq, id);
CREATE INDEX event_deliveries_due ON event_deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;

-- +goose Down
DROP TABLE event_deliveries;
DROP TABLE port_order_events;
DROP TABLE event_sequence;
DROP TABLE idempotency;
