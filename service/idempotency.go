package service

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/portgate/portgate/internal/auth"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/internal/uuid"
)

// Idempotency limits (README "Idempotency"; docs/errors.md).
const (
	// DefaultIdempotencyTTL is how long an outcome is kept when
	// Options.IdempotencyTTL is zero.
	DefaultIdempotencyTTL = 24 * time.Hour
	// idemMaxWait bounds how long a duplicate waits for the first call
	// when the caller set no deadline.
	idemMaxWait = 60 * time.Second
	// idemLease is how long a claim is held at most; with a nearer
	// deadline, until the deadline plus idemLeaseSlack. A claimer that dies
	// is taken over after its lease (provider calls are bounded by
	// PORTGATE_PROVIDER_TIMEOUT, far below it).
	idemLease      = 2 * time.Minute
	idemLeaseSlack = 10 * time.Second
	// Polling backoff of a waiting duplicate.
	idemPollMin = 10 * time.Millisecond
	idemPollMax = 500 * time.Millisecond
	// idemStoreTimeout bounds each store write made after the provider
	// answered (detached from the caller's context, which may be gone).
	idemStoreTimeout = 5 * time.Second
	// idemRetryDelay is the RetryInfo of REQUEST_IN_PROGRESS.
	idemRetryDelay = time.Second
)

// Idempotency reasons.
const (
	ReasonRequestIDReused        = "REQUEST_ID_REUSED"
	ReasonRequestInProgress      = "REQUEST_IN_PROGRESS"
	ReasonAcceptedUnconfirmed    = "PORT_ORDER_ACCEPTED_READ_FAILED"
	ReasonIdempotencyUnavailable = "IDEMPOTENCY_STORE_UNAVAILABLE"
)

// callerScope is the scope request_ids are remembered under: the API key's
// id, so two keys that pick the same request_id never share (or see) each
// other's outcome. Without authentication every caller is "".
func callerScope(ctx context.Context) string { return auth.CallerID(ctx) }

// idempotency remembers the outcome of mutations that carried a request_id
// (AIP-155) in the store, so a client retrying after a lost response, a
// restart or on another replica gets the first answer instead of a second
// order.
type idempotency struct {
	st  store.Store
	ttl time.Duration
	log *slog.Logger
}

type requestWithID interface {
	proto.Message
	GetRequestId() string
}

