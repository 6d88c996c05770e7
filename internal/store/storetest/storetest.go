// Package storetest is the contract every store.Store implementation
// passes: Run it against a fresh store per subtest. It also creates the
// per-test PostgreSQL databases (PostgresURL).
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/portgate/portgate/internal/store"
)

// Run runs the contract against stores made by open (each subtest gets a
// new, empty one; open registers its own cleanup).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"ClaimOnce", testClaimOnce},
		{"CompleteAndReplay", testCompleteAndReplay},
		{"OnlyTheOwnerWrites", testOnlyTheOwnerWrites},
		{"ReleaseForgetsUnlessAccepted", testRelease},
		{"AbandonedClaimIsTakenOver", testTakeOver},
		{"ExpiryAndSweep", testExpiry},
		{"ConcurrentClaimsOneWinner", testConcurrentClaims},
		{"AppendDedupes", testAppendDedupes},
		{"ListAndGetEvents", testListEvents},
		{"ConcurrentAppendsContiguous", testConcurrentAppends},
		{"DeliveryLog", testDeliveryLog},
		{"DeliveryLeaseAndCursor", testDeliveryLease},
		{"OrderCallback", testOrderCallback},
		{"LastEventSeq", testLastEventSeq},
		{"TrackedOrders", testTrackedOrders},
		{"ListOpenOrdersPages", testListOpenOrders},
		{"NumberOrders", testNumberOrders}, // issue 14 — buy
		{"NumberOrdersPages", testNumberOrdersPages},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func claim(key store.IdemKey, token string, hash string, now time.Time) store.IdemRecord {
	return store.IdemRecord{
		Key: key, Method: "CreatePortOrder", RequestHash: []byte(hash), State: store.InProgress, Token: token,
		LeaseUntil: now.Add(time.Minute), CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour),
	}
}

func mustClaim(t *testing.T, s store.Store, rec store.IdemRecord, now time.Time) store.IdemRecord {
	t.Helper()
	got, err := s.Claim(context.Background(), rec, now)
	if err != nil {
		t.Fatalf("claim: %v", err)
	}
	return got
}

