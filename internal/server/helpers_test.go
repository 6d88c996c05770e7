package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"go.uber.org/goleak"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testServiceName = "portgate.test.v1.Test"

// testService is a hand-written gRPC service (no generated code needed):
// every method takes and returns google.protobuf.StringValue.
type testService struct {
	entered chan struct{} // Block signals here once running
	release chan struct{} // Block returns when this closes
}

func newTestService() *testService {
	return &testService{entered: make(chan struct{}, 8), release: make(chan struct{})}
}

func (ts *testService) unary(ctx context.Context, method string, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	switch method {
	case "Echo":
		return wrapperspb.String(in.GetValue() + "|" + RequestIDFromContext(ctx)), nil
	case "Tied": // is the call's context tied to the drain per connection?
		_, tied := ctx.Value(drainKey{}).(*drainer)
		return wrapperspb.String(strconv.FormatBool(tied)), nil
	case "Panic":
		panic("boom")
	case "Fail":
		st, err := status.New(codes.InvalidArgument, "phone number is not valid").WithDetails(
			&errdetails.ErrorInfo{Domain: "portgate.dev", Reason: "INVALID_PHONE_NUMBER", Metadata: map[string]string{"provider": "telnyx"}},
			&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
				{Field: "port_order.phone_numbers[3]", Description: "not a valid number"},
			}},
		)
		if err != nil {
			return nil, err
		}
		return nil, st.Err()
	case "Block":
		ts.entered <- struct{}{}
		select {
		case <-ts.release:
			return wrapperspb.String("released"), nil
		case <-ctx.Done():
			return nil, status.FromContextError(ctx.Err()).Err()
		}
	}
	return nil, status.Errorf(codes.Unimplemented, "no method %s", method)
}

func (ts *testService) desc() *grpc.ServiceDesc {
	sd := &grpc.ServiceDesc{
		ServiceName: testServiceName,
		HandlerType: (*any)(nil),
		Streams: []grpc.StreamDesc{{
			StreamName:    "Stream",
			ServerStreams: true,
			Handler: func(_ any, stream grpc.ServerStream) error {
				in := new(wrapperspb.StringValue)
				if err := stream.RecvMsg(in); err != nil {
					return err
				}
				if in.GetValue() == "panic" {
					panic("stream boom")
				}
				return stream.SendMsg(wrapperspb.String(RequestIDFromContext(stream.Context())))
			},
		}},
	}
	for _, name := range []string{"Echo", "Panic", "Fail", "Block", "Tied"} {
		sd.Methods = append(sd.Methods, grpc.MethodDesc{
			MethodName: name,
			Handler: func(_ any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
				in := new(wrapperspb.StringValue)
				if err := dec(in); err != nil {
					return nil, err
				}
				h := func(ctx context.Context, req any) (any, error) {
					return ts.unary(ctx, name, req.(*wrapperspb.StringValue))
				}
				if icpt == nil {
					return h(ctx, in)
				}
				return icpt(ctx, in, &grpc.UnaryServerInfo{FullMethod: "/" + testServiceName + "/" + name}, h)
			},
		})
	}
	return sd
}

// gateway registers GET /v1/test/{method}?value=... the way generated
// grpc-gateway handlers do: annotate, invoke over conn with header/trailer
// capture, then forward the response or the error.
func (ts *testService) gateway(_ context.Context, mux *runtime.ServeMux, conn grpc.ClientConnInterface) error {
	// GET /v1/test-stream?value=...: the first message of the server stream.
	if err := mux.HandlePath(http.MethodGet, "/v1/test-stream", func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
		_, outbound := runtime.MarshalerForRequest(mux, r)
		full := "/" + testServiceName + "/Stream"
		ctx, err := runtime.AnnotateContext(r.Context(), mux, r, full, runtime.WithHTTPPathPattern("/v1/test-stream"))
		if err != nil {
			runtime.HTTPError(ctx, mux, outbound, w, r, err)
			return
		}
		out := new(wrapperspb.StringValue)
		stream, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, full)
		if err == nil {
			if err = stream.SendMsg(wrapperspb.String(r.URL.Query().Get("value"))); err == nil {
				_ = stream.CloseSend()
				err = stream.RecvMsg(out)
			}
			if err == nil {
				// Read to the stream's end (its status): the call is then
				// complete on the server too, interceptors and metrics
				// included, before the REST answer is written.
				if err = stream.RecvMsg(new(wrapperspb.StringValue)); err == io.EOF {
					err = nil
				} else if err == nil {
					err = status.Error(codes.Internal, "test stream sent a second message")
				}
			}
		}
		if err != nil {
			runtime.HTTPError(ctx, mux, outbound, w, r, err)
			return
		}
		runtime.ForwardResponseMessage(ctx, mux, outbound, w, r, out)
	}); err != nil {
		return err
	}
	return mux.HandlePath(http.MethodGet, "/v1/test/{method}", func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		_, outbound := runtime.MarshalerForRequest(mux, r)
		full := "/" + testServiceName + "/" + params["method"]
		ctx, err := runtime.AnnotateContext(ctx, mux, r, full, runtime.WithHTTPPathPattern("/v1/test/{method}"))
		if err != nil {
			runtime.HTTPError(ctx, mux, outbound, w, r, err)
			return
		}
		var md runtime.ServerMetadata
		out := new(wrapperspb.StringValue)
		err = conn.Invoke(ctx, full, wrapperspb.String(r.URL.Query().Get("value")), out, grpc.Header(&md.HeaderMD), grpc.Trailer(&md.TrailerMD))
		ctx = runtime.NewServerMetadataContext(ctx, md)
		if err != nil {
			runtime.HTTPError(ctx, mux, outbound, w, r, err)
			return
		}
		runtime.ForwardResponseMessage(ctx, mux, outbound, w, r, out, mux.GetForwardResponseOptions()...)
	})
}

func (ts *testService) service() Service {
	return Service{
		Name:     testServiceName,
		Register: func(r grpc.ServiceRegistrar) { r.RegisterService(ts.desc(), ts) },
		Gateway:  ts.gateway,
	}
}

func invoke(ctx context.Context, conn *grpc.ClientConn, method, value string, opts ...grpc.CallOption) (string, error) {
	out := new(wrapperspb.StringValue)
	err := conn.Invoke(ctx, "/"+testServiceName+"/"+method, wrapperspb.String(value), out, opts...)
	return out.GetValue(), err
}

// logBuffer collects JSON log lines safely across goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// lines returns every JSON line whose msg equals msg.
func (b *logBuffer) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer starts a Server and registers its shutdown.
func startServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return s
}

func dial(t *testing.T, s *Server) *grpc.ClientConn {
	t.Helper()
	conn, err := s.Dial(t.Context())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func httpClient(t *testing.T) *http.Client {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func withRequestID(ctx context.Context, id string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, RequestIDHeader, id)
}
