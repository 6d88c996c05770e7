package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/restjson"
)

// restjsonPorting answers GetPortOrder and ListPortOrders with fixed,
// fully populated messages.
type restjsonPorting struct {
	pb.UnimplementedPortingServer
	order *pb.PortOrder
	list  *pb.ListPortOrdersResponse
}

func (p *restjsonPorting) GetPortOrder(context.Context, *pb.GetPortOrderRequest) (*pb.PortOrder, error) {
	return p.order, nil
}

func (p *restjsonPorting) ListPortOrders(context.Context, *pb.ListPortOrdersRequest) (*pb.ListPortOrdersResponse, error) {
	return p.list, nil
}

func restjsonOrder() *pb.PortOrder {
	t0 := time.Date(2026, 3, 14, 15, 9, 26, 535000000, time.UTC)
	return &pb.PortOrder{
		Name: "providers/telnyx/portOrders/42", Provider: "providers/telnyx", ProviderOrderId: "42",
		State: pb.PortOrder_EXCEPTION, ProviderStatus: "exception",
		StateDetails: []*pb.StateDetail{{Code: "LOA_MISMATCH", Description: "name \"José\" <differs> & \u2028 😀\t"}},
		PhoneNumbers: []string{"+13125550101", "+13125550102"},
		EndUser: &pb.EndUser{EntityName: "Acme & Co.", UsageType: pb.EndUser_BUSINESS, HasPin: true,
			ServiceAddress: &pb.PostalAddress{StreetAddress: "233 S Wacker Dr", Locality: "Chicago", RegionCode: "US"}},
		RequestedFocTime:       timestamppb.New(t0.Add(14 * 24 * time.Hour)),
		PortType:               pb.PortOrder_PARTIAL,
		RemainingNumbersAction: pb.PortOrder_RemainingNumbersAction(42), // unknown: written as a number
		Configuration:          &pb.NumberConfiguration{MessagingEnabled: true, Tags: []string{"a", "b"}},
		RelatedOrders:          []string{"providers/telnyx/portOrders/43"},
		CreateTime:             timestamppb.New(t0),
		UpdateTime:             timestamppb.New(t0.Add(123456789)),
		AllowedFocWindows:      []*pb.TimeWindow{{StartTime: timestamppb.New(t0), EndTime: timestamppb.New(t0.Add(time.Hour))}},
		Etag:                   `W/"9f2c"`,
	}
}

// REST responses are written by restjson (the gateway's strictJSON.Marshal)
// and still read back with protojson as the message the handler returned.
func TestRESTResponsesAreProtojson(t *testing.T) {
	order := restjsonOrder()
	list := &pb.ListPortOrdersResponse{PortOrders: []*pb.PortOrder{order, {Name: "providers/telnyx/portOrders/43"}}, NextPageToken: "next"}
	svc := &restjsonPorting{order: order, list: list}
	s := startServer(t, Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", Services: []Service{{
		Name:     pb.Porting_ServiceDesc.ServiceName,
		Register: func(r grpc.ServiceRegistrar) { pb.RegisterPortingServer(r, svc) },
		Gateway: func(ctx context.Context, mux *runtime.ServeMux, cc grpc.ClientConnInterface) error {
			return pb.RegisterPortingHandlerClient(ctx, mux, pb.NewPortingClient(cc))
		},
	}}})
	c := httpClient(t)
	base := "http://" + s.HTTPAddr()

	for _, tc := range []struct {
		path string
		want proto.Message
		got  proto.Message
	}{
		{"/v1/providers/telnyx/portOrders/42", order, new(pb.PortOrder)},
		{"/v1/providers/telnyx/portOrders", list, new(pb.ListPortOrdersResponse)},
	} {
		resp, body := get(t, c, base+tc.path)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("GET %s: %d %s %s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if err := protojson.Unmarshal(body, tc.got); err != nil {
			t.Fatalf("GET %s: protojson cannot read the body: %v\n%s", tc.path, err, body)
		}
		if !proto.Equal(tc.got, tc.want) {
			t.Errorf("GET %s: the body reads back as\n%v\nwant\n%v", tc.path, tc.got, tc.want)
		}
		// The body is restjson's output (no spaces), not protojson's.
		if want, _ := restjson.Marshal(tc.want); string(body) != string(want) {
			t.Errorf("GET %s: body\n%s\nis not restjson's\n%s", tc.path, body, want)
		}
	}
}

// strictJSON.Marshal leaves to protojson what restjson does not write as
// protojson would, so protojson's errors and formats are kept.
func TestStrictJSONMarshalFallsBack(t *testing.T) {
	j := strictJSON{&runtime.JSONPb{}}
	bad := &pb.PortOrder{Name: "bad \xff"}
	if _, err := j.Marshal(bad); err == nil {
		t.Errorf("Marshal(invalid UTF-8) succeeded; want protojson's error")
	}
	if b, err := j.Marshal(&pb.PortOrder{CreateTime: &timestamppb.Timestamp{Seconds: -1 << 62}}); err == nil {
		t.Errorf("Marshal(out-of-range Timestamp) = %s; want protojson's error", b)
	}
	if b, err := j.Marshal(map[string]int{"a": 1}); err != nil || string(b) != `{"a":1}` {
		t.Errorf("Marshal(non-message) = %s, %v", b, err)
	}
	names := strictJSON{&runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{UseProtoNames: true}}}
	if b, err := names.Marshal(&pb.PortOrder{ProviderOrderId: "1"}); err != nil || string(b) != `{"provider_order_id":"1"}` {
		t.Errorf("UseProtoNames: %s, %v", b, err)
	}
}
