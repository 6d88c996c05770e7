package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
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

// The access log's own allocations per call (the handler's output aside:
// the JSON handler writes into a reused buffer): a call with a request id,
// a TCP peer and a deadline.
func TestAccessLogAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts")
	}
	l := slog.New(slog.NewJSONHandler(io.Discard, nil))
	ic := accessLogUnary(l)
	info := &grpc.UnaryServerInfo{FullMethod: "/portgate.v1.Porting/GetPortOrder"}
	ctx := context.WithValue(context.Background(), requestIDKey{}, "req-1")
	ctx = peer.NewContext(ctx, &peer.Peer{Addr: &net.TCPAddr{IP: net.IPv4(10, 1, 2, 3), Port: 54321}})
	ctx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	handler := func(context.Context, any) (any, error) { return nil, nil }
	n := testing.AllocsPerRun(1000, func() { _, _ = ic(ctx, nil, info, handler) })
	t.Logf("%.0f allocations per call", n)
	if n > maxAccessLogAllocs {
		t.Errorf("%.0f allocations per call, want at most %d", n, maxAccessLogAllocs)
	}
}

// maxAccessLogAllocs: grpc.time_ms's text (round 2 had 6: also the
// start time, the deadline and the peer address, now shared per second and
// per connection).
const maxAccessLogAllocs = 2

// The shared per-second text is exactly time.Format(time.RFC3339), within a
// second, across seconds, and across locations with the same instant.
func TestSecondTextIsFormat(t *testing.T) {
	var c secondText
	base := time.Date(2026, 3, 8, 1, 59, 58, 0, time.UTC)
	locs := []*time.Location{time.UTC, time.Local, time.FixedZone("X", 5*3600+1800)}
	if ny, err := time.LoadLocation("America/New_York"); err == nil {
		locs = append(locs, ny) // DST starts 2026-03-08 07:00 UTC
		base = time.Date(2026, 3, 8, 6, 59, 58, 0, time.UTC)
	}
	for i := range 4000 {
		tm := base.Add(time.Duration(i) * 997 * time.Millisecond / 1000).In(locs[i/7%len(locs)])
		if got, want := c.format(tm), tm.Format(time.RFC3339); got != want {
			t.Fatalf("format(%v) = %q, want %q", tm, got, want)
		}
	}
}

// Peer address texts are each address's String, and the memo stays bounded.
func TestAddrTextBounded(t *testing.T) {
	var c addrText
	for i := range 3 * maxAddrTexts {
		a := &net.TCPAddr{IP: net.IPv4(10, byte(i>>16), byte(i>>8), byte(i)), Port: i % 65536}
		if i%3 == 0 {
			a = &net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: i % 65536, Zone: ""}
		}
		for range 2 {
			if got := c.String(a); got != a.String() {
				t.Fatalf("String(%v) = %q", a, got)
			}
		}
		if n := c.n.Load(); n > maxAddrTexts {
			t.Fatalf("%d entries, want at most %d", n, maxAddrTexts)
		}
	}
	if got := c.String(&net.UnixAddr{Name: "/tmp/s", Net: "unix"}); got != "/tmp/s" {
		t.Errorf("unix addr = %q", got)
	}
}
