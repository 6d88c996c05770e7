package providertest

// Provider-fidelity cases (issue 12, written for the Flowroute fixes and
// provider-neutral: each is gated by what the provider declares, so every
// harness runs them).

import (
	"slices"
	"strings"
	"testing"

	"github.com/portgate/portgate/providers"
)

func testProviderFidelity(t *testing.T, e *env) {
	t.Run("ListPortOrdersComplete", func(t *testing.T) {
		// A window is complete or says More: a provider whose list has no
		// next link (Flowroute) must still report More on a full page.
		f := e.open(t)
		f.require(t, providers.OpCreatePortOrder, providers.OpListPortOrders)
		want := map[string]bool{}
		for range 3 {
			res := f.create(t, f.newOrder([]string{NewNumber("")}))
			want[res.Order.ID] = true
			for _, r := range res.Related {
				want[r.ID] = true
			}
		}
		first, err := f.p.ListPortOrders(f.ctx, providers.PortOrderFilter{}, providers.ListQuery{Limit: 1})
		if err != nil {
			t.Fatalf("ListPortOrders(limit 1): %v", err)
		}
		if len(first.Orders) != 1 || first.NextCursor == "" {
			t.Fatalf("ListPortOrders(limit 1) with %d orders on the account: %d orders, More %v; want 1, More true", len(want), len(first.Orders), (first.NextCursor != ""))
		}
		got := map[string]bool{}
		cursor := ""
		for page := 0; ; page++ {
			if page == maxPages {
				t.Fatalf("ListPortOrders: still More after %d pages", maxPages)
			}
			p, err := f.p.ListPortOrders(f.ctx, providers.PortOrderFilter{}, providers.ListQuery{Cursor: cursor, Limit: 2})
			if err != nil {
				t.Fatalf("ListPortOrders(cursor %q, limit 2): %v", cursor, err)
			}
			for _, o := range p.Orders {
				got[o.ID] = true
			}
			cursor = p.NextCursor
			if p.NextCursor == "" || len(p.Orders) == 0 {
				break
			}
		}
		for id := range want {
			if !got[id] {
				t.Errorf("order %s created but missing from the paged list (%d listed)", id, len(got))
			}
		}
		all, err := f.p.ListPortOrders(f.ctx, providers.PortOrderFilter{}, providers.ListQuery{Limit: len(got)})
		if err != nil || len(all.Orders) != len(got) || (all.NextCursor != "") {
			t.Errorf("ListPortOrders(limit %d = every order): %d orders, More %v, err %v; want all, More false", len(got), len(all.Orders), (all.NextCursor != ""), err)
		}
	})

	t.Run("PortingRegions", func(t *testing.T) {
		// A provider that states its regions refuses other numbers before
		// any call, and its portability verdict says why.
		f := e.open(t)
		if len(f.caps.PortingRegions) == 0 {
			t.Skipf("%s states no porting regions", f.name)
		}
		const uk = "+442079460958"
		if slices.Contains(f.caps.PortingRegions, "GB") {
			t.Skipf("%s ports GB numbers", f.name)
		}
		if f.caps.Supports(providers.OpCheckPortability) {
			res, err := f.p.CheckPortability(f.ctx, []string{uk})
			if err != nil {
				t.Fatalf("CheckPortability(%s): %v", uk, err)
			}
			if len(res) != 1 || res[0].Portable || res[0].Reason == "" {
				t.Errorf("CheckPortability(%s) = %+v; want not portable with a reason", uk, res)
			}
		}
		if f.caps.Supports(providers.OpCreatePortOrder) {
			_, err := f.p.CreatePortOrder(f.ctx, providers.CreatePortOrderRequest{Order: f.newOrder([]string{NewNumber(""), uk})})
			pe := f.wantCode(t, "CreatePortOrder with a "+uk+" number", err, providers.CodeInvalidArgument, false)
			if pe != nil && !slices.ContainsFunc(pe.Violations, func(v providers.FieldViolation) bool { return strings.HasSuffix(v.Field, "phone_numbers[1]") }) {
				t.Errorf("CreatePortOrder with %s: violations %+v; want one on phone_numbers[1]", uk, pe.Violations)
			}
		}
	})

	t.Run("MessagingEnablement", func(t *testing.T) {
		// Enabling messaging is either done at once or reported PENDING,
		// and a pending enablement finishes as the provider advances.
		f := e.open(t)
		f.require(t, providers.OpUpdateNumber, providers.OpGetNumber)
		if !slices.Contains(f.caps.UpdatableNumberFields, providers.FieldNumberMessagingEnabled) {
			t.Skipf("%s cannot update %s", f.name, providers.FieldNumberMessagingEnabled)
		}
		const num = "+13125550102"
		in := providers.Number{PhoneNumber: num, MessagingEnabled: true, MessagingProfileID: "40017d2b-8d2a-4c4e-9a51-0c3f1b2a0001"}
		f.useAccountIDs(t, &in, &providers.Number{})
		mask := []string{providers.FieldNumberMessagingEnabled}
		if slices.Contains(f.caps.UpdatableNumberFields, providers.FieldNumberMessagingProfileID) {
			mask = append(mask, providers.FieldNumberMessagingProfileID)
		}
		res, err := f.p.UpdateNumber(f.ctx, providers.NumberUpdate{Number: in, Mask: mask, MessagingCallbackURL: "https://hooks.example.com/sms"})
		if err != nil {
			t.Fatalf("UpdateNumber(%s, messaging on): %v", num, err)
		}
		n := res.Number
		pending := n.MessagingProvisioning.State == providers.MessagingProvisioningPending
		if !n.MessagingEnabled && !pending {
			t.Fatalf("UpdateNumber(%s, messaging on): enabled false and provisioning %+v; want enabled or PENDING", num, n.MessagingProvisioning)
		}
		if n.MessagingEnabled && pending {
			t.Errorf("UpdateNumber(%s): enabled and PENDING at once", num)
		}
		for step := 0; pending; step++ {
			if step == maxAdvanceSteps {
				t.Fatalf("messaging on %s still PENDING after %d steps", num, maxAdvanceSteps)
			}
			if err := f.h.Advance(f.ctx); err != nil {
				t.Fatal(err)
			}
			if n, err = f.p.GetNumber(f.ctx, num); err != nil {
				t.Fatalf("GetNumber(%s): %v", num, err)
			}
			pending = n.MessagingProvisioning.State == providers.MessagingProvisioningPending
		}
		if !n.MessagingEnabled || n.MessagingProvisioning.State == providers.MessagingProvisioningFailed {
			t.Errorf("after provisioning: enabled %v provisioning %+v; want enabled", n.MessagingEnabled, n.MessagingProvisioning)
		}
	})

	t.Run("UpdateRefusesUndeclaredFields", func(t *testing.T) {
		// A field outside Capabilities().UpdatableOrderFields is refused,
		// never silently sent or dropped.
		f := e.open(t)
		f.require(t, providers.OpCreatePortOrder, providers.OpUpdatePortOrder, providers.OpGetPortOrder)
		o := f.createDraft(t, NewNumber(""))
		upd := f.newOrder(o.PhoneNumbers)
		upd.EndUser.EntityName, upd.EndUser.BillingTelephoneNumber = "Renamed Inc", o.PhoneNumbers[0]
		upd.EndUser.PIN, upd.EndUser.AccountNumber, upd.EndUser.Last4SSN = "9999", "ACCT-NEW", "1234"
		upd.StatusCallbackURL = "https://hooks.example.com/renamed"
		for _, field := range []string{providers.FieldEndUserEntityName, providers.FieldEndUserBillingNumber, providers.FieldEndUserPIN,
			providers.FieldEndUserAccountNumber, providers.FieldEndUserLast4SSN, providers.FieldStatusCallbackURL} {
			if slices.Contains(f.caps.UpdatableOrderFields, field) {
				continue
			}
			_, err := f.p.UpdatePortOrder(f.ctx, providers.PortOrderUpdate{ID: o.ID, Order: upd, Mask: []string{field}})
			if c := providers.ErrorCode(err); err == nil || (c != providers.CodeUnimplemented && c != providers.CodeInvalidArgument) {
				t.Errorf("UpdatePortOrder(mask %s), not in UpdatableOrderFields: err = %v; want PROVIDER_CAPABILITY_MISSING or INVALID_ARGUMENT", field, err)
			} else if !strings.Contains(err.Error(), field) {
				t.Errorf("UpdatePortOrder(mask %s): %v; the error should name the field", field, err)
			}
		}
		after := f.get(t, o.ID)
		if after.EndUser.EntityName != o.EndUser.EntityName || after.StatusCallbackURL != o.StatusCallbackURL {
			t.Errorf("refused updates changed the order: entity %q→%q, callback %q→%q", o.EndUser.EntityName, after.EndUser.EntityName, o.StatusCallbackURL, after.StatusCallbackURL)
		}
	})
}