func testClaimOnce(t *testing.T, s store.Store) {
	key := store.IdemKey{Scope: "", RequestID: "r1"}
	got := mustClaim(t, s, claim(key, "a", "h1", t0), t0)
	if !got.Owned("a") || got.Method != "CreatePortOrder" || !bytes.Equal(got.RequestHash, []byte("h1")) || !got.CreatedAt.Equal(t0) || !got.ExpiresAt.Equal(t0.Add(24*time.Hour)) {
		t.Fatalf("first claim: %+v", got)
	}
	again := mustClaim(t, s, claim(key, "b", "h1", t0), t0)
	if again.Owned("b") || !again.Owned("a") {
		t.Fatalf("second claim took a live record: %+v", again)
	}
	other := mustClaim(t, s, claim(key, "c", "h2", t0), t0)
	if other.Owned("c") || !bytes.Equal(other.RequestHash, []byte("h1")) {
		t.Fatalf("a different request took the record: %+v", other)
	}
	// Scopes are separate namespaces.
	scoped := mustClaim(t, s, claim(store.IdemKey{Scope: "key:team-a", RequestID: "r1"}, "d", "h2", t0), t0)
	if !scoped.Owned("d") {
		t.Fatalf("another scope's request_id collided: %+v", scoped)
	}
	if _, err := s.GetIdempotency(context.Background(), store.IdemKey{RequestID: "none"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing record: %v", err)
	}
}

func testCompleteAndReplay(t *testing.T, s store.Store) {
	ctx := context.Background()
	key := store.IdemKey{RequestID: "r2"}
	mustClaim(t, s, claim(key, "a", "h", t0), t0)
	if err := s.SetResource(ctx, key, "a", "providers/flowroute/portOrders/7"); err != nil {
		t.Fatal(err)
	}
	exp := t0.Add(48 * time.Hour)
	if err := s.Complete(ctx, key, "a", 0, []byte("answer"), exp); err != nil {
		t.Fatal(err)
	}
	got := mustClaim(t, s, claim(key, "b", "h", t0.Add(time.Hour)), t0.Add(time.Hour))
	if got.State != store.Done || got.Owned("b") || string(got.Outcome) != "answer" || got.Code != 0 ||
		got.ResourceID != "providers/flowroute/portOrders/7" || !got.ExpiresAt.Equal(exp) {
		t.Fatalf("replay: %+v", got)
	}
	// An error outcome keeps its code.
	k2 := store.IdemKey{RequestID: "r2e"}
	mustClaim(t, s, claim(k2, "a", "h", t0), t0)
	if err := s.Complete(ctx, k2, "a", 9, nil, exp); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetIdempotency(ctx, k2); err != nil || got.Code != 9 || got.State != store.Done || len(got.Outcome) != 0 {
		t.Fatalf("error outcome: %+v %v", got, err)
	}
}

func testOnlyTheOwnerWrites(t *testing.T, s store.Store) {
	ctx := context.Background()
	key := store.IdemKey{RequestID: "r3"}
	mustClaim(t, s, claim(key, "a", "h", t0), t0)
	if err := s.SetResource(ctx, key, "b", "x"); !errors.Is(err, store.ErrNotOwner) {
		t.Fatalf("foreign SetResource: %v", err)
	}
	if err := s.Complete(ctx, key, "b", 0, []byte("x"), t0.Add(time.Hour)); !errors.Is(err, store.ErrNotOwner) {
		t.Fatalf("foreign Complete: %v", err)
	}
	if err := s.Release(ctx, key, "b"); !errors.Is(err, store.ErrNotOwner) {
		t.Fatalf("foreign Release: %v", err)
	}
	if err := s.Complete(ctx, key, "a", 0, []byte("ok"), t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Complete(ctx, key, "a", 0, []byte("twice"), t0.Add(time.Hour)); !errors.Is(err, store.ErrNotOwner) {
		t.Fatalf("second Complete of a done record: %v", err)
	}
	if got, _ := s.GetIdempotency(ctx, key); string(got.Outcome) != "ok" {
		t.Fatalf("outcome overwritten: %q", got.Outcome)
	}
}

func testRelease(t *testing.T, s store.Store) {
	ctx := context.Background()
	key := store.IdemKey{RequestID: "r4"}
	mustClaim(t, s, claim(key, "a", "h", t0), t0)
	if err := s.Release(ctx, key, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetIdempotency(ctx, key); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("released claim without a resource still there: %v", err)
	}
	if got := mustClaim(t, s, claim(key, "b", "h2", t0), t0); !got.Owned("b") {
		t.Fatalf("claim after release: %+v", got)
	}
	// With a resource recorded, the record survives its release.
	k2 := store.IdemKey{RequestID: "r4b"}
	mustClaim(t, s, claim(k2, "a", "h", t0), t0)
	if err := s.SetResource(ctx, k2, "a", "providers/flowroute/portOrders/9"); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, k2, "a"); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetIdempotency(ctx, k2)
	if err != nil || got.State != store.InProgress || got.ResourceID != "providers/flowroute/portOrders/9" || got.Owned("a") || got.LeaseUntil.After(t0) {
		t.Fatalf("released accepted claim: %+v %v", got, err)
	}
	if other := mustClaim(t, s, claim(k2, "c", "other", t0), t0); other.Owned("c") {
		t.Fatalf("a different request took over: %+v", other)
	}
	next := mustClaim(t, s, claim(k2, "b", "h", t0), t0)
	if !next.Owned("b") || next.ResourceID != "providers/flowroute/portOrders/9" {
		t.Fatalf("take-over after release: %+v", next)
	}
}

func testTakeOver(t *testing.T, s store.Store) {
	key := store.IdemKey{RequestID: "r5"}
	mustClaim(t, s, claim(key, "a", "h", t0), t0) // lease until t0+1m
	if got := mustClaim(t, s, claim(key, "b", "h", t0.Add(59*time.Second)), t0.Add(59*time.Second)); got.Owned("b") {
		t.Fatalf("taken over inside the lease: %+v", got)
	}
	later := t0.Add(2 * time.Minute)
	got := mustClaim(t, s, claim(key, "b", "h", later), later)
	if !got.Owned("b") || !got.LeaseUntil.Equal(later.Add(time.Minute)) || !got.CreatedAt.Equal(t0) {
		t.Fatalf("abandoned claim not taken over: %+v", got)
	}
	if err := s.Complete(context.Background(), key, "a", 0, []byte("late"), later); !errors.Is(err, store.ErrNotOwner) {
		t.Fatalf("the old claimer completed a taken-over record: %v", err)
	}
}

func testExpiry(t *testing.T, s store.Store) {
	ctx := context.Background()
	short := store.IdemKey{RequestID: "short"}
	long := store.IdemKey{RequestID: "long"}
	r := claim(short, "a", "h", t0)
	r.ExpiresAt = t0.Add(time.Hour)
	mustClaim(t, s, r, t0)
	if err := s.Complete(ctx, short, "a", 0, []byte("1"), t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, s, claim(long, "a", "h", t0), t0)
	if err := s.Complete(ctx, long, "a", 0, []byte("2"), t0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DeleteExpired(ctx, t0.Add(time.Hour-time.Microsecond)); err != nil || n != 0 {
		t.Fatalf("swept before expiry: %d %v", n, err)
	}
	// An expired record not yet swept is replaced by a new request.
	after := t0.Add(time.Hour)
	if got := mustClaim(t, s, claim(short, "b", "other", after), after); !got.Owned("b") || got.Outcome != nil || got.Code != 0 {
		t.Fatalf("expired record not replaced: %+v", got)
	}
	if n, err := s.DeleteExpired(ctx, t0.Add(25*time.Hour)); err != nil || n != 2 {
		t.Fatalf("sweep: %d %v", n, err)
	}
	if _, err := s.GetIdempotency(ctx, long); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired record survived the sweep: %v", err)
	}
}

func testConcurrentClaims(t *testing.T, s store.Store) {
	key := store.IdemKey{RequestID: "hot"}
	const n = 50
	var wg sync.WaitGroup
	owners := make(chan string, n)
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			tok := fmt.Sprintf("t%d", i)
			got, err := s.Claim(context.Background(), claim(key, tok, "h", t0), t0)
			if err != nil {
				errs <- err
				return
			}
			if got.Owned(tok) {
				owners <- tok
			}
		})
	}
	wg.Wait()
	close(owners)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(owners) != 1 {
		t.Fatalf("%d owners of one request_id, want 1", len(owners))
	}
}

