package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Delivery statuses (DeliveryAttempt.Status).
const (
	DeliverySucceeded = "succeeded"
	DeliveryFailed    = "failed"  // River retries at NextAttemptAt
	DeliveryGaveUp    = "gave_up" // failed, no more attempts
)

// providerOf reads p from providers/{p}/portOrders/{id}.
func providerOf(orderName string) string {
	rest, _ := strings.CutPrefix(orderName, "providers/")
	p, _, _ := strings.Cut(rest, "/")
	return p
}

// SQLite.

func (s *sqliteStore) OrderCallback(ctx context.Context, orderName string) (string, error) {
	var uri string
	err := s.db.QueryRowContext(ctx, `SELECT callback_uri FROM port_orders WHERE order_name = ?`, orderName).Scan(&uri)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && uri == "") {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: order callback: %w", err)
	}
	return uri, nil
}

func (s *sqliteStore) AcquireDeliveryLease(ctx context.Context, owner string, now, until time.Time) (int64, bool, error) {
	var last int64
	err := s.db.QueryRowContext(ctx, `UPDATE event_delivery_cursor SET owner = ?, lease_until = ?
		WHERE id = 1 AND (owner = ? OR lease_until <= ?) RETURNING last_seq`, owner, micros(until), owner, micros(now)).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: delivery lease: %w", err)
	}
	return last, true, nil
}

func (s *sqliteStore) AdvanceDeliveryCursor(ctx context.Context, owner string, seq int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE event_delivery_cursor SET last_seq = MAX(last_seq, ?) WHERE id = 1 AND owner = ?`, seq, owner)
	return owned(res, err, "advance delivery cursor")
}

// PostgreSQL.

func (s *pgStore) OrderCallback(ctx context.Context, orderName string) (string, error) {
	var uri string
	err := s.pool.QueryRow(ctx, `SELECT callback_uri FROM port_orders WHERE order_name = $1`, orderName).Scan(&uri)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && uri == "") {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: order callback: %w", err)
	}
	return uri, nil
}

func (s *pgStore) AcquireDeliveryLease(ctx context.Context, owner string, now, until time.Time) (int64, bool, error) {
	var last int64
	err := s.pool.QueryRow(ctx, `UPDATE event_delivery_cursor SET owner = $1, lease_until = $2
		WHERE id = 1 AND (owner = $1 OR lease_until <= $3) RETURNING last_seq`, owner, until, now).Scan(&last)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: delivery lease: %w", err)
	}
	return last, true, nil
}

func (s *pgStore) AdvanceDeliveryCursor(ctx context.Context, owner string, seq int64) error {
	tag, err := s.pool.Exec(ctx, `UPDATE event_delivery_cursor SET last_seq = GREATEST(last_seq, $1) WHERE id = 1 AND owner = $2`, seq, owner)
	return pgOwned(tag, err, "advance delivery cursor")
}

func (s *sqliteStore) LastEventSeq(ctx context.Context) (int64, error) {
	var last int64
	if err := s.db.QueryRowContext(ctx, `SELECT last FROM event_sequence WHERE id = 1`).Scan(&last); err != nil {
		return 0, fmt.Errorf("store: last event sequence: %w", err)
	}
	return last, nil
}

func (s *pgStore) LastEventSeq(ctx context.Context) (int64, error) {
	var last int64
	if err := s.pool.QueryRow(ctx, `SELECT last FROM event_sequence WHERE id = 1`).Scan(&last); err != nil {
		return 0, fmt.Errorf("store: last event sequence: %w", err)
	}
	return last, nil
}
