package service_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/api/annotations"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portgate/portgate/gen/portgate/v1"
)

// One case table, every unary RPC, run over both transports (as cerbos's
// internal/server/tests.go does): the gRPC client and the REST gateway
// must answer the same request with the same code. The REST transport is
// derived from each method's google.api.http rule, so it follows the
// contract instead of a hand-written copy of it.

// transport sends req to method and fills resp; the error is a gRPC status.
type transport struct {
	name string
	call func(ctx context.Context, e *env, m protoreflect.MethodDescriptor, req, resp proto.Message) error
}

var transports = []transport{
	{"gRPC", func(ctx context.Context, e *env, m protoreflect.MethodDescriptor, req, resp proto.Message) error {
		return e.conn.Invoke(ctx, fmt.Sprintf("/%s/%s", m.Parent().FullName(), m.Name()), req, resp)
	}},
	{"REST", restCall},
}

var pathVar = regexp.MustCompile(`\{([a-z0-9_.]+)(=[^}]*)?\}`)

// restCall maps req onto the method's HTTP rule: path variables from
// fields, the body field (or "*"), everything else as query parameters.
func restCall(ctx context.Context, e *env, m protoreflect.MethodDescriptor, req, resp proto.Message) error {
	rule, _ := proto.GetExtension(m.Options(), annotations.E_Http).(*annotations.HttpRule)
	if rule == nil {
		return fmt.Errorf("%s has no google.api.http rule", m.FullName())
	}
	var method, tmpl string
	switch p := rule.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		method, tmpl = http.MethodGet, p.Get
	case *annotations.HttpRule_Post:
		method, tmpl = http.MethodPost, p.Post
	case *annotations.HttpRule_Patch:
		method, tmpl = http.MethodPatch, p.Patch
	case *annotations.HttpRule_Delete:
		method, tmpl = http.MethodDelete, p.Delete
	case *annotations.HttpRule_Put:
		method, tmpl = http.MethodPut, p.Put
	default:
		return fmt.Errorf("%s: unsupported pattern", m.FullName())
	}
	rest := proto.Clone(req)
	path := pathVar.ReplaceAllStringFunc(tmpl, func(v string) string {
		field := pathVar.FindStringSubmatch(v)[1]
		val := takeString(rest.ProtoReflect(), strings.Split(field, "."))
		return val
	})
	var body []byte
	switch rule.GetBody() {
	case "":
	case "*":
		body, _ = protojson.Marshal(rest)
		rest = nil
	default:
		fd := rest.ProtoReflect().Descriptor().Fields().ByName(protoreflect.Name(rule.GetBody()))
		body, _ = protojson.Marshal(rest.ProtoReflect().Get(fd).Message().Interface())
		rest.ProtoReflect().Clear(fd)
	}
	q := url.Values{}
	if rest != nil {
		rest.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			switch {
			case fd.IsList():
				for i := range v.List().Len() {
					q.Add(fd.JSONName(), fmt.Sprint(v.List().Get(i).Interface()))
				}
			case fd.Message() != nil && fd.Message().FullName() == "google.protobuf.FieldMask":
				q.Set(fd.JSONName(), strings.Join(v.Message().Interface().(*fieldmaskpb.FieldMask).GetPaths(), ","))
			case fd.Kind() == protoreflect.EnumKind:
				q.Set(fd.JSONName(), string(fd.Enum().Values().ByNumber(v.Enum()).Name()))
			case fd.Message() == nil:
				q.Set(fd.JSONName(), fmt.Sprint(v.Interface()))
			}
			return true
		})
	}
	u := e.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hreq, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	hreq.Header.Set("Content-Type", "application/json")
	hresp, err := restClient.Do(hreq)
	if err != nil {
		return err
	}
	defer hresp.Body.Close()
	raw, _ := io.ReadAll(hresp.Body)
	dec := protojson.UnmarshalOptions{DiscardUnknown: true, Resolver: protoregistry.GlobalTypes}
	if hresp.StatusCode/100 == 2 {
		return dec.Unmarshal(raw, resp)
	}
	var st spb.Status
	if err := dec.Unmarshal(raw, &st); err != nil {
		return fmt.Errorf("%s %s: %d with a non-Status body %q", method, path, hresp.StatusCode, raw)
	}
	return status.ErrorProto(&st)
}

// takeString reads and clears the string field at path (a path variable
// is not sent again in the body or the query).
func takeString(m protoreflect.Message, path []string) string {
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(path[0]))
	if fd == nil {
		return ""
	}
	if len(path) == 1 {
		s := m.Get(fd).String()
		m.Clear(fd)
		return s
	}
	if !m.Has(fd) {
		return ""
	}
	return takeString(m.Mutable(fd).Message(), path[1:])
}

// rpcCase is one row: build a request (setup may create state through
// gRPC), expect a code, check the answer.
type rpcCase struct {
	name  string
	rpc   string // full method name: portgate.v1.Porting.GetPortOrder
	req   func(t *testing.T, e *env) proto.Message
	code  codes.Code
	check func(t *testing.T, resp proto.Message)
}

func createOrder(t *testing.T, e *env, provider string) *pb.PortOrder {
	t.Helper()
	o, err := e.porting.CreatePortOrder(t.Context(), &pb.CreatePortOrderRequest{Parent: "providers/" + provider, PortOrder: validOrder(freshNumber(""))})
	if err != nil {
		t.Fatalf("setup: create on %s: %v", provider, err)
	}
	return o
}

