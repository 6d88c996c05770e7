-- +goose Up
-- Outbound delivery cursor: the last event sequence whose first delivery
-- attempts were made, and the dispatcher holding the lease (one replica
-- delivers at a time).
CREATE TABLE event_delivery_cursor (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq    INTEGER NOT NULL,
    owner       TEXT    NOT NULL DEFAULT '',
    lease_until INTEGER NOT NULL DEFAULT 0
);
INSERT INTO event_delivery_cursor (id, last_seq) VALUES (1, 0);

-- +goose Down
DROP TABLE event_delivery_cursor;
