package providertest

import (
	"errors"
	"testing"
	"time"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/sandbox/scenarios"
)

// Conformance cases for the rest of porting in (issue 14, slice portin):
// ReschedulePortOrder, ActivatePortOrder, SupplyPortOrderRequirements and
// the waiting_on answer. Each operation is exercised where the provider
// lists it and must answer PROVIDER_CAPABILITY_MISSING where it does not
// (testCapabilities).

func callPortInOp(f *fixture, op providers.Operation, orderID string) (error, bool) {
	var err error
	switch op {
	case providers.OpReschedulePortOrder:
		_, err = f.p.ReschedulePortOrder(f.ctx, orderID, time.Now().Add(96*time.Hour))
	case providers.OpActivatePortOrder:
		_, err = f.p.ActivatePortOrder(f.ctx, orderID, time.Time{})
	case providers.OpSupplyPortOrderRequirements:
		_, err = f.p.SupplyPortOrderRequirements(f.ctx, orderID, providers.RequirementsUpdate{
			Values: []providers.RequirementValue{{TypeID: "probe", Text: "probe"}}})
	default:
		return nil, false
	}
	return err, true
}

func hasWaiting(o *providers.PortOrder, r providers.WaitingReason) bool {
	for _, w := range o.PortIn.WaitingOn {
		if w.Reason == r {
			return true
		}
	}
	return false
}

func wantReason(t *testing.T, what string, err error, reason string) {
	t.Helper()
	var pe *providers.Error
	if !errors.As(err, &pe) || pe.Reason != reason {
		t.Errorf("%s: err = %v, want reason %s", what, err, reason)
	}
}

