package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // pure-Go SQLite driver "sqlite"
)

// SQLite settings: WAL so readers never wait for the writer, a busy timeout
// so concurrent writers queue instead of failing with SQLITE_BUSY, and
// IMMEDIATE transactions so a transaction takes the write lock up front.
const (
	sqliteBusyTimeout = 10 * time.Second
	sqliteMaxConns    = 8
)

type sqliteStore struct {
	db   *sql.DB
	feed feed
}

// OpenSQLite opens (creating if missing) the SQLite database at path and
// migrates it; path "" is a private in-memory database.
func OpenSQLite(ctx context.Context, path string) (Store, error) {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	dsn := "file::memory:"
	if path != "" {
		q.Add("_pragma", "journal_mode(WAL)")
		dsn = "file:" + (&url.URL{Path: path}).EscapedPath()
	}
	db, err := sql.Open("sqlite", dsn+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: sqlite: %w", err)
	}
	if path == "" {
		// Every connection to ":memory:" is its own database: keep one.
		db.SetMaxOpenConns(1)
		db.SetConnMaxIdleTime(0)
		db.SetConnMaxLifetime(0)
	} else {
		db.SetMaxOpenConns(sqliteMaxConns)
	}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store: sqlite %s: %w", path, err)
	}
	if err := migrate(ctx, db, goose.DialectSQLite3, "sqlite"); err != nil {
		_ = db.Close()
		return nil, err
	}
	return &sqliteStore{db: db}, nil
}

func (s *sqliteStore) Dialect() string { return "sqlite" }
func (s *sqliteStore) Close() error    { return s.db.Close() }

const sqliteIdemCols = `scope, request_id, method, request_hash, state, token, lease_until, resource_id, code, outcome, created_at, expires_at`

func (s *sqliteStore) Claim(ctx context.Context, rec IdemRecord, now time.Time) (IdemRecord, error) {
	for range 5 {
		res, err := s.db.ExecContext(ctx, `INSERT INTO idempotency (`+sqliteIdemCols+`)
			VALUES (?, ?, ?, ?, 'in_progress', ?, ?, '', 0, NULL, ?, ?)
			ON CONFLICT (scope, request_id) DO NOTHING`,
			rec.Key.Scope, rec.Key.RequestID, rec.Method, rec.RequestHash, rec.Token, micros(rec.LeaseUntil), micros(rec.CreatedAt), micros(rec.ExpiresAt))
		if err != nil {
			return IdemRecord{}, fmt.Errorf("store: claim: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// An expired record not swept yet is replaced whole.
			if _, err := s.db.ExecContext(ctx, `UPDATE idempotency SET method = ?, request_hash = ?, state = 'in_progress', token = ?,
				lease_until = ?, resource_id = '', code = 0, outcome = NULL, created_at = ?, expires_at = ?
				WHERE scope = ? AND request_id = ? AND expires_at <= ?`,
				rec.Method, rec.RequestHash, rec.Token, micros(rec.LeaseUntil), micros(rec.CreatedAt), micros(rec.ExpiresAt),
				rec.Key.Scope, rec.Key.RequestID, micros(now)); err != nil {
				return IdemRecord{}, fmt.Errorf("store: claim: %w", err)
			}
			// An abandoned claim of the same request is taken over.
			if _, err := s.db.ExecContext(ctx, `UPDATE idempotency SET token = ?, lease_until = ?
				WHERE scope = ? AND request_id = ? AND state = 'in_progress' AND lease_until <= ? AND request_hash = ?`,
				rec.Token, micros(rec.LeaseUntil), rec.Key.Scope, rec.Key.RequestID, micros(now), rec.RequestHash); err != nil {
				return IdemRecord{}, fmt.Errorf("store: claim: %w", err)
			}
		}
		got, err := s.GetIdempotency(ctx, rec.Key)
		if errors.Is(err, ErrNotFound) {
			continue // released or swept in between: try again
		}
		return got, err
	}
	return IdemRecord{}, fmt.Errorf("store: claim %q: record keeps vanishing", rec.Key.RequestID)
}

func (s *sqliteStore) GetIdempotency(ctx context.Context, key IdemKey) (IdemRecord, error) {
	var r IdemRecord
	var state string
	var lease, created, expires int64
	err := s.db.QueryRowContext(ctx, `SELECT `+sqliteIdemCols+` FROM idempotency WHERE scope = ? AND request_id = ?`, key.Scope, key.RequestID).
		Scan(&r.Key.Scope, &r.Key.RequestID, &r.Method, &r.RequestHash, &state, &r.Token, &lease, &r.ResourceID, &r.Code, &r.Outcome, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return IdemRecord{}, ErrNotFound
	}
	if err != nil {
		return IdemRecord{}, fmt.Errorf("store: get idempotency: %w", err)
	}
	r.State, r.LeaseUntil, r.CreatedAt, r.ExpiresAt = IdemState(state), fromMicros(lease), fromMicros(created), fromMicros(expires)
	return r, nil
}

func owned(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotOwner
	}
	return nil
}

