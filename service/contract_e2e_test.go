package service_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "github.com/portgate/portgate/gen/portgate/v1"
)

// TestV1ContractResources covers the issue-10 contract: every resource has a
// Get, ListProviders pages, numbers have one name, etags refuse stale writes.
func TestV1ContractResources(t *testing.T) {
	e := start(t)
	ctx := context.Background()

	// ListProviders pages; GetProvider answers each.
	p1, err := e.provs.ListProviders(ctx, &pb.ListProvidersRequest{PageSize: 1})
	if err != nil || len(p1.GetProviders()) != 1 || p1.GetNextPageToken() == "" {
		t.Fatalf("providers page 1: %v %v", p1, err)
	}
	p2, err := e.provs.ListProviders(ctx, &pb.ListProvidersRequest{PageSize: 1, PageToken: p1.GetNextPageToken()})
	if err != nil || len(p2.GetProviders()) != 1 || p2.GetNextPageToken() != "" || p2.GetProviders()[0].GetName() == p1.GetProviders()[0].GetName() {
		t.Fatalf("providers page 2: %v %v", p2, err)
	}
	for _, name := range []string{"providers/flowroute", "providers/telnyx"} {
		p, err := e.provs.GetProvider(ctx, &pb.GetProviderRequest{Name: name})
		if err != nil || p.GetName() != name || len(p.GetCapabilities().GetOperations()) == 0 {
			t.Fatalf("GetProvider %s: %v %v", name, p, err)
		}
	}
	if _, err := e.provs.GetProvider(ctx, &pb.GetProviderRequest{Name: "providers/nope"}); codeOf(err) != codes.NotFound {
		t.Fatalf("unknown provider: %v", err)
	}

	// GetPortOrderComment and GetPortOrderDocument.
	o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/telnyx", PortOrder: validOrder(freshNumber(""))})
	if err != nil {
		t.Fatal(err)
	}
	if o.GetProvider() != "providers/telnyx" || o.GetEtag() == "" {
		t.Fatalf("order provider %q etag %q", o.GetProvider(), o.GetEtag())
	}
	c, err := e.porting.CreatePortOrderComment(ctx, &pb.CreatePortOrderCommentRequest{Parent: o.GetName(), Comment: &pb.PortOrderComment{Body: "hello"}})
	if err != nil {
		t.Fatal(err)
	}
	gc, err := e.porting.GetPortOrderComment(ctx, &pb.GetPortOrderCommentRequest{Name: c.GetName()})
	if err != nil || gc.GetBody() != "hello" || gc.GetName() != c.GetName() {
		t.Fatalf("GetPortOrderComment: %v %v", gc, err)
	}
	if _, err := e.porting.GetPortOrderComment(ctx, &pb.GetPortOrderCommentRequest{Name: o.GetName() + "/comments/nope"}); codeOf(err) != codes.NotFound {
		t.Fatalf("missing comment: %v", err)
	}
	for _, prov := range []string{"flowroute", "telnyx"} {
		o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/" + prov, PortOrder: validOrder(freshNumber(""))})
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.porting.CreatePortOrderDocument(ctx, &pb.CreatePortOrderDocumentRequest{Parent: o.GetName(),
			Document: &pb.PortOrderDocument{Type: pb.PortOrderDocument_LOA, Filename: "loa.pdf", ContentType: "application/pdf", Content: []byte("%PDF loa")}})
		if err != nil {
			t.Fatal(err)
		}
		gd, err := e.porting.GetPortOrderDocument(ctx, &pb.GetPortOrderDocumentRequest{Name: d.GetName()})
		if err != nil || gd.GetName() != d.GetName() || gd.GetType() != pb.PortOrderDocument_LOA {
			t.Fatalf("%s GetPortOrderDocument: %v %v", prov, gd, err)
		}
		// List and Get agree: each gives the credential-free download_uri
		// (it works without portgate's or the provider's credentials) and
		// when it expires; nothing else.
		ld, err := e.porting.ListPortOrderDocuments(ctx, &pb.ListPortOrderDocumentsRequest{Parent: o.GetName()})
		if err != nil || len(ld.GetDocuments()) != 1 || ld.GetDocuments()[0].GetName() != d.GetName() {
			t.Fatalf("%s ListPortOrderDocuments: %v %v", prov, ld, err)
		}
		for how, doc := range map[string]*pb.PortOrderDocument{"get": gd, "list": ld.GetDocuments()[0]} {
			resp, err := http.Get(doc.GetDownloadUri())
			if err != nil {
				t.Fatalf("%s %s: %v", prov, how, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || string(body) != "%PDF loa" {
				t.Fatalf("%s %s: plain GET of download_uri %q: %d %q", prov, how, doc.GetDownloadUri(), resp.StatusCode, body)
			}
			if exp := doc.GetDownloadUriExpireTime(); !exp.IsValid() || !exp.AsTime().After(time.Now()) {
				t.Fatalf("%s %s: download_uri_expire_time %v", prov, how, exp)
			}
		}
		if _, err := e.porting.GetPortOrderDocument(ctx, &pb.GetPortOrderDocumentRequest{Name: o.GetName() + "/comments/x"}); codeOf(err) != codes.InvalidArgument {
			t.Fatalf("%s malformed document name: %v", prov, err)
		}
	}

	// Etags: a stale etag is ABORTED before the write; the current one passes.
	fresh := validOrder(freshNumber(""))
	o, err = e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/flowroute", PortOrder: fresh})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: o.GetName()})
	if err != nil || got.GetEtag() != o.GetEtag() {
		t.Fatalf("etag differs between create and get: %q %q %v", o.GetEtag(), got.GetEtag(), err)
	}
	upd, err := e.porting.UpdatePortOrder(ctx, &pb.UpdatePortOrderRequest{
		PortOrder:  &pb.PortOrder{Name: o.GetName(), CustomerReference: "first", Etag: o.GetEtag()},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"customer_reference"}}})
	if err != nil {
		t.Fatalf("update with the current etag: %v", err)
	}
	if upd.GetEtag() == o.GetEtag() {
		t.Fatalf("etag did not change with the content")
	}
	_, err = e.porting.UpdatePortOrder(ctx, &pb.UpdatePortOrderRequest{
		PortOrder:  &pb.PortOrder{Name: o.GetName(), CustomerReference: "second", Etag: o.GetEtag()},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"customer_reference"}}})
	if st, ei := errorInfo(t, err); st.Code() != codes.Aborted || ei.GetReason() != "ETAG_MISMATCH" {
		t.Fatalf("stale etag: %v", err)
	}
	if _, err := e.porting.CancelPortOrder(ctx, &pb.CancelPortOrderRequest{Name: o.GetName(), Etag: o.GetEtag()}); codeOf(err) != codes.Aborted {
		t.Fatalf("cancel with stale etag: %v", err)
	}
	after, err := e.porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: o.GetName()})
	if err != nil || after.GetCustomerReference() != "first" || after.GetState() == pb.PortOrder_CANCELLED {
		t.Fatalf("a refused write reached the provider: %v %v", after, err)
	}

	// Numbers: one name; "+" accepted on input.
	for _, in := range []string{"providers/telnyx/numbers/13125550100", "providers/telnyx/numbers/+13125550100", "providers/telnyx/numbers/%2B13125550100"} {
		n, err := e.numbers.GetNumber(ctx, &pb.GetNumberRequest{Name: in})
		if err != nil || n.GetName() != "providers/telnyx/numbers/13125550100" {
			t.Fatalf("GetNumber(%s): %v %v", in, n, err)
		}
	}
	n, err := e.numbers.GetNumber(ctx, &pb.GetNumberRequest{Name: "providers/telnyx/numbers/13125550100"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.numbers.UpdateNumber(ctx, &pb.UpdateNumberRequest{Number: &pb.Number{Name: n.GetName(), Alias: "x", Etag: `W/"stale"`},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"alias"}}})
	if st, ei := errorInfo(t, err); st.Code() != codes.Aborted || ei.GetReason() != "ETAG_MISMATCH" {
		t.Fatalf("number stale etag: %v", err)
	}
	if _, err := e.numbers.UpdateNumber(ctx, &pb.UpdateNumberRequest{Number: &pb.Number{Name: n.GetName(), Alias: "x", Etag: n.GetEtag()},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"alias"}}, RequestId: "6f1c2a34-7d4e-4b2a-9c1d-2e3f4a5b6c7d"}); err != nil {
		t.Fatalf("number current etag: %v", err)
	}
}

