// Package store is portgate's durable state: idempotency records, port
// order events and the outbound delivery log. [Store] is implemented twice,
// on SQLite (the embedded default, a file under PORTGATE_DATA_DIR) and on
// PostgreSQL (PORTGATE_DATABASE_URL, for replicas); both pass the one
// contract suite in storetest. The schema is versioned by goose migrations
// embedded in the binary (migrations/<dialect>) and applied by [Open].
package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Store is the durable state behind portgate. Every method is safe for
// concurrent use, also by several processes sharing one PostgreSQL database.
// Times are passed in (the caller's clock) and stored with microsecond
// precision.
type Store interface {
	// Claim makes rec (State, Token and LeaseUntil filled by the caller; Code,
	// Outcome and ResourceID ignored) the record for rec.Key unless a live
	// one exists. An existing record is taken over only when it has expired
	// (ExpiresAt <= now), or when it is in progress with the same
	// RequestHash and its lease ran out (LeaseUntil <= now: its claimer died
	// or gave up); a take-over keeps ResourceID. Claim returns the record as
	// stored afterwards; the caller owns it when its Token is rec.Token and
	// State is in progress.
	Claim(ctx context.Context, rec IdemRecord, now time.Time) (IdemRecord, error)
	// GetIdempotency returns the record for key, or ErrNotFound.
	GetIdempotency(ctx context.Context, key IdemKey) (IdemRecord, error)
	// SetResource records the provider resource an in-progress claim
	// produced. ErrNotOwner when token no longer owns the claim.
	SetResource(ctx context.Context, key IdemKey, token, resourceID string) error
	// Complete stores the outcome and marks the record done, to live until
	// expires. ErrNotOwner when token no longer owns the claim.
	Complete(ctx context.Context, key IdemKey, token string, code int32, outcome []byte, expires time.Time) error
	// Release gives up an in-progress claim: a record without a ResourceID
	// is deleted (nothing happened, the next call runs afresh); one with a
	// ResourceID is kept with its lease ended, so the next call takes it over
	// and resumes from the resource. ErrNotOwner when token no longer owns it.
	Release(ctx context.Context, key IdemKey, token string) error
	// DeleteExpired deletes idempotency records with ExpiresAt <= now and
	// returns how many.
	DeleteExpired(ctx context.Context, now time.Time) (int64, error)

	// AppendEvent stores e unless the provider's event id was stored before.
	// It returns the event's sequence (the existing one for a duplicate) and
	// whether it is new. Sequences are per deployment, start at 1, are
	// contiguous and become visible in order.
	AppendEvent(ctx context.Context, e Event) (seq int64, isNew bool, err error)
	// ListEvents returns up to q.Limit events with sequence > q.AfterSeq,
	// ascending, optionally for one order.
	ListEvents(ctx context.Context, q EventQuery) ([]Event, error)
	// LastEventSeq returns the highest sequence assigned (0 = no events).
	LastEventSeq(ctx context.Context) (int64, error)
	// GetEvent returns the event with sequence seq, or ErrNotFound.
	GetEvent(ctx context.Context, seq int64) (Event, error)
	// GetEventByID returns the event the provider named eventID, or ErrNotFound.
	GetEventByID(ctx context.Context, provider, eventID string) (Event, error)

	// AddDeliveryAttempt logs one attempt to deliver an event; ID and the
	// returned attempt's ID are assigned by the store.
	AddDeliveryAttempt(ctx context.Context, d DeliveryAttempt) (DeliveryAttempt, error)
	// ListDeliveryAttempts returns every attempt for an event, oldest first.
	ListDeliveryAttempts(ctx context.Context, eventSeq int64) ([]DeliveryAttempt, error)
	// AcquireDeliveryLease makes owner the outbound dispatcher until
	// `until` when the lease is free, expired (lease_until <= now) or
	// already owner's, and returns the delivery cursor (the last sequence
	// whose first attempts were made). held is false when another
	// dispatcher holds a live lease.
	AcquireDeliveryLease(ctx context.Context, owner string, now, until time.Time) (cursor int64, held bool, err error)
	// AdvanceDeliveryCursor raises the cursor to seq; ErrNotOwner when
	// owner no longer holds the lease.
	AdvanceDeliveryCursor(ctx context.Context, owner string, seq int64) error

	// SetOrderCallback sets (uri != "") or clears (uri == "") the caller's
	// callback URL of an order (providers/{p}/portOrders/{id}) in
	// port_orders.callback_uri, inserting the row when missing (TrackOrder
	// with the URL replaced, not kept); OrderCallback reads it, ErrNotFound
	// when there is none.
	SetOrderCallback(ctx context.Context, orderName, uri string) error
	OrderCallback(ctx context.Context, orderName string) (string, error)

	// TrackOrder records that portgate follows an order (created through
	// portgate, or first seen by a callback or sweep): it inserts the row
	// (open, no snapshot) or, when callbackURI is not "", sets its
	// callback_uri. It never touches the snapshot.
	TrackOrder(ctx context.Context, orderName, provider, callbackURI string, now time.Time) error
	// PutSnapshot stores the last seen state of an order (inserting the row
	// when missing) and whether it is still open; callback_uri is kept.
	PutSnapshot(ctx context.Context, orderName, provider string, snapshot []byte, open bool, seenAt time.Time) error
	// GetTrackedOrder returns the order's row, or ErrNotFound.
	GetTrackedOrder(ctx context.Context, orderName string) (TrackedOrder, error)
	// ListOpenOrders returns up to limit (1..MaxListLimit) open orders of
	// provider with order_name > after, ascending by order_name.
	ListOpenOrders(ctx context.Context, provider, after string, limit int) ([]TrackedOrder, error)

	// NumberOrders keeps the number orders portgate synthesizes (issue 14 — buy).
	NumberOrders

	// Dialect is "sqlite" or "postgres".
	Dialect() string
	Close() error
}

