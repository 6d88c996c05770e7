package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/app"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/sandbox/chaos"
)

// env is a whole portgate (real server, real gateway, both sandboxes) with
// the gRPC listener in memory and REST on a loopback port.
type env struct {
	app     *app.App
	conn    *grpc.ClientConn
	porting pb.PortingClient
	numbers pb.NumbersClient
	provs   pb.ProvidersClient
	base    string // REST base URL
}

func start(t testing.TB) *env {
	t.Helper()
	return startWith(t, nil)
}

// startWith is start with a configuration tweak (nil = none).
func startWith(t testing.TB, tweak func(*config.Config)) *env {
	t.Helper()
	var cfg config.Config
	if tweak != nil {
		tweak(&cfg)
	}
	return startApp(t, cfg, nil)
}

// startApp runs the whole app from cfg (listen addresses and grace set
// here) with logger (nil = discard).
func startApp(t testing.TB, cfg config.Config, logger *slog.Logger) *env {
	t.Helper()
	cfg.GRPCAddr, cfg.HTTPAddr, cfg.ShutdownGrace = "bufconn", "127.0.0.1:0", time.Second
	a, err := app.Build(cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := a.Server.Start(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := a.Server.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		restClient.CloseIdleConnections()
		conn.Close()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := a.Server.Shutdown(sctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return &env{app: a, conn: conn, porting: pb.NewPortingClient(conn), numbers: pb.NewNumbersClient(conn),
		provs: pb.NewProvidersClient(conn), base: "http://" + a.Server.HTTPAddr()}
}

var numberSeq atomic.Int64

// freshNumber returns a valid, unused Chicago number ending in suffix (or a
// plain one when suffix is "").
func freshNumber(suffix string) string {
	n := numberSeq.Add(1)
	if suffix == "" {
		return fmt.Sprintf("+1312555%04d", 2000+n)
	}
	return fmt.Sprintf("+1312%03d%s", 200+n%800, suffix)
}

func validOrder(numbers ...string) *pb.PortOrder {
	return &pb.PortOrder{
		PhoneNumbers: numbers,
		EndUser: &pb.EndUser{
			EntityName: "Acme Widgets", AuthorizedPerson: "Jane Roe", BillingTelephoneNumber: numbers[0],
			UsageType: pb.EndUser_BUSINESS, AccountNumber: "ACCT-1234", Pin: "4321",
			ServiceAddress: &pb.PostalAddress{StreetAddress: "1 Main St", Locality: "Chicago", AdministrativeArea: "IL", PostalCode: "60601", RegionCode: "US"},
		},
		LosingCarrier:     "Verizon",
		PortType:          pb.PortOrder_FULL,
		CustomerReference: "ref-" + strings.TrimPrefix(numbers[0], "+"),
	}
}

func errorInfo(t *testing.T, err error) (*status.Status, *errdetails.ErrorInfo) {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok || st.Code() == codes.OK {
		t.Fatalf("want a gRPC error, got %v", err)
	}
	for _, d := range st.Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok {
			return st, ei
		}
	}
	t.Fatalf("error %v has no ErrorInfo", err)
	return nil, nil
}

func badRequest(st *status.Status) *errdetails.BadRequest {
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			return br
		}
	}
	return nil
}

func TestPortingLifecycleGRPC(t *testing.T) {
	for _, prov := range []string{"flowroute", "telnyx"} {
		t.Run(prov, func(t *testing.T) {
			e := start(t)
			ctx := context.Background()
			n1, n2, n3 := freshNumber(""), freshNumber(""), freshNumber("")
			// National form in, E.164 out.
			o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/" + prov, PortOrder: validOrder(n1, strings.TrimPrefix(n2, "+1")),
				RequestId: "2b0b2f7e-6b53-4b5e-9e57-8f0f0b5b2a11"})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if !strings.HasPrefix(o.GetName(), "providers/"+prov+"/portOrders/") || o.GetState() != pb.PortOrder_DRAFT || o.GetProviderStatus() == "" {
				t.Fatalf("create: got %v", o)
			}
			if got := o.GetPhoneNumbers(); len(got) != 2 || got[0] != n1 || got[1] != n2 {
				t.Fatalf("numbers = %v, want [%s %s]", got, n1, n2)
			}
			if o.GetEndUser().GetHasPin() != true {
				t.Errorf("has_pin = false after sending a PIN")
			}
			if o.GetEndUser().GetPin() != "" || o.GetEndUser().GetAccountNumber() != "" {
				t.Errorf("secrets echoed back: %v", o.GetEndUser())
			}
			if prov == "telnyx" {
				// Telnyx documents no way to change an order's numbers.
				_, err = e.porting.ModifyPortOrderNumbers(ctx, &pb.ModifyPortOrderNumbersRequest{Name: o.GetName(), Add: []string{n3}, Remove: []string{n2}})
				if st, ei := errorInfo(t, err); st.Code() != codes.Unimplemented || ei.GetReason() != "PROVIDER_CAPABILITY_MISSING" {
					t.Fatalf("telnyx modify: %v %v", st.Code(), ei)
				}
			} else {
				o, err = e.porting.ModifyPortOrderNumbers(ctx, &pb.ModifyPortOrderNumbersRequest{Name: o.GetName(), Add: []string{n3}, Remove: []string{n2}})
				if err != nil {
					t.Fatalf("modify: %v", err)
				}
				if got := o.GetPhoneNumbers(); len(got) != 2 || !containsAll(got, n1, n3) {
					t.Fatalf("after modify numbers = %v, want %s and %s", got, n1, n3)
				}
			}
			if prov == "telnyx" {
				// Telnyx confirm needs its requirements met: an LOA and an invoice.
				for _, typ := range []pb.PortOrderDocument_Type{pb.PortOrderDocument_LOA, pb.PortOrderDocument_INVOICE} {
					if _, err := e.porting.CreatePortOrderDocument(ctx, &pb.CreatePortOrderDocumentRequest{Parent: o.GetName(),
						Document: &pb.PortOrderDocument{Type: typ, Filename: "doc.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4 doc")}}); err != nil {
						t.Fatalf("upload %v: %v", typ, err)
					}
				}
			}
			o, err = e.porting.SubmitPortOrder(ctx, &pb.SubmitPortOrderRequest{Name: o.GetName(), SignerName: "Jane Roe", SignerTitle: "CTO"})
			if err != nil {
				t.Fatalf("submit: %v", err)
			}
			if o.GetState() != pb.PortOrder_SUBMITTED {
				t.Fatalf("after submit state = %v (%s)", o.GetState(), o.GetProviderStatus())
			}
			// Numbers are frozen after submit.
			if prov != "telnyx" {
				_, err = e.porting.ModifyPortOrderNumbers(ctx, &pb.ModifyPortOrderNumbersRequest{Name: o.GetName(), Add: []string{freshNumber("")}})
				st, ei := errorInfo(t, err)
				if st.Code() != codes.FailedPrecondition || ei.GetReason() != "INVALID_STATE_TRANSITION" {
					t.Fatalf("modify after submit: %v %v", st.Code(), ei)
				}
			}
			// The sandbox walks the state machine to completion.
			seen := []pb.PortOrder_State{o.GetState()}
			for i := 0; i < 8 && o.GetState() != pb.PortOrder_COMPLETED; i++ {
				e.app.Sandboxes[prov].Advance()
				if o, err = e.porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: o.GetName()}); err != nil {
					t.Fatalf("get: %v", err)
				}
				seen = append(seen, o.GetState())
			}
			if o.GetState() != pb.PortOrder_COMPLETED {
				t.Fatalf("never completed; states %v", seen)
			}
			if !containsState(seen, pb.PortOrder_FOC_CONFIRMED) {
				t.Errorf("no FOC_CONFIRMED on the way: %v", seen)
			}
			_, err = e.porting.CancelPortOrder(ctx, &pb.CancelPortOrderRequest{Name: o.GetName()})
			if st, _ := errorInfo(t, err); st.Code() != codes.FailedPrecondition {
				t.Fatalf("cancel completed: %v", err)
			}
			// List finds it, filtered by state.
			found := false
			var tok string
			for {
				resp, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/" + prov, Filter: `state = COMPLETED`, PageSize: 2, PageToken: tok})
				if err != nil {
					t.Fatalf("list: %v", err)
				}
				for _, x := range resp.GetPortOrders() {
					if x.GetState() != pb.PortOrder_COMPLETED {
						t.Errorf("filter leaked %v", x.GetState())
					}
					found = found || x.GetName() == o.GetName()
				}
				if tok = resp.GetNextPageToken(); tok == "" {
					break
				}
			}
			if !found {
				t.Errorf("list did not find %s", o.GetName())
			}
		})
	}
}