var rpcCases = []rpcCase{
	{name: "ListProviders", rpc: "portgate.v1.Providers.ListProviders", code: codes.OK,
		req: func(*testing.T, *env) proto.Message { return &pb.ListProvidersRequest{} },
		check: func(t *testing.T, r proto.Message) {
			if n := len(r.(*pb.ListProvidersResponse).GetProviders()); n != 2 {
				t.Errorf("%d providers", n)
			}
		}},
	{name: "CheckPortability", rpc: "portgate.v1.Porting.CheckPortability", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.CheckPortabilityRequest{Parent: "providers/telnyx", PhoneNumbers: []string{freshNumber("")}}
		},
		check: func(t *testing.T, r proto.Message) {
			if n := len(r.(*pb.CheckPortabilityResponse).GetResults()); n != 1 {
				t.Errorf("%d results", n)
			}
		}},
	{name: "CheckPortability/empty", rpc: "portgate.v1.Porting.CheckPortability", code: codes.InvalidArgument,
		req: func(*testing.T, *env) proto.Message { return &pb.CheckPortabilityRequest{Parent: "providers/-"} }},
	{name: "CreatePortOrder", rpc: "portgate.v1.Porting.CreatePortOrder", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.CreatePortOrderRequest{Parent: "providers/telnyx", PortOrder: validOrder(freshNumber(""))}
		},
		check: func(t *testing.T, r proto.Message) {
			if o := r.(*pb.PortOrder); !strings.HasPrefix(o.GetName(), "providers/telnyx/portOrders/") || o.GetState() != pb.PortOrder_DRAFT {
				t.Errorf("%v", o)
			}
		}},
	{name: "CreatePortOrder/unknown provider", rpc: "portgate.v1.Porting.CreatePortOrder", code: codes.NotFound,
		req: func(*testing.T, *env) proto.Message {
			return &pb.CreatePortOrderRequest{Parent: "providers/nope", PortOrder: validOrder(freshNumber(""))}
		}},
	{name: "GetPortOrder", rpc: "portgate.v1.Porting.GetPortOrder", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.GetPortOrderRequest{Name: createOrder(t, e, "flowroute").GetName()}
		},
		check: func(t *testing.T, r proto.Message) {
			if r.(*pb.PortOrder).GetState() != pb.PortOrder_DRAFT {
				t.Errorf("%v", r)
			}
		}},
	{name: "GetPortOrder/unknown", rpc: "portgate.v1.Porting.GetPortOrder", code: codes.NotFound,
		req: func(*testing.T, *env) proto.Message {
			return &pb.GetPortOrderRequest{Name: "providers/telnyx/portOrders/00000000-0000-4000-8000-000000000000"}
		}},
	{name: "ListPortOrders", rpc: "portgate.v1.Porting.ListPortOrders", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			createOrder(t, e, "telnyx")
			return &pb.ListPortOrdersRequest{Parent: "providers/-", PageSize: 1}
		},
		check: func(t *testing.T, r proto.Message) {
			if resp := r.(*pb.ListPortOrdersResponse); len(resp.GetPortOrders()) != 1 {
				t.Errorf("%v", resp)
			}
		}},
	{name: "ListPortOrders/bad filter", rpc: "portgate.v1.Porting.ListPortOrders", code: codes.InvalidArgument,
		req: func(*testing.T, *env) proto.Message {
			return &pb.ListPortOrdersRequest{Parent: "providers/-", Filter: "state=BOGUS"}
		}},
	{name: "UpdatePortOrder", rpc: "portgate.v1.Porting.UpdatePortOrder", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			o := createOrder(t, e, "telnyx")
			return &pb.UpdatePortOrderRequest{PortOrder: &pb.PortOrder{Name: o.GetName(), CustomerReference: "table-updated"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"customer_reference"}}}
		},
		check: func(t *testing.T, r proto.Message) {
			if r.(*pb.PortOrder).GetCustomerReference() != "table-updated" {
				t.Errorf("%v", r)
			}
		}},
	{name: "ModifyPortOrderNumbers", rpc: "portgate.v1.Porting.ModifyPortOrderNumbers", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.ModifyPortOrderNumbersRequest{Name: createOrder(t, e, "flowroute").GetName(), Add: []string{freshNumber("")}}
		},
		check: func(t *testing.T, r proto.Message) {
			if n := len(r.(*pb.PortOrder).GetPhoneNumbers()); n != 2 {
				t.Errorf("%d numbers", n)
			}
		}},
	{name: "ModifyPortOrderNumbers/telnyx", rpc: "portgate.v1.Porting.ModifyPortOrderNumbers", code: codes.Unimplemented,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.ModifyPortOrderNumbersRequest{Name: createOrder(t, e, "telnyx").GetName(), Add: []string{freshNumber("")}}
		}},
	{name: "SubmitPortOrder/no signer", rpc: "portgate.v1.Porting.SubmitPortOrder", code: codes.InvalidArgument,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.SubmitPortOrderRequest{Name: createOrder(t, e, "flowroute").GetName()}
		}},
	{name: "CancelPortOrder", rpc: "portgate.v1.Porting.CancelPortOrder", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.CancelPortOrderRequest{Name: createOrder(t, e, "telnyx").GetName()}
		},
		check: func(t *testing.T, r proto.Message) {
			if r.(*pb.PortOrder).GetState() != pb.PortOrder_CANCELLED {
				t.Errorf("%v", r)
			}
		}},
	{name: "CreatePortOrderComment", rpc: "portgate.v1.Porting.CreatePortOrderComment", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.CreatePortOrderCommentRequest{Parent: createOrder(t, e, "telnyx").GetName(), Comment: &pb.PortOrderComment{Body: "hello"}}
		},
		check: func(t *testing.T, r proto.Message) {
			if r.(*pb.PortOrderComment).GetBody() != "hello" {
				t.Errorf("%v", r)
			}
		}},
	{name: "CreatePortOrderComment/flowroute", rpc: "portgate.v1.Porting.CreatePortOrderComment", code: codes.Unimplemented,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.CreatePortOrderCommentRequest{Parent: createOrder(t, e, "flowroute").GetName(), Comment: &pb.PortOrderComment{Body: "x"}}
		}},
	{name: "ListPortOrderComments", rpc: "portgate.v1.Porting.ListPortOrderComments", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.ListPortOrderCommentsRequest{Parent: createOrder(t, e, "telnyx").GetName()}
		}},
	{name: "CreatePortOrderDocument", rpc: "portgate.v1.Porting.CreatePortOrderDocument", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.CreatePortOrderDocumentRequest{Parent: createOrder(t, e, "telnyx").GetName(),
				Document: &pb.PortOrderDocument{Type: pb.PortOrderDocument_CSR, Filename: "csr.pdf", Content: []byte("%PDF-1.4")}}
		},
		check: func(t *testing.T, r proto.Message) {
			if r.(*pb.PortOrderDocument).GetType() != pb.PortOrderDocument_CSR {
				t.Errorf("%v", r)
			}
		}},
	{name: "CreatePortOrderDocument/no content", rpc: "portgate.v1.Porting.CreatePortOrderDocument", code: codes.InvalidArgument,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.CreatePortOrderDocumentRequest{Parent: createOrder(t, e, "telnyx").GetName(),
				Document: &pb.PortOrderDocument{Type: pb.PortOrderDocument_CSR, Filename: "csr.pdf"}}
		}},
	{name: "ListPortOrderDocuments", rpc: "portgate.v1.Porting.ListPortOrderDocuments", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.ListPortOrderDocumentsRequest{Parent: createOrder(t, e, "telnyx").GetName()}
		}},
	{name: "ListPortOrderEvents", rpc: "portgate.v1.Porting.ListPortOrderEvents", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.ListPortOrderEventsRequest{Parent: createOrder(t, e, "telnyx").GetName()}
		}},
	{name: "GetPortOrderEvent/unknown", rpc: "portgate.v1.Porting.GetPortOrderEvent", code: codes.NotFound,
		req: func(*testing.T, *env) proto.Message {
			return &pb.GetPortOrderEventRequest{Name: "providers/flowroute/portOrders/1/events/999999"}
		}},
	{name: "GetProvider", rpc: "portgate.v1.Providers.GetProvider", code: codes.OK,
		req: func(*testing.T, *env) proto.Message { return &pb.GetProviderRequest{Name: "providers/telnyx"} }},
	{name: "GetProvider/unknown", rpc: "portgate.v1.Providers.GetProvider", code: codes.NotFound,
		req: func(*testing.T, *env) proto.Message { return &pb.GetProviderRequest{Name: "providers/nope"} }},
	{name: "GetPortOrderComment/unknown", rpc: "portgate.v1.Porting.GetPortOrderComment", code: codes.NotFound,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.GetPortOrderCommentRequest{Name: createOrder(t, e, "telnyx").GetName() + "/comments/00000000-0000-4000-8000-000000000000"}
		}},
	{name: "GetPortOrderDocument/unknown", rpc: "portgate.v1.Porting.GetPortOrderDocument", code: codes.NotFound,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.GetPortOrderDocumentRequest{Name: createOrder(t, e, "telnyx").GetName() + "/documents/00000000-0000-4000-8000-000000000000"}
		}},
	{name: "GetNumber", rpc: "portgate.v1.Numbers.GetNumber", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.GetNumberRequest{Name: "providers/flowroute/numbers/+13125550100"}
		},
		check: func(t *testing.T, r proto.Message) {
			if r.(*pb.Number).GetPhoneNumber() != "+13125550100" {
				t.Errorf("%v", r)
			}
		}},
	{name: "ListNumbers", rpc: "portgate.v1.Numbers.ListNumbers", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.ListNumbersRequest{Parent: "providers/-", PageSize: 2}
		},
		check: func(t *testing.T, r proto.Message) {
			if resp := r.(*pb.ListNumbersResponse); len(resp.GetNumbers()) != 2 || resp.GetNextPageToken() == "" {
				t.Errorf("%v", resp)
			}
		}},
	{name: "ListNumbers/page 2", rpc: "portgate.v1.Numbers.ListNumbers", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			first, err := e.numbers.ListNumbers(t.Context(), &pb.ListNumbersRequest{Parent: "providers/-", PageSize: 2})
			if err != nil || first.GetNextPageToken() == "" {
				t.Fatalf("setup: %v %v", first, err)
			}
			return &pb.ListNumbersRequest{Parent: "providers/-", PageSize: 2, PageToken: first.GetNextPageToken()}
		},
		check: func(t *testing.T, r proto.Message) {
			if n := len(r.(*pb.ListNumbersResponse).GetNumbers()); n != 2 {
				t.Errorf("%d numbers", n)
			}
		}},
	{name: "ListNumbers/unknown provider", rpc: "portgate.v1.Numbers.ListNumbers", code: codes.NotFound,
		req: func(*testing.T, *env) proto.Message { return &pb.ListNumbersRequest{Parent: "providers/nope"} }},
	{name: "UpdateNumber", rpc: "portgate.v1.Numbers.UpdateNumber", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.UpdateNumberRequest{Number: &pb.Number{Name: "providers/telnyx/numbers/+13125550101", Alias: "table"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"alias"}}}
		}},
	{name: "UpdateNumber/unknown provider", rpc: "portgate.v1.Numbers.UpdateNumber", code: codes.NotFound,
		req: func(*testing.T, *env) proto.Message {
			return &pb.UpdateNumberRequest{Number: &pb.Number{Name: "providers/nope/numbers/+13125550101", Alias: "x"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"alias"}}}
		}},
	{name: "SearchAvailableNumbers", rpc: "portgate.v1.Numbers.SearchAvailableNumbers", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.SearchAvailableNumbersRequest{Parent: "providers/-", RegionCode: "US", AreaCode: "312", Quantity: 3}
		},
		check: func(t *testing.T, r proto.Message) {
			resp := r.(*pb.SearchAvailableNumbersResponse)
			if len(resp.GetAvailableNumbers()) != 3 || len(resp.GetUnreachable()) != 0 {
				t.Errorf("%v", resp)
			}
			for _, n := range resp.GetAvailableNumbers() {
				if !strings.HasPrefix(n.GetPhoneNumber(), "+1312") || n.GetProvider() == "" || n.GetMonthlyCost().GetAmount() == "" {
					t.Errorf("%v", n)
				}
			}
		}},
	{name: "SearchAvailableNumbers/unsupported filter", rpc: "portgate.v1.Numbers.SearchAvailableNumbers", code: codes.InvalidArgument,
		req: func(*testing.T, *env) proto.Message {
			return &pb.SearchAvailableNumbersRequest{Parent: "providers/flowroute", RegionCode: "US", Locality: "Chicago"}
		}},
	{name: "SearchAvailableNumbers/no region", rpc: "portgate.v1.Numbers.SearchAvailableNumbers", code: codes.InvalidArgument,
		req: func(*testing.T, *env) proto.Message {
			return &pb.SearchAvailableNumbersRequest{Parent: "providers/telnyx"}
		}},

	{name: "CreateNumberOrder/telnyx", rpc: "portgate.v1.Numbers.CreateNumberOrder", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.CreateNumberOrderRequest{Parent: "providers/telnyx", NumberOrder: &pb.NumberOrder{PhoneNumbers: []string{buyable(t, e, "telnyx")}}}
		},
		check: func(t *testing.T, r proto.Message) {
			if o := r.(*pb.NumberOrder); o.GetState() != pb.NumberOrder_PENDING || o.GetSynthesized() || len(o.GetNumbers()) != 1 {
				t.Errorf("%v", o)
			}
		}},
	{name: "CreateNumberOrder/flowroute", rpc: "portgate.v1.Numbers.CreateNumberOrder", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.CreateNumberOrderRequest{Parent: "providers/flowroute", NumberOrder: &pb.NumberOrder{PhoneNumbers: []string{buyable(t, e, "flowroute")}}}
		},
		check: func(t *testing.T, r proto.Message) {
			if o := r.(*pb.NumberOrder); o.GetState() != pb.NumberOrder_SUCCESS || !o.GetSynthesized() {
				t.Errorf("%v", o)
			}
		}},
	{name: "CreateNumberOrder/telnyx not in inventory", rpc: "portgate.v1.Numbers.CreateNumberOrder", code: codes.InvalidArgument,
		req: func(*testing.T, *env) proto.Message {
			return &pb.CreateNumberOrderRequest{Parent: "providers/telnyx", NumberOrder: &pb.NumberOrder{PhoneNumbers: []string{freshNumber("")}}}
		}},
	{name: "CreateNumberOrder/no numbers", rpc: "portgate.v1.Numbers.CreateNumberOrder", code: codes.InvalidArgument,
		req: func(*testing.T, *env) proto.Message {
			return &pb.CreateNumberOrderRequest{Parent: "providers/flowroute", NumberOrder: &pb.NumberOrder{}}
		}},
	{name: "GetNumberOrder", rpc: "portgate.v1.Numbers.GetNumberOrder", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.GetNumberOrderRequest{Name: buyOne(t, e, "flowroute").GetName()}
		},
		check: func(t *testing.T, r proto.Message) {
			if r.(*pb.NumberOrder).GetState() != pb.NumberOrder_SUCCESS {
				t.Errorf("%v", r)
			}
		}},
	{name: "GetNumberOrder/unknown", rpc: "portgate.v1.Numbers.GetNumberOrder", code: codes.NotFound,
		req: func(*testing.T, *env) proto.Message {
			return &pb.GetNumberOrderRequest{Name: "providers/flowroute/numberOrders/00000000-0000-4000-8000-000000000000"}
		}},
	{name: "GetNumberOrder/telnyx unknown", rpc: "portgate.v1.Numbers.GetNumberOrder", code: codes.NotFound,
		req: func(*testing.T, *env) proto.Message {
			return &pb.GetNumberOrderRequest{Name: "providers/telnyx/numberOrders/00000000-0000-4000-8000-000000000000"}
		}},
	{name: "GetNumberOrder/malformed id", rpc: "portgate.v1.Numbers.GetNumberOrder", code: codes.InvalidArgument,
		req: func(*testing.T, *env) proto.Message {
			return &pb.GetNumberOrderRequest{Name: "providers/telnyx/numberOrders/..%2F"}
		}},
	{name: "ListNumberOrders", rpc: "portgate.v1.Numbers.ListNumberOrders", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			buyOne(t, e, "telnyx")
			return &pb.ListNumberOrdersRequest{Parent: "providers/telnyx", PageSize: 1}
		},
		check: func(t *testing.T, r proto.Message) {
			if n := len(r.(*pb.ListNumberOrdersResponse).GetNumberOrders()); n != 1 {
				t.Errorf("%d orders", n)
			}
		}},
	{name: "ReleaseNumber", rpc: "portgate.v1.Numbers.ReleaseNumber", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			n := buyOne(t, e, "flowroute").GetPhoneNumbers()[0]
			return &pb.ReleaseNumberRequest{Name: "providers/flowroute/numbers/" + digitsOf(n), ConfirmPhoneNumber: n}
		},
		check: func(t *testing.T, r proto.Message) {
			if n := r.(*pb.Number); n.GetReleaseTime() == nil {
				t.Errorf("%v", n)
			}
		}},
	{name: "ReleaseNumber/confirmation mismatch", rpc: "portgate.v1.Numbers.ReleaseNumber", code: codes.InvalidArgument,
		req: func(*testing.T, *env) proto.Message {
			return &pb.ReleaseNumberRequest{Name: "providers/telnyx/numbers/13125550102", ConfirmPhoneNumber: "13125550101"}
		}},
	{name: "ReleaseNumber/not on account", rpc: "portgate.v1.Numbers.ReleaseNumber", code: codes.NotFound,
		req: func(*testing.T, *env) proto.Message {
			n := freshNumber("")
			return &pb.ReleaseNumberRequest{Name: "providers/telnyx/numbers/" + digitsOf(n), ConfirmPhoneNumber: n}
		}},

	{name: "ListVoiceRoutes", rpc: "portgate.v1.Numbers.ListVoiceRoutes", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.ListVoiceRoutesRequest{Parent: "providers/flowroute", PageSize: 2}
		},
		check: func(t *testing.T, r proto.Message) {
			if resp := r.(*pb.ListVoiceRoutesResponse); len(resp.GetVoiceRoutes()) != 2 || resp.GetNextPageToken() == "" {
				t.Errorf("%v", resp)
			}
		}},
	{name: "ListVoiceRoutes/providers/-", rpc: "portgate.v1.Numbers.ListVoiceRoutes", code: codes.InvalidArgument,
		req: func(*testing.T, *env) proto.Message { return &pb.ListVoiceRoutesRequest{Parent: "providers/-"} }},
	{name: "GetVoiceRoute", rpc: "portgate.v1.Numbers.GetVoiceRoute", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.GetVoiceRouteRequest{Name: "providers/telnyx/voiceRoutes/1293384261075731499"}
		},
		check: func(t *testing.T, r proto.Message) {
			if v := r.(*pb.VoiceRoute); v.GetType() != pb.VoiceRoute_SIP_REGISTRATION || v.GetDisplayName() != "office-pbx" {
				t.Errorf("%v", v)
			}
		}},
	{name: "GetVoiceRoute/unknown", rpc: "portgate.v1.Numbers.GetVoiceRoute", code: codes.NotFound,
		req: func(*testing.T, *env) proto.Message {
			return &pb.GetVoiceRouteRequest{Name: "providers/flowroute/voiceRoutes/999999"}
		}},
	{name: "CreateVoiceRoute", rpc: "portgate.v1.Numbers.CreateVoiceRoute", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.CreateVoiceRouteRequest{Parent: "providers/flowroute",
				VoiceRoute: &pb.VoiceRoute{Type: pb.VoiceRoute_SIP_HOST, Target: "pbx.example.com:5060", DisplayName: "pbx"}}
		},
		check: func(t *testing.T, r proto.Message) {
			if v := r.(*pb.VoiceRoute); !strings.HasPrefix(v.GetName(), "providers/flowroute/voiceRoutes/") || v.GetTarget() != "pbx.example.com:5060" {
				t.Errorf("%v", v)
			}
		}},
	{name: "CreateVoiceRoute/telnyx", rpc: "portgate.v1.Numbers.CreateVoiceRoute", code: codes.Unimplemented,
		req: func(*testing.T, *env) proto.Message {
			return &pb.CreateVoiceRouteRequest{Parent: "providers/telnyx", VoiceRoute: &pb.VoiceRoute{Type: pb.VoiceRoute_SIP_HOST, Target: "pbx.example.com"}}
		}},
	{name: "CreateVoiceRoute/no target", rpc: "portgate.v1.Numbers.CreateVoiceRoute", code: codes.InvalidArgument,
		req: func(*testing.T, *env) proto.Message {
			return &pb.CreateVoiceRouteRequest{Parent: "providers/flowroute", VoiceRoute: &pb.VoiceRoute{Type: pb.VoiceRoute_SIP_HOST}}
		}},
	{name: "UpdateVoiceRoute", rpc: "portgate.v1.Numbers.UpdateVoiceRoute", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.UpdateVoiceRouteRequest{VoiceRoute: &pb.VoiceRoute{Name: "providers/flowroute/voiceRoutes/7002", DisplayName: "renamed"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}}
		},
		check: func(t *testing.T, r proto.Message) {
			if v := r.(*pb.VoiceRoute); v.GetDisplayName() != "renamed" {
				t.Errorf("%v", v)
			}
		}},
	{name: "DeleteVoiceRoute", rpc: "portgate.v1.Numbers.DeleteVoiceRoute", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			r, err := e.numbers.CreateVoiceRoute(t.Context(), &pb.CreateVoiceRouteRequest{Parent: "providers/flowroute",
				VoiceRoute: &pb.VoiceRoute{Type: pb.VoiceRoute_SIP_URI, Target: "sip:pbx@example.com"}})
			if err != nil {
				t.Fatal(err)
			}
			return &pb.DeleteVoiceRouteRequest{Name: r.GetName()}
		}},
	{name: "DeleteVoiceRoute/in use", rpc: "portgate.v1.Numbers.DeleteVoiceRoute", code: codes.FailedPrecondition,
		req: func(t *testing.T, e *env) proto.Message {
			r, err := e.numbers.CreateVoiceRoute(t.Context(), &pb.CreateVoiceRouteRequest{Parent: "providers/flowroute",
				VoiceRoute: &pb.VoiceRoute{Type: pb.VoiceRoute_SIP_HOST, Target: "busy.example.com"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.numbers.UpdateNumber(t.Context(), &pb.UpdateNumberRequest{
				Number: &pb.Number{Name: "providers/flowroute/numbers/13125550101", FailoverVoiceRoute: r.GetName()}}); err != nil {
				t.Fatal(err)
			}
			return &pb.DeleteVoiceRouteRequest{Name: r.GetName()}
		}},
	{name: "ListMessagingProfiles", rpc: "portgate.v1.Numbers.ListMessagingProfiles", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.ListMessagingProfilesRequest{Parent: "providers/telnyx"}
		},
		check: func(t *testing.T, r proto.Message) {
			if n := len(r.(*pb.ListMessagingProfilesResponse).GetMessagingProfiles()); n == 0 {
				t.Error("no profiles")
			}
		}},
	{name: "ListMessagingProfiles/flowroute", rpc: "portgate.v1.Numbers.ListMessagingProfiles", code: codes.Unimplemented,
		req: func(*testing.T, *env) proto.Message {
			return &pb.ListMessagingProfilesRequest{Parent: "providers/flowroute"}
		}},
	{name: "GetMessagingProfile", rpc: "portgate.v1.Numbers.GetMessagingProfile", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.GetMessagingProfileRequest{Name: "providers/telnyx/messagingProfiles/4001767e-ce0f-4cae-9d5f-0d5e636e7809"}
		}},
	{name: "GetMessagingProfile/unknown", rpc: "portgate.v1.Numbers.GetMessagingProfile", code: codes.NotFound,
		req: func(*testing.T, *env) proto.Message {
			return &pb.GetMessagingProfileRequest{Name: "providers/telnyx/messagingProfiles/00000000-0000-4000-8000-000000000000"}
		}},
	{name: "UpdateNumber/voice_route", rpc: "portgate.v1.Numbers.UpdateNumber", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.UpdateNumberRequest{Number: &pb.Number{Name: "providers/telnyx/numbers/13125550101", VoiceRoute: "providers/telnyx/voiceRoutes/1293384261075731500"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"voice_route"}}}
		},
		check: func(t *testing.T, r proto.Message) {
			if n := r.(*pb.Number); n.GetVoiceRoute() != "providers/telnyx/voiceRoutes/1293384261075731500" || n.GetConnectionId() != "1293384261075731500" {
				t.Errorf("%v", n)
			}
		}},
	{name: "UpdateNumber/voice_route unknown", rpc: "portgate.v1.Numbers.UpdateNumber", code: codes.InvalidArgument,
		req: func(*testing.T, *env) proto.Message {
			return &pb.UpdateNumberRequest{Number: &pb.Number{Name: "providers/flowroute/numbers/13125550101", VoiceRoute: "providers/flowroute/voiceRoutes/999999"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"voice_route"}}}
		}},
	{name: "UpdateNumber/port_out_pin", rpc: "portgate.v1.Numbers.UpdateNumber", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.UpdateNumberRequest{Number: &pb.Number{Name: "providers/telnyx/numbers/13125550101", PortOutPin: "5823"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"port_out_pin"}}}
		},
		check: func(t *testing.T, r proto.Message) {
			if n := r.(*pb.Number); !n.GetPortOutPinSet() || n.GetPortOutPin() != "" {
				t.Errorf("%v", n)
			}
		}},
	{name: "UpdateNumber/port_out_pin flowroute", rpc: "portgate.v1.Numbers.UpdateNumber", code: codes.Unimplemented,
		req: func(*testing.T, *env) proto.Message {
			return &pb.UpdateNumberRequest{Number: &pb.Number{Name: "providers/flowroute/numbers/13125550101", PortOutPin: "5823"},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"port_out_pin"}}}
		}},

	{name: "CreateEmergencyAddress", rpc: "portgate.v1.Numbers.CreateEmergencyAddress", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.CreateEmergencyAddressRequest{Parent: "providers/flowroute", EmergencyAddress: pbAustin()}
		},
		check: func(t *testing.T, r proto.Message) {
			if a := r.(*pb.EmergencyAddress); !strings.HasPrefix(a.GetName(), "providers/flowroute/emergencyAddresses/") {
				t.Errorf("%v", a)
			}
		}},
	{name: "CreateEmergencyAddress/invalid", rpc: "portgate.v1.Numbers.CreateEmergencyAddress", code: codes.InvalidArgument,
		req: func(*testing.T, *env) proto.Message {
			a := pbAustin()
			a.PostalCode = "00000"
			return &pb.CreateEmergencyAddressRequest{Parent: "providers/telnyx", EmergencyAddress: a}
		}},
	{name: "GetEmergencyAddress", rpc: "portgate.v1.Numbers.GetEmergencyAddress", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.GetEmergencyAddressRequest{Name: createAddress(t, e, "telnyx").GetName()}
		}},
	{name: "GetEmergencyAddress/unknown", rpc: "portgate.v1.Numbers.GetEmergencyAddress", code: codes.NotFound,
		req: func(*testing.T, *env) proto.Message {
			return &pb.GetEmergencyAddressRequest{Name: "providers/flowroute/emergencyAddresses/999999"}
		}},
	{name: "ListEmergencyAddresses", rpc: "portgate.v1.Numbers.ListEmergencyAddresses", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.ListEmergencyAddressesRequest{Parent: "providers/-"}
		}},
	{name: "DeleteEmergencyAddress", rpc: "portgate.v1.Numbers.DeleteEmergencyAddress", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.DeleteEmergencyAddressRequest{Name: createAddress(t, e, "flowroute").GetName()}
		}},
	{name: "AssignEmergencyAddress", rpc: "portgate.v1.Numbers.AssignEmergencyAddress", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.AssignEmergencyAddressRequest{Name: "providers/flowroute/numbers/13125550102", EmergencyAddress: createAddress(t, e, "flowroute").GetName()}
		},
		check: func(t *testing.T, r proto.Message) {
			if n := r.(*pb.Number); n.GetEmergencyStatus() != pb.EmergencyStatus_EMERGENCY_STATUS_ENABLED {
				t.Errorf("%v", n)
			}
		}},
	{name: "AssignEmergencyAddress/other provider", rpc: "portgate.v1.Numbers.AssignEmergencyAddress", code: codes.InvalidArgument,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.AssignEmergencyAddressRequest{Name: "providers/telnyx/numbers/13125550102", EmergencyAddress: "providers/flowroute/emergencyAddresses/1"}
		}},
	{name: "UnassignEmergencyAddress", rpc: "portgate.v1.Numbers.UnassignEmergencyAddress", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.UnassignEmergencyAddressRequest{Name: "providers/telnyx/numbers/13125550102"}
		}},
	{name: "CreateCallerIdName", rpc: "portgate.v1.Numbers.CreateCallerIdName", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.CreateCallerIdNameRequest{Parent: "providers/flowroute", CallerIdName: &pb.CallerIdName{Value: "ACME"}}
		},
		check: func(t *testing.T, r proto.Message) {
			if c := r.(*pb.CallerIdName); c.GetState() != pb.CallerIdName_PENDING {
				t.Errorf("%v", c)
			}
		}},
	{name: "CreateCallerIdName/telnyx", rpc: "portgate.v1.Numbers.CreateCallerIdName", code: codes.Unimplemented,
		req: func(*testing.T, *env) proto.Message {
			return &pb.CreateCallerIdNameRequest{Parent: "providers/telnyx", CallerIdName: &pb.CallerIdName{Value: "ACME"}}
		}},
	{name: "CreateCallerIdName/invalid", rpc: "portgate.v1.Numbers.CreateCallerIdName", code: codes.InvalidArgument,
		req: func(*testing.T, *env) proto.Message {
			return &pb.CreateCallerIdNameRequest{Parent: "providers/flowroute", CallerIdName: &pb.CallerIdName{Value: "A VERY LONG NAME INDEED"}}
		}},
	{name: "GetCallerIdName", rpc: "portgate.v1.Numbers.GetCallerIdName", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.GetCallerIdNameRequest{Name: createCNAM(t, e).GetName()}
		}},
	{name: "GetCallerIdName/unknown", rpc: "portgate.v1.Numbers.GetCallerIdName", code: codes.NotFound,
		req: func(*testing.T, *env) proto.Message {
			return &pb.GetCallerIdNameRequest{Name: "providers/flowroute/callerIdNames/999999"}
		}},
	{name: "ListCallerIdNames", rpc: "portgate.v1.Numbers.ListCallerIdNames", code: codes.OK,
		req: func(*testing.T, *env) proto.Message { return &pb.ListCallerIdNamesRequest{Parent: "providers/-"} },
		check: func(t *testing.T, r proto.Message) {
			if u := r.(*pb.ListCallerIdNamesResponse).GetUnreachable(); len(u) != 0 {
				t.Errorf("unreachable %v: a provider without CNAM records is skipped, not unreachable", u)
			}
		}},
	{name: "DeleteCallerIdName", rpc: "portgate.v1.Numbers.DeleteCallerIdName", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.DeleteCallerIdNameRequest{Name: createCNAM(t, e).GetName()}
		}},
	{name: "SetNumberCallerIdName", rpc: "portgate.v1.Numbers.SetNumberCallerIdName", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.SetNumberCallerIdNameRequest{Name: "providers/telnyx/numbers/13125550102", Value: "ACME"}
		},
		check: func(t *testing.T, r proto.Message) {
			if n := r.(*pb.Number); n.GetCallerIdName().GetValue() != "ACME" {
				t.Errorf("%v", n)
			}
		}},
	{name: "ClearNumberCallerIdName", rpc: "portgate.v1.Numbers.ClearNumberCallerIdName", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.ClearNumberCallerIdNameRequest{Name: "providers/flowroute/numbers/13125550102"}
		}},

	{name: "ReschedulePortOrder", rpc: "portgate.v1.Porting.ReschedulePortOrder", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			o, err := e.porting.GetPortOrder(t.Context(), &pb.GetPortOrderRequest{Name: createOrder(t, e, "telnyx").GetName()})
			if err != nil || len(o.GetAllowedFocWindows()) == 0 {
				t.Fatalf("setup: %v %v", o, err)
			}
			at := o.GetAllowedFocWindows()[1].GetStartTime().AsTime().Add(time.Hour)
			return &pb.ReschedulePortOrderRequest{Name: o.GetName(), RequestedFocTime: timestamppb.New(at)}
		},
		check: func(t *testing.T, r proto.Message) {
			if o := r.(*pb.PortOrder); o.GetRequestedFocTime() == nil || len(o.GetWaitingOn()) == 0 {
				t.Errorf("%v", o)
			}
		}},
	{name: "ReschedulePortOrder/outside the windows", rpc: "portgate.v1.Porting.ReschedulePortOrder", code: codes.InvalidArgument,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.ReschedulePortOrderRequest{Name: createOrder(t, e, "telnyx").GetName(), RequestedFocTime: timestamppb.New(time.Now().Add(-time.Hour))}
		}},
	{name: "ReschedulePortOrder/flowroute", rpc: "portgate.v1.Porting.ReschedulePortOrder", code: codes.Unimplemented,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.ReschedulePortOrderRequest{Name: createOrder(t, e, "flowroute").GetName(), RequestedFocTime: timestamppb.New(time.Now().Add(96 * time.Hour))}
		}},
	{name: "ActivatePortOrder/not FastPort", rpc: "portgate.v1.Porting.ActivatePortOrder", code: codes.FailedPrecondition,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.ActivatePortOrderRequest{Name: createOrder(t, e, "telnyx").GetName()}
		}},
	{name: "ActivatePortOrder/flowroute", rpc: "portgate.v1.Porting.ActivatePortOrder", code: codes.Unimplemented,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.ActivatePortOrderRequest{Name: createOrder(t, e, "flowroute").GetName()}
		}},
	{name: "SupplyPortOrderRequirements/unknown requirement", rpc: "portgate.v1.Porting.SupplyPortOrderRequirements", code: codes.InvalidArgument,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.SupplyPortOrderRequirementsRequest{Name: createOrder(t, e, "telnyx").GetName(),
				Requirements: []*pb.PortOrderRequirementValue{{RequirementTypeId: "not-a-requirement", TextValue: "x"}}}
		}},
	{name: "SupplyPortOrderRequirements/flowroute", rpc: "portgate.v1.Porting.SupplyPortOrderRequirements", code: codes.Unimplemented,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.SupplyPortOrderRequirementsRequest{Name: createOrder(t, e, "flowroute").GetName(),
				Requirements: []*pb.PortOrderRequirementValue{{RequirementTypeId: "x", TextValue: "x"}}}
		}},

	{name: "ListPortOuts", rpc: "portgate.v1.Porting.ListPortOuts", code: codes.OK,
		req: func(*testing.T, *env) proto.Message {
			return &pb.ListPortOutsRequest{Parent: "providers/telnyx", Filter: "state = PENDING"}
		}},
	{name: "ListPortOuts/flowroute", rpc: "portgate.v1.Porting.ListPortOuts", code: codes.Unimplemented,
		req: func(*testing.T, *env) proto.Message { return &pb.ListPortOutsRequest{Parent: "providers/flowroute"} }},
	{name: "GetPortOut", rpc: "portgate.v1.Porting.GetPortOut", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			name, _ := newPortOut(t, e)
			return &pb.GetPortOutRequest{Name: name}
		}},
	{name: "AuthorizePortOut", rpc: "portgate.v1.Porting.AuthorizePortOut", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			name, _ := newPortOut(t, e)
			return &pb.AuthorizePortOutRequest{Name: name}
		},
		check: func(t *testing.T, r proto.Message) {
			if r.(*pb.PortOut).GetState() != pb.PortOut_AUTHORIZED {
				t.Errorf("%v", r)
			}
		}},
	{name: "RejectPortOut", rpc: "portgate.v1.Porting.RejectPortOut", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			name, _ := newPortOut(t, e)
			return &pb.RejectPortOutRequest{Name: name, Reason: "not our customer's request"}
		}},
	{name: "RejectPortOut/no reason", rpc: "portgate.v1.Porting.RejectPortOut", code: codes.InvalidArgument,
		req: func(t *testing.T, e *env) proto.Message {
			name, _ := newPortOut(t, e)
			return &pb.RejectPortOutRequest{Name: name}
		}},
	{name: "GetPortOrderLoa", rpc: "portgate.v1.Porting.GetPortOrderLoa", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			return &pb.GetPortOrderLoaRequest{Name: createOrder(t, e, "telnyx").GetName() + "/loa"}
		}},
	{name: "GetPortOrderLoa/not an loa", rpc: "portgate.v1.Porting.GetPortOrderLoa", code: codes.InvalidArgument,
		req: func(*testing.T, *env) proto.Message {
			return &pb.GetPortOrderLoaRequest{Name: "providers/telnyx/portOrders/x/loa"}
		}},
	{name: "CreatePortOutComment", rpc: "portgate.v1.Porting.CreatePortOutComment", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			name, _ := newPortOut(t, e)
			return &pb.CreatePortOutCommentRequest{Parent: name, Comment: &pb.PortOutComment{Body: "please confirm the PIN"}}
		}},
	{name: "ListPortOutComments", rpc: "portgate.v1.Porting.ListPortOutComments", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			name, _ := newPortOut(t, e)
			return &pb.ListPortOutCommentsRequest{Parent: name}
		}},
	{name: "ListPortOutComments/flowroute", rpc: "portgate.v1.Porting.ListPortOutComments", code: codes.Unimplemented,
		req: func(*testing.T, *env) proto.Message {
			return &pb.ListPortOutCommentsRequest{Parent: "providers/flowroute/portOuts/x"}
		}},
	{name: "ListPortOutRejectionCodes", rpc: "portgate.v1.Porting.ListPortOutRejectionCodes", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			name, _ := newPortOut(t, e)
			return &pb.ListPortOutRejectionCodesRequest{Parent: name}
		}},
	{name: "CreatePortOutDocument", rpc: "portgate.v1.Porting.CreatePortOutDocument", code: codes.OK,
		req: func(t *testing.T, e *env) proto.Message {
			name, _ := newPortOut(t, e)
			return &pb.CreatePortOutDocumentRequest{Parent: name, Document: &pb.PortOutDocument{
				Type: pb.PortOutDocument_INVOICE, Filename: "bill.pdf", Content: []byte("%PDF-1.4")}}
		}},
}

