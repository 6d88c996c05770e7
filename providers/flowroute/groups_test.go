package flowroute_test

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portgate/portgate/providers/flowroute"
	"github.com/portgate/portgate/sandbox/flowroutefake"
)

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.reqs)
}

// TestGetPortOrderOneProviderCall: a steady-state GetPortOrder of an order
// in a split group makes exactly one provider call and still answers its
// related order; any change to the order re-reads the group.
func TestGetPortOrderOneProviderCall(t *testing.T) {
	e := newEnv(t)
	res := e.create(t, validOrder("+13125550142", "+13125559904"))
	if len(res.Related) != 1 {
		t.Fatalf("split create: %d related, want 1", len(res.Related))
	}
	id, sib := res.Order.ID, res.Related[0].ID

	// A second adapter that never saw the create (another replica).
	rec2 := &recorder{hc: e.srv.Client()}
	p2, err := flowroute.New(flowroute.Config{BaseURL: e.srv.URL, AccessKey: "sandbox", SecretKey: "sandbox-secret", HTTPClient: rec2})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{2, 1, 1} {
		rec2.reset()
		o, err := p2.GetPortOrder(e.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(o.RelatedOrders, []string{sib}) {
			t.Fatalf("get %d: RelatedOrders = %v, want [%s]", i, o.RelatedOrders, sib)
		}
		if got := rec2.count(); got != want {
			t.Fatalf("get %d: %d provider calls %v, want %d", i, got, rec2.list(), want)
		}
	}
	// The adapter that created the group already knows it.
	e.rec.reset()
	if o := e.get(t, sib); !slices.Equal(o.RelatedOrders, []string{id}) || e.rec.count() != 1 {
		t.Fatalf("sibling after create: related %v, calls %v", o.RelatedOrders, e.rec.list())
	}

	// The order changes outside portgate: the next read re-reads the group.
	if err := e.fake.SetOrderStatus(id, "cancelled"); err != nil {
		t.Fatal(err)
	}
	rec2.reset()
	o, err := p2.GetPortOrder(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if o.ProviderStatus != "cancelled" || rec2.count() != 2 {
		t.Fatalf("after a change: status %q, calls %v; want the new status and a group read", o.ProviderStatus, rec2.list())
	}
}

// TestGroupCacheTTL: membership is re-read once the TTL has passed even if
// the order did not change (a split made outside portgate shows by then).
func TestGroupCacheTTL(t *testing.T) {
	e := newEnv(t)
	res := e.create(t, validOrder("+13125550142", "+13125559904"))
	now := time.Now()
	flowroute.SetClock(e.p, func() time.Time { return now })
	e.rec.reset()
	e.get(t, res.Order.ID)
	if got := e.rec.count(); got != 1 {
		t.Fatalf("within the TTL: %d calls %v, want 1", got, e.rec.list())
	}
	now = now.Add(flowroute.DefaultGroupCacheTTL)
	e.rec.reset()
	e.get(t, res.Order.ID)
	if got := e.rec.list(); len(got) != 2 || !strings.Contains(got[1], "/v2/portorders") {
		t.Fatalf("after the TTL: calls %v, want the order and its group", got)
	}
}

// TestGroupCacheOff: a negative TTL reads the group on every GetPortOrder.
func TestGroupCacheOff(t *testing.T) {
	fake := flowroutefake.New(flowroutefake.Options{})
	srv := httptest.NewServer(fake)
	t.Cleanup(func() { srv.Close(); fake.Close() })
	rec := &recorder{hc: srv.Client()}
	p, err := flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: "sandbox", SecretKey: "sandbox-secret", HTTPClient: rec, GroupCacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{fake: fake, srv: srv, p: p, rec: rec, ctx: t.Context()}
	res := e.create(t, validOrder("+13125550142"))
	for range 2 {
		rec.reset()
		e.get(t, res.Order.ID)
		if rec.count() != 2 {
			t.Fatalf("cache off: calls %v, want 2", rec.list())
		}
	}
}
