package providertest

import (
	"slices"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/sandbox/scenarios"
)

// Conformance cases for emergency addresses and caller ID names (issue 14,
// e911), through the portable client.

func conformanceAddress(label string) providers.EmergencyAddress {
	return providers.EmergencyAddress{DisplayName: label, FirstName: "Jane", LastName: "Roe", BusinessName: "Acme Widgets",
		StreetNumber: "600", StreetName: "Congress Ave", UnitType: "Suite", UnitNumber: "200",
		Locality: "Austin", AdministrativeArea: "TX", PostalCode: "78701", CountryCode: "US"}
}

// callEmergencyOp is callOp for this file's operations; known is false for others.
func callEmergencyOp(f *fixture, op providers.Operation) (err error, known bool) {
	ctx, p := f.ctx, f.p
	num := scenarios.SandboxNumbers[0]
	switch op {
	case providers.OpCreateEmergencyAddress:
		_, err = p.CreateEmergencyAddress(ctx, conformanceAddress("capability probe"))
	case providers.OpGetEmergencyAddress:
		_, err = p.GetEmergencyAddress(ctx, "1")
	case providers.OpListEmergencyAddresses:
		_, err = p.ListEmergencyAddresses(ctx, providers.ListQuery{Limit: 5})
	case providers.OpDeleteEmergencyAddress:
		err = p.DeleteEmergencyAddress(ctx, "1")
	case providers.OpAssignEmergencyAddress:
		_, err = p.AssignEmergencyAddress(ctx, num, "1")
	case providers.OpUnassignEmergencyAddress:
		_, err = p.UnassignEmergencyAddress(ctx, num)
	case providers.OpCreateCallerIDName:
		_, err = p.CreateCallerIDName(ctx, "PROBE")
	case providers.OpGetCallerIDName:
		_, err = p.GetCallerIDName(ctx, "1")
	case providers.OpListCallerIDNames:
		_, err = p.ListCallerIDNames(ctx, providers.ListQuery{Limit: 5})
	case providers.OpDeleteCallerIDName:
		err = p.DeleteCallerIDName(ctx, "1")
	case providers.OpSetNumberCallerIDName:
		_, err = p.SetNumberCallerIDName(ctx, num, "", "PROBE")
	case providers.OpClearNumberCallerIDName:
		_, err = p.ClearNumberCallerIDName(ctx, num)
	default:
		return nil, false
	}
	return err, true
}

