package providertest

import (
	"slices"
	"testing"

	"github.com/portgate/portgate/providers"
)

// Fidelity cases from issue 12 (the Telnyx half; generic where the rule
// holds for every provider): number lists are complete or say they are
// partial, a retried create does not duplicate, number filters find what a
// caller typed.

func testFidelityT(t *testing.T, e *env) {
	t.Run("LargeOrderNumbersComplete", func(t *testing.T) { fidelityLargeOrder(t, e) })
	t.Run("NumberFilterWithPlus", func(t *testing.T) { fidelityNumberFilter(t, e) })
}

// orderNumbers is every number of the orders of one create, and whether any
// of them said its list is partial.
func orderNumbers(res *providers.CreatePortOrderResult) (nums []string, partial bool) {
	for _, o := range append([]*providers.PortOrder{res.Order}, res.Related...) {
		nums = append(nums, o.PhoneNumbers...)
		partial = partial || slices.Contains(o.MissingDetails, "phone_numbers")
	}
	return nums, partial
}

// fidelityLargeOrder: an order of 60 numbers (more than Telnyx inlines) comes
// back whole from Create, Get and List, a List filtered by its 56th number
// finds it, and a retried create with the same customer reference returns
// the same order instead of a second one.
func fidelityLargeOrder(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpCreatePortOrder, providers.OpGetPortOrder, providers.OpListPortOrders)
	want := newNumbers(60)
	o := f.newOrder(want)
	res := f.create(t, o)
	got, partial := orderNumbers(res)
	if partial {
		t.Fatalf("CreatePortOrder(60 numbers): number list marked partial in a healthy sandbox")
	}
	if !sameSet(got, want) {
		t.Fatalf("CreatePortOrder(60 numbers): %d numbers back, want the 60 sent", len(got))
	}
	var all []string
	for _, po := range append([]*providers.PortOrder{res.Order}, res.Related...) {
		g := f.get(t, po.ID)
		all = append(all, g.PhoneNumbers...)
	}
	if !sameSet(all, want) {
		t.Errorf("GetPortOrder of the created orders: %d numbers, want 60", len(all))
	}
	target := want[55]
	pg, err := f.p.ListPortOrders(f.ctx, providers.PortOrderFilter{PhoneNumber: target}, providers.ListQuery{Limit: 50})
	if err != nil {
		t.Fatalf("ListPortOrders(PhoneNumber %s): %v", target, err)
	}
	if !slices.ContainsFunc(pg.Orders, func(po *providers.PortOrder) bool { return slices.Contains(po.PhoneNumbers, target) }) {
		t.Errorf("ListPortOrders(PhoneNumber = the 56th number): no order lists it (%d orders)", len(pg.Orders))
	}
	if f.name != "telnyx" {
		return // the customer-reference dedupe is Telnyx's (no idempotency key on porting)
	}
	again := f.create(t, o)
	if again.Order.ID != res.Order.ID {
		t.Errorf("retried CreatePortOrder with the same customer reference and 60 numbers made order %s, want the first one %s", again.Order.ID, res.Order.ID)
	}
}

// fidelityNumberFilter: a "contains" filter typed with a "+" still finds the
// seeded sandbox numbers (Telnyx matches digits only).
func fidelityNumberFilter(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpListNumbers)
	pg, err := f.p.ListNumbers(f.ctx, providers.NumberFilter{Contains: "+1312555"}, providers.ListQuery{Limit: 250})
	if err != nil {
		t.Fatalf("ListNumbers(contains +1312555): %v", err)
	}
	found := slices.ContainsFunc(pg.Numbers, func(n *providers.Number) bool { return n.PhoneNumber == "+13125550100" })
	if !found {
		t.Errorf("ListNumbers(contains +1312555): the seeded +13125550100 is missing (%d numbers)", len(pg.Numbers))
	}
}
