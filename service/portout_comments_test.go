package service_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/sandbox/telnyxfake"
	"github.com/portgate/portgate/service"
)

// TestPortOutComments: a comment added to a Telnyx port-out is listed back
// (gRPC and REST), a retry with the same request_id does not post a second
// one, a blank body is refused before the provider, and Flowroute (no
// port-out API) answers UNIMPLEMENTED.
func TestPortOutComments(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	name, _ := newPortOut(t, e)
	const rid = "7b1e2f3a-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
	c, err := e.porting.CreatePortOutComment(ctx, &pb.CreatePortOutCommentRequest{Parent: name,
		Comment: &pb.PortOutComment{Body: "The end user did not ask for this port."}, RequestId: rid})
	if err != nil || c.GetBody() != "The end user did not ask for this port." || c.GetCreateTime() == nil ||
		len(c.GetName()) <= len(name+"/comments/") || c.GetName()[:len(name+"/comments/")] != name+"/comments/" {
		t.Fatalf("create: %v %v", c, err)
	}
	again, err := e.porting.CreatePortOutComment(ctx, &pb.CreatePortOutCommentRequest{Parent: name,
		Comment: &pb.PortOutComment{Body: "The end user did not ask for this port."}, RequestId: rid})
	if err != nil || again.GetName() != c.GetName() {
		t.Fatalf("retry: %v %v", again, err)
	}
	list, err := e.porting.ListPortOutComments(ctx, &pb.ListPortOutCommentsRequest{Parent: name})
	if err != nil || len(list.GetComments()) != 1 || list.GetComments()[0].GetName() != c.GetName() {
		t.Fatalf("list: %v %v", list, err)
	}
	code, body := rest(t, "GET", e.base+"/v1/"+name+"/comments", nil)
	if cs, _ := body["comments"].([]any); code != 200 || len(cs) != 1 {
		t.Fatalf("REST list: %d %v", code, body)
	}
	code, body = rest(t, "POST", e.base+"/v1/"+name+"/comments", map[string]any{"body": "second"})
	if code != 200 || body["body"] != "second" {
		t.Fatalf("REST create: %d %v", code, body)
	}

	if _, err := e.porting.CreatePortOutComment(ctx, &pb.CreatePortOutCommentRequest{Parent: name,
		Comment: &pb.PortOutComment{Body: "   "}}); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("blank body: %v", err)
	}
	_, err = e.porting.ListPortOutComments(ctx, &pb.ListPortOutCommentsRequest{Parent: "providers/telnyx/portOuts/0b8e1c4e-9f0a-4d52-8c1e-3a2b1c0d9e8f"})
	if st, ei := errorInfo(t, err); st.Code() != codes.NotFound || ei.GetReason() != service.ReasonPortOutNotFound {
		t.Fatalf("unknown port-out: %v", err)
	}
	_, err = e.porting.ListPortOutComments(ctx, &pb.ListPortOutCommentsRequest{Parent: "providers/flowroute/portOuts/x"})
	if st, ei := errorInfo(t, err); st.Code() != codes.Unimplemented || ei.GetReason() != "PROVIDER_CAPABILITY_MISSING" {
		t.Fatalf("flowroute: %v", err)
	}
}

// TestPortOutDocuments: an LOA attached to a Telnyx port-out is uploaded and
// listed on the port-out at the provider; a retry with the same request_id
// attaches nothing more; Flowroute answers UNIMPLEMENTED.
func TestPortOutDocuments(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	name, _ := newPortOut(t, e)
	const rid = "2c9d8e7f-6a5b-4c3d-9e1f-0a1b2c3d4e5f"
	req := &pb.CreatePortOutDocumentRequest{Parent: name, RequestId: rid, Document: &pb.PortOutDocument{
		Type: pb.PortOutDocument_LOA, Filename: "loa.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4\n%%EOF\n")}}
	d, err := e.porting.CreatePortOutDocument(ctx, req)
	if err != nil || d.GetType() != pb.PortOutDocument_LOA || d.GetFilename() != "loa.pdf" || d.GetCreateTime() == nil ||
		len(d.GetContent()) != 0 || len(d.GetName()) <= len(name+"/documents/") || d.GetName()[:len(name+"/documents/")] != name+"/documents/" {
		t.Fatalf("create: %v %v", d, err)
	}
	again, err := e.porting.CreatePortOutDocument(ctx, req)
	if err != nil || again.GetName() != d.GetName() {
		t.Fatalf("retry: %v %v", again, err)
	}
	f := e.app.Sandboxes["telnyx"].Fake.(*telnyxfake.Fake)
	if docs := f.PortOutSupportingDocuments(name[len("providers/telnyx/portOuts/"):]); len(docs) != 1 || docs[0] != "loa" {
		t.Fatalf("at the provider: %v", docs)
	}
	code, body := rest(t, "POST", e.base+"/v1/"+name+"/documents",
		map[string]any{"type": "INVOICE", "filename": "bill.pdf", "content": "JVBERi0xLjQK"})
	if code != 200 || body["type"] != "INVOICE" {
		t.Fatalf("REST: %d %v", code, body)
	}
	if _, err := e.porting.CreatePortOutDocument(ctx, &pb.CreatePortOutDocumentRequest{Parent: name, Document: &pb.PortOutDocument{
		Filename: "x.pdf", Content: []byte("x")}}); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("no type: %v", err)
	}
	_, err = e.porting.CreatePortOutDocument(ctx, &pb.CreatePortOutDocumentRequest{Parent: "providers/flowroute/portOuts/x",
		Document: &pb.PortOutDocument{Type: pb.PortOutDocument_LOA, Filename: "x.pdf", Content: []byte("x")}})
	if st, ei := errorInfo(t, err); st.Code() != codes.Unimplemented || ei.GetReason() != "PROVIDER_CAPABILITY_MISSING" {
		t.Fatalf("flowroute: %v", err)
	}
}

// TestPortOutRejectionCodes: the codes Telnyx lists for a port-out are
// listed, and one of them rejects it; Flowroute answers UNIMPLEMENTED.
func TestPortOutRejectionCodes(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	name, _ := newPortOut(t, e)
	resp, err := e.porting.ListPortOutRejectionCodes(ctx, &pb.ListPortOutRejectionCodesRequest{Parent: name})
	if err != nil || len(resp.GetRejectionCodes()) != len(telnyxfake.PortOutRejections) {
		t.Fatalf("list: %v %v", resp, err)
	}
	rc := resp.GetRejectionCodes()[0]
	if rc.GetCode() != int32(telnyxfake.PortOutRejections[0].Code) || rc.GetDescription() == "" {
		t.Fatalf("first: %v", rc)
	}
	po, err := e.porting.RejectPortOut(ctx, &pb.RejectPortOutRequest{Name: name, Reason: "see code", RejectionCode: rc.GetCode()})
	if err != nil || po.GetState() != pb.PortOut_REJECTED_PENDING {
		t.Fatalf("reject with a listed code: %v %v", po, err)
	}
	code, body := rest(t, "GET", e.base+"/v1/"+name+"/rejectionCodes", nil)
	if rcs, _ := body["rejectionCodes"].([]any); code != 200 || len(rcs) == 0 {
		t.Fatalf("REST: %d %v", code, body)
	}
	_, err = e.porting.ListPortOutRejectionCodes(ctx, &pb.ListPortOutRejectionCodesRequest{Parent: "providers/flowroute/portOuts/x"})
	if st, ei := errorInfo(t, err); st.Code() != codes.Unimplemented || ei.GetReason() != "PROVIDER_CAPABILITY_MISSING" {
		t.Fatalf("flowroute: %v", err)
	}
}
