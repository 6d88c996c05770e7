package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// accessLogUnary is the logging entry for unary calls: one "finished call"
// line per call with exactly the fields, order and levels of
// go-grpc-middleware's logging interceptor as configured by
// DefaultMiddleware (FinishCall only, request_id from the context), built as
// slog attributes directly instead of through logging.Fields (which
// re-allocated the field list several times per call). Streams keep the
// library's interceptor. The trace id is added by the logger's handler, as
// before.
//
// grpc.start_time stays although the line's own time and grpc.time_ms
// imply it: it is part of the library's line, which streaming calls still
// write, and log queries written against either must keep working. It
// costs no allocation: its text is shared per second (secondText), as is
// the deadline's, and peer.address is formatted once per connection.
func accessLogUnary(l *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		start := time.Now()
		resp, err := handler(ctx, req)
		logErr := err
		if errors.Is(logErr, io.EOF) {
			logErr = nil
		}
		code := status.Code(logErr)
		lvl := serverCodeLevel(code)
		h := l.Handler()
		if !h.Enabled(ctx, lvl) {
			return resp, err
		}
		svc, method := splitFullMethod(info.FullMethod)
		var buf [14]slog.Attr
		attrs := buf[:0]
		if id := RequestIDFromContext(ctx); id != "" {
			attrs = append(attrs, slog.String("request_id", id))
		}
		attrs = append(attrs,
			slog.String("protocol", "grpc"),
			slog.String("grpc.component", "server"),
			slog.String("grpc.service", svc),
			slog.String("grpc.method", method),
			slog.String("grpc.method_type", "unary"),
		)
		if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
			attrs = append(attrs, slog.String("peer.address", peerAddrs.String(p.Addr)))
		}
		attrs = append(attrs, slog.String("grpc.start_time", startTimes.format(start)))
		if d, ok := ctx.Deadline(); ok {
			attrs = append(attrs, slog.String("grpc.request.deadline", deadlines.format(d)))
		}
		attrs = append(attrs, slog.String("grpc.code", code.String()))
		if logErr != nil {
			attrs = append(attrs, slog.String("grpc.error", logErr.Error()))
		}
		ms := float32(time.Since(start).Nanoseconds()/1000) / 1000
		attrs = append(attrs, slog.String("grpc.time_ms", strconv.FormatFloat(float64(ms), 'g', -1, 32)))
		// The handler directly: Logger.LogAttrs would also walk the stack
		// for a source location nobody reads (this line's is always here).
		r := slog.NewRecord(time.Now(), lvl, "finished call", 0)
		r.AddAttrs(attrs...)
		_ = h.Handle(ctx, r)
		return resp, err
	}
}

// secondText is t.Format(time.RFC3339) for the last second formatted:
// the access log's times have one-second resolution, so every call
// starting (or due) within the same second shares one string instead of
// formatting its own. Keyed by the Unix second and the location (a zone
// offset changes on a second boundary), so the text is exactly Format's.
type secondText struct {
	last atomic.Pointer[formattedSecond]
}

type formattedSecond struct {
	sec  int64
	loc  *time.Location
	text string
}

var startTimes, deadlines secondText

func (c *secondText) format(t time.Time) string {
	sec, loc := t.Unix(), t.Location()
	if f := c.last.Load(); f != nil && f.sec == sec && f.loc == loc {
		return f.text
	}
	f := &formattedSecond{sec: sec, loc: loc, text: t.Format(time.RFC3339)}
	c.last.Store(f)
	return f.text
}

// addrText remembers the text of TCP peer addresses: grpc-go gives every
// stream of a connection the connection's own *net.TCPAddr, so its String
// (an IP format and a host:port join, three allocations) is built once per
// connection. Bounded: past maxAddrTexts entries the map starts over.
type addrText struct {
	m atomic.Pointer[sync.Map] // *net.TCPAddr → string
	n atomic.Int32
}

const maxAddrTexts = 4096

var peerAddrs addrText

func (c *addrText) String(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok || ta == nil {
		return a.String()
	}
	m := c.m.Load()
	if m != nil {
		if s, ok := m.Load(ta); ok {
			return s.(string)
		}
	}
	s := ta.String()
	if m == nil || c.n.Add(1) > maxAddrTexts {
		m = new(sync.Map)
		c.m.Store(m)
		c.n.Store(1)
	}
	m.Store(ta, s)
	return s
}

// splitFullMethod splits "/pkg.Service/Method".
func splitFullMethod(full string) (string, string) {
	full = strings.TrimPrefix(full, "/")
	if i := strings.Index(full, "/"); i >= 0 {
		return full[:i], full[i+1:]
	}
	return "unknown", "unknown"
}

// serverCodeLevel is logging.DefaultServerCodeToLevel.
func serverCodeLevel(code codes.Code) slog.Level {
	switch code {
	case codes.OK, codes.NotFound, codes.Canceled, codes.AlreadyExists, codes.InvalidArgument, codes.Unauthenticated:
		return slog.LevelInfo
	case codes.DeadlineExceeded, codes.PermissionDenied, codes.ResourceExhausted, codes.FailedPrecondition, codes.Aborted,
		codes.OutOfRange, codes.Unavailable:
		return slog.LevelWarn
	default:
		return slog.LevelError
	}
}