func containsAll(list []string, want ...string) bool {
	for _, w := range want {
		ok := false
		for _, x := range list {
			ok = ok || x == w
		}
		if !ok {
			return false
		}
	}
	return true
}

func containsState(list []pb.PortOrder_State, s pb.PortOrder_State) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestValidationErrorsGRPC(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	cases := []struct {
		name   string
		call   func() error
		code   codes.Code
		reason string
		field  string
	}{
		{"bad number", func() error {
			_, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/flowroute", PortOrder: validOrder("+13125550100", "12345")})
			return err
		}, codes.InvalidArgument, "INVALID_PHONE_NUMBER", "port_order.phone_numbers[1]"},
		{"unknown provider", func() error {
			_, err := e.porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: "providers/nope/portOrders/1"})
			return err
		}, codes.NotFound, "UNKNOWN_PROVIDER", ""},
		{"unknown order", func() error {
			_, err := e.porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: "providers/flowroute/portOrders/999999"})
			return err
		}, codes.NotFound, "PORT_ORDER_NOT_FOUND", ""},
		{"unknown telnyx order", func() error {
			_, err := e.porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: "providers/telnyx/portOrders/7d6c1d1e-0000-4000-8000-000000000000"})
			return err
		}, codes.NotFound, "PORT_ORDER_NOT_FOUND", ""},
		{"bad name", func() error {
			_, err := e.porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: "portOrders/1"})
			return err
		}, codes.InvalidArgument, "INVALID_ARGUMENT", "name"},
		{"negative page size", func() error {
			_, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/flowroute", PageSize: -1})
			return err
		}, codes.InvalidArgument, "INVALID_ARGUMENT", "page_size"},
		{"bad filter field", func() error {
			_, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/-", Filter: `color = "red"`})
			return err
		}, codes.InvalidArgument, "INVALID_FILTER", "filter"},
		{"bad filter value", func() error {
			_, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/-", Filter: `create_time > "yesterday"`})
			return err
		}, codes.InvalidArgument, "INVALID_FILTER", "filter"},
		{"garbage page token", func() error {
			_, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/flowroute", PageToken: "!!!"})
			return err
		}, codes.InvalidArgument, "INVALID_PAGE_TOKEN", "page_token"},
		{"submit without signer", func() error {
			_, err := e.porting.SubmitPortOrder(ctx, &pb.SubmitPortOrderRequest{Name: "providers/flowroute/portOrders/1"})
			return err
		}, codes.InvalidArgument, "INVALID_ARGUMENT", "signer_name"},
		{"bad request id", func() error {
			_, err := e.porting.CancelPortOrder(ctx, &pb.CancelPortOrderRequest{Name: "providers/flowroute/portOrders/1", RequestId: "abc"})
			return err
		}, codes.InvalidArgument, "INVALID_ARGUMENT", "request_id"},
		{"flowroute has no comment API", func() error {
			_, err := e.porting.CreatePortOrderComment(ctx, &pb.CreatePortOrderCommentRequest{Parent: "providers/flowroute/portOrders/1", Comment: &pb.PortOrderComment{Body: "hi"}})
			return err
		}, codes.Unimplemented, "PROVIDER_CAPABILITY_MISSING", ""},
		{"event name without a sequence", func() error {
			_, err := e.porting.GetPortOrderEvent(ctx, &pb.GetPortOrderEventRequest{Name: "providers/flowroute/portOrders/1/events/x"})
			return err
		}, codes.InvalidArgument, "INVALID_ARGUMENT", "name"},
		{"event not found", func() error {
			_, err := e.porting.GetPortOrderEvent(ctx, &pb.GetPortOrderEventRequest{Name: "providers/flowroute/portOrders/1/events/999999"})
			return err
		}, codes.NotFound, "EVENT_NOT_FOUND", ""},
		{"number not on account", func() error {
			_, err := e.numbers.GetNumber(ctx, &pb.GetNumberRequest{Name: "providers/telnyx/numbers/+13125559909"})
			return err
		}, codes.NotFound, "NUMBER_NOT_FOUND", ""},
		{"one order on providers/-", func() error {
			_, err := e.porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: "providers/-/portOrders/1"})
			return err
		}, codes.InvalidArgument, "INVALID_ARGUMENT", "name"},
		{"one number on providers/-", func() error {
			_, err := e.numbers.GetNumber(ctx, &pb.GetNumberRequest{Name: "providers/-/numbers/+13125550100"})
			return err
		}, codes.InvalidArgument, "INVALID_ARGUMENT", "name"},
		{"bad number name", func() error {
			_, err := e.numbers.GetNumber(ctx, &pb.GetNumberRequest{Name: "providers/telnyx/numbers/555"})
			return err
		}, codes.InvalidArgument, "INVALID_PHONE_NUMBER", "name"},
		{"update mask outside provider", func() error {
			_, err := e.numbers.UpdateNumber(ctx, &pb.UpdateNumberRequest{Number: &pb.Number{Name: "providers/flowroute/numbers/+13125550100", MessagingProfileId: "x"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"messaging_profile_id"}}})
			return err
		}, codes.InvalidArgument, "INVALID_UPDATE_MASK", "update_mask"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, ei := errorInfo(t, c.call())
			if st.Code() != c.code || ei.GetReason() != c.reason {
				t.Fatalf("got %v %s (%s), want %v %s", st.Code(), ei.GetReason(), st.Message(), c.code, c.reason)
			}
			if c.field != "" {
				br := badRequest(st)
				if br == nil || len(br.GetFieldViolations()) == 0 || br.GetFieldViolations()[0].GetField() != c.field {
					t.Fatalf("BadRequest = %v, want field %s", br, c.field)
				}
			}
		})
	}
}

