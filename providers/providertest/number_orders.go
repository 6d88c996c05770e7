package providertest

import (
	"context"
	"slices"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/sandbox/scenarios"
)

// Buying and releasing numbers (issue 14, slice buy).

// Inventory is implemented by harnesses that know numbers the provider will
// sell (the fake's seeded inventory; on a test account, numbers a search
// just found). Cases that buy are skipped without it.
type Inventory interface {
	AvailableNumbers(ctx context.Context) []string
}

// NumberLocker turns a provider's deletion protection on for a number on
// the account (Telnyx deletion_lock_enabled, set in its portal).
type NumberLocker interface {
	LockNumber(ctx context.Context, e164 string) error
}

func (f *fixture) inventory(t *testing.T, n int) []string {
	t.Helper()
	inv, ok := f.h.(Inventory)
	if !ok {
		t.Skip("harness has no Inventory")
	}
	var out []string
	for _, e := range inv.AvailableNumbers(f.ctx) {
		if len(out) < n && !scenarios.HasSuffix(e, scenarios.SuffixMessagingFails) {
			out = append(out, e)
		}
	}
	if len(out) < n {
		t.Skipf("inventory holds %d plain numbers, want %d", len(out), n)
	}
	return out
}

// buy buys numbers through whichever way the provider offers and waits
// (Advance) until each is on the account.
func (f *fixture) buy(t *testing.T, numbers []string) {
	t.Helper()
	if f.p.NumberOrderer() {
		o, err := f.p.CreateNumberOrder(f.ctx, providers.NumberOrderRequest{PhoneNumbers: numbers, CustomerReference: uniqueRef("buy")})
		if err != nil {
			t.Fatalf("CreateNumberOrder(%v): %v", numbers, err)
		}
		if o.ID == "" || len(o.Numbers) != len(numbers) {
			t.Fatalf("CreateNumberOrder: %+v, want an id and %d numbers", o, len(numbers))
		}
		for i := 0; i < maxAdvanceSteps && o.State == providers.NumberOrderPending; i++ {
			if err := f.h.Advance(f.ctx); err != nil {
				t.Fatalf("Advance: %v", err)
			}
			if o, err = f.p.GetNumberOrder(f.ctx, o.ID); err != nil {
				t.Fatalf("GetNumberOrder(%s): %v", o.ID, err)
			}
		}
		if o.State != providers.NumberOrderSuccess {
			t.Fatalf("number order %s ended %s (%+v), want SUCCESS", o.ID, o.State, o.Numbers)
		}
		for _, n := range o.Numbers {
			if n.State != providers.NumberPurchaseSuccess || !slices.Contains(numbers, n.PhoneNumber) {
				t.Errorf("order number %+v: want SUCCESS and one of %v", n, numbers)
			}
		}
		page, err := f.p.ListNumberOrders(f.ctx, providers.ListQuery{Limit: 50})
		if err != nil {
			t.Fatalf("ListNumberOrders: %v", err)
		}
		if !slices.ContainsFunc(page.Orders, func(x *providers.NumberOrder) bool { return x.ID == o.ID }) {
			t.Errorf("ListNumberOrders: order %s missing", o.ID)
		}
	} else {
		for _, n := range numbers {
			res, err := f.p.PurchaseNumber(f.ctx, providers.NumberPurchase{PhoneNumber: n})
			if err != nil {
				t.Fatalf("PurchaseNumber(%s): %v", n, err)
			}
			if res.Number == nil || res.Number.PhoneNumber != n || len(res.Failures) != 0 {
				t.Errorf("PurchaseNumber(%s) = %+v, want the number and no failures", n, res)
			}
		}
	}
	for _, n := range numbers {
		if _, err := f.p.GetNumber(f.ctx, n); err != nil {
			t.Errorf("GetNumber(%s) after buying: %v", n, err)
		}
	}
}