func (s *sqliteStore) SetResource(ctx context.Context, key IdemKey, token, resourceID string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE idempotency SET resource_id = ?
		WHERE scope = ? AND request_id = ? AND token = ? AND state = 'in_progress'`, resourceID, key.Scope, key.RequestID, token)
	return owned(res, err, "set resource")
}

func (s *sqliteStore) Complete(ctx context.Context, key IdemKey, token string, code int32, outcome []byte, expires time.Time) error {
	if outcome == nil {
		outcome = []byte{}
	}
	res, err := s.db.ExecContext(ctx, `UPDATE idempotency SET state = 'done', code = ?, outcome = ?, expires_at = ?
		WHERE scope = ? AND request_id = ? AND token = ? AND state = 'in_progress'`, code, outcome, micros(expires), key.Scope, key.RequestID, token)
	return owned(res, err, "complete")
}

func (s *sqliteStore) Release(ctx context.Context, key IdemKey, token string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: release: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	res, err := tx.ExecContext(ctx, `DELETE FROM idempotency
		WHERE scope = ? AND request_id = ? AND token = ? AND state = 'in_progress' AND resource_id = ''`, key.Scope, key.RequestID, token)
	if err != nil {
		return fmt.Errorf("store: release: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		res, err = tx.ExecContext(ctx, `UPDATE idempotency SET token = '', lease_until = 0
			WHERE scope = ? AND request_id = ? AND token = ? AND state = 'in_progress'`, key.Scope, key.RequestID, token)
		if err := owned(res, err, "release"); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: release: %w", err)
	}
	return nil
}

func (s *sqliteStore) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM idempotency WHERE expires_at <= ?`, micros(now))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired: %w", err)
	}
	return res.RowsAffected()
}