func TestSplitAndNotPortable(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	for _, prov := range []string{"flowroute", "telnyx"} {
		t.Run(prov, func(t *testing.T) {
			n, split := freshNumber(""), freshNumber("9904")
			o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/" + prov, PortOrder: validOrder(n, split)})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if len(o.GetRelatedOrders()) != 1 {
				t.Fatalf("related = %v, want the split order", o.GetRelatedOrders())
			}
			rel, err := e.porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: o.GetRelatedOrders()[0]})
			if err != nil {
				t.Fatalf("get related: %v", err)
			}
			if !containsAll(rel.GetPhoneNumbers(), split) || !containsAll(o.GetPhoneNumbers(), n) {
				t.Fatalf("split: primary %v related %v", o.GetPhoneNumbers(), rel.GetPhoneNumbers())
			}
			_, err = e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/" + prov, PortOrder: validOrder(freshNumber(""), freshNumber("9901"))})
			st, ei := errorInfo(t, err)
			if st.Code() != codes.InvalidArgument || ei.GetDomain() != "portgate.dev" || ei.GetMetadata()["provider_status"] == "" || badRequest(st) == nil {
				t.Fatalf("not portable: %v %v %v", st.Code(), ei, badRequest(st))
			}
		})
	}
}

func TestCheckPortabilityAndRouting(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	var nums []string
	for i := 0; i < 230; i++ { // more than one batch per provider
		nums = append(nums, freshNumber(""))
	}
	nums = append(nums, freshNumber("9901"), freshNumber("9905"))
	resp, err := e.porting.CheckPortability(ctx, &pb.CheckPortabilityRequest{Parent: "providers/-", PhoneNumbers: nums})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.GetResults()) != 2*len(nums) || len(resp.GetRecommendations()) != len(nums) {
		t.Fatalf("results %d, recommendations %d; want %d and %d", len(resp.GetResults()), len(resp.GetRecommendations()), 2*len(nums), len(nums))
	}
	for _, r := range resp.GetResults() {
		if r.GetError() != nil {
			t.Fatalf("provider error: %v", r)
		}
		if strings.HasSuffix(r.GetPhoneNumber(), "9901") == r.GetPortable() {
			t.Errorf("verdict %v", r)
		}
	}
	if rec := resp.GetRecommendations()[len(nums)-2]; rec.GetRecommendedProvider() != "" {
		t.Errorf("non-portable number recommended: %v", rec)
	}
	// Nobody can port it: FAILED_PRECONDITION saying, per provider, why not.
	blocked := freshNumber("9901")
	_, err = e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/-", PortOrder: validOrder(freshNumber(""), blocked)})
	st, ei := errorInfo(t, err)
	if st.Code() != codes.FailedPrecondition || ei.GetReason() != "NO_PROVIDER_CAN_PORT" || ei.GetDomain() != "portgate.dev" {
		t.Fatalf("unportable create on providers/-: %v %v", st, ei)
	}
	var refused []string
	for _, d := range st.Details() {
		if pf, ok := d.(*errdetails.PreconditionFailure); ok {
			for _, v := range pf.GetViolations() {
				if v.GetType() != "NOT_PORTABLE" || !strings.HasPrefix(v.GetDescription(), blocked+": ") {
					t.Errorf("violation %v", v)
				}
				refused = append(refused, v.GetSubject())
			}
		}
	}
	if !containsAll(refused, "providers/flowroute", "providers/telnyx") || len(refused) != 2 {
		t.Errorf("PreconditionFailure subjects %v, want both providers", refused)
	}
	// Both providers can port it: the configured preference (flowroute first) decides.
	o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/-", PortOrder: validOrder(freshNumber(""))})
	if err != nil {
		t.Fatal(err)
	}
	if o.GetProvider() != "providers/flowroute" || o.GetRouting().GetProvider() != "providers/flowroute" || !strings.Contains(o.GetRouting().GetReason(), "preferred") {
		t.Fatalf("routing with both healthy: %v %v", o.GetProvider(), o.GetRouting())
	}
	// Flowroute failing: its verdicts carry errors and providers/- goes to Telnyx, saying why.
	e.app.Sandboxes["flowroute"].Chaos.Set(chaos.Faults{ErrorRate: 1})
	resp, err = e.porting.CheckPortability(ctx, &pb.CheckPortabilityRequest{Parent: "providers/-", PhoneNumbers: []string{freshNumber("")}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range resp.GetResults() {
		if (r.GetProvider() == "providers/flowroute") != (r.GetError() != nil) {
			t.Errorf("during the Flowroute outage: %v", r)
		}
	}
	if rec := resp.GetRecommendations()[0]; rec.GetRecommendedProvider() != "providers/telnyx" {
		t.Errorf("recommendation during the Flowroute outage: %v", rec)
	}
	o, err = e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/-", PortOrder: validOrder(freshNumber(""))})
	if err != nil {
		t.Fatal(err)
	}
	if o.GetProvider() != "providers/telnyx" || o.GetRouting().GetProvider() != "providers/telnyx" || o.GetRouting().GetReason() == "" {
		t.Fatalf("routing during the Flowroute outage: %v %v", o.GetProvider(), o.GetRouting())
	}
	e.app.Sandboxes["flowroute"].Chaos.Set(chaos.Faults{})
}

func TestMergedListPaging(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	want := map[string]bool{}
	for i := 0; i < 5; i++ {
		for _, prov := range []string{"flowroute", "telnyx"} {
			o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/" + prov, PortOrder: validOrder(freshNumber(""))})
			if err != nil {
				t.Fatal(err)
			}
			want[o.GetName()] = true
		}
	}
	got := map[string]bool{}
	providersSeen := map[string]bool{}
	var tok string
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("paging does not end")
		}
		resp, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/-", PageSize: 3, PageToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.GetUnreachable()) > 0 {
			t.Fatalf("unreachable: %v", resp.GetUnreachable())
		}
		for _, o := range resp.GetPortOrders() {
			if got[o.GetName()] {
				t.Fatalf("duplicate %s", o.GetName())
			}
			got[o.GetName()] = true
			providersSeen[o.GetProvider()] = true
		}
		// Orders created while paging must not disturb the walk.
		if pages == 1 {
			o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/telnyx", PortOrder: validOrder(freshNumber(""))})
			if err != nil {
				t.Fatal(err)
			}
			want[o.GetName()] = true
		}
		if tok = resp.GetNextPageToken(); tok == "" {
			break
		}
	}
	for n := range want {
		if !got[n] {
			t.Errorf("missing %s", n)
		}
	}
	if !providersSeen["providers/flowroute"] || !providersSeen["providers/telnyx"] {
		t.Errorf("providers seen: %v", providersSeen)
	}
	// A token is bound to its filter.
	resp, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/-", PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/-", PageSize: 1, PageToken: resp.GetNextPageToken(), Filter: "state = DRAFT"})
	if _, ei := errorInfo(t, err); ei.GetReason() != "INVALID_PAGE_TOKEN" {
		t.Fatalf("reused token: %v", ei)
	}
}

