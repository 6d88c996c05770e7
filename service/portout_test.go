package service_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/url"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/sandbox/telnyxfake"
)

// seededPortOut is the port-out the sandbox seeds for the README curl tour.
var seededPortOut = "providers/telnyx/portOuts/" + telnyxfake.PortOutID(1)

// newPortOut opens a pending port-out on a fresh number of the Telnyx
// sandbox account (what another carrier's port-in does in production).
func newPortOut(t *testing.T, e *env) (name, number string) {
	t.Helper()
	f := e.app.Sandboxes["telnyx"].Fake.(*telnyxfake.Fake)
	number = freshNumber("")
	f.SeedNumber(number)
	id, err := f.CreatePortOut(telnyxfake.PortOutSpec{PhoneNumbers: []string{number}})
	if err != nil {
		t.Fatal(err)
	}
	return "providers/telnyx/portOuts/" + id, number
}

// TestPortOutRESTTour is the README port-out tour over REST: list the
// pending port-outs on Telnyx, authorize the seeded one, watch it port,
// and fetch an order's LOA on both providers.
func TestPortOutRESTTour(t *testing.T) {
	e := start(t)
	code, body := rest(t, "GET", e.base+"/v1/providers/telnyx/portOuts?filter="+url.QueryEscape("state = PENDING"), nil)
	list, _ := body["portOuts"].([]any)
	found := false
	for _, it := range list {
		po := it.(map[string]any)
		found = found || po["name"] == seededPortOut
		if po["state"] != "PENDING" {
			t.Errorf("filter state = PENDING returned %v", po)
		}
	}
	if code != 200 || !found {
		t.Fatalf("list: %d %v", code, body)
	}
	code, po := rest(t, "POST", e.base+"/v1/"+seededPortOut+":authorize",
		map[string]any{"requestId": "3f0c1b5e-8a8e-4c4e-9d7a-2b1f6c0d9e11"})
	if code != 200 || po["state"] != "AUTHORIZED" || po["providerStatus"] != "authorized" || po["focTime"] == nil {
		t.Fatalf("authorize: %d %v", code, po)
	}
	// The same request again (lost response): the first answer, not a refusal.
	if code, again := rest(t, "POST", e.base+"/v1/"+seededPortOut+":authorize",
		map[string]any{"requestId": "3f0c1b5e-8a8e-4c4e-9d7a-2b1f6c0d9e11"}); code != 200 || again["state"] != "AUTHORIZED" {
		t.Fatalf("retry: %d %v", code, again)
	}
	// A new decision is refused: the port-out is no longer pending.
	code, body = rest(t, "POST", e.base+"/v1/"+seededPortOut+":reject", map[string]any{"reason": "changed my mind"})
	if ei := detail(body, "type.googleapis.com/google.rpc.ErrorInfo"); code != 400 || ei["reason"] != "INVALID_STATE_TRANSITION" {
		t.Fatalf("reject after authorize: %d %v", code, body)
	}
	code, n := rest(t, "GET", e.base+"/v1/providers/telnyx/numbers/13125550171", nil)
	if code != 200 || n["providerStatus"] != "port-out-pending" {
		t.Fatalf("number while authorized: %d %v", code, n)
	}
	e.app.Sandboxes["telnyx"].Fake.(*telnyxfake.Fake).AdvancePortOuts() // the FOC date comes
	if code, po = rest(t, "GET", e.base+"/v1/"+seededPortOut, nil); code != 200 || po["state"] != "COMPLETED" {
		t.Fatalf("after FOC: %d %v", code, po)
	}
	if code, n = rest(t, "GET", e.base+"/v1/providers/telnyx/numbers/13125550171", nil); code != 200 || n["providerStatus"] != "ported-out" {
		t.Fatalf("number after port-out: %d %v", code, n)
	}

	// The LOA: Telnyx serves a PDF template, Flowroute the LOA form.
	for _, prov := range []string{"telnyx", "flowroute"} {
		order := createOrder(t, e, prov).GetName()
		code, loa := rest(t, "GET", e.base+"/v1/"+order+"/loa", nil)
		content, _ := base64.StdEncoding.DecodeString(loaString(loa["content"]))
		if code != 200 || loa["name"] != order+"/loa" || len(content) == 0 {
			t.Fatalf("%s loa: %d %v", prov, code, loa)
		}
		switch prov {
		case "telnyx":
			if loa["contentType"] != "application/pdf" || !bytes.HasPrefix(content, []byte("%PDF-")) || !bytes.Contains(content, []byte("%%EOF")) {
				t.Errorf("telnyx loa: %v %q", loa["contentType"], content)
			}
		case "flowroute":
			fields, _ := loa["fields"].(map[string]any)
			if loa["contentType"] != "text/plain; charset=utf-8" || !bytes.Contains(content, []byte("I authorize")) || fields["billing_name"] == nil || fields["numbers"] == "" {
				t.Errorf("flowroute loa: %v", loa)
			}
		}
	}
}

func loaString(v any) string { s, _ := v.(string); return s }