// requestHash is SHA-256 over the method and the deterministic encoding of
// req without its request_id.
func requestHash(method string, req proto.Message) ([]byte, error) {
	m := proto.Clone(req)
	r := m.ProtoReflect()
	if fd := r.Descriptor().Fields().ByName("request_id"); fd != nil {
		r.Clear(fd)
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	h.Write([]byte(method))
	h.Write([]byte{0})
	h.Write(b)
	return h.Sum(nil), nil
}

// do runs fn at most once per (caller scope, request_id) across every
// process sharing the store, and answers repeats with the first outcome:
//
//   - a repeat of the same request gets the stored response or final error;
//     while the first call is still running it waits (bounded by its own
//     deadline), then gets ABORTED + REQUEST_IN_PROGRESS;
//   - the same request_id with a different request (or method) is
//     INVALID_ARGUMENT + REQUEST_ID_REUSED;
//   - a failure that retrying can fix (UNAVAILABLE, RESOURCE_EXHAUSTED, a
//     timeout, …) is not stored, so the retry runs afresh — unless the
//     provider had already accepted a create (fn called accepted with the
//     order's name): then the name is kept and a retry resumes from it
//     (resume reads the order) instead of creating a second one.
//
// resume may be nil for methods that create nothing.
func do[T proto.Message](ctx context.Context, c *core, method string, req requestWithID,
	fn func(ctx context.Context, accepted func(name string)) (T, error),
	resume func(ctx context.Context, name string) (T, error)) (T, error) {
	var zero T
	id := req.GetRequestId()
	if id == "" {
		return fn(ctx, func(string) {})
	}
	if err := validateRequestID(id); err != nil {
		return zero, err
	}
	im := c.idem
	hash, err := requestHash(method, req)
	if err != nil {
		return zero, status.Errorf(codes.Internal, "request_id: hashing the request: %v", err)
	}
	key := store.IdemKey{Scope: callerScope(ctx), RequestID: strings.ToLower(id)}
	token := uuid.New()
	waitUntil := time.Now().Add(idemMaxWait)
	if d, ok := ctx.Deadline(); ok {
		// Leave the caller time to receive ABORTED before its deadline.
		waitUntil = d.Add(-min(time.Until(d)/10, time.Second))
	}
	backoff := idemPollMin
	for {
		now := time.Now()
		lease := now.Add(idemLease)
		if d, ok := ctx.Deadline(); ok && d.Add(idemLeaseSlack).Before(lease) {
			lease = d.Add(idemLeaseSlack)
		}
		rec, err := im.st.Claim(ctx, store.IdemRecord{Key: key, Method: method, RequestHash: hash, State: store.InProgress, Token: token,
			LeaseUntil: lease, CreatedAt: now, ExpiresAt: now.Add(im.ttl)}, now)
		if err != nil {
			return zero, im.storeError(ctx, err)
		}
		for {
			if !bytes.Equal(rec.RequestHash, hash) {
				what := "a different request"
				if rec.Method != method {
					what = "a different request (" + rec.Method + ")"
				}
				return zero, gatewayError(codes.InvalidArgument, ReasonRequestIDReused,
					fmt.Sprintf("request_id: already used for %s; use a new request_id for a new request", what),
					map[string]string{"request_id": id, "first_method": rec.Method},
					&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{
						Field: "request_id", Description: "already used for " + what + " (AIP-155): a repeat must send the same request"}}})
			}
			if rec.Owned(token) {
				return run(ctx, im, key, token, rec.ResourceID, fn, resume)
			}
			if rec.State == store.Done {
				return replay[T](rec)
			}
			// Another call (maybe on another replica) is running it: wait.
			now = time.Now()
			if !rec.LeaseUntil.After(now) {
				break // its claimer gave up or died: claim again
			}
			if !now.Before(waitUntil) {
				return zero, gatewayError(codes.Aborted, ReasonRequestInProgress,
					"request_id: the first call with this request_id is still in progress; retry with the same request_id to get its outcome",
					map[string]string{"request_id": id},
					&errdetails.RetryInfo{RetryDelay: durationpb.New(idemRetryDelay)})
			}
			t := time.NewTimer(min(backoff, waitUntil.Sub(now)))
			select {
			case <-ctx.Done():
				t.Stop()
				return zero, gatewayError(codes.Canceled, "CANCELLED", "cancelled while waiting for the first request with this request_id", nil)
			case <-t.C:
			}
			backoff = min(backoff*2, idemPollMax)
			rec, err = im.st.GetIdempotency(ctx, key)
			if errors.Is(err, store.ErrNotFound) {
				break // released: claim it
			}
			if err != nil {
				return zero, im.storeError(ctx, err)
			}
			if rec.State == store.InProgress && !rec.LeaseUntil.After(time.Now()) {
				break
			}
		}
	}
}