func event(provider, id, order string) store.Event {
	return store.Event{Provider: provider, EventID: id, OrderName: order, Type: "porting_order.status_changed",
		Payload: []byte(`{"id":"` + id + `","n":1}`), OccurredAt: t0, ReceivedAt: t0.Add(time.Second)}
}

func testAppendDedupes(t *testing.T, s store.Store) {
	ctx := context.Background()
	seq, isNew, err := s.AppendEvent(ctx, event("telnyx", "e1", "providers/telnyx/portOrders/a"))
	if err != nil || seq != 1 || !isNew {
		t.Fatalf("first append: %d %v %v", seq, isNew, err)
	}
	seq, isNew, err = s.AppendEvent(ctx, event("telnyx", "e1", "providers/telnyx/portOrders/a"))
	if err != nil || seq != 1 || isNew {
		t.Fatalf("duplicate append: %d %v %v", seq, isNew, err)
	}
	seq, isNew, err = s.AppendEvent(ctx, event("flowroute", "e1", "providers/flowroute/portOrders/1"))
	if err != nil || seq != 2 || !isNew {
		t.Fatalf("same id, other provider: %d %v %v", seq, isNew, err)
	}
	bad := event("telnyx", "e2", "providers/telnyx/portOrders/a")
	bad.Payload = []byte("{not json")
	if _, _, err := s.AppendEvent(ctx, bad); err == nil {
		t.Fatal("non-JSON payload stored")
	}
	if _, _, err := s.AppendEvent(ctx, store.Event{Provider: "telnyx", Payload: []byte("{}")}); err == nil {
		t.Fatal("event without id stored")
	}
	seq, _, err = s.AppendEvent(ctx, event("telnyx", "e3", "providers/telnyx/portOrders/a"))
	if err != nil || seq != 3 {
		t.Fatalf("sequence after refused appends: %d %v (want 3: refusals use no number)", seq, err)
	}
}

func testListEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	orders := []string{"providers/telnyx/portOrders/a", "providers/telnyx/portOrders/b"}
	for i := range 10 {
		if _, _, err := s.AppendEvent(ctx, event("telnyx", fmt.Sprintf("e%d", i), orders[i%2])); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.ListEvents(ctx, store.EventQuery{})
	if err != nil || len(all) != 10 {
		t.Fatalf("list all: %d %v", len(all), err)
	}
	for i, e := range all {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d", i, e.Seq)
		}
	}
	first := all[0]
	want := event("telnyx", "e0", orders[0])
	if first.Provider != want.Provider || first.EventID != "e0" || first.OrderName != want.OrderName || first.Type != want.Type ||
		!first.OccurredAt.Equal(t0) || !first.ReceivedAt.Equal(t0.Add(time.Second)) || !jsonEqual(first.Payload, want.Payload) {
		t.Fatalf("round trip: %+v", first)
	}
	page, err := s.ListEvents(ctx, store.EventQuery{AfterSeq: 3, OrderName: orders[1], Limit: 2})
	if err != nil || len(page) != 2 || page[0].Seq != 4 || page[1].Seq != 6 {
		t.Fatalf("filtered page: %+v %v", page, err)
	}
	if rest, err := s.ListEvents(ctx, store.EventQuery{AfterSeq: 10}); err != nil || len(rest) != 0 || rest == nil {
		t.Fatalf("past the end: %+v %v (want an empty, non-nil list)", rest, err)
	}
	if _, err := s.ListEvents(ctx, store.EventQuery{Limit: store.MaxListLimit + 1}); err == nil {
		t.Fatal("limit over the maximum accepted")
	}
	if e, err := s.GetEvent(ctx, 5); err != nil || e.EventID != "e4" {
		t.Fatalf("get by seq: %+v %v", e, err)
	}
	if e, err := s.GetEventByID(ctx, "telnyx", "e7"); err != nil || e.Seq != 8 {
		t.Fatalf("get by id: %+v %v", e, err)
	}
	if _, err := s.GetEvent(ctx, 99); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing seq: %v", err)
	}
	if _, err := s.GetEventByID(ctx, "flowroute", "e7"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing id: %v", err)
	}
}