func TestNumbersGRPC(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	for _, prov := range []string{"flowroute", "telnyx"} {
		t.Run(prov, func(t *testing.T) {
			// 11-digit and national forms in the name are normalized.
			n, err := e.numbers.GetNumber(ctx, &pb.GetNumberRequest{Name: "providers/" + prov + "/numbers/13125550100"})
			if err != nil {
				t.Fatal(err)
			}
			if n.GetName() != "providers/"+prov+"/numbers/13125550100" || n.GetPhoneNumber() != "+13125550100" {
				t.Fatalf("got %v", n)
			}
			list, err := e.numbers.ListNumbers(ctx, &pb.ListNumbersRequest{Parent: "providers/" + prov, Filter: `phone_number = "+1312*"`})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.GetNumbers()) < 3 {
				t.Fatalf("prefix filter found %d numbers", len(list.GetNumbers()))
			}
			for _, x := range list.GetNumbers() {
				if !strings.HasPrefix(x.GetPhoneNumber(), "+1312") {
					t.Errorf("filter leaked %s", x.GetPhoneNumber())
				}
			}
			upd, err := e.numbers.UpdateNumber(ctx, &pb.UpdateNumberRequest{Number: &pb.Number{Name: "providers/" + prov + "/numbers/+13125550101", Alias: "front desk"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"alias"}}})
			if err != nil {
				t.Fatal(err)
			}
			if upd.GetAlias() != "front desk" || upd.GetMessagingProvisioning().GetState() == pb.MessagingProvisioning_FAILED {
				t.Fatalf("update: %v", upd)
			}
			if upd.GetName() != "providers/"+prov+"/numbers/13125550101" || upd.GetProvider() != "providers/"+prov || upd.GetEtag() == "" {
				t.Fatalf("update: name %q provider %q etag %q", upd.GetName(), upd.GetProvider(), upd.GetEtag())
			}
			got, err := e.numbers.GetNumber(ctx, &pb.GetNumberRequest{Name: "providers/" + prov + "/numbers/+13125550101"})
			if err != nil || got.GetAlias() != "front desk" {
				t.Fatalf("alias not persisted: %v %v", got, err)
			}
		})
	}
	t.Run("flowroute 207", func(t *testing.T) {
		upd, err := e.numbers.UpdateNumber(ctx, &pb.UpdateNumberRequest{Number: &pb.Number{Name: "providers/flowroute/numbers/+12065559903", MessagingEnabled: true, Alias: "sms"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"messaging_enabled", "alias"}}})
		if err != nil {
			t.Fatal(err)
		}
		mp := upd.GetMessagingProvisioning()
		if mp.GetState() != pb.MessagingProvisioning_FAILED || mp.GetReason() == "" || upd.GetAlias() != "sms" || upd.GetMessagingEnabled() {
			t.Fatalf("207: %v", upd)
		}
	})
	all, err := e.numbers.ListNumbers(ctx, &pb.ListNumbersRequest{Parent: "providers/-", PageSize: 250})
	if err != nil {
		t.Fatal(err)
	}
	provs := map[string]int{}
	for _, n := range all.GetNumbers() {
		provs[n.GetProvider()]++
	}
	if provs["providers/flowroute"] == 0 || provs["providers/telnyx"] == 0 {
		t.Errorf("merged numbers by provider: %v", provs)
	}
}

func TestProvidersAndCommentsDocuments(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	ps, err := e.provs.ListProviders(ctx, &pb.ListProvidersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.GetProviders()) != 2 || ps.GetProviders()[0].GetName() != "providers/flowroute" {
		t.Fatalf("providers: %v", ps)
	}
	for _, p := range ps.GetProviders() {
		if p.GetMode() != pb.Provider_SANDBOX || p.GetHealth() != pb.Provider_SERVING || len(p.GetCapabilities().GetOperations()) == 0 {
			t.Errorf("provider %v", p)
		}
		hasComment := containsAll(p.GetCapabilities().GetOperations(), "CreatePortOrderComment")
		if hasComment != (p.GetName() == "providers/telnyx") {
			t.Errorf("%s CreatePortOrderComment capability = %v", p.GetName(), hasComment)
		}
	}
	o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/telnyx", PortOrder: validOrder(freshNumber(""))})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := e.porting.CreatePortOrderComment(ctx, &pb.CreatePortOrderCommentRequest{Parent: o.GetName(), Comment: &pb.PortOrderComment{Body: fmt.Sprintf("note %d", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := e.porting.ListPortOrderComments(ctx, &pb.ListPortOrderCommentsRequest{Parent: o.GetName(), PageSize: 2})
	if err != nil || len(cs.GetComments()) != 2 || cs.GetNextPageToken() == "" {
		t.Fatalf("comments page 1: %v %v", cs, err)
	}
	cs2, err := e.porting.ListPortOrderComments(ctx, &pb.ListPortOrderCommentsRequest{Parent: o.GetName(), PageSize: 2, PageToken: cs.GetNextPageToken()})
	if err != nil || len(cs2.GetComments()) != 1 || cs2.GetComments()[0].GetBody() != "note 2" {
		t.Fatalf("comments page 2: %v %v", cs2, err)
	}
	for _, prov := range []string{"flowroute", "telnyx"} {
		o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/" + prov, PortOrder: validOrder(freshNumber(""))})
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.porting.CreatePortOrderDocument(ctx, &pb.CreatePortOrderDocumentRequest{Parent: o.GetName(),
			Document: &pb.PortOrderDocument{Type: pb.PortOrderDocument_INVOICE, Filename: "bill.pdf", ContentType: "application/pdf", Content: []byte("%PDF bill")}})
		if err != nil {
			t.Fatalf("%s upload: %v", prov, err)
		}
		if !strings.HasPrefix(d.GetName(), o.GetName()+"/documents/") || d.GetFilename() != "bill.pdf" {
			t.Fatalf("%s document: %v", prov, d)
		}
		ds, err := e.porting.ListPortOrderDocuments(ctx, &pb.ListPortOrderDocumentsRequest{Parent: o.GetName()})
		if err != nil || len(ds.GetDocuments()) != 1 || ds.GetDocuments()[0].GetType() != pb.PortOrderDocument_INVOICE {
			t.Fatalf("%s documents: %v %v", prov, ds, err)
		}
		big := make([]byte, 11<<20)
		_, err = e.porting.CreatePortOrderDocument(ctx, &pb.CreatePortOrderDocumentRequest{Parent: o.GetName(),
			Document: &pb.PortOrderDocument{Type: pb.PortOrderDocument_OTHER, Filename: "big.bin", Content: big}})
		if _, ei := errorInfo(t, err); ei.GetReason() != "DOCUMENT_TOO_LARGE" {
			t.Fatalf("%s oversized: %v", prov, ei)
		}
	}
}

