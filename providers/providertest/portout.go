package providertest

import (
	"context"
	"slices"
	"testing"

	"github.com/portgate/portgate/providers"
)

// PortOutHarness is implemented by harnesses whose fake can play the
// winning carrier: CreatePortOut opens a pending port-out on number (put on
// the account first) and returns its id; AdvancePortOuts moves every
// port-out one step of the provider's timers (auto-authorization, FOC).
type PortOutHarness interface {
	CreatePortOut(ctx context.Context, number string) (string, error)
	AdvancePortOuts(ctx context.Context) error
}

// callPortOutOp is callOp for the port-out and LOA operations.
func callPortOutOp(f *fixture, op providers.Operation, orderID string) error {
	var err error
	switch op {
	case providers.OpListPortOuts:
		_, err = f.p.ListPortOuts(f.ctx, providers.PortOutFilter{}, providers.ListQuery{Limit: 5})
	case providers.OpGetPortOut:
		_, err = f.p.GetPortOut(f.ctx, "00000000-0000-4000-8000-000000000000")
	case providers.OpDecidePortOut:
		_, err = f.p.DecidePortOut(f.ctx, providers.PortOutDecision{ID: "00000000-0000-4000-8000-000000000000", Authorize: true})
	case providers.OpGetPortOrderLOA:
		_, err = f.p.GetPortOrderLOA(f.ctx, orderID, "")
	case providers.OpListPortOutComments:
		_, err = f.p.ListPortOutComments(f.ctx, "00000000-0000-4000-8000-000000000000")
	case providers.OpCreatePortOutComment:
		_, err = f.p.CreatePortOutComment(f.ctx, "00000000-0000-4000-8000-000000000000", "probe")
	case providers.OpListPortOutRejectionCodes:
		_, err = f.p.ListPortOutRejectionCodes(f.ctx, "00000000-0000-4000-8000-000000000000")
	case providers.OpCreatePortOutDocument:
		_, err = f.p.AttachPortOutDocument(f.ctx, "00000000-0000-4000-8000-000000000000",
			providers.DocumentUpload{Type: providers.DocumentLOA, Filename: "loa.pdf", Content: []byte("%PDF-1.4")})
	}
	return err
}

// testPortOuts: a port-out the winning carrier opens is listed, read,
// decided once (a second decision is a state refusal), rejected only with
// a reason, and moves on by the provider's timers.
func testPortOuts(t *testing.T, e *env) {
	f := e.open(t)
	if !f.caps.Supports(providers.OpListPortOuts) {
		_, err := f.p.ListPortOuts(f.ctx, providers.PortOutFilter{}, providers.ListQuery{})
		f.wantCode(t, "ListPortOuts without the capability", err, providers.CodeUnimplemented, false)
		return
	}
	h, ok := f.h.(PortOutHarness)
	if !ok {
		t.Skip("harness cannot open port-outs")
	}
	open := func() (string, string) {
		n := NewNumber("")
		id, err := h.CreatePortOut(f.ctx, n)
		if err != nil {
			t.Fatalf("CreatePortOut: %v", err)
		}
		return id, n
	}
	id, n := open()
	po, err := f.p.GetPortOut(f.ctx, id)
	if err != nil || po.ID != id || po.State != providers.PortOutPending || !slices.Contains(po.PhoneNumbers, n) || po.ProviderStatus == "" {
		t.Fatalf("GetPortOut = %+v, %v", po, err)
	}
	page, err := f.p.ListPortOuts(f.ctx, providers.PortOutFilter{PhoneNumber: n, States: []providers.PortOutState{providers.PortOutPending}}, providers.ListQuery{Limit: 10})
	if err != nil || len(page.PortOuts) != 1 || page.PortOuts[0].ID != id {
		t.Fatalf("ListPortOuts(%s) = %+v, %v", n, page, err)
	}
	if po, err = f.p.DecidePortOut(f.ctx, providers.PortOutDecision{ID: id, Authorize: true}); err != nil || po.State != providers.PortOutAuthorized {
		t.Fatalf("authorize = %+v, %v", po, err)
	}
	_, err = f.p.DecidePortOut(f.ctx, providers.PortOutDecision{ID: id, Reason: "too late"})
	f.wantCode(t, "reject an authorized port-out", err, providers.CodeFailedPrecondition, false)
	if err := h.AdvancePortOuts(f.ctx); err != nil {
		t.Fatal(err)
	}
	if po, err = f.p.GetPortOut(f.ctx, id); err != nil || po.State != providers.PortOutCompleted {
		t.Fatalf("after FOC = %+v, %v", po, err)
	}

	id2, _ := open()
	_, err = f.p.DecidePortOut(f.ctx, providers.PortOutDecision{ID: id2})
	f.wantCode(t, "reject without a reason", err, providers.CodeInvalidArgument, false)
	if po, err = f.p.DecidePortOut(f.ctx, providers.PortOutDecision{ID: id2, Reason: "not requested by the customer"}); err != nil ||
		po.State != providers.PortOutRejectedPending {
		t.Fatalf("reject = %+v, %v", po, err)
	}
	_, err = f.p.GetPortOut(f.ctx, "00000000-0000-4000-8000-00000000dead")
	f.wantCode(t, "GetPortOut(unknown)", err, providers.CodeNotFound, true)
}

// testPortOrderLOA: a draft's LOA is served with a media type and content.
func testPortOrderLOA(t *testing.T, e *env) {
	f := e.open(t)
	if !f.caps.Supports(providers.OpGetPortOrderLOA) || !f.caps.Supports(providers.OpCreatePortOrder) {
		t.Skip("no LOA or no create")
	}
	o := f.createDraft(t, NewNumber(""))
	loa, err := f.p.GetPortOrderLOA(f.ctx, o.ID, "")
	if err != nil || loa.ContentType == "" || len(loa.Content) == 0 {
		t.Fatalf("GetPortOrderLOA = %+v, %v", loa, err)
	}
}