// testEmergencyAddresses: an address the provider's validation refuses is
// INVALID_ARGUMENT (EMERGENCY_ADDRESS_INVALID) and not created; a valid one
// round-trips, is assigned to a number (enabled after the provider's
// asynchronous step), cannot be deleted while assigned, and can be once
// unassigned.
func testEmergencyAddresses(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpCreateEmergencyAddress, providers.OpGetEmergencyAddress, providers.OpListEmergencyAddresses,
		providers.OpDeleteEmergencyAddress, providers.OpAssignEmergencyAddress, providers.OpUnassignEmergencyAddress)
	ctx, p := f.ctx, f.p

	bad := conformanceAddress("unknown street")
	bad.PostalCode = "00000" // the sandboxes' unknown street
	_, err := p.CreateEmergencyAddress(ctx, bad)
	if pe := f.wantCode(t, "create invalid address", err, providers.CodeInvalidArgument, true); pe != nil && pe.Reason != providers.ReasonEmergencyAddressInvalid {
		t.Errorf("create invalid address: Reason = %q, want %s", pe.Reason, providers.ReasonEmergencyAddressInvalid)
	}
	missing := conformanceAddress("no street")
	missing.StreetName = ""
	if _, err := p.CreateEmergencyAddress(ctx, missing); err == nil {
		t.Error("an address without a street was accepted")
	} else if pe := f.wantCode(t, "create without street", err, providers.CodeInvalidArgument, false); pe != nil && pe.HTTPStatus != 0 {
		t.Errorf("create without street reached the provider (HTTP %d): it must be refused before any call", pe.HTTPStatus)
	}

	a, err := p.CreateEmergencyAddress(ctx, conformanceAddress("conformance HQ"))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	want := conformanceAddress("conformance HQ")
	if a.ID == "" || a.StreetNumber != want.StreetNumber || a.StreetName != want.StreetName || a.Locality != want.Locality ||
		a.PostalCode != want.PostalCode || a.UnitNumber != want.UnitNumber || a.FirstName != want.FirstName {
		t.Errorf("create returned %+v, want the address sent", a)
	}
	got, err := p.GetEmergencyAddress(ctx, a.ID)
	if err != nil || got.StreetName != want.StreetName || got.DisplayName != want.DisplayName {
		t.Errorf("get = %+v, %v", got, err)
	}
	page, err := p.ListEmergencyAddresses(ctx, providers.ListQuery{Limit: 50})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if !slices.ContainsFunc(page.Addresses, func(x *providers.EmergencyAddress) bool { return x.ID == a.ID }) || len(page.Addresses) != 1 {
		t.Errorf("list = %d addresses, want exactly the one created (the invalid one must not exist)", len(page.Addresses))
	}

	num := scenarios.SandboxNumbers[0]
	n, err := p.AssignEmergencyAddress(ctx, num, a.ID)
	if err != nil {
		t.Fatalf("assign: %v", err)
	}
	if n.EmergencyAddressID != a.ID || (n.Emergency.Status != providers.EmergencyStatusEnabled && n.Emergency.Status != providers.EmergencyStatusPending) {
		t.Errorf("assign: number address %q status %v, want %q ENABLED or PENDING", n.EmergencyAddressID, n.Emergency.Status, a.ID)
	}
	if err := f.h.Advance(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := p.GetNumber(ctx, num); err != nil || n.EmergencyAddressID != a.ID || n.Emergency.Status != providers.EmergencyStatusEnabled {
		t.Errorf("after the provider's step: %+v, %v; want the address ENABLED", n, err)
	}
	err = p.DeleteEmergencyAddress(ctx, a.ID)
	if pe := f.wantCode(t, "delete while assigned", err, providers.CodeFailedPrecondition, true); pe != nil && pe.Reason != providers.ReasonEmergencyAddressInUse {
		t.Errorf("delete while assigned: Reason = %q, want %s", pe.Reason, providers.ReasonEmergencyAddressInUse)
	}
	if _, err := p.UnassignEmergencyAddress(ctx, num); err != nil {
		t.Fatalf("unassign: %v", err)
	}
	if err := f.h.Advance(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := p.GetNumber(ctx, num); err != nil || n.EmergencyAddressID != "" || n.Emergency.Status != providers.EmergencyStatusDisabled {
		t.Errorf("after unassign: %+v, %v; want no address, DISABLED", n, err)
	}
	if err := p.DeleteEmergencyAddress(ctx, a.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = p.GetEmergencyAddress(ctx, a.ID)
	f.wantCode(t, "get deleted", err, providers.CodeNotFound, true)
}

// testCallerIDNames: the neutral number setting works on every provider
// that has it; values outside the rules are refused before any call; where
// the provider keeps CNAM records they start PENDING and the provider's
// step approves them.
func testCallerIDNames(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpSetNumberCallerIDName, providers.OpClearNumberCallerIDName)
	ctx, p := f.ctx, f.p
	num := scenarios.SandboxNumbers[1]
	for _, v := range []string{"", "SIXTEEN CHARS XX", "ACME & CO"} {
		_, err := p.SetNumberCallerIDName(ctx, num, "", v)
		if pe := f.wantCode(t, "set "+v, err, providers.CodeInvalidArgument, false); pe != nil && pe.HTTPStatus != 0 {
			t.Errorf("set %q reached the provider (HTTP %d)", v, pe.HTTPStatus)
		}
	}
	n, err := p.SetNumberCallerIDName(ctx, num, "", "ACME CONFORM")
	if err != nil {
		t.Fatalf("set: %v", err)
	}
	if n.Emergency.CallerIDName.Value != "ACME CONFORM" {
		t.Errorf("set: number caller ID name = %+v", n.Emergency.CallerIDName)
	}
	if f.caps.Supports(providers.OpCreateCallerIDName) {
		if n.Emergency.CallerIDName.RecordID == "" || n.Emergency.CallerIDName.State != providers.CallerIDNamePending {
			t.Errorf("set: %+v, want a PENDING record", n.Emergency.CallerIDName)
		}
		if err := f.h.Advance(ctx); err != nil {
			t.Fatal(err)
		}
		rec, err := p.GetCallerIDName(ctx, n.Emergency.CallerIDName.RecordID)
		if err != nil || rec.State != providers.CallerIDNameApproved || rec.Value != "ACME CONFORM" {
			t.Errorf("record after the provider's step: %+v, %v; want APPROVED", rec, err)
		}
		c, err := p.CreateCallerIDName(ctx, "REJECT ME")
		if err != nil || c.State != providers.CallerIDNamePending {
			t.Fatalf("create: %+v, %v", c, err)
		}
		if err := f.h.Advance(ctx); err != nil {
			t.Fatal(err)
		}
		if c, err := p.GetCallerIDName(ctx, c.ID); err != nil || c.State != providers.CallerIDNameRejected || c.RejectionReason == "" {
			t.Errorf("rejected record: %+v, %v", c, err)
		}
		err = p.DeleteCallerIDName(ctx, n.Emergency.CallerIDName.RecordID)
		f.wantCode(t, "delete an assigned record", err, providers.CodeFailedPrecondition, true)
	} else {
		_, err := p.CreateCallerIDName(ctx, "ACME")
		if pe := f.wantCode(t, "create record", err, providers.CodeUnimplemented, false); pe != nil && pe.Reason != "PROVIDER_CAPABILITY_MISSING" {
			t.Errorf("create record: Reason = %q", pe.Reason)
		}
	}
	n, err = p.ClearNumberCallerIDName(ctx, num)
	if err != nil || n.Emergency.CallerIDName.Value != "" || n.Emergency.CallerIDName.RecordID != "" {
		t.Errorf("clear: %+v, %v", n, err)
	}
}