var restClient = &http.Client{Timeout: 30 * time.Second}

// rest calls the REST gateway and decodes the JSON answer.
func rest(t *testing.T, method, url string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := restClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: %d non-JSON body %q", method, url, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

func detail(body map[string]any, typ string) map[string]any {
	ds, _ := body["details"].([]any)
	for _, d := range ds {
		m, _ := d.(map[string]any)
		if m["@type"] == typ {
			return m
		}
	}
	return nil
}

// TestRESTTour is the README curl tour, on both providers.
func TestRESTTour(t *testing.T) {
	e := start(t)
	for _, prov := range []string{"flowroute", "telnyx"} {
		t.Run(prov, func(t *testing.T) {
			n1, n2 := freshNumber(""), freshNumber("")
			code, o := rest(t, "POST", e.base+"/v1/providers/"+prov+"/portOrders", map[string]any{
				"phoneNumbers": []string{n1},
				"endUser": map[string]any{"entityName": "Acme Widgets", "authorizedPerson": "Jane Roe", "billingTelephoneNumber": n1, "pin": "1234",
					"serviceAddress": map[string]any{"streetAddress": "1 Main St", "locality": "Chicago", "administrativeArea": "IL", "postalCode": "60601", "regionCode": "US"}},
				"losingCarrier": "Verizon", "portType": "FULL", "customerReference": "tour-" + n1,
			})
			if code != 200 || o["state"] != "DRAFT" {
				t.Fatalf("create: %d %v", code, o)
			}
			if eu, _ := o["endUser"].(map[string]any); eu["pin"] != nil || eu["hasPin"] != true {
				t.Fatalf("pin handling: %v", eu)
			}
			name := o["name"].(string)
			if prov == "telnyx" {
				if code, o = rest(t, "POST", e.base+"/v1/"+name+":modifyNumbers", map[string]any{"add": []string{n2}}); code != 501 {
					t.Fatalf("telnyx modify: %d %v", code, o)
				}
			} else {
				code, o = rest(t, "POST", e.base+"/v1/"+name+":modifyNumbers", map[string]any{"add": []string{n2}})
				if code != 200 || len(o["phoneNumbers"].([]any)) != 2 {
					t.Fatalf("modify add: %d %v", code, o)
				}
				code, o = rest(t, "POST", e.base+"/v1/"+name+":modifyNumbers", map[string]any{"remove": []string{n2}})
				if code != 200 || len(o["phoneNumbers"].([]any)) != 1 {
					t.Fatalf("modify remove: %d %v", code, o)
				}
			}
			if prov == "telnyx" {
				for _, typ := range []string{"LOA", "INVOICE"} {
					code, o = rest(t, "POST", e.base+"/v1/"+name+"/documents", map[string]any{"type": typ, "filename": "doc.pdf", "contentType": "application/pdf", "content": "JVBERi0xLjQ="})
					if code != 200 {
						t.Fatalf("upload %s: %d %v", typ, code, o)
					}
				}
			}
			code, o = rest(t, "POST", e.base+"/v1/"+name+":submit", map[string]any{"signerName": "Jane Roe", "signerTitle": "CTO"})
			if code != 200 || o["state"] != "SUBMITTED" {
				t.Fatalf("submit: %d %v", code, o)
			}
			code, o = rest(t, "GET", e.base+"/v1/"+name, nil)
			if code != 200 || o["name"] != name {
				t.Fatalf("get: %d %v", code, o)
			}
			code, o = rest(t, "GET", e.base+"/v1/providers/"+prov+"/portOrders?filter=phone_number%3D%22"+strings.TrimPrefix(n1, "+")+"%22", nil)
			if code != 200 || len(o["portOrders"].([]any)) != 1 {
				t.Fatalf("list by number: %d %v", code, o)
			}
			// Errors: bad number → 400 + BadRequest; unknown order → 404 + ErrorInfo.
			code, o = rest(t, "POST", e.base+"/v1/providers/"+prov+"/portOrders", map[string]any{"phoneNumbers": []string{"555-12"}})
			if code != 400 || detail(o, "type.googleapis.com/google.rpc.BadRequest") == nil {
				t.Fatalf("bad number: %d %v", code, o)
			}
			missing := map[string]string{"flowroute": "999999", "telnyx": "00000000-0000-4000-8000-0000000000a1"}[prov]
			code, o = rest(t, "GET", e.base+"/v1/providers/"+prov+"/portOrders/"+missing, nil)
			ei := detail(o, "type.googleapis.com/google.rpc.ErrorInfo")
			if code != 404 || ei == nil || ei["reason"] != "PORT_ORDER_NOT_FOUND" {
				t.Fatalf("unknown order: %d %v", code, o)
			}
		})
	}
	code, body := rest(t, "GET", e.base+"/v1/providers/flowroute/numbers/%2B13125550100", nil)
	if code != 200 || body["phoneNumber"] != "+13125550100" {
		t.Fatalf("number via REST: %d %v", code, body)
	}
	code, body = rest(t, "PATCH", e.base+"/v1/providers/flowroute/numbers/12065559903?updateMask=messagingEnabled", map[string]any{"messagingEnabled": true})
	if mp, _ := body["messagingProvisioning"].(map[string]any); code != 200 || mp["state"] != "FAILED" || body["name"] != "providers/flowroute/numbers/12065559903" {
		t.Fatalf("207 via REST: %d %v", code, body)
	}
	code, body = rest(t, "GET", e.base+"/v1/providers", nil)
	if code != 200 || len(body["providers"].([]any)) != 2 {
		t.Fatalf("providers via REST: %d %v", code, body)
	}
	code, body = rest(t, "POST", e.base+"/v1/providers/-:checkPortability", map[string]any{"phoneNumbers": []string{"(312) 555-0177", "+13125559901"}})
	if code != 200 || len(body["results"].([]any)) != 4 {
		t.Fatalf("portability via REST: %d %v", code, body)
	}
	code, body = rest(t, "GET", e.base+"/openapi.json", nil)
	if code != 200 || body["swagger"] == nil {
		t.Fatalf("openapi: %d", code)
	}
}

func TestUpdateCancelAndEventsGRPC(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	for _, prov := range []string{"flowroute", "telnyx"} {
		t.Run(prov, func(t *testing.T) {
			o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/" + prov, PortOrder: validOrder(freshNumber(""))})
			if err != nil {
				t.Fatal(err)
			}
			upd, err := e.porting.UpdatePortOrder(ctx, &pb.UpdatePortOrderRequest{
				PortOrder:  &pb.PortOrder{Name: o.GetName(), CustomerReference: "renamed", EndUser: &pb.EndUser{AuthorizedPerson: "John Doe"}},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"customer_reference"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if upd.GetCustomerReference() != "renamed" || upd.GetEndUser().GetAuthorizedPerson() != "Jane Roe" {
				t.Fatalf("mask not honoured: ref %q authorized person %q", upd.GetCustomerReference(), upd.GetEndUser().GetAuthorizedPerson())
			}
			// An empty mask means every field that is set (authorized_person:
			// one both providers document as updatable).
			upd, err = e.porting.UpdatePortOrder(ctx, &pb.UpdatePortOrderRequest{PortOrder: &pb.PortOrder{Name: o.GetName(), EndUser: &pb.EndUser{AuthorizedPerson: "John Doe"}}})
			if err != nil {
				t.Fatal(err)
			}
			if upd.GetEndUser().GetAuthorizedPerson() != "John Doe" || upd.GetCustomerReference() != "renamed" {
				t.Fatalf("implicit mask: %v", upd)
			}
			_, err = e.porting.UpdatePortOrder(ctx, &pb.UpdatePortOrderRequest{PortOrder: &pb.PortOrder{Name: o.GetName(), ProviderStatus: "x"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"provider_status"}}})
			if _, ei := errorInfo(t, err); ei.GetReason() != "INVALID_UPDATE_MASK" {
				t.Fatalf("output-only path in mask: %v", ei)
			}
			c, err := e.porting.CancelPortOrder(ctx, &pb.CancelPortOrderRequest{Name: o.GetName(), RequestId: map[string]string{"flowroute": "0e6b3b8a-3f35-4a6f-9d0a-2a0c7b1f4e55", "telnyx": "1e6b3b8a-3f35-4a6f-9d0a-2a0c7b1f4e55"}[prov]})
			if err != nil {
				t.Fatal(err)
			}
			if c.GetState() != pb.PortOrder_CANCELLED {
				t.Fatalf("cancel draft: %v (%s)", c.GetState(), c.GetProviderStatus())
			}
			stream, err := e.porting.WatchPortOrderEvents(ctx, &pb.WatchPortOrderEventsRequest{Parent: o.GetName(), AfterSequence: -1})
			if err != nil {
				t.Fatal(err)
			}
			_, err = stream.Recv()
			if st, ei := errorInfo(t, err); st.Code() != codes.InvalidArgument || ei.GetReason() != "INVALID_ARGUMENT" {
				t.Fatalf("watch: %v", err)
			}
		})
	}
}

// TestProviderOutageIsolation: Flowroute failing opens its breaker; callers
// get UNAVAILABLE + PROVIDER_CIRCUIT_OPEN + RetryInfo (503 over REST) without
// a provider call, Telnyx keeps working, and ListProviders reports it.
func TestProviderOutageIsolation(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	fr := e.app.Sandboxes["flowroute"]
	fr.Chaos.Set(chaos.Faults{ErrorRate: 1})
	var last error
	for i := 0; i < 10; i++ {
		_, last = e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/flowroute", PortOrder: validOrder(freshNumber(""))})
		if st, ei := errorInfo(t, last); ei.GetReason() == "PROVIDER_CIRCUIT_OPEN" {
			if st.Code() != codes.Unavailable {
				t.Fatalf("circuit open code %v", st.Code())
			}
			break
		} else if st.Code() != codes.Unavailable || ei.GetReason() != "PROVIDER_UNAVAILABLE" || ei.GetDomain() != "portgate.dev" {
			t.Fatalf("provider 503: %v %v", st.Code(), ei)
		}
	}
	st, ei := errorInfo(t, last)
	if ei.GetReason() != "PROVIDER_CIRCUIT_OPEN" || ei.GetDomain() != "portgate.dev" || ei.GetMetadata()["provider"] != "providers/flowroute" {
		t.Fatalf("breaker never opened: %v", ei)
	}
	var retry *errdetails.RetryInfo
	for _, d := range st.Details() {
		if r, ok := d.(*errdetails.RetryInfo); ok {
			retry = r
		}
	}
	if retry == nil || retry.GetRetryDelay().AsDuration() <= 0 {
		t.Fatalf("no RetryInfo on circuit open: %v", st.Details())
	}
	// Over REST: 503 with the same details.
	code, body := rest(t, "GET", e.base+"/v1/providers/flowroute/portOrders/42000", nil)
	if ei := detail(body, "type.googleapis.com/google.rpc.ErrorInfo"); code != 503 || ei["reason"] != "PROVIDER_CIRCUIT_OPEN" ||
		detail(body, "type.googleapis.com/google.rpc.RetryInfo") == nil {
		t.Fatalf("REST during outage: %d %v", code, body)
	}
	// Telnyx is untouched.
	if _, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/telnyx", PortOrder: validOrder(freshNumber(""))}); err != nil {
		t.Fatalf("telnyx during the flowroute outage: %v", err)
	}
	ps, err := e.provs.ListProviders(ctx, &pb.ListProvidersRequest{})
	if err != nil {
		t.Fatal(err)
	}
	health := map[string]pb.Provider_Health{}
	for _, p := range ps.GetProviders() {
		health[p.GetName()] = p.GetHealth()
	}
	if health["providers/flowroute"] != pb.Provider_CIRCUIT_OPEN || health["providers/telnyx"] != pb.Provider_SERVING {
		t.Fatalf("health: %v", health)
	}
	// The merged list still answers, naming the unreachable provider.
	list, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/-"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.GetUnreachable()) != 1 || list.GetUnreachable()[0] != "providers/flowroute" || len(list.GetPortOrders()) == 0 {
		t.Fatalf("merged list during outage: unreachable %v, %d orders", list.GetUnreachable(), len(list.GetPortOrders()))
	}
	// The gateway itself stays healthy.
	code, body = rest(t, "GET", e.base+"/healthz", nil)
	if code != 200 || body["status"] != "SERVING" {
		t.Fatalf("healthz: %d %v", code, body)
	}
}

