package service

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	"github.com/portgate/portgate/internal/auth"
)

// idempotencyTTL is how long a request_id's outcome is remembered, and
// idempotencyMax how many outcomes at most (oldest-expiring evicted first is
// not worth the bookkeeping: beyond the cap, arbitrary finished entries go).
const (
	idempotencyTTL = 24 * time.Hour
	idempotencyMax = 10000
)

// idempotency remembers the outcome of mutations that carried a request_id
// (AIP-155), so a client retrying after a lost response gets the first
// answer instead of a second order. It is per process: a multi-replica
// deployment needs the shared store (see README "Idempotency").
type idempotency struct {
	mu      sync.Mutex
	entries map[string]*idemEntry
	now     func() time.Time
}

type idemEntry struct {
	digest  [32]byte
	done    chan struct{}
	resp    proto.Message
	err     error
	expires time.Time
}

func newIdempotency() *idempotency {
	return &idempotency{entries: map[string]*idemEntry{}, now: time.Now}
}

// do runs fn once per (caller, method, requestID). A repeat with the same request
// waits for and returns the first outcome; a repeat with a different request
// is INVALID_ARGUMENT. Failed calls are forgotten so they can be retried.
func do[T proto.Message](ctx context.Context, id *idempotency, method, requestID string, req proto.Message, fn func() (T, error)) (T, error) {
	var zero T
	if requestID == "" {
		return fn()
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	if err != nil {
		return zero, err
	}
	digest := sha256.Sum256(b)
	// Scoped to the caller: two API keys that pick the same request_id never
	// share (or see) each other's outcome. Without authentication every
	// caller is "".
	key := auth.CallerID(ctx) + "\x00" + method + "\x00" + requestID

	id.mu.Lock()
	now := id.now()
	if len(id.entries) >= idempotencyMax {
		for k, e := range id.entries {
			if !e.expires.IsZero() && (now.After(e.expires) || len(id.entries) >= idempotencyMax) {
				delete(id.entries, k)
			}
		}
	}
	if e, ok := id.entries[key]; ok {
		id.mu.Unlock()
		if e.digest != digest {
			return zero, invalidArgument(ReasonInvalidArgument, fieldViolation{"request_id", "already used for a different request"})
		}
		select {
		case <-e.done:
		case <-ctx.Done():
			return zero, gatewayError(codes.Canceled, "CANCELLED", "cancelled while waiting for the first request with this request_id", nil)
		}
		if e.err != nil {
			return zero, e.err
		}
		return proto.Clone(e.resp).(T), nil
	}
	e := &idemEntry{digest: digest, done: make(chan struct{})}
	id.entries[key] = e
	id.mu.Unlock()

	resp, err := fn()
	id.mu.Lock()
	if err != nil {
		delete(id.entries, key)
		e.err = err
	} else {
		e.resp = resp
		e.expires = id.now().Add(idempotencyTTL)
	}
	id.mu.Unlock()
	close(e.done)
	return resp, err
}
