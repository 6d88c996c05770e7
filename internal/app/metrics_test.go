package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionv1 "google.golang.org/grpc/reflection/grpc_reflection_v1"
	reflectionv1alpha "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/app"
	"github.com/portgate/portgate/internal/config"
	"github.com/portgate/portgate/providers"
)

// Metrics never carry a phone number, an order id or a key as a label: after
// gRPC and REST calls full of them, every label value of every series on
// /metrics comes from a closed set.
func TestMetricLabelsComeFromClosedSets(t *testing.T) {
	a, err := app.Build(config.Config{Mode: config.ModeSandbox, GRPCAddr: "bufconn", HTTPAddr: "127.0.0.1:0", ShutdownGrace: time.Second, DefaultRegion: "US"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := a.Server.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer a.Server.Shutdown(context.Background())
	conn, err := a.Server.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	secrets := []string{"+13125550177", "3125550177", "8675309", "b4c1e2f0-0000-4000-8000-000000000001", "KEYlivesecret"}
	numbers, porting := pb.NewNumbersClient(conn), pb.NewPortingClient(conn)
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	for _, prov := range []string{"flowroute", "telnyx"} {
		for _, s := range secrets {
			_, _ = numbers.GetNumber(ctx, &pb.GetNumberRequest{Name: "providers/" + prov + "/numbers/" + s})
			_, _ = porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: "providers/" + prov + "/portOrders/" + s})
			req, _ := http.NewRequest(http.MethodGet, "http://"+a.Server.HTTPAddr()+"/v1/providers/"+prov+"/numbers/"+s, nil)
			req.Header.Set("Authorization", "Bearer "+s)
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	}

	allowed := map[string]map[string]bool{
		"provider":     {"flowroute": true, "telnyx": true},
		"op":           {},
		"code":         {"OK": true},
		"grpc_type":    {"unary": true, "server_stream": true, "client_stream": true, "bidi_stream": true},
		"grpc_code":    {},
		"grpc_service": {},
		"grpc_method":  {},
	}
	for _, op := range providers.AllOperations {
		allowed["op"][string(op)] = true
	}
	for c := providers.CodeUnknown; c <= providers.CodeDeadlineExceeded; c++ {
		allowed["code"][c.String()] = true
	}
	for c := codes.OK; c <= codes.Unauthenticated; c++ {
		allowed["grpc_code"][c.String()] = true
	}
	for _, sd := range []grpc.ServiceDesc{pb.Porting_ServiceDesc, pb.Numbers_ServiceDesc, pb.Providers_ServiceDesc,
		healthpb.Health_ServiceDesc, reflectionv1.ServerReflection_ServiceDesc, reflectionv1alpha.ServerReflection_ServiceDesc} {
		allowed["grpc_service"][sd.ServiceName] = true
		for _, m := range sd.Methods {
			allowed["grpc_method"][m.MethodName] = true
			allowed["grpc_method"]["/"+sd.ServiceName+"/"+m.MethodName] = true
		}
		for _, m := range sd.Streams {
			allowed["grpc_method"][m.StreamName] = true
			allowed["grpc_method"]["/"+sd.ServiceName+"/"+m.StreamName] = true
		}
	}

	mfs, err := a.Server.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, mf := range mfs {
		seen[mf.GetName()] = true
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				name, value := lp.GetName(), lp.GetValue()
				for _, s := range secrets {
					if strings.Contains(value, s) {
						t.Errorf("%s{%s=%q} carries a request value", mf.GetName(), name, value)
					}
				}
				if mf.GetName() == "go_info" && name == "version" {
					continue // the Go toolchain version
				}
				if set, ok := allowed[name]; !ok || !set[value] {
					t.Errorf("%s{%s=%q}: label outside the closed sets", mf.GetName(), name, value)
				}
			}
		}
	}
	for _, want := range []string{"portgate_provider_calls_total", "portgate_provider_call_duration_seconds", "portgate_provider_breaker_state",
		"portgate_provider_bulkhead_in_flight", "portgate_provider_bulkhead_queue_depth", "portgate_panics_recovered_total",
		"grpc_server_handled_total", "grpc_server_handling_seconds"} {
		if !seen[want] {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