// TestRateLimitedWrite: a 429 on a write is not retried and reaches the caller
// as RESOURCE_EXHAUSTED with RetryInfo from Retry-After.
func TestRateLimitedWrite(t *testing.T) {
	e := start(t)
	e.app.Sandboxes["telnyx"].Chaos.Set(chaos.Faults{RateLimitRate: 1, RetryAfter: 7 * time.Second})
	_, err := e.porting.CreatePortOrder(context.Background(), &pb.CreatePortOrderRequest{Parent: "providers/telnyx", PortOrder: validOrder(freshNumber(""))})
	st, ei := errorInfo(t, err)
	if st.Code() != codes.ResourceExhausted || ei.GetReason() != "PROVIDER_RATE_LIMITED" {
		t.Fatalf("429: %v %v", st.Code(), ei)
	}
	for _, d := range st.Details() {
		if r, ok := d.(*errdetails.RetryInfo); ok {
			if r.GetRetryDelay().AsDuration() != 7*time.Second {
				t.Fatalf("retry delay %v, want 7s", r.GetRetryDelay().AsDuration())
			}
			return
		}
	}
	t.Fatalf("no RetryInfo: %v", st.Details())
}

func TestExceptionPath(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	for _, prov := range []string{"flowroute", "telnyx"} {
		t.Run(prov, func(t *testing.T) {
			o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/" + prov, PortOrder: validOrder(freshNumber("9902"))})
			if err != nil {
				t.Fatal(err)
			}
			if prov == "telnyx" {
				for _, typ := range []pb.PortOrderDocument_Type{pb.PortOrderDocument_LOA, pb.PortOrderDocument_INVOICE} {
					if _, err := e.porting.CreatePortOrderDocument(ctx, &pb.CreatePortOrderDocumentRequest{Parent: o.GetName(),
						Document: &pb.PortOrderDocument{Type: typ, Filename: "doc.pdf", Content: []byte("%PDF")}}); err != nil {
						t.Fatal(err)
					}
				}
			}
			if _, err := e.porting.SubmitPortOrder(ctx, &pb.SubmitPortOrderRequest{Name: o.GetName(), SignerName: "Jane Roe", SignerTitle: "CTO"}); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 6 && o.GetState() != pb.PortOrder_EXCEPTION; i++ {
				e.app.Sandboxes[prov].Advance()
				if o, err = e.porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: o.GetName()}); err != nil {
					t.Fatal(err)
				}
			}
			if o.GetState() != pb.PortOrder_EXCEPTION || len(o.GetStateDetails()) == 0 {
				t.Fatalf("state %v details %v", o.GetState(), o.GetStateDetails())
			}
		})
	}
}