func codeOf(err error) codes.Code { return status.Code(err) }

// TestContractValidation: the buf.validate rules declared in the contract are
// enforced by the one validation interceptor, on gRPC and REST.
func TestContractValidation(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/flowroute", PortOrder: validOrder(freshNumber(""))})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		call  func() error
		field string
	}{
		{"blank signer", func() error {
			_, err := e.porting.SubmitPortOrder(ctx, &pb.SubmitPortOrderRequest{Name: o.GetName(), SignerName: "  ", SignerTitle: "CTO"})
			return err
		}, "signer_name"},
		{"request id not a UUID", func() error {
			_, err := e.porting.CancelPortOrder(ctx, &pb.CancelPortOrderRequest{Name: o.GetName(), RequestId: "not-a-uuid"})
			return err
		}, "request_id"},
		{"document without type", func() error {
			_, err := e.porting.CreatePortOrderDocument(ctx, &pb.CreatePortOrderDocumentRequest{Parent: o.GetName(),
				Document: &pb.PortOrderDocument{Filename: "a.pdf", Content: []byte("x")}})
			return err
		}, "document.type"},
		{"document file name with a directory", func() error {
			_, err := e.porting.CreatePortOrderDocument(ctx, &pb.CreatePortOrderDocumentRequest{Parent: o.GetName(),
				Document: &pb.PortOrderDocument{Type: pb.PortOrderDocument_LOA, Filename: "../a.pdf", Content: []byte("x")}})
			return err
		}, "document.filename"},
		{"update without number", func() error {
			_, err := e.numbers.UpdateNumber(ctx, &pb.UpdateNumberRequest{})
			return err
		}, "number"},
		{"portability without parent", func() error {
			_, err := e.porting.CheckPortability(ctx, &pb.CheckPortabilityRequest{PhoneNumbers: []string{"+13125550100"}})
			return err
		}, "parent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, ei := errorInfo(t, tc.call())
			br := badRequest(st)
			if st.Code() != codes.InvalidArgument || ei.GetReason() != "INVALID_ARGUMENT" || br == nil || br.GetFieldViolations()[0].GetField() != tc.field {
				t.Fatalf("got %v %v %v", st, ei, br)
			}
		})
	}
	code, body := rest(t, "POST", e.base+"/v1/"+o.GetName()+":submit", map[string]any{"signerName": " ", "signerTitle": "CTO"})
	if ei := detail(body, "type.googleapis.com/google.rpc.ErrorInfo"); code != 400 || ei["reason"] != "INVALID_ARGUMENT" {
		t.Fatalf("REST blank signer: %d %v", code, body)
	}
}

// TestRenamedFieldsUpdatable: the renamed fields keep working as update
// mask paths (the providers' capability lists use the contract's names).
func TestRenamedFieldsUpdatable(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/telnyx", PortOrder: validOrder(freshNumber(""))})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.porting.UpdatePortOrder(ctx, &pb.UpdatePortOrderRequest{
		PortOrder:  &pb.PortOrder{Name: o.GetName(), StatusCallbackUri: "https://example.com/hook"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"status_callback_uri"}}})
	if err != nil || u.GetStatusCallbackUri() != "https://example.com/hook" {
		t.Fatalf("status_callback_uri: %v %v", u.GetStatusCallbackUri(), err)
	}
}
