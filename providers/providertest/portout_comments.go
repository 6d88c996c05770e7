package providertest

import (
	"testing"

	"github.com/portgate/portgate/providers"
)

// testPortOutComments: a comment posted on a port-out is listed back,
// oldest first; a blank one is refused before the provider; a provider
// without the capability answers CodeUnimplemented.
func testPortOutComments(t *testing.T, e *env) {
	f := e.open(t)
	if !f.caps.Supports(providers.OpCreatePortOutComment) {
		_, err := f.p.ListPortOutComments(f.ctx, "00000000-0000-4000-8000-000000000000")
		f.wantCode(t, "ListPortOutComments without the capability", err, providers.CodeUnimplemented, false)
		return
	}
	h, ok := f.h.(PortOutHarness)
	if !ok {
		t.Skip("harness cannot open port-outs")
	}
	n := NewNumber("")
	id, err := h.CreatePortOut(f.ctx, n)
	if err != nil {
		t.Fatalf("CreatePortOut: %v", err)
	}
	first, err := f.p.CreatePortOutComment(f.ctx, id, "first")
	if err != nil || first.ID == "" || first.Body != "first" {
		t.Fatalf("CreatePortOutComment = %+v, %v", first, err)
	}
	if _, err := f.p.CreatePortOutComment(f.ctx, id, "second"); err != nil {
		t.Fatal(err)
	}
	cs, err := f.p.ListPortOutComments(f.ctx, id)
	if err != nil || len(cs) != 2 || cs[0].ID != first.ID || cs[1].Body != "second" {
		t.Fatalf("ListPortOutComments = %+v, %v", cs, err)
	}
	_, err = f.p.CreatePortOutComment(f.ctx, id, "  ")
	f.wantCode(t, "blank comment", err, providers.CodeInvalidArgument, false)
	_, err = f.p.ListPortOutComments(f.ctx, "00000000-0000-4000-8000-00000000dead")
	f.wantCode(t, "ListPortOutComments(unknown)", err, providers.CodeNotFound, true)
}

// testPortOutDocuments: an LOA attaches to a port-out; a CSR is refused
// before the provider; an unknown port-out is CodeNotFound.
func testPortOutDocuments(t *testing.T, e *env) {
	f := e.open(t)
	loa := providers.DocumentUpload{Type: providers.DocumentLOA, Filename: "loa.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4\n%%EOF\n")}
	if !f.caps.Supports(providers.OpCreatePortOutDocument) {
		_, err := f.p.AttachPortOutDocument(f.ctx, "00000000-0000-4000-8000-000000000000", loa)
		f.wantCode(t, "AttachPortOutDocument without the capability", err, providers.CodeUnimplemented, false)
		return
	}
	h, ok := f.h.(PortOutHarness)
	if !ok {
		t.Skip("harness cannot open port-outs")
	}
	id, err := h.CreatePortOut(f.ctx, NewNumber(""))
	if err != nil {
		t.Fatalf("CreatePortOut: %v", err)
	}
	d, err := f.p.AttachPortOutDocument(f.ctx, id, loa)
	if err != nil || d.ID == "" || d.Type != providers.DocumentLOA {
		t.Fatalf("AttachPortOutDocument = %+v, %v", d, err)
	}
	_, err = f.p.AttachPortOutDocument(f.ctx, id, providers.DocumentUpload{Type: providers.DocumentCSR, Filename: "csr.pdf", Content: []byte("x")})
	f.wantCode(t, "CSR on a port-out", err, providers.CodeInvalidArgument, false)
	_, err = f.p.AttachPortOutDocument(f.ctx, "00000000-0000-4000-8000-00000000dead", loa)
	f.wantCode(t, "AttachPortOutDocument(unknown)", err, providers.CodeNotFound, true)
}

// testPortOutRejectionCodes: the codes listed for a port-out reject it.
func testPortOutRejectionCodes(t *testing.T, e *env) {
	f := e.open(t)
	if !f.caps.Supports(providers.OpListPortOutRejectionCodes) {
		_, err := f.p.ListPortOutRejectionCodes(f.ctx, "00000000-0000-4000-8000-000000000000")
		f.wantCode(t, "ListPortOutRejectionCodes without the capability", err, providers.CodeUnimplemented, false)
		return
	}
	h, ok := f.h.(PortOutHarness)
	if !ok {
		t.Skip("harness cannot open port-outs")
	}
	id, err := h.CreatePortOut(f.ctx, NewNumber(""))
	if err != nil {
		t.Fatalf("CreatePortOut: %v", err)
	}
	rcs, err := f.p.ListPortOutRejectionCodes(f.ctx, id)
	if err != nil || len(rcs) == 0 {
		t.Fatalf("ListPortOutRejectionCodes = %+v, %v", rcs, err)
	}
	if po, err := f.p.DecidePortOut(f.ctx, providers.PortOutDecision{ID: id, Reason: "listed code", RejectionCode: rcs[0].Code}); err != nil ||
		po.State != providers.PortOutRejectedPending {
		t.Fatalf("reject with a listed code = %+v, %v", po, err)
	}
	_, err = f.p.ListPortOutRejectionCodes(f.ctx, "00000000-0000-4000-8000-00000000dead")
	f.wantCode(t, "ListPortOutRejectionCodes(unknown)", err, providers.CodeNotFound, true)
}