// TestRequestIDIdempotency: a retried create with the same request_id returns
// the first order instead of creating a second one (AIP-155).
func TestRequestIDIdempotency(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	req := &pb.CreatePortOrderRequest{Parent: "providers/flowroute", PortOrder: validOrder(freshNumber("")), RequestId: "6f1c2f0e-8a4b-4c1d-9e2f-3a4b5c6d7e8f"}
	first, err := e.porting.CreatePortOrder(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.porting.CreatePortOrder(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if again.GetName() != first.GetName() {
		t.Fatalf("retry created %s, first was %s", again.GetName(), first.GetName())
	}
	list, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/flowroute", Filter: fmt.Sprintf("phone_number = %q", req.GetPortOrder().GetPhoneNumbers()[0])})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.GetPortOrders()) != 1 {
		t.Fatalf("%d orders for the number, want 1", len(list.GetPortOrders()))
	}
	other := &pb.CreatePortOrderRequest{Parent: "providers/flowroute", PortOrder: validOrder(freshNumber("")), RequestId: req.GetRequestId()}
	_, err = e.porting.CreatePortOrder(ctx, other)
	if st, ei := errorInfo(t, err); st.Code() != codes.InvalidArgument || badRequest(st).GetFieldViolations()[0].GetField() != "request_id" {
		t.Fatalf("reused request_id: %v %v", st.Code(), ei)
	}
	// A failed call is not remembered: fixing the cause and retrying works.
	bad := &pb.CreatePortOrderRequest{Parent: "providers/flowroute", PortOrder: validOrder(freshNumber("")), RequestId: "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"}
	e.app.Sandboxes["flowroute"].Chaos.Set(chaos.Faults{ErrorBurst: 1})
	if _, err := e.porting.CreatePortOrder(ctx, bad); err == nil {
		t.Fatal("want the injected 503")
	}
	if _, err := e.porting.CreatePortOrder(ctx, bad); err != nil {
		t.Fatalf("retry after a failure: %v", err)
	}
}

// TestGatewayErrorsCarryErrorInfo: errors raised by the REST gateway itself
// (no route, undecodable body) still carry ErrorInfo.
func TestGatewayErrorsCarryErrorInfo(t *testing.T) {
	e := start(t)
	code, body := rest(t, "GET", e.base+"/v1/nothing/here", nil)
	if ei := detail(body, "type.googleapis.com/google.rpc.ErrorInfo"); code != 404 || ei["reason"] != "ROUTE_NOT_FOUND" || ei["domain"] != "portgate.dev" {
		t.Fatalf("unknown route: %d %v", code, body)
	}
	req, _ := http.NewRequest("POST", e.base+"/v1/providers/flowroute/portOrders", strings.NewReader(`{"phoneNumbers": 5}`))
	resp, err := restClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if ei := detail(out, "type.googleapis.com/google.rpc.ErrorInfo"); resp.StatusCode != 400 || ei["reason"] != "INVALID_REQUEST" {
		t.Fatalf("bad JSON: %d %v", resp.StatusCode, out)
	}
}

// TestRESTTelnyxSplitAndErrors: split, 422 field errors and 429 over REST.
func TestRESTTelnyxSplitAndErrors(t *testing.T) {
	e := start(t)
	n, split := freshNumber(""), freshNumber("9904")
	code, o := rest(t, "POST", e.base+"/v1/providers/telnyx/portOrders", map[string]any{"phoneNumbers": []string{n, split}})
	if code != 200 || len(o["relatedOrders"].([]any)) != 1 {
		t.Fatalf("split: %d %v", code, o)
	}
	code, rel := rest(t, "GET", e.base+"/v1/"+o["relatedOrders"].([]any)[0].(string), nil)
	if code != 200 || rel["phoneNumbers"].([]any)[0] != split {
		t.Fatalf("related order: %d %v", code, rel)
	}
	code, body := rest(t, "POST", e.base+"/v1/providers/telnyx/portOrders", map[string]any{"phoneNumbers": []string{freshNumber(""), freshNumber("9901")}})
	ei := detail(body, "type.googleapis.com/google.rpc.ErrorInfo")
	br := detail(body, "type.googleapis.com/google.rpc.BadRequest")
	if code != 400 || ei["domain"] != "portgate.dev" || ei["reason"] != "PROVIDER_VALIDATION_FAILED" || br == nil {
		t.Fatalf("422: %d %v", code, body)
	}
	if md, _ := ei["metadata"].(map[string]any); md["provider_status"] != "422" {
		t.Fatalf("422 metadata: %v", ei)
	}
	e.app.Sandboxes["telnyx"].Chaos.Set(chaos.Faults{RateLimitRate: 1, RetryAfter: 3 * time.Second})
	code, body = rest(t, "POST", e.base+"/v1/providers/telnyx/portOrders", map[string]any{"phoneNumbers": []string{freshNumber("")}})
	ri := detail(body, "type.googleapis.com/google.rpc.RetryInfo")
	if ei := detail(body, "type.googleapis.com/google.rpc.ErrorInfo"); code != 429 || ei["reason"] != "PROVIDER_RATE_LIMITED" || ri == nil || ri["retryDelay"] != "3s" {
		t.Fatalf("429: %d %v", code, body)
	}
}

// TestMalformedProviderAnswer: a 2xx with truncated JSON reaches the caller as
// INTERNAL / PROVIDER_BAD_RESPONSE in the provider's domain, over gRPC and
// REST (500 with the same details), never as a zero-valued success.
func TestMalformedProviderAnswer(t *testing.T) {
	for _, prov := range []string{"flowroute", "telnyx"} {
		t.Run(prov, func(t *testing.T) {
			e := start(t)
			ctx := context.Background()
			o, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/" + prov, PortOrder: validOrder(freshNumber(""))})
			if err != nil {
				t.Fatal(err)
			}
			e.app.Sandboxes[prov].Chaos.Set(chaos.Faults{MalformedRate: 1})
			defer e.app.Sandboxes[prov].Chaos.Set(chaos.Faults{})

			got, err := e.porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: o.GetName()})
			if got != nil {
				t.Fatalf("malformed answer gave a result: %v", got)
			}
			st, ei := errorInfo(t, err)
			if st.Code() != codes.Internal || ei.GetReason() != "PROVIDER_BAD_RESPONSE" ||
				ei.GetDomain() != "portgate.dev" || ei.GetMetadata()["provider_status"] == "" || ei.GetMetadata()["provider"] != "providers/"+prov {
				t.Fatalf("gRPC: %v %v", st, ei)
			}

			code, body := rest(t, "GET", e.base+"/v1/"+o.GetName(), nil)
			info := detail(body, "type.googleapis.com/google.rpc.ErrorInfo")
			if code != http.StatusInternalServerError || info["reason"] != "PROVIDER_BAD_RESPONSE" || info["domain"] != "portgate.dev" {
				t.Fatalf("REST: %d %v", code, body)
			}
		})
	}
}

