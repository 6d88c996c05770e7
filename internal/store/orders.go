package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

func checkListLimit(limit int) error {
	if limit < 1 || limit > MaxListLimit {
		return fmt.Errorf("store: list limit %d outside 1..%d", limit, MaxListLimit)
	}
	return nil
}

// trackSQL inserts an order's row or sets its callback_uri; with keep (the
// first placeholder after the values) an empty URL keeps the stored one.
const trackSQL = `INSERT INTO port_orders (order_name, provider, callback_uri, created_at) VALUES (%[1]s)
	ON CONFLICT (order_name) DO UPDATE SET callback_uri = CASE WHEN %[2]s AND excluded.callback_uri = '' THEN port_orders.callback_uri ELSE excluded.callback_uri END`

func (s *sqliteStore) TrackOrder(ctx context.Context, orderName, provider, callbackURI string, now time.Time) error {
	return s.trackOrder(ctx, orderName, provider, callbackURI, now, true)
}

func (s *sqliteStore) SetOrderCallback(ctx context.Context, orderName, uri string) error {
	return s.trackOrder(ctx, orderName, providerOf(orderName), uri, time.Now(), false)
}

func (s *sqliteStore) trackOrder(ctx context.Context, orderName, provider, callbackURI string, now time.Time, keep bool) error {
	_, err := s.db.ExecContext(ctx, fmt.Sprintf(trackSQL, "?, ?, ?, ?", "?"), orderName, provider, callbackURI, micros(now), keep)
	if err != nil {
		return fmt.Errorf("store: track order: %w", err)
	}
	return nil
}

func (s *sqliteStore) PutSnapshot(ctx context.Context, orderName, provider string, snapshot []byte, open bool, seenAt time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO port_orders (order_name, provider, snapshot, open, created_at, seen_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (order_name) DO UPDATE SET snapshot = excluded.snapshot, open = excluded.open, seen_at = excluded.seen_at`,
		orderName, provider, string(snapshot), open, micros(seenAt), micros(seenAt))
	if err != nil {
		return fmt.Errorf("store: put snapshot: %w", err)
	}
	return nil
}

const orderCols = `order_name, provider, callback_uri, snapshot, open, created_at, seen_at`

// rows is what database/sql and pgx row sets have in common.
type rows interface {
	Next() bool
	Err() error
	Scan(...any) error
}

// collect reads every row of rs with scan (the caller closes rs); a scan
// failure is reported as "store: WHAT: ...", rs.Err as it is.
func collect[T any](rs rows, scan func(interface{ Scan(...any) error }) (T, error), what string) ([]T, error) {
	out := []T{}
	for rs.Next() {
		v, err := scan(rs)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	return out, rs.Err()
}

func scanSQLiteOrder(sc interface{ Scan(...any) error }) (TrackedOrder, error) {
	var o TrackedOrder
	var snap string
	var created, seen int64
	if err := sc.Scan(&o.OrderName, &o.Provider, &o.CallbackURI, &snap, &o.Open, &created, &seen); err != nil {
		return TrackedOrder{}, err
	}
	if snap != "" {
		o.Snapshot = []byte(snap)
	}
	o.CreatedAt, o.SeenAt = fromMicros(created), fromMicros(seen)
	return o, nil
}

func (s *sqliteStore) GetTrackedOrder(ctx context.Context, orderName string) (TrackedOrder, error) {
	o, err := scanSQLiteOrder(s.db.QueryRowContext(ctx, `SELECT `+orderCols+` FROM port_orders WHERE order_name = ?`, orderName))
	if errors.Is(err, sql.ErrNoRows) {
		return TrackedOrder{}, ErrNotFound
	}
	if err != nil {
		return TrackedOrder{}, fmt.Errorf("store: get tracked order: %w", err)
	}
	return o, nil
}

func (s *sqliteStore) ListOpenOrders(ctx context.Context, provider, after string, limit int) ([]TrackedOrder, error) {
	if err := checkListLimit(limit); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+orderCols+` FROM port_orders WHERE open = 1 AND provider = ? AND order_name > ?
		ORDER BY order_name LIMIT ?`, provider, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list open orders: %w", err)
	}
	defer rows.Close()
	return collect(rows, scanSQLiteOrder, "list open orders")
}

func (s *pgStore) TrackOrder(ctx context.Context, orderName, provider, callbackURI string, now time.Time) error {
	return s.trackOrder(ctx, orderName, provider, callbackURI, now, true)
}

func (s *pgStore) SetOrderCallback(ctx context.Context, orderName, uri string) error {
	return s.trackOrder(ctx, orderName, providerOf(orderName), uri, time.Now(), false)
}

func (s *pgStore) trackOrder(ctx context.Context, orderName, provider, callbackURI string, now time.Time, keep bool) error {
	_, err := s.pool.Exec(ctx, fmt.Sprintf(trackSQL, "$1, $2, $3, $4", "$5::boolean"), orderName, provider, callbackURI, now, keep)
	if err != nil {
		return fmt.Errorf("store: track order: %w", err)
	}
	return nil
}

func (s *pgStore) PutSnapshot(ctx context.Context, orderName, provider string, snapshot []byte, open bool, seenAt time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO port_orders (order_name, provider, snapshot, open, created_at, seen_at) VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (order_name) DO UPDATE SET snapshot = excluded.snapshot, open = excluded.open, seen_at = excluded.seen_at`,
		orderName, provider, string(snapshot), open, seenAt)
	if err != nil {
		return fmt.Errorf("store: put snapshot: %w", err)
	}
	return nil
}

func scanPgOrder(sc interface{ Scan(...any) error }) (TrackedOrder, error) {
	var o TrackedOrder
	var snap string
	var seen *time.Time
	if err := sc.Scan(&o.OrderName, &o.Provider, &o.CallbackURI, &snap, &o.Open, &o.CreatedAt, &seen); err != nil {
		return TrackedOrder{}, err
	}
	if snap != "" {
		o.Snapshot = []byte(snap)
	}
	o.CreatedAt = o.CreatedAt.UTC()
	if seen != nil {
		o.SeenAt = seen.UTC()
	}
	return o, nil
}

func (s *pgStore) GetTrackedOrder(ctx context.Context, orderName string) (TrackedOrder, error) {
	o, err := scanPgOrder(s.pool.QueryRow(ctx, `SELECT `+orderCols+` FROM port_orders WHERE order_name = $1`, orderName))
	if errors.Is(err, pgx.ErrNoRows) {
		return TrackedOrder{}, ErrNotFound
	}
	if err != nil {
		return TrackedOrder{}, fmt.Errorf("store: get tracked order: %w", err)
	}
	return o, nil
}

func (s *pgStore) ListOpenOrders(ctx context.Context, provider, after string, limit int) ([]TrackedOrder, error) {
	if err := checkListLimit(limit); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+orderCols+` FROM port_orders WHERE open AND provider = $1 AND order_name > $2
		ORDER BY order_name LIMIT $3`, provider, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list open orders: %w", err)
	}
	defer rows.Close()
	return collect(rows, scanPgOrder, "list open orders")
}
