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
	DeliveryFailed    = "failed"  // another attempt is due at NextAttemptAt
	DeliveryGaveUp    = "gave_up" // failed, no more attempts
)

const dueQuery = `SELECT d.id, d.event_seq, d.target_url, d.attempt, d.status, d.http_status, d.error, d.attempted_at, d.next_attempt_at
	FROM event_deliveries d
	WHERE d.next_attempt_at IS NOT NULL AND d.next_attempt_at <= %s
	  AND NOT EXISTS (SELECT 1 FROM event_deliveries n WHERE n.event_seq = d.event_seq AND n.target_url = d.target_url AND n.id > d.id)
	ORDER BY d.next_attempt_at, d.id LIMIT %s`

// providerOf reads p from providers/{p}/portOrders/{id}.
func providerOf(orderName string) string {
	rest, _ := strings.CutPrefix(orderName, "providers/")
	p, _, _ := strings.Cut(rest, "/")
	return p
}

// SQLite.

func (s *sqliteStore) SetOrderCallback(ctx context.Context, orderName, uri string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO port_orders (order_name, provider, callback_uri, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (order_name) DO UPDATE SET callback_uri = excluded.callback_uri`, orderName, providerOf(orderName), uri, micros(time.Now()))
	if err != nil {
		return fmt.Errorf("store: set order callback: %w", err)
	}
	return nil
}

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

func (s *sqliteStore) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]DeliveryAttempt, error) {
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(dueQuery, "?", "?"), micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due deliveries: %w", err)
	}
	defer rows.Close()
	out := []DeliveryAttempt{}
	for rows.Next() {
		var d DeliveryAttempt
		var at int64
		var next sql.NullInt64
		if err := rows.Scan(&d.ID, &d.EventSeq, &d.TargetURL, &d.Attempt, &d.Status, &d.HTTPStatus, &d.Error, &at, &next); err != nil {
			return nil, fmt.Errorf("store: due deliveries: %w", err)
		}
		d.AttemptedAt = fromMicros(at)
		if next.Valid {
			d.NextAttemptAt = fromMicros(next.Int64)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// PostgreSQL.

func (s *pgStore) SetOrderCallback(ctx context.Context, orderName, uri string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO port_orders (order_name, provider, callback_uri, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (order_name) DO UPDATE SET callback_uri = excluded.callback_uri`, orderName, providerOf(orderName), uri, time.Now())
	if err != nil {
		return fmt.Errorf("store: set order callback: %w", err)
	}
	return nil
}

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

func (s *pgStore) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]DeliveryAttempt, error) {
	rows, err := s.pool.Query(ctx, fmt.Sprintf(dueQuery, "$1", "$2"), now, limit)
	if err != nil {
		return nil, fmt.Errorf("store: due deliveries: %w", err)
	}
	defer rows.Close()
	out := []DeliveryAttempt{}
	for rows.Next() {
		var d DeliveryAttempt
		var next *time.Time
		if err := rows.Scan(&d.ID, &d.EventSeq, &d.TargetURL, &d.Attempt, &d.Status, &d.HTTPStatus, &d.Error, &d.AttemptedAt, &next); err != nil {
			return nil, fmt.Errorf("store: due deliveries: %w", err)
		}
		d.AttemptedAt = utc(d.AttemptedAt)
		if next != nil {
			d.NextAttemptAt = next.UTC()
		}
		out = append(out, d)
	}
	return out, rows.Err()
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
