package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/portgate/portgate/internal/store"
)

// Number orders portgate keeps (issue 14, slice buy).

func testNumberOrders(t *testing.T, s store.Store) {
	ctx := context.Background()
	name := "providers/flowroute/numberOrders/0b9f2c1e-3d4a-4f5b-8c6d-7e8f9a0b1c2d"
	if _, err := s.GetNumberOrder(ctx, name); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("get before put: %v, want ErrNotFound", err)
	}
	first := store.NumberOrderRecord{OrderName: name, Provider: "flowroute", Snapshot: []byte(`{"state":"PENDING"}`), CreatedAt: t0, UpdatedAt: t0}
	if err := s.PutNumberOrder(ctx, first); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetNumberOrder(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if got.OrderName != name || got.Provider != "flowroute" || !jsonEqual(got.Snapshot, first.Snapshot) || !got.CreatedAt.Equal(t0) || !got.UpdatedAt.Equal(t0) {
		t.Fatalf("after put: %+v", got)
	}
	// A later write replaces the snapshot and updated_at, never created_at.
	later := t0.Add(3 * 1e9)
	if err := s.PutNumberOrder(ctx, store.NumberOrderRecord{OrderName: name, Provider: "flowroute",
		Snapshot: []byte(`{"state":"SUCCESS"}`), CreatedAt: later, UpdatedAt: later}); err != nil {
		t.Fatal(err)
	}
	got, err = s.GetNumberOrder(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(got.Snapshot, []byte(`{"state":"SUCCESS"}`)) || !got.CreatedAt.Equal(t0) || !got.UpdatedAt.Equal(later) {
		t.Fatalf("after replace: %+v (created %v, updated %v)", string(got.Snapshot), got.CreatedAt, got.UpdatedAt)
	}
}

func testNumberOrdersPages(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i := range 5 {
		for _, p := range []string{"flowroute", "telnyx"} {
			if err := s.PutNumberOrder(ctx, store.NumberOrderRecord{OrderName: fmt.Sprintf("providers/%s/numberOrders/o%d", p, i),
				Provider: p, Snapshot: []byte(`{}`), CreatedAt: t0, UpdatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var names []string
	after := ""
	for range 10 {
		page, err := s.ListNumberOrders(ctx, "flowroute", after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, r := range page {
			if r.Provider != "flowroute" {
				t.Errorf("listed %s of provider %s", r.OrderName, r.Provider)
			}
			names = append(names, r.OrderName)
		}
		after = page[len(page)-1].OrderName
	}
	if len(names) != 5 || names[0] != "providers/flowroute/numberOrders/o0" || names[4] != "providers/flowroute/numberOrders/o4" {
		t.Fatalf("pages: %v", names)
	}
	if _, err := s.ListNumberOrders(ctx, "flowroute", "", 0); err == nil {
		t.Error("limit 0: want an error")
	}
}
