package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

type pgStore struct {
	pool *pgxpool.Pool
	feed feed
}

// OpenPostgres connects a pool to the PostgreSQL database at url (a
// postgres:// URL or key=value DSN; pool settings such as pool_max_conns
// are read from it) and migrates it.
func OpenPostgres(ctx context.Context, url string) (Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's message may echo the URL, password included: keep it out.
		return nil, errors.New("store: PORTGATE_DATABASE_URL is not a valid PostgreSQL URL or DSN")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: postgres: %w", safePgErr(err))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: postgres %s:%d/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, safePgErr(err))
	}
	db := stdlib.OpenDBFromPool(pool)
	err = migrate(ctx, db, goose.DialectPostgres, "postgres")
	_ = db.Close()
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &pgStore{pool: pool}, nil
}

// safePgErr drops connection details (which can carry the password) from a
// connect error, keeping the server's own error.
func safePgErr(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return errors.Unwrap(ce)
	}
	return err
}

func (s *pgStore) Dialect() string { return "postgres" }
func (s *pgStore) Close() error    { s.pool.Close(); return nil }

const pgIdemCols = `scope, request_id, method, request_hash, state, token, lease_until, resource_id, code, outcome, created_at, expires_at`

func (s *pgStore) Claim(ctx context.Context, rec IdemRecord, now time.Time) (IdemRecord, error) {
	for range 5 {
		tag, err := s.pool.Exec(ctx, `INSERT INTO idempotency (`+pgIdemCols+`)
			VALUES ($1, $2, $3, $4, 'in_progress', $5, $6, '', 0, NULL, $7, $8)
			ON CONFLICT (scope, request_id) DO NOTHING`,
			rec.Key.Scope, rec.Key.RequestID, rec.Method, rec.RequestHash, rec.Token, rec.LeaseUntil, rec.CreatedAt, rec.ExpiresAt)
		if err != nil {
			return IdemRecord{}, fmt.Errorf("store: claim: %w", err)
		}
		if tag.RowsAffected() == 0 {
			if _, err := s.pool.Exec(ctx, `UPDATE idempotency SET method = $1, request_hash = $2, state = 'in_progress', token = $3,
				lease_until = $4, resource_id = '', code = 0, outcome = NULL, created_at = $5, expires_at = $6
				WHERE scope = $7 AND request_id = $8 AND expires_at <= $9`,
				rec.Method, rec.RequestHash, rec.Token, rec.LeaseUntil, rec.CreatedAt, rec.ExpiresAt,
				rec.Key.Scope, rec.Key.RequestID, now); err != nil {
				return IdemRecord{}, fmt.Errorf("store: claim: %w", err)
			}
			if _, err := s.pool.Exec(ctx, `UPDATE idempotency SET token = $1, lease_until = $2
				WHERE scope = $3 AND request_id = $4 AND state = 'in_progress' AND lease_until <= $5 AND request_hash = $6`,
				rec.Token, rec.LeaseUntil, rec.Key.Scope, rec.Key.RequestID, now, rec.RequestHash); err != nil {
				return IdemRecord{}, fmt.Errorf("store: claim: %w", err)
			}
		}
		got, err := s.GetIdempotency(ctx, rec.Key)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		return got, err
	}
	return IdemRecord{}, fmt.Errorf("store: claim %q: record keeps vanishing", rec.Key.RequestID)
}

func (s *pgStore) GetIdempotency(ctx context.Context, key IdemKey) (IdemRecord, error) {
	var r IdemRecord
	var state string
	err := s.pool.QueryRow(ctx, `SELECT `+pgIdemCols+` FROM idempotency WHERE scope = $1 AND request_id = $2`, key.Scope, key.RequestID).
		Scan(&r.Key.Scope, &r.Key.RequestID, &r.Method, &r.RequestHash, &state, &r.Token, &r.LeaseUntil, &r.ResourceID, &r.Code, &r.Outcome, &r.CreatedAt, &r.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return IdemRecord{}, ErrNotFound
	}
	if err != nil {
		return IdemRecord{}, fmt.Errorf("store: get idempotency: %w", err)
	}
	r.State = IdemState(state)
	r.LeaseUntil, r.CreatedAt, r.ExpiresAt = utc(r.LeaseUntil), utc(r.CreatedAt), utc(r.ExpiresAt)
	return r, nil
}

func utc(t time.Time) time.Time {
	if t.IsZero() || t.Unix() == 0 {
		return time.Time{}
	}
	return t.UTC()
}

func pgOwned(tag pgconn.CommandTag, err error, what string) error {
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotOwner
	}
	return nil
}

func (s *pgStore) SetResource(ctx context.Context, key IdemKey, token, resourceID string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE idempotency SET resource_id = $1
		WHERE scope = $2 AND request_id = $3 AND token = $4 AND state = 'in_progress'`, resourceID, key.Scope, key.RequestID, token)
	return pgOwned(tag, err, "set resource")
}

func (s *pgStore) Complete(ctx context.Context, key IdemKey, token string, code int32, outcome []byte, expires time.Time) error {
	if outcome == nil {
		outcome = []byte{}
	}
	tag, err := s.pool.Exec(ctx, `UPDATE idempotency SET state = 'done', code = $1, outcome = $2, expires_at = $3
		WHERE scope = $4 AND request_id = $5 AND token = $6 AND state = 'in_progress'`, code, outcome, expires, key.Scope, key.RequestID, token)
	return pgOwned(tag, err, "complete")
}

func (s *pgStore) Release(ctx context.Context, key IdemKey, token string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM idempotency
		WHERE scope = $1 AND request_id = $2 AND token = $3 AND state = 'in_progress' AND resource_id = ''`, key.Scope, key.RequestID, token)
	if err != nil {
		return fmt.Errorf("store: release: %w", err)
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	tag, err = s.pool.Exec(ctx, `UPDATE idempotency SET token = '', lease_until = 'epoch'
		WHERE scope = $1 AND request_id = $2 AND token = $3 AND state = 'in_progress'`, key.Scope, key.RequestID, token)
	return pgOwned(tag, err, "release")
}

