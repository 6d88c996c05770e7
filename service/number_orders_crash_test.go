package service_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/sandbox/chaos"
	"github.com/portgate/portgate/service"
)

// A process that died between two Flowroute purchases left: the order in
// the store (first number "purchasing" — it was bought, the answer was
// lost — second still pending), and its request_id claimed with the order
// recorded as its resource and the lease run out. The client's retry with
// the same request_id finishes the order: the first number is found on the
// account (not bought again), the second is bought.
func TestNumberOrderResumesAfterCrash(t *testing.T) {
	e := start(t)
	ctx := t.Context()
	bought, notYet, neverSent := buyable(t, e, "flowroute"), buyable(t, e, "flowroute"), buyable(t, e, "flowroute")
	// The purchase that reached Flowroute before the crash.
	if _, err := e.app.Providers["flowroute"].PurchaseNumber(ctx, providers.NumberPurchase{PhoneNumber: bought}); err != nil {
		t.Fatal(err)
	}
	const id = "0190a4b2-3c4d-7e5f-8a6b-7c8d9e0f1a2b"
	name := "providers/flowroute/numberOrders/" + id
	now := time.Now().UTC()
	snap, _ := json.Marshal(map[string]any{"id": id, "create_time": now, "update_time": now, "numbers": []map[string]any{
		{"phone_number": bought, "state": "PURCHASING"},
		{"phone_number": notYet, "state": "PURCHASING"}, // sent, but never reached Flowroute
		{"phone_number": neverSent, "state": "PENDING"},
	}})
	if err := e.app.Store.PutNumberOrder(ctx, store.NumberOrderRecord{OrderName: name, Provider: "flowroute", Snapshot: snap, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	req := &pb.CreateNumberOrderRequest{Parent: "providers/flowroute", RequestId: "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d",
		NumberOrder: &pb.NumberOrder{PhoneNumbers: []string{bought, notYet, neverSent}}}
	hash, err := service.RequestHashForTest("CreateNumberOrder", req)
	if err != nil {
		t.Fatal(err)
	}
	key := store.IdemKey{RequestID: req.GetRequestId()}
	past := now.Add(-time.Minute)
	if _, err := e.app.Store.Claim(ctx, store.IdemRecord{Key: key, Method: "CreateNumberOrder", RequestHash: hash, State: store.InProgress,
		Token: "dead-process", LeaseUntil: now.Add(time.Hour), CreatedAt: past, ExpiresAt: now.Add(time.Hour)}, past); err != nil {
		t.Fatal(err)
	}
	if err := e.app.Store.SetResource(ctx, key, "dead-process", name); err != nil {
		t.Fatal(err)
	}
	if err := e.app.Store.Release(ctx, key, "dead-process"); err != nil { // its lease ends (kept: it has a resource)
		t.Fatal(err)
	}

	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	o, err := e.numbers.CreateNumberOrder(rctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if o.GetName() != name || o.GetState() != pb.NumberOrder_SUCCESS {
		t.Fatalf("resumed order: %v, want %s SUCCESS", o, name)
	}
	for _, n := range o.GetNumbers() {
		if n.GetState() != pb.NumberOrderNumber_SUCCESS {
			t.Errorf("number %v: want SUCCESS (bought once)", n)
		}
	}
	// The store has the settled order too.
	got, err := e.numbers.GetNumberOrder(ctx, &pb.GetNumberOrderRequest{Name: name})
	if err != nil || got.GetState() != pb.NumberOrder_SUCCESS {
		t.Fatalf("get after resume: %v %v", got, err)
	}
}

// A Flowroute purchase whose answer is lost (503) and whose read-back fails
// too leaves the number "purchasing": the call does not report the order
// as done; with a request_id the gateway resumes it at once (reads the
// number back, not there → buys it) and answers the finished order. Each
// number is bought once; there is one order.
func TestNumberOrderUnknownOutcomeIsSettled(t *testing.T) {
	e := start(t)
	ctx := t.Context()
	a, b := buyable(t, e, "flowroute"), buyable(t, e, "flowroute")
	// The purchase of a (never retried) and the 3 attempts to read it back
	// fail; everything after reaches the sandbox.
	e.app.Sandboxes["flowroute"].Chaos.Set(chaos.Faults{ErrorBurst: 4})
	o, err := e.numbers.CreateNumberOrder(ctx, &pb.CreateNumberOrderRequest{Parent: "providers/flowroute", RequestId: "2c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f",
		NumberOrder: &pb.NumberOrder{PhoneNumbers: []string{a, b}}})
	if err != nil {
		t.Fatal(err)
	}
	if o.GetState() != pb.NumberOrder_SUCCESS || len(o.GetNumbers()) != 2 {
		t.Fatalf("order: %v", o)
	}
	if f := e.app.Sandboxes["flowroute"].Chaos.Faults(); f.ErrorBurst != 0 {
		t.Fatalf("%d injected failures left unused: the test did not exercise the lost answer", f.ErrorBurst)
	}
	list, err := e.numbers.ListNumberOrders(ctx, &pb.ListNumberOrdersRequest{Parent: "providers/flowroute"})
	if err != nil || len(list.GetNumberOrders()) != 1 {
		t.Fatalf("%d orders (%v), want 1", len(list.GetNumberOrders()), err)
	}
}