func TestEveryRPCOverBothTransports(t *testing.T) {
	e := start(t)
	for _, c := range rpcCases {
		desc, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(c.rpc))
		if err != nil {
			t.Fatalf("%s: %v", c.rpc, err)
		}
		m := desc.(protoreflect.MethodDescriptor)
		for _, tr := range transports {
			t.Run(c.name+"/"+tr.name, func(t *testing.T) {
				resp := newOutput(m)
				err := tr.call(t.Context(), e, m, c.req(t, e), resp)
				if got := status.Code(err); got != c.code {
					t.Fatalf("code %s, want %s (%v)", got, c.code, err)
				}
				if err == nil && c.check != nil {
					c.check(t, resp)
				}
			})
		}
	}
}

func newOutput(m protoreflect.MethodDescriptor) proto.Message {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(m.Output().FullName())
	if err != nil {
		panic(err)
	}
	return mt.New().Interface()
}

// Every unary RPC of every portgate service has a row (streams have their
// own tests).
func TestRPCTableCoversEveryRPC(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range rpcCases {
		covered[c.rpc] = true
	}
	for _, sd := range []string{pb.Porting_ServiceDesc.ServiceName, pb.Numbers_ServiceDesc.ServiceName, pb.Providers_ServiceDesc.ServiceName} {
		desc, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(sd))
		if err != nil {
			t.Fatal(err)
		}
		methods := desc.(protoreflect.ServiceDescriptor).Methods()
		for i := range methods.Len() {
			m := methods.Get(i)
			if m.IsStreamingServer() || m.IsStreamingClient() {
				continue
			}
			if !covered[string(m.FullName())] {
				t.Errorf("%s has no row in rpcCases", m.FullName())
			}
		}
	}
}

// issue 14 — e911 helpers.

func pbAustin() *pb.EmergencyAddress {
	return &pb.EmergencyAddress{FirstName: "Jane", LastName: "Roe", StreetNumber: "600", StreetName: "Congress Ave",
		Locality: "Austin", AdministrativeArea: "TX", PostalCode: "78701", RegionCode: "US"}
}

func createAddress(t *testing.T, e *env, provider string) *pb.EmergencyAddress {
	t.Helper()
	a, err := e.numbers.CreateEmergencyAddress(t.Context(), &pb.CreateEmergencyAddressRequest{Parent: "providers/" + provider, EmergencyAddress: pbAustin()})
	if err != nil {
		t.Fatalf("setup: create address on %s: %v", provider, err)
	}
	return a
}

func createCNAM(t *testing.T, e *env) *pb.CallerIdName {
	t.Helper()
	c, err := e.numbers.CreateCallerIdName(t.Context(), &pb.CreateCallerIdNameRequest{Parent: "providers/flowroute", CallerIdName: &pb.CallerIdName{Value: "ACME"}})
	if err != nil {
		t.Fatalf("setup: create CNAM record: %v", err)
	}
	return c
}