func (s *pgStore) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM idempotency WHERE expires_at <= $1`, now)
	if err != nil {
		return 0, fmt.Errorf("store: delete expired: %w", err)
	}
	return tag.RowsAffected(), nil
}

func (s *pgStore) AppendEvent(ctx context.Context, e Event) (int64, bool, error) {
	if err := e.check(); err != nil {
		return 0, false, err
	}
	var seq int64
	var isNew bool
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT seq FROM port_order_events WHERE provider = $1 AND event_id = $2`, e.Provider, e.EventID).Scan(&seq)
		if err == nil {
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		// The counter row's lock serializes appends until commit: sequences
		// are contiguous and commit in order. A duplicate racing in behind
		// the lock finds the first one's row through ON CONFLICT below.
		if err := tx.QueryRow(ctx, `UPDATE event_sequence SET last = last + 1 WHERE id = 1 RETURNING last`).Scan(&seq); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO port_order_events (seq, provider, event_id, order_name, type, payload, occurred_at, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (provider, event_id) DO NOTHING`,
			seq, e.Provider, e.EventID, e.OrderName, e.Type, string(e.Payload), e.OccurredAt, e.ReceivedAt)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return errDuplicate
		}
		// Delivered to every LISTENing process when the transaction commits.
		if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, EventsChannel, strconv.FormatInt(seq, 10)); err != nil {
			return err
		}
		isNew = true
		return nil
	})
	if errors.Is(err, errDuplicate) { // rolled back: the counter is untouched
		ev, err := s.GetEventByID(ctx, e.Provider, e.EventID)
		return ev.Seq, false, err
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: append event: %w", err)
	}
	if isNew {
		s.feed.notify(seq)
	}
	return seq, isNew, nil
}

var errDuplicate = errors.New("duplicate event")

const pgEventCols = `seq, provider, event_id, order_name, type, payload::text, occurred_at, received_at`

func scanPgEvent(sc interface{ Scan(...any) error }) (Event, error) {
	var e Event
	var payload string
	if err := sc.Scan(&e.Seq, &e.Provider, &e.EventID, &e.OrderName, &e.Type, &payload, &e.OccurredAt, &e.ReceivedAt); err != nil {
		return Event{}, err
	}
	e.Payload, e.OccurredAt, e.ReceivedAt = []byte(payload), utc(e.OccurredAt), utc(e.ReceivedAt)
	return e, nil
}

func (s *pgStore) ListEvents(ctx context.Context, q EventQuery) ([]Event, error) {
	limit, err := q.limit()
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+pgEventCols+` FROM port_order_events
		WHERE seq > $1 AND ($2 = '' OR order_name = $2) ORDER BY seq LIMIT $3`, q.AfterSeq, q.OrderName, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list events: %w", err)
	}
	defer rows.Close()
	return collect(rows, scanPgEvent, "list events")
}

func (s *pgStore) getEvent(ctx context.Context, where string, args ...any) (Event, error) {
	e, err := scanPgEvent(s.pool.QueryRow(ctx, `SELECT `+pgEventCols+` FROM port_order_events WHERE `+where, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return Event{}, ErrNotFound
	}
	if err != nil {
		return Event{}, fmt.Errorf("store: get event: %w", err)
	}
	return e, nil
}

func (s *pgStore) GetEvent(ctx context.Context, seq int64) (Event, error) {
	return s.getEvent(ctx, `seq = $1`, seq)
}

func (s *pgStore) GetEventByID(ctx context.Context, provider, eventID string) (Event, error) {
	return s.getEvent(ctx, `provider = $1 AND event_id = $2`, provider, eventID)
}

func (s *pgStore) AddDeliveryAttempt(ctx context.Context, d DeliveryAttempt) (DeliveryAttempt, error) {
	var next *time.Time
	if !d.NextAttemptAt.IsZero() {
		next = &d.NextAttemptAt
	}
	err := s.pool.QueryRow(ctx, `INSERT INTO event_deliveries (event_seq, target_url, attempt, status, http_status, error, attempted_at, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		d.EventSeq, d.TargetURL, d.Attempt, d.Status, d.HTTPStatus, d.Error, d.AttemptedAt, next).Scan(&d.ID)
	if err != nil {
		return DeliveryAttempt{}, fmt.Errorf("store: add delivery attempt: %w", err)
	}
	return d, nil
}

func (s *pgStore) ListDeliveryAttempts(ctx context.Context, eventSeq int64) ([]DeliveryAttempt, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, event_seq, target_url, attempt, status, http_status, error, attempted_at, next_attempt_at
		FROM event_deliveries WHERE event_seq = $1 ORDER BY id`, eventSeq)
	if err != nil {
		return nil, fmt.Errorf("store: list delivery attempts: %w", err)
	}
	defer rows.Close()
	return collect(rows, func(sc interface{ Scan(...any) error }) (DeliveryAttempt, error) {
		var d DeliveryAttempt
		var next *time.Time
		if err := sc.Scan(&d.ID, &d.EventSeq, &d.TargetURL, &d.Attempt, &d.Status, &d.HTTPStatus, &d.Error, &d.AttemptedAt, &next); err != nil {
			return d, err
		}
		d.AttemptedAt = utc(d.AttemptedAt)
		if next != nil {
			d.NextAttemptAt = next.UTC()
		}
		return d, nil
	}, "list delivery attempts")
}
