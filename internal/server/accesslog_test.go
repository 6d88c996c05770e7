package server

import (
	"context"
	"encoding/json"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// The unary access log writes the line go-grpc-middleware's logging
// interceptor wrote (as DefaultMiddleware configured it): same message,
// level, keys in the same order and values (but the duration).
func TestAccessLogMatchesLibraryLine(t *testing.T) {
	logOpts := []logging.Option{
		logging.WithLogOnEvents(logging.FinishCall),
		logging.WithFieldsFromContext(func(ctx context.Context) logging.Fields {
			if id := RequestIDFromContext(ctx); id != "" {
				return logging.Fields{"request_id", id}
			}
			return nil
		}),
	}
	info := &grpc.UnaryServerInfo{FullMethod: "/portgate.v1.Porting/GetPortOrder"}
	cases := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		err  error
	}{
		{"ok, request id, peer, deadline", func() (context.Context, context.CancelFunc) {
			ctx := context.WithValue(context.Background(), requestIDKey{}, "req-1")
			ctx = peer.NewContext(ctx, &peer.Peer{Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4242}})
			return context.WithTimeout(ctx, time.Hour)
		}, nil},
		{"error, no request id", func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}, status.Error(codes.NotFound, "port order 1 not found")},
		{"internal", func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}, status.Error(codes.Internal, "boom")},
		{"permission denied", func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}, status.Error(codes.PermissionDenied, "no")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var lib, ours logBuffer
			handler := func(context.Context, any) (any, error) { return "resp", tc.err }
			for _, run := range []struct {
				buf *logBuffer
				ic  func(l *logBuffer) grpc.UnaryServerInterceptor
			}{
				{&lib, func(l *logBuffer) grpc.UnaryServerInterceptor {
					return logging.UnaryServerInterceptor(slogAdapter(l.logger()), logOpts...)
				}},
				{&ours, func(l *logBuffer) grpc.UnaryServerInterceptor { return accessLogUnary(l.logger()) }},
			} {
				ctx, cancel := tc.ctx()
				resp, err := run.ic(run.buf)(ctx, "req", info, handler)
				cancel()
				if resp != "resp" || err != tc.err {
					t.Fatalf("interceptor changed the result: %v %v", resp, err)
				}
			}
			a, b := parseLine(t, lib.String()), parseLine(t, ours.String())
			if !slices.Equal(a.keys, b.keys) {
				t.Errorf("keys:\nlibrary %v\nours    %v", a.keys, b.keys)
			}
			for k, v := range a.vals {
				if k == "time" || k == "grpc.time_ms" || k == "grpc.start_time" {
					continue
				}
				if b.vals[k] != v {
					t.Errorf("%s: library %v, ours %v", k, v, b.vals[k])
				}
			}
			if _, ok := b.vals["grpc.time_ms"].(string); !ok {
				t.Errorf("grpc.time_ms = %v, want a string like the library's", b.vals["grpc.time_ms"])
			}
		})
	}
}

type logLine struct {
	keys []string
	vals map[string]any
}

func parseLine(t *testing.T, s string) logLine {
	t.Helper()
	s = strings.TrimSpace(s)
	if strings.Count(s, "\n") != 0 || s == "" {
		t.Fatalf("want exactly one line, got %q", s)
	}
	var l logLine
	if err := json.Unmarshal([]byte(s), &l.vals); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	_, _ = dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		l.keys = append(l.keys, k.(string))
		var v any
		_ = dec.Decode(&v)
	}
	return l
}