// run executes the claimed call and stores its outcome.
func run[T proto.Message](ctx context.Context, im *idempotency, key store.IdemKey, token, resource string,
	fn func(context.Context, func(string)) (T, error), resume func(context.Context, string) (T, error)) (T, error) {
	detached := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), idemStoreTimeout)
	}
	var out T
	var err error
	if resource != "" && resume != nil {
		// An earlier call's create was accepted: never create again.
		out, err = resume(ctx, resource)
	} else {
		out, err = fn(ctx, func(name string) {
			resource = name
			sctx, cancel := detached()
			defer cancel()
			if serr := im.st.SetResource(sctx, key, token, name); serr != nil {
				im.log.ErrorContext(ctx, "idempotency: recording an accepted create failed", "resource", name, "err", serr)
			}
		})
		if err != nil && resource != "" && resume != nil {
			// Accepted, then a follow-up step failed: read the order back.
			first := err
			if out, err = resume(ctx, resource); err != nil {
				im.log.WarnContext(ctx, "idempotency: create accepted but not confirmed", "resource", resource, "err", first, "read_err", err)
				err = gatewayError(codes.Unavailable, ReasonAcceptedUnconfirmed,
					fmt.Sprintf("the provider accepted the port order as %s, but reading it back failed (%s); retry with the same request_id to get it", resource, status.Convert(err).Message()),
					map[string]string{"port_order": resource},
					&errdetails.RetryInfo{RetryDelay: durationpb.New(idemRetryDelay)})
			}
		}
	}
	sctx, cancel := detached()
	defer cancel()
	if err == nil {
		b, merr := proto.Marshal(out)
		if merr == nil {
			merr = im.st.Complete(sctx, key, token, int32(codes.OK), b, time.Now().Add(im.ttl))
		}
		if merr != nil {
			// The provider did it: answer success all the same. The claim's
			// lease ends and a retry resumes from the recorded resource (or,
			// for a method that creates nothing, runs again).
			im.log.ErrorContext(ctx, "idempotency: storing an outcome failed", "request_id", key.RequestID, "err", merr)
			_ = im.st.Release(sctx, key, token)
		}
		return out, nil
	}
	st := status.Convert(err)
	if finalCode(st.Code()) && resource == "" {
		b, merr := proto.Marshal(st.Proto())
		if merr == nil {
			merr = im.st.Complete(sctx, key, token, int32(st.Code()), b, time.Now().Add(im.ttl))
		}
		if merr != nil {
			im.log.ErrorContext(ctx, "idempotency: storing an error outcome failed", "request_id", key.RequestID, "err", merr)
			_ = im.st.Release(sctx, key, token)
		}
		return out, err
	}
	if rerr := im.st.Release(sctx, key, token); rerr != nil {
		im.log.ErrorContext(ctx, "idempotency: releasing a claim failed; a retry waits for its lease", "request_id", key.RequestID, "err", rerr)
	}
	return out, err
}

// finalCode reports whether an error outcome is final — the same request
// would fail the same way — and so is stored and replayed. Anything else
// (unavailable, rate limited, timeouts, internal and auth failures) can
// succeed later and is forgotten so a retry runs again.
func finalCode(c codes.Code) bool {
	switch c {
	case codes.InvalidArgument, codes.NotFound, codes.AlreadyExists, codes.FailedPrecondition, codes.OutOfRange, codes.Unimplemented:
		return true
	}
	return false
}

// replay decodes a done record's outcome.
func replay[T proto.Message](rec store.IdemRecord) (T, error) {
	var zero T
	if rec.Code != int32(codes.OK) {
		sp := &spb.Status{}
		if err := proto.Unmarshal(rec.Outcome, sp); err != nil {
			return zero, status.Errorf(codes.Internal, "request_id: stored outcome unreadable: %v", err)
		}
		return zero, status.ErrorProto(sp)
	}
	out := zero.ProtoReflect().New().Interface().(T)
	if err := proto.Unmarshal(rec.Outcome, out); err != nil {
		return zero, status.Errorf(codes.Internal, "request_id: stored outcome unreadable: %v", err)
	}
	return out, nil
}

// storeError is the answer when the store cannot be reached: nothing was
// sent to the provider, so the caller may retry.
func (im *idempotency) storeError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return gatewayError(codes.Canceled, "CANCELLED", "cancelled while recording the request_id", nil)
	}
	im.log.ErrorContext(ctx, "idempotency store unavailable", "err", err)
	return gatewayError(codes.Unavailable, ReasonIdempotencyUnavailable,
		"request_id: the idempotency store is unavailable; nothing was sent to the provider, retry later", nil,
		&errdetails.RetryInfo{RetryDelay: durationpb.New(idemRetryDelay)})
}

// SweepExpired deletes idempotency records past their TTL.
// TODO(issue 11): run this as a River periodic job (one replica at a time)
// once the job queue lands; until then internal/app runs it on a ticker in
// every process, which is safe (a DELETE of expired rows) but redundant.
func (s *Services) SweepExpired(ctx context.Context) (int64, error) {
	return s.Porting.c.idem.st.DeleteExpired(ctx, time.Now())
}