// Errors.
var (
	ErrNotFound = errors.New("store: not found")
	ErrNotOwner = errors.New("store: idempotency claim is no longer held by this token")
)

// IdemKey identifies an idempotency record: the caller's scope ("" =
// anonymous) and the AIP-155 request_id.
type IdemKey struct {
	Scope, RequestID string
}

// IdemState is an idempotency record's state.
type IdemState string

// Idempotency record states.
const (
	InProgress IdemState = "in_progress"
	Done       IdemState = "done"
)

// IdemRecord is one remembered request.
type IdemRecord struct {
	Key         IdemKey
	Method      string
	RequestHash []byte
	State       IdemState
	// Token identifies the claimer of an in-progress record.
	Token      string
	LeaseUntil time.Time
	// ResourceID is the provider resource a create produced (a resource
	// name), recorded as soon as the provider accepted it.
	ResourceID string
	// Code (a google.golang.org/grpc/codes value, 0 = OK) and Outcome (the
	// serialized response or google.rpc.Status) of a done record.
	Code      int32
	Outcome   []byte
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Owned reports whether token holds rec's in-progress claim.
func (r IdemRecord) Owned(token string) bool {
	return r.State == InProgress && r.Token == token && token != ""
}

// Event is one port order event.
type Event struct {
	Seq        int64 // assigned by AppendEvent
	Provider   string
	EventID    string // the provider's event id, unique per provider
	OrderName  string // providers/{p}/portOrders/{id}
	Type       string
	Payload    []byte // JSON
	OccurredAt time.Time
	ReceivedAt time.Time
}

// TrackedOrder is one row of the port_orders table.
type TrackedOrder struct {
	OrderName   string // providers/{p}/portOrders/{id}
	Provider    string
	CallbackURI string // the caller's status_callback_uri; "" = none
	Snapshot    []byte // the last seen state; nil = never read
	Open        bool
	CreatedAt   time.Time
	SeenAt      time.Time // zero = never read
}

// EventQuery selects events for ListEvents.
type EventQuery struct {
	AfterSeq  int64
	OrderName string // "" = every order
	Limit     int    // 1..MaxListLimit; 0 = DefaultListLimit
}

// List limits.
const (
	DefaultListLimit = 100
	MaxListLimit     = 1000
)

func (q EventQuery) limit() (int, error) {
	switch {
	case q.Limit == 0:
		return DefaultListLimit, nil
	case q.Limit < 0 || q.Limit > MaxListLimit:
		return 0, fmt.Errorf("store: event list limit %d outside 1..%d", q.Limit, MaxListLimit)
	}
	return q.Limit, nil
}

// DeliveryAttempt is one row of the outbound delivery log.
type DeliveryAttempt struct {
	ID          int64
	EventSeq    int64
	TargetURL   string
	Attempt     int
	Status      string // e.g. "succeeded", "failed", "gave_up"
	HTTPStatus  int
	Error       string
	AttemptedAt time.Time
	// NextAttemptAt is when the next attempt is due; zero = none.
	NextAttemptAt time.Time
}

// Options selects and configures a store for Open.
type Options struct {
	// DatabaseURL, when set, selects PostgreSQL.
	DatabaseURL string
	// DataDir holds the SQLite file (DataDir/portgate.db) otherwise; it is
	// created (0700) if missing. "" = an in-memory SQLite database that
	// lives as long as the store (nothing survives a restart).
	DataDir string
}

// SQLiteFile is the database file name inside Options.DataDir.
const SQLiteFile = "portgate.db"

// Open opens the store o selects and applies pending migrations.
func Open(ctx context.Context, o Options) (Store, error) {
	if o.DatabaseURL != "" {
		return OpenPostgres(ctx, o.DatabaseURL)
	}
	if o.DataDir == "" {
		return OpenSQLite(ctx, "")
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("store: data directory: %w", err)
	}
	return OpenSQLite(ctx, filepath.Join(o.DataDir, SQLiteFile))
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}