func (s *sqliteStore) AppendEvent(ctx context.Context, e Event) (int64, bool, error) {
	if err := e.check(); err != nil {
		return 0, false, err
	}
	tx, err := s.db.BeginTx(ctx, nil) // IMMEDIATE: appends are serialized
	if err != nil {
		return 0, false, fmt.Errorf("store: append event: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var seq int64
	err = tx.QueryRowContext(ctx, `SELECT seq FROM port_order_events WHERE provider = ? AND event_id = ?`, e.Provider, e.EventID).Scan(&seq)
	if err == nil {
		return seq, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("store: append event: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `UPDATE event_sequence SET last = last + 1 WHERE id = 1 RETURNING last`).Scan(&seq); err != nil {
		return 0, false, fmt.Errorf("store: append event: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO port_order_events (seq, provider, event_id, order_name, type, payload, occurred_at, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, seq, e.Provider, e.EventID, e.OrderName, e.Type, string(e.Payload), micros(e.OccurredAt), micros(e.ReceivedAt)); err != nil {
		return 0, false, fmt.Errorf("store: append event: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, false, fmt.Errorf("store: append event: %w", err)
	}
	s.feed.notify(seq)
	return seq, true, nil
}

const sqliteEventCols = `seq, provider, event_id, order_name, type, payload, occurred_at, received_at`

func scanSQLiteEvent(sc interface{ Scan(...any) error }) (Event, error) {
	var e Event
	var payload string
	var occ, rec int64
	if err := sc.Scan(&e.Seq, &e.Provider, &e.EventID, &e.OrderName, &e.Type, &payload, &occ, &rec); err != nil {
		return Event{}, err
	}
	e.Payload, e.OccurredAt, e.ReceivedAt = []byte(payload), fromMicros(occ), fromMicros(rec)
	return e, nil
}

func (s *sqliteStore) ListEvents(ctx context.Context, q EventQuery) ([]Event, error) {
	limit, err := q.limit()
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+sqliteEventCols+` FROM port_order_events
		WHERE seq > ? AND (? = '' OR order_name = ?) ORDER BY seq LIMIT ?`, q.AfterSeq, q.OrderName, q.OrderName, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list events: %w", err)
	}
	defer rows.Close()
	return collect(rows, scanSQLiteEvent, "list events")
}

func (s *sqliteStore) getEvent(ctx context.Context, where string, args ...any) (Event, error) {
	e, err := scanSQLiteEvent(s.db.QueryRowContext(ctx, `SELECT `+sqliteEventCols+` FROM port_order_events WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Event{}, ErrNotFound
	}
	if err != nil {
		return Event{}, fmt.Errorf("store: get event: %w", err)
	}
	return e, nil
}

func (s *sqliteStore) GetEvent(ctx context.Context, seq int64) (Event, error) {
	return s.getEvent(ctx, `seq = ?`, seq)
}

func (s *sqliteStore) GetEventByID(ctx context.Context, provider, eventID string) (Event, error) {
	return s.getEvent(ctx, `provider = ? AND event_id = ?`, provider, eventID)
}

func (s *sqliteStore) AddDeliveryAttempt(ctx context.Context, d DeliveryAttempt) (DeliveryAttempt, error) {
	var next any
	if !d.NextAttemptAt.IsZero() {
		next = micros(d.NextAttemptAt)
	}
	err := s.db.QueryRowContext(ctx, `INSERT INTO event_deliveries (event_seq, target_url, attempt, status, http_status, error, attempted_at, next_attempt_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.EventSeq, d.TargetURL, d.Attempt, d.Status, d.HTTPStatus, d.Error, micros(d.AttemptedAt), next).Scan(&d.ID)
	if err != nil {
		return DeliveryAttempt{}, fmt.Errorf("store: add delivery attempt: %w", err)
	}
	return d, nil
}

func (s *sqliteStore) ListDeliveryAttempts(ctx context.Context, eventSeq int64) ([]DeliveryAttempt, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, event_seq, target_url, attempt, status, http_status, error, attempted_at, next_attempt_at
		FROM event_deliveries WHERE event_seq = ? ORDER BY id`, eventSeq)
	if err != nil {
		return nil, fmt.Errorf("store: list delivery attempts: %w", err)
	}
	defer rows.Close()
	return collect(rows, func(sc interface{ Scan(...any) error }) (DeliveryAttempt, error) {
		var d DeliveryAttempt
		var at int64
		var next sql.NullInt64
		if err := sc.Scan(&d.ID, &d.EventSeq, &d.TargetURL, &d.Attempt, &d.Status, &d.HTTPStatus, &d.Error, &at, &next); err != nil {
			return d, err
		}
		d.AttemptedAt = fromMicros(at)
		if next.Valid {
			d.NextAttemptAt = fromMicros(next.Int64)
		}
		return d, nil
	}, "list delivery attempts")
}

func (e Event) check() error {
	switch {
	case e.Provider == "" || e.EventID == "" || e.OrderName == "" || e.Type == "":
		return errors.New("store: event needs provider, event id, order name and type")
	case !json.Valid(e.Payload):
		return errors.New("store: event payload is not JSON")
	}
	return nil
}
