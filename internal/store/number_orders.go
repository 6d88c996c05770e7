package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// NumberOrderRecord is one row of the number_orders table: an order
// portgate keeps because the provider keeps none (issue 14, slice buy).
type NumberOrderRecord struct {
	OrderName string // providers/{p}/numberOrders/{id}
	Provider  string
	Snapshot  []byte // the order as JSON (the service's shape)
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NumberOrders is the part of a Store that keeps synthesized number
// orders. Both store implementations provide it.
type NumberOrders interface {
	// PutNumberOrder inserts the order or replaces its snapshot and
	// updated_at (created_at is kept from the first write).
	PutNumberOrder(ctx context.Context, rec NumberOrderRecord) error
	// GetNumberOrder returns the order, or ErrNotFound.
	GetNumberOrder(ctx context.Context, orderName string) (NumberOrderRecord, error)
	// ListNumberOrders returns up to limit (1..MaxListLimit) orders of
	// provider with order_name > after, ascending by order_name.
	ListNumberOrders(ctx context.Context, provider, after string, limit int) ([]NumberOrderRecord, error)
}

var (
	_ NumberOrders = (*sqliteStore)(nil)
	_ NumberOrders = (*pgStore)(nil)
)

const numberOrderCols = `order_name, provider, snapshot, created_at, updated_at`

func (s *sqliteStore) PutNumberOrder(ctx context.Context, rec NumberOrderRecord) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO number_orders (`+numberOrderCols+`) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (order_name) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at`,
		rec.OrderName, rec.Provider, string(rec.Snapshot), micros(rec.CreatedAt), micros(rec.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: put number order: %w", err)
	}
	return nil
}

func scanSQLiteNumberOrder(sc interface{ Scan(...any) error }) (NumberOrderRecord, error) {
	var r NumberOrderRecord
	var snap string
	var created, updated int64
	if err := sc.Scan(&r.OrderName, &r.Provider, &snap, &created, &updated); err != nil {
		return NumberOrderRecord{}, err
	}
	r.Snapshot, r.CreatedAt, r.UpdatedAt = []byte(snap), fromMicros(created), fromMicros(updated)
	return r, nil
}

func (s *sqliteStore) GetNumberOrder(ctx context.Context, orderName string) (NumberOrderRecord, error) {
	r, err := scanSQLiteNumberOrder(s.db.QueryRowContext(ctx, `SELECT `+numberOrderCols+` FROM number_orders WHERE order_name = ?`, orderName))
	if errors.Is(err, sql.ErrNoRows) {
		return NumberOrderRecord{}, ErrNotFound
	}
	if err != nil {
		return NumberOrderRecord{}, fmt.Errorf("store: get number order: %w", err)
	}
	return r, nil
}

func (s *sqliteStore) ListNumberOrders(ctx context.Context, provider, after string, limit int) ([]NumberOrderRecord, error) {
	if err := checkListLimit(limit); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+numberOrderCols+` FROM number_orders WHERE provider = ? AND order_name > ?
		ORDER BY order_name LIMIT ?`, provider, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list number orders: %w", err)
	}
	defer rows.Close()
	return collect(rows, scanSQLiteNumberOrder, "list number orders")
}

func (s *pgStore) PutNumberOrder(ctx context.Context, rec NumberOrderRecord) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO number_orders (`+numberOrderCols+`) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (order_name) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at`,
		rec.OrderName, rec.Provider, string(rec.Snapshot), rec.CreatedAt.UTC().Truncate(time.Microsecond), rec.UpdatedAt.UTC().Truncate(time.Microsecond))
	if err != nil {
		return fmt.Errorf("store: put number order: %w", err)
	}
	return nil
}

func scanPgNumberOrder(sc interface{ Scan(...any) error }) (NumberOrderRecord, error) {
	var r NumberOrderRecord
	var snap string
	if err := sc.Scan(&r.OrderName, &r.Provider, &snap, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return NumberOrderRecord{}, err
	}
	r.Snapshot, r.CreatedAt, r.UpdatedAt = []byte(snap), r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, nil
}

func (s *pgStore) GetNumberOrder(ctx context.Context, orderName string) (NumberOrderRecord, error) {
	r, err := scanPgNumberOrder(s.pool.QueryRow(ctx, `SELECT `+numberOrderCols+` FROM number_orders WHERE order_name = $1`, orderName))
	if errors.Is(err, pgx.ErrNoRows) {
		return NumberOrderRecord{}, ErrNotFound
	}
	if err != nil {
		return NumberOrderRecord{}, fmt.Errorf("store: get number order: %w", err)
	}
	return r, nil
}

func (s *pgStore) ListNumberOrders(ctx context.Context, provider, after string, limit int) ([]NumberOrderRecord, error) {
	if err := checkListLimit(limit); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+numberOrderCols+` FROM number_orders WHERE provider = $1 AND order_name > $2
		ORDER BY order_name LIMIT $3`, provider, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list number orders: %w", err)
	}
	defer rows.Close()
	return collect(rows, scanPgNumberOrder, "list number orders")
}