// testConcurrentAppends: a burst with duplicates stores each event once,
// with sequences 1..n and none lost.
func testConcurrentAppends(t *testing.T, s store.Store) {
	const distinct, copies = 60, 3
	var wg sync.WaitGroup
	errs := make(chan error, distinct*copies)
	var mu sync.Mutex
	news := map[string]int{}
	for c := range copies {
		for i := range distinct {
			wg.Go(func() {
				id := fmt.Sprintf("ev-%d", (i*7+c)%distinct)
				_, isNew, err := s.AppendEvent(context.Background(), event("telnyx", id, "providers/telnyx/portOrders/x"))
				if err != nil {
					errs <- err
					return
				}
				if isNew {
					mu.Lock()
					news[id]++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(news) != distinct {
		t.Fatalf("%d events reported new, want %d", len(news), distinct)
	}
	for id, n := range news {
		if n != 1 {
			t.Fatalf("%s reported new %d times", id, n)
		}
	}
	all, err := s.ListEvents(context.Background(), store.EventQuery{Limit: store.MaxListLimit})
	if err != nil || len(all) != distinct {
		t.Fatalf("stored %d events, want %d (%v)", len(all), distinct, err)
	}
	for i, e := range all {
		if e.Seq != int64(i+1) {
			t.Fatalf("sequence not contiguous: position %d has %d", i, e.Seq)
		}
	}
}

func testDeliveryLog(t *testing.T, s store.Store) {
	ctx := context.Background()
	seq, _, err := s.AppendEvent(ctx, event("telnyx", "d1", "providers/telnyx/portOrders/a"))
	if err != nil {
		t.Fatal(err)
	}
	a1, err := s.AddDeliveryAttempt(ctx, store.DeliveryAttempt{EventSeq: seq, TargetURL: "https://example.com/hook", Attempt: 1,
		Status: "failed", HTTPStatus: 503, Error: "503 Service Unavailable", AttemptedAt: t0, NextAttemptAt: t0.Add(30 * time.Second)})
	if err != nil || a1.ID == 0 {
		t.Fatalf("add attempt: %+v %v", a1, err)
	}
	if _, err := s.AddDeliveryAttempt(ctx, store.DeliveryAttempt{EventSeq: seq, TargetURL: "https://example.com/hook", Attempt: 2,
		Status: "succeeded", HTTPStatus: 204, AttemptedAt: t0.Add(30 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ListDeliveryAttempts(ctx, seq)
	if err != nil || len(got) != 2 {
		t.Fatalf("list attempts: %+v %v", got, err)
	}
	if got[0] != a1 || got[1].Attempt != 2 || got[1].Status != "succeeded" || !got[1].NextAttemptAt.IsZero() {
		t.Fatalf("attempts: %+v, first added %+v", got, a1)
	}
	if _, err := s.AddDeliveryAttempt(ctx, store.DeliveryAttempt{EventSeq: 999, TargetURL: "x", Attempt: 1, Status: "failed", AttemptedAt: t0}); err == nil {
		t.Fatal("attempt for an unknown event stored")
	}
	if none, err := s.ListDeliveryAttempts(ctx, 999); err != nil || len(none) != 0 {
		t.Fatalf("attempts of an unknown event: %+v %v", none, err)
	}
}

func testDeliveryLease(t *testing.T, s store.Store) {
	ctx := context.Background()
	cur, held, err := s.AcquireDeliveryLease(ctx, "a", t0, t0.Add(time.Minute))
	if err != nil || !held || cur != 0 {
		t.Fatalf("first lease: %d %v %v", cur, held, err)
	}
	if _, held, _ := s.AcquireDeliveryLease(ctx, "b", t0.Add(30*time.Second), t0.Add(2*time.Minute)); held {
		t.Fatal("b took a live lease")
	}
	if err := s.AdvanceDeliveryCursor(ctx, "a", 7); err != nil {
		t.Fatal(err)
	}
	if err := s.AdvanceDeliveryCursor(ctx, "a", 5); err != nil { // never backwards
		t.Fatal(err)
	}
	if err := s.AdvanceDeliveryCursor(ctx, "b", 9); !errors.Is(err, store.ErrNotOwner) {
		t.Fatalf("b advanced: %v", err)
	}
	cur, held, err = s.AcquireDeliveryLease(ctx, "b", t0.Add(time.Minute), t0.Add(2*time.Minute)) // a's lease ran out
	if err != nil || !held || cur != 7 {
		t.Fatalf("take-over: %d %v %v", cur, held, err)
	}
	if err := s.AdvanceDeliveryCursor(ctx, "a", 9); !errors.Is(err, store.ErrNotOwner) {
		t.Fatalf("a advanced after losing the lease: %v", err)
	}
}

func testLastEventSeq(t *testing.T, s store.Store) {
	ctx := context.Background()
	if last, err := s.LastEventSeq(ctx); err != nil || last != 0 {
		t.Fatalf("empty: %d %v", last, err)
	}
	for _, id := range []string{"l1", "l2", "l1"} {
		if _, _, err := s.AppendEvent(ctx, event("telnyx", id, "providers/telnyx/portOrders/a")); err != nil {
			t.Fatal(err)
		}
	}
	if last, err := s.LastEventSeq(ctx); err != nil || last != 2 {
		t.Fatalf("after two events and a duplicate: %d %v", last, err)
	}
}

func testOrderCallback(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.OrderCallback(ctx, "providers/telnyx/portOrders/x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	for _, u := range []string{"https://a.example/cb", "https://b.example/cb"} {
		if err := s.SetOrderCallback(ctx, "providers/telnyx/portOrders/x", u); err != nil {
			t.Fatal(err)
		}
		if got, err := s.OrderCallback(ctx, "providers/telnyx/portOrders/x"); err != nil || got != u {
			t.Fatalf("callback %q %v, want %q", got, err, u)
		}
	}
	// "" clears it (TrackOrder would keep it).
	if err := s.SetOrderCallback(ctx, "providers/telnyx/portOrders/x", ""); err != nil {
		t.Fatal(err)
	}
	if got, err := s.OrderCallback(ctx, "providers/telnyx/portOrders/x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after clearing: %q %v", got, err)
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func testTrackedOrders(t *testing.T, s store.Store) {
	ctx := context.Background()
	name := "providers/flowroute/portOrders/1"
	if _, err := s.GetTrackedOrder(ctx, name); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown order: %v, want ErrNotFound", err)
	}
	if err := s.TrackOrder(ctx, name, "flowroute", "https://caller.example/cb", t0); err != nil {
		t.Fatal(err)
	}
	o, err := s.GetTrackedOrder(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if o.OrderName != name || o.Provider != "flowroute" || o.CallbackURI != "https://caller.example/cb" || !o.Open ||
		o.Snapshot != nil || !o.CreatedAt.Equal(t0) || !o.SeenAt.IsZero() {
		t.Fatalf("tracked %+v", o)
	}
	// A snapshot keeps the callback; tracking again without one keeps it too.
	if err := s.PutSnapshot(ctx, name, "flowroute", []byte(`{"status":"pending"}`), true, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.TrackOrder(ctx, name, "flowroute", "", t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	o, _ = s.GetTrackedOrder(ctx, name)
	if string(o.Snapshot) != `{"status":"pending"}` || o.CallbackURI != "https://caller.example/cb" || !o.SeenAt.Equal(t0.Add(time.Minute)) || !o.CreatedAt.Equal(t0) {
		t.Fatalf("after snapshot %+v", o)
	}
	// A new callback replaces the old; a closing snapshot closes the order.
	_ = s.TrackOrder(ctx, name, "flowroute", "https://caller.example/new", t0)
	if err := s.PutSnapshot(ctx, name, "flowroute", []byte(`{"status":"completed"}`), false, t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	o, _ = s.GetTrackedOrder(ctx, name)
	if o.Open || o.CallbackURI != "https://caller.example/new" || string(o.Snapshot) != `{"status":"completed"}` {
		t.Fatalf("closed %+v", o)
	}
	// A snapshot of an order never tracked inserts it.
	other := "providers/telnyx/portOrders/x"
	if err := s.PutSnapshot(ctx, other, "telnyx", []byte(`{}`), true, t0); err != nil {
		t.Fatal(err)
	}
	if o, err := s.GetTrackedOrder(ctx, other); err != nil || o.CallbackURI != "" || !o.Open {
		t.Fatalf("inserted by snapshot: %+v %v", o, err)
	}
}

func testListOpenOrders(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i := range 7 {
		_ = s.TrackOrder(ctx, fmt.Sprintf("providers/flowroute/portOrders/%02d", i), "flowroute", "", t0)
	}
	_ = s.TrackOrder(ctx, "providers/telnyx/portOrders/t", "telnyx", "", t0)
	_ = s.PutSnapshot(ctx, "providers/flowroute/portOrders/03", "flowroute", []byte(`{}`), false, t0)
	var got []string
	after := ""
	for {
		page, err := s.ListOpenOrders(ctx, "flowroute", after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, o := range page {
			got = append(got, o.OrderName[len(o.OrderName)-2:])
		}
		after = page[len(page)-1].OrderName
	}
	if fmt.Sprint(got) != "[00 01 02 04 05 06]" {
		t.Fatalf("open flowroute orders %v", got)
	}
	if _, err := s.ListOpenOrders(ctx, "flowroute", "", 0); err == nil {
		t.Fatal("limit 0 accepted")
	}
}