func testPortIn(t *testing.T, e *env) {
	t.Run("WaitingOn", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpCreatePortOrder, providers.OpGetPortOrder, providers.OpSubmitPortOrder)
		id := f.createDraft(t, NewNumber("")).ID
		if g := f.get(t, id); !hasWaiting(g, providers.WaitingSignature) {
			t.Errorf("draft: WaitingOn = %+v, want SIGNATURE among them", g.PortIn.WaitingOn)
		}
		s := f.submit(t, id)
		final := f.advanceUntil(t, id, s.State, providers.StateCompleted)
		if final.State != providers.StateCompleted {
			return
		}
		g := f.get(t, id)
		if len(g.PortIn.WaitingOn) != 1 || g.PortIn.WaitingOn[0].Reason != providers.WaitingNothing {
			t.Errorf("completed: WaitingOn = %+v, want [NOTHING]", g.PortIn.WaitingOn)
		}
	})
	t.Run("Reschedule", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpCreatePortOrder, providers.OpSubmitPortOrder, providers.OpReschedulePortOrder)
		id := f.createDraft(t, NewNumber("")).ID
		s := f.submit(t, id)
		g := f.get(t, id)
		if len(g.AllowedFOCWindows) == 0 {
			t.Fatalf("submitted order (%v): no AllowedFOCWindows although ReschedulePortOrder is offered", s.State)
		}
		before := g.AllowedFOCWindows[0].Start.Add(-time.Minute)
		_, err := f.p.ReschedulePortOrder(f.ctx, id, before)
		f.wantCode(t, "ReschedulePortOrder outside the windows", err, providers.CodeInvalidArgument, false)
		wantReason(t, "ReschedulePortOrder outside the windows", err, "PORTIN_FOC_OUTSIDE_WINDOWS")
		w := g.AllowedFOCWindows[len(g.AllowedFOCWindows)-1]
		want := w.Start.Add(w.End.Sub(w.Start) / 2).Truncate(time.Second)
		o, err := f.p.ReschedulePortOrder(f.ctx, id, want)
		if err != nil {
			t.Fatalf("ReschedulePortOrder(%v): %v", want, err)
		}
		if !o.RequestedFOCTime.Equal(want) {
			t.Errorf("ReschedulePortOrder: RequestedFOCTime = %v, want %v", o.RequestedFOCTime, want)
		}
		if len(o.PortIn.WaitingOn) == 0 {
			t.Error("ReschedulePortOrder: answer without WaitingOn")
		}
		c := f.advanceUntil(t, id, o.State, providers.StateFOCConfirmed)
		if c.State == providers.StateFOCConfirmed && !c.ConfirmedFOCTime.Equal(want) {
			t.Logf("confirmed FOC %v differs from the requested %v (the losing carrier decides)", c.ConfirmedFOCTime, want)
		}
	})
	t.Run("Activate", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpCreatePortOrder, providers.OpSubmitPortOrder, providers.OpActivatePortOrder)
		slow := f.createDraft(t, NewNumber("")).ID
		fast := f.createDraft(t, NewNumber(scenarios.SuffixFastPortable)).ID
		if g := f.get(t, fast); !g.PortIn.FastPortEligible {
			t.Fatalf("order of a fast-portable number: FastPortEligible = false")
		}
		sf := f.submit(t, fast)
		f.submit(t, slow)
		_, err := f.p.ActivatePortOrder(f.ctx, fast, time.Time{})
		f.wantCode(t, "ActivatePortOrder before the FOC is confirmed", err, providers.CodeFailedPrecondition, false)
		// Both orders walk in step (Advance moves every order).
		c := f.advanceUntil(t, fast, sf.State, providers.StateFOCConfirmed)
		if c.State != providers.StateFOCConfirmed {
			t.Fatalf("fast order never reached FOC_CONFIRMED (%v)", c.State)
		}
		_, err = f.p.ActivatePortOrder(f.ctx, slow, time.Time{})
		f.wantCode(t, "ActivatePortOrder on a non-FastPort order", err, providers.CodeFailedPrecondition, false)
		wantReason(t, "ActivatePortOrder on a non-FastPort order", err, "PORTIN_NOT_FAST_PORT_ELIGIBLE")
		if !hasWaiting(c, providers.WaitingActivation) {
			t.Errorf("FOC confirmed: WaitingOn = %+v, want ACTIVATION", c.PortIn.WaitingOn)
		}
		o, err := f.p.ActivatePortOrder(f.ctx, fast, time.Time{})
		if err != nil {
			t.Fatalf("ActivatePortOrder: %v", err)
		}
		a := o.PortIn.Activation
		if a == nil || a.JobID == "" || a.Type != providers.ActivationOnDemand ||
			(a.State != providers.ActivationCreated && a.State != providers.ActivationInProcess) {
			t.Fatalf("ActivatePortOrder: Activation = %+v, want an on-demand job, created or in process", a)
		}
		// A repeated activation reuses the open job.
		again, err := f.p.ActivatePortOrder(f.ctx, fast, time.Time{})
		if err != nil || again.PortIn.Activation == nil || again.PortIn.Activation.JobID != a.JobID {
			t.Fatalf("second ActivatePortOrder: %v, %+v; want the same job %s", err, again, a.JobID)
		}
		// The job runs while the order stays FOC_CONFIRMED, then ports it.
		g := o
		for step := 0; step < maxAdvanceSteps && g.State == providers.StateFOCConfirmed; step++ {
			if err := f.h.Advance(f.ctx); err != nil {
				t.Fatalf("Advance: %v", err)
			}
			g = f.get(t, fast)
		}
		if g.State != providers.StateCompleted {
			t.Fatalf("activated order: State = %v, want COMPLETED", g.State)
		}
		if g.PortIn.Activation == nil || g.PortIn.Activation.State != providers.ActivationCompleted {
			t.Errorf("ported: Activation = %+v, want COMPLETED", g.PortIn.Activation)
		}
	})
	t.Run("Requirements", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpCreatePortOrder, providers.OpSupplyPortOrderRequirements, providers.OpUploadDocument)
		id := f.createDraft(t, NewNumber("")).ID
		g := f.get(t, id)
		var doc *providers.Requirement
		for i, r := range g.Requirements {
			if r.ValueType == "DOCUMENT" && r.Status == providers.RequirementMissing {
				doc = &g.Requirements[i]
			}
		}
		if doc == nil {
			t.Skip("the order lists no missing document requirement")
		}
		if !hasWaiting(g, providers.WaitingDocuments) {
			t.Errorf("missing document requirement: WaitingOn = %+v, want DOCUMENTS", g.PortIn.WaitingOn)
		}
		_, err := f.p.SupplyPortOrderRequirements(f.ctx, id, providers.RequirementsUpdate{
			Values: []providers.RequirementValue{{TypeID: "not-a-requirement", Text: "x"}}})
		f.wantCode(t, "unknown requirement type", err, providers.CodeInvalidArgument, false)
		wantReason(t, "unknown requirement type", err, "PORTIN_REQUIREMENT_NOT_ON_ORDER")
		_, err = f.p.SupplyPortOrderRequirements(f.ctx, id, providers.RequirementsUpdate{
			Values: []providers.RequirementValue{{TypeID: doc.TypeID, Text: "x"}}})
		f.wantCode(t, "text for a document requirement", err, providers.CodeInvalidArgument, false)
		up := loaUpload()
		up.Type, up.Filename = providers.DocumentOther, "supporting.pdf"
		d, err := f.p.UploadDocument(f.ctx, id, up)
		if err != nil {
			t.Fatalf("UploadDocument: %v", err)
		}
		o, err := f.p.SupplyPortOrderRequirements(f.ctx, id, providers.RequirementsUpdate{
			Values: []providers.RequirementValue{{TypeID: doc.TypeID, DocumentID: d.ID}}})
		if err != nil {
			t.Fatalf("SupplyPortOrderRequirements: %v", err)
		}
		for _, r := range o.Requirements {
			if r.TypeID == doc.TypeID && r.Status == providers.RequirementMissing {
				t.Errorf("after supplying %s: still MISSING", doc.TypeID)
			}
		}
	})
}