// TestOrderDetailsREST: Telnyx drafts carry their requirements and allowed
// FOC windows through REST; Flowroute, which publishes neither, leaves them
// out, and ListProviders says which provider fills what.
func TestOrderDetailsREST(t *testing.T) {
	e := start(t)
	code, body := rest(t, "GET", e.base+"/v1/providers", nil)
	if code != 200 {
		t.Fatalf("providers: %d %v", code, body)
	}
	details := map[string][]any{}
	for _, p := range body["providers"].([]any) {
		pm := p.(map[string]any)
		d, _ := pm["capabilities"].(map[string]any)["portOrderDetails"].([]any)
		details[pm["name"].(string)] = d
	}
	if len(details["providers/telnyx"]) != 3 || len(details["providers/flowroute"]) != 0 {
		t.Fatalf("portOrderDetails: %v", details)
	}
	for _, prov := range []string{"flowroute", "telnyx"} {
		po, _ := protojson.Marshal(validOrder(freshNumber("")))
		code, o := rest(t, "POST", e.base+"/v1/providers/"+prov+"/portOrders", json.RawMessage(po))
		if code != 200 {
			t.Fatalf("%s create: %d %v", prov, code, o)
		}
		code, got := rest(t, "GET", e.base+"/v1/"+o["name"].(string), nil)
		if code != 200 {
			t.Fatalf("%s get: %d %v", prov, code, got)
		}
		reqs, _ := got["requirements"].([]any)
		wins, _ := got["allowedFocWindows"].([]any)
		if prov == "flowroute" {
			if reqs != nil || wins != nil {
				t.Errorf("flowroute filled details it does not have: %v %v", reqs, wins)
			}
			continue
		}
		if len(reqs) == 0 || len(wins) == 0 {
			t.Fatalf("telnyx draft: requirements %v, allowedFocWindows %v", reqs, wins)
		}
		r := reqs[0].(map[string]any)
		w := wins[0].(map[string]any)
		if r["status"] != "MISSING" || r["valueType"] != "DOCUMENT" || r["displayName"] == "" || r["providerStatus"] != "pending" {
			t.Errorf("requirement %v", r)
		}
		start, err1 := time.Parse(time.RFC3339, w["startTime"].(string))
		end, err2 := time.Parse(time.RFC3339, w["endTime"].(string))
		if err1 != nil || err2 != nil || !start.Before(end) || start.Before(time.Now()) {
			t.Errorf("FOC window %v", w)
		}
		// Lists stay cheap: no per-order detail calls.
		code, list := rest(t, "GET", e.base+"/v1/providers/telnyx/portOrders?pageSize=250", nil)
		if code != 200 {
			t.Fatalf("list: %d %v", code, list)
		}
		for _, x := range list["portOrders"].([]any) {
			if xm := x.(map[string]any); xm["requirements"] != nil || xm["allowedFocWindows"] != nil {
				t.Errorf("list result carries details: %v", xm["name"])
			}
		}
	}
}
