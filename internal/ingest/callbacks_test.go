package ingest

import (
	"context"
	"errors"
	"testing"

	"github.com/portgate/portgate/internal/store"
	"github.com/portgate/portgate/providers"
)

// updateOnly is a provider that answers UpdatePortOrder with the order it
// was sent (the shape every adapter returns: the order after the write).
type updateOnly struct {
	providers.Provider
	got providers.PortOrderUpdate
}

func (updateOnly) Name() string { return "telnyx" }

func (u *updateOnly) UpdatePortOrder(_ context.Context, upd providers.PortOrderUpdate) (*providers.PortOrder, error) {
	u.got = upd
	o := upd.Order
	o.ID = upd.ID
	return &o, nil
}

// Clearing status_callback_url through an update removes the stored URL:
// outbound delivery stops POSTing to it, and the order shows none.
func TestUpdateClearsCallback(t *testing.T) {
	ctx := context.Background()
	st, err := store.OpenSQLite(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	prov := &updateOnly{}
	hook := "https://portgate.example/webhooks/telnyx"
	p := &CallbackProvider{Provider: prov, Store: st, HookURL: func() string { return hook }}
	name := OrderName("telnyx", "o1")
	mask := []string{providers.FieldStatusCallbackURL}
	if _, err := p.UpdatePortOrder(ctx, providers.PortOrderUpdate{ID: "o1", Mask: mask, Order: providers.PortOrder{StatusCallbackURL: "https://caller.example/cb"}}); err != nil {
		t.Fatal(err)
	}
	if u, err := st.OrderCallback(ctx, name); err != nil || u != "https://caller.example/cb" {
		t.Fatalf("after set: %q, %v", u, err)
	}
	if prov.got.Order.StatusCallbackURL != hook {
		t.Fatalf("provider got %q, want portgate's hook", prov.got.Order.StatusCallbackURL)
	}
	o, err := p.UpdatePortOrder(ctx, providers.PortOrderUpdate{ID: "o1", Mask: mask})
	if err != nil {
		t.Fatal(err)
	}
	if u, err := st.OrderCallback(ctx, name); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after clearing: callback %q, err %v; want none", u, err)
	}
	if o.StatusCallbackURL != "" {
		t.Fatalf("order shows callback %q after clearing", o.StatusCallbackURL)
	}
}