func testNumberOrders(t *testing.T, e *env) {
	t.Run("BuyTwoReleaseOne", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpCreateNumberOrder, providers.OpReleaseNumber, providers.OpGetNumber)
		nums := f.inventory(t, 2)
		f.buy(t, nums)
		n, err := f.p.ReleaseNumber(f.ctx, nums[0])
		if err != nil {
			t.Fatalf("ReleaseNumber(%s): %v", nums[0], err)
		}
		if n == nil || n.PhoneNumber != nums[0] {
			t.Errorf("ReleaseNumber(%s) = %+v, want the number", nums[0], n)
		}
		_, err = f.p.GetNumber(f.ctx, nums[0])
		f.wantCode(t, "GetNumber after release", err, providers.CodeNotFound, true)
		if _, err := f.p.GetNumber(f.ctx, nums[1]); err != nil {
			t.Errorf("GetNumber(%s) (kept): %v", nums[1], err)
		}
	})

	t.Run("BuyTwiceRefused", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpCreateNumberOrder)
		nums := f.inventory(t, 1)
		f.buy(t, nums)
		err := f.buyOnceErr(nums[0])
		if err == nil {
			t.Fatalf("buying %s a second time succeeded", nums[0])
		}
	})

	t.Run("NotInInventory", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpCreateNumberOrder, providers.OpGetNumber)
		n := NewNumber("")
		err := f.buyOnceErr(n)
		if err == nil {
			t.Fatalf("buying %s (not in the inventory) succeeded", n)
		}
		if c := providers.ErrorCode(err); c != providers.CodeNotFound && c != providers.CodeInvalidArgument {
			t.Errorf("buying %s: code %v, want NotFound or InvalidArgument (%v)", n, c, err)
		}
		_, err = f.p.GetNumber(f.ctx, n)
		f.wantCode(t, "GetNumber of a number not bought", err, providers.CodeNotFound, true)
	})

	t.Run("ReleaseNotOnAccount", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpReleaseNumber)
		_, err := f.p.ReleaseNumber(f.ctx, NewNumber(scenarios.SuffixNotOnAccount))
		f.wantCode(t, "ReleaseNumber (not on the account)", err, providers.CodeNotFound, true)
	})

	t.Run("ReleaseLocked", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpReleaseNumber, providers.OpGetNumber)
		l, ok := f.h.(NumberLocker)
		if !ok {
			t.Skip("harness has no NumberLocker")
		}
		n := scenarios.SandboxNumbers[0]
		if err := l.LockNumber(f.ctx, n); err != nil {
			t.Fatal(err)
		}
		_, err := f.p.ReleaseNumber(f.ctx, n)
		if pe := f.wantCode(t, "ReleaseNumber (locked)", err, providers.CodeFailedPrecondition, false); pe != nil && pe.Reason != providers.ReasonNumberDeletionLocked {
			t.Errorf("ReleaseNumber (locked): reason %q, want %s", pe.Reason, providers.ReasonNumberDeletionLocked)
		}
		if _, err := f.p.GetNumber(f.ctx, n); err != nil {
			t.Errorf("GetNumber(%s) after a refused release: %v", n, err)
		}
	})

	t.Run("PurchaseMessagingFails", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpCreateNumberOrder, providers.OpGetNumber)
		if f.p.NumberOrderer() {
			t.Skip("provider keeps orders: no per-number purchase")
		}
		inv, ok := f.h.(Inventory)
		if !ok {
			t.Skip("harness has no Inventory")
		}
		i := slices.IndexFunc(inv.AvailableNumbers(f.ctx), func(e string) bool { return scenarios.HasSuffix(e, scenarios.SuffixMessagingFails) })
		if i < 0 {
			t.Skip("no SuffixMessagingFails number in the inventory")
		}
		n := inv.AvailableNumbers(f.ctx)[i]
		res, err := f.p.PurchaseNumber(f.ctx, providers.NumberPurchase{PhoneNumber: n, MessagingEnabled: true})
		if err != nil {
			t.Fatalf("PurchaseNumber(%s, messaging): %v — the number is bought, a 207 is no error", n, err)
		}
		if len(res.Failures) != 1 || res.Failures[0].Field != providers.FieldNumberMessagingEnabled {
			t.Errorf("PurchaseNumber(%s) failures = %+v, want one on messaging_enabled", n, res.Failures)
		}
		if _, err := f.p.GetNumber(f.ctx, n); err != nil {
			t.Errorf("GetNumber(%s) after a 207 purchase: %v", n, err)
		}
	})
}

// buyOnceErr tries to buy n and returns the refusal (nil: it was bought).
func (f *fixture) buyOnceErr(n string) error {
	if f.p.NumberOrderer() {
		_, err := f.p.CreateNumberOrder(f.ctx, providers.NumberOrderRequest{PhoneNumbers: []string{n}})
		return err
	}
	_, err := f.p.PurchaseNumber(f.ctx, providers.NumberPurchase{PhoneNumber: n})
	return err
}

// callBuyOp is callOp for this slice's operations. For a provider that only
// purchases number by number, GetNumberOrder and ListNumberOrders are served
// by the gateway's store, not the driver: nothing to call here.
func callBuyOp(f *fixture, op providers.Operation) (error, bool) {
	ctx, p := f.ctx, f.p
	var err error
	switch op {
	case providers.OpCreateNumberOrder:
		err = f.buyOnceErr(NewNumber(""))
	case providers.OpGetNumberOrder:
		if f.p.NumberOrderer() || !f.caps.Supports(op) {
			_, err = p.GetNumberOrder(ctx, "6d1bb1a4-58a4-4b47-9d0e-3b3f1f1d2c11")
		}
	case providers.OpListNumberOrders:
		if f.p.NumberOrderer() || !f.caps.Supports(op) {
			_, err = p.ListNumberOrders(ctx, providers.ListQuery{Limit: 5})
		}
	case providers.OpReleaseNumber:
		_, err = p.ReleaseNumber(ctx, NewNumber(scenarios.SuffixNotOnAccount))
	default:
		return nil, false
	}
	return err, true
}