func TestPortOutDecisions(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	t.Run("reject with an eligible code", func(t *testing.T) {
		name, number := newPortOut(t, e)
		po, err := e.porting.RejectPortOut(ctx, &pb.RejectPortOutRequest{Name: name, Reason: "PIN does not match", RejectionCode: 1002})
		if err != nil || po.GetState() != pb.PortOut_REJECTED_PENDING || po.GetRejectionReason() != "PIN does not match" ||
			!proto.Equal(&pb.PortOut{PhoneNumbers: []string{number}}, &pb.PortOut{PhoneNumbers: po.GetPhoneNumbers()}) {
			t.Fatalf("reject: %v %v", po, err)
		}
		e.app.Sandboxes["telnyx"].Fake.(*telnyxfake.Fake).AdvancePortOuts()
		if po, err = e.porting.GetPortOut(ctx, &pb.GetPortOutRequest{Name: name}); err != nil || po.GetState() != pb.PortOut_REJECTED {
			t.Fatalf("after review: %v %v", po, err)
		}
		n, err := e.numbers.GetNumber(ctx, &pb.GetNumberRequest{Name: "providers/telnyx/numbers/" + number})
		if err != nil || n.GetProviderStatus() != "active" {
			t.Fatalf("number after rejection: %v %v", n, err)
		}
	})
	t.Run("reject with a code telnyx does not list", func(t *testing.T) {
		name, _ := newPortOut(t, e)
		_, err := e.porting.RejectPortOut(ctx, &pb.RejectPortOutRequest{Name: name, Reason: "no", RejectionCode: 9999})
		st, ei := errorInfo(t, err)
		if st.Code() != codes.InvalidArgument || ei.GetReason() != "PORT_OUT_REJECTION_CODE_INVALID" || badRequest(st) == nil {
			t.Fatalf("%v", err)
		}
		if po, _ := e.porting.GetPortOut(ctx, &pb.GetPortOutRequest{Name: name}); po.GetState() != pb.PortOut_PENDING {
			t.Fatalf("a refused rejection changed the port-out: %v", po)
		}
	})
	t.Run("reject without a reason", func(t *testing.T) {
		name, _ := newPortOut(t, e)
		_, err := e.porting.RejectPortOut(ctx, &pb.RejectPortOutRequest{Name: name, Reason: "  "})
		if st, _ := errorInfo(t, err); st.Code() != codes.InvalidArgument {
			t.Fatalf("%v", err)
		}
	})
	t.Run("unanswered port-outs are authorized", func(t *testing.T) {
		name, _ := newPortOut(t, e)
		e.app.Sandboxes["telnyx"].Fake.(*telnyxfake.Fake).AdvancePortOuts()
		if po, err := e.porting.GetPortOut(ctx, &pb.GetPortOutRequest{Name: name}); err != nil || po.GetState() != pb.PortOut_AUTHORIZED {
			t.Fatalf("%v %v", po, err)
		}
	})
	t.Run("unknown port-out", func(t *testing.T) {
		_, err := e.porting.GetPortOut(ctx, &pb.GetPortOutRequest{Name: "providers/telnyx/portOuts/00000000-0000-4000-8000-000000000000"})
		if st, ei := errorInfo(t, err); st.Code() != codes.NotFound || ei.GetReason() != "PORT_OUT_NOT_FOUND" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("flowroute has no port-out API", func(t *testing.T) {
		_, err := e.porting.ListPortOuts(ctx, &pb.ListPortOutsRequest{Parent: "providers/flowroute"})
		if st, ei := errorInfo(t, err); st.Code() != codes.Unimplemented || ei.GetReason() != "PROVIDER_CAPABILITY_MISSING" {
			t.Fatalf("%v", err)
		}
		_, err = e.porting.AuthorizePortOut(ctx, &pb.AuthorizePortOutRequest{Name: "providers/flowroute/portOuts/1"})
		if st, ei := errorInfo(t, err); st.Code() != codes.Unimplemented || ei.GetReason() != "PROVIDER_CAPABILITY_MISSING" {
			t.Fatalf("%v", err)
		}
	})
	t.Run("providers/- lists the providers that have port-outs", func(t *testing.T) {
		name, number := newPortOut(t, e)
		resp, err := e.porting.ListPortOuts(ctx, &pb.ListPortOutsRequest{Parent: "providers/-", Filter: `phone_number = "` + number + `"`})
		if err != nil || len(resp.GetPortOuts()) != 1 || resp.GetPortOuts()[0].GetName() != name {
			t.Fatalf("%v %v", resp, err)
		}
	})
	t.Run("capabilities", func(t *testing.T) {
		for prov, want := range map[string]bool{"telnyx": true, "flowroute": false} {
			p, err := e.provs.GetProvider(ctx, &pb.GetProviderRequest{Name: "providers/" + prov})
			if err != nil {
				t.Fatal(err)
			}
			got := false
			for _, op := range p.GetCapabilities().GetOperations() {
				got = got || op == "ListPortOuts"
			}
			if got != want {
				t.Errorf("%s: ListPortOuts in capabilities = %v, want %v", prov, got, want)
			}
		}
	})
}

// Flowroute serves the LOA form only while the order can be signed: after
// submit the call is refused before reaching Flowroute.
func TestFlowrouteLOAOnlyBeforeSigning(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	o := createOrder(t, e, "flowroute")
	if _, err := e.porting.SubmitPortOrder(ctx, &pb.SubmitPortOrderRequest{Name: o.GetName(), SignerName: "Jane Roe", SignerTitle: "CTO"}); err != nil {
		t.Fatal(err)
	}
	_, err := e.porting.GetPortOrderLoa(ctx, &pb.GetPortOrderLoaRequest{Name: o.GetName() + "/loa"})
	if st, ei := errorInfo(t, err); st.Code() != codes.FailedPrecondition || ei.GetReason() != "INVALID_STATE_TRANSITION" {
		t.Fatalf("%v", err)
	}
	_, err = e.porting.GetPortOrderLoa(ctx, &pb.GetPortOrderLoaRequest{Name: createOrder(t, e, "flowroute").GetName() + "/loa", LoaConfigurationId: "a1b2c3d4-0000-4000-8000-000000000001"})
	if st, ei := errorInfo(t, err); st.Code() != codes.InvalidArgument || ei.GetReason() != "INVALID_ARGUMENT" || badRequest(st) == nil {
		t.Fatalf("loa_configuration_id on flowroute: %v", err)
	}
}
