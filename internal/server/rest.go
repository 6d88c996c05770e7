package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/portgate/portgate/internal/reasons"
	"github.com/portgate/portgate/internal/restjson"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// DefaultMaxRequestBytes caps one request: a REST body and a received gRPC
// message. It leaves room for the largest document the providers accept
// (10 MiB of content, 13.4 MiB once base64-encoded in JSON) plus the rest of
// the request.
const DefaultMaxRequestBytes = 16 << 20

// ReasonRequestTooLarge: the REST body is larger than Config.MaxRequestBytes
// (HTTP 413, gRPC code INVALID_ARGUMENT: sending the same body again can never
// succeed, so it is not RESOURCE_EXHAUSTED, which clients retry).
const ReasonRequestTooLarge = "REQUEST_TOO_LARGE"

// The REST surface, outermost first (restHandler):
//
//  1. hygiene: the path has no empty, "." or ".." segment (answered 400,
//     never redirected) and path and query are valid UTF-8 (400);
//  2. the ops routes /healthz, /metrics, /openapi.json (GET or HEAD, else 405);
//  3. the extra routes of Config.Routes (webhooks), which check their own
//     callers and bodies;
//  4. the body cap: a Content-Length over the limit is refused at once (413),
//     a chunked body is cut off at the limit and refused the same way;
//  5. custom verbs: a ':' may only start a custom method at the end of the
//     path (400 otherwise: ids never contain ':'), and that method must be
//     one the contract declares for this HTTP method (404 otherwise), so
//     GET .../portOrders/abc:submit is never a Get of order "abc:submit";
//  6. grpc-gateway, whose JSON decoder takes exactly one JSON value
//     (strictJSON), whose query parser refuses unknown parameters
//     (strictQuery) and whose errors all carry ErrorInfo (gatewayErrorHandler).
//
// Every refusal is a google.rpc.Status JSON body with ErrorInfo (domain
// "portgate"), written by the same error handler the gateway uses.
func (s *Server) restHandler(gw *runtime.ServeMux) http.Handler {
	verbs := customVerbs(s.cfg.Services)
	limit := s.maxRequestBytes()
	ops := map[string]http.HandlerFunc{
		"/openapi.json": func(w http.ResponseWriter, r *http.Request) {
			if len(s.cfg.OpenAPI) == 0 {
				restError(w, r, gw, http.StatusNotFound, codes.NotFound, ReasonRouteNotFound, "no OpenAPI document is configured", nil)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(s.cfg.OpenAPI)
		},
		"/healthz": s.healthz,
	}
	// /metrics (and /debug/pprof/ when enabled) live here unless an admin
	// port is configured.
	var opsMux *http.ServeMux
	if s.cfg.AdminAddr == "" {
		opsMux = http.NewServeMux()
		s.opsRoutes(opsMux)
		ops["/metrics"] = opsMux.ServeHTTP
	}
	var extra *http.ServeMux
	if len(s.cfg.Routes) > 0 {
		extra = http.NewServeMux()
		for pattern, h := range s.cfg.Routes {
			extra.Handle(pattern, h)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// pprof first: its index is a path with a trailing slash.
		if opsMux != nil && s.cfg.Pprof && strings.HasPrefix(r.URL.Path, "/debug/pprof/") {
			opsMux.ServeHTTP(w, r)
			return
		}
		if msg := checkPath(r.URL); msg != "" {
			restError(w, r, gw, http.StatusBadRequest, codes.InvalidArgument, ReasonInvalidRequest, msg, nil)
			return
		}
		if h, ok := ops[r.URL.Path]; ok {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				w.Header().Set("Allow", "GET, HEAD")
				restError(w, r, gw, http.StatusMethodNotAllowed, codes.Unimplemented, ReasonMethodNotAllowed,
					fmt.Sprintf("%s is not allowed on %s; use GET", r.Method, r.URL.Path), nil)
				return
			}
			h(w, r)
			return
		}
		if extra != nil {
			if _, pattern := extra.Handler(r); pattern != "" {
				extra.ServeHTTP(w, r) // sets the request's path values
				return
			}
		}
		if r.ContentLength > limit {
			tooLarge(w, r, gw, limit)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			c := &bodyCap{limit: limit}
			r = r.WithContext(context.WithValue(r.Context(), bodyCapKey{}, c))
			r.Body = &cappedBody{ReadCloser: http.MaxBytesReader(w, r.Body, limit), cap: c}
		}
		switch code, msg := checkVerb(r, verbs); code {
		case http.StatusBadRequest:
			restError(w, r, gw, code, codes.InvalidArgument, ReasonInvalidRequest, msg, nil)
			return
		case http.StatusNotFound:
			restError(w, r, gw, code, codes.NotFound, ReasonRouteNotFound, msg, nil)
			return
		}
		if isStreamingRoute(r) {
			// The server's 60 s read/write timeouts bound ordinary calls; a
			// Watch stream lives until the client leaves or the server shuts
			// down (it ends itself then).
			rc := http.NewResponseController(w)
			if err := errors.Join(rc.SetWriteDeadline(time.Time{}), rc.SetReadDeadline(time.Time{})); err != nil {
				s.logger.Warn("REST stream keeps the server's 60 s timeouts", "err", err)
			}
		}
		gw.ServeHTTP(w, r)
	})
}

// isStreamingRoute reports a server-streaming REST route (newline-delimited
// JSON): the custom method :watch.
func isStreamingRoute(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, ":watch")
}

func (s *Server) maxRequestBytes() int64 { return maxRequestBytes(s.cfg) }

// checkPath returns why the path or query cannot be served, or "".
func checkPath(u *url.URL) string {
	if !utf8.ValidString(u.Path) {
		return fmt.Sprintf("the path %q is not valid UTF-8 once percent-decoded", u.EscapedPath())
	}
	if u.Path != "/" {
		for _, seg := range strings.Split(strings.TrimPrefix(u.Path, "/"), "/") {
			if seg == "" || seg == "." || seg == ".." {
				return fmt.Sprintf("the path %q has an empty, \".\" or \"..\" segment; send the resource path as documented, e.g. /v1/providers/flowroute/portOrders/123", u.EscapedPath())
			}
		}
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return fmt.Sprintf("the query string cannot be decoded: %v", err)
	}
	for k, vs := range q {
		if !utf8.ValidString(k) {
			return fmt.Sprintf("the query parameter name %q is not valid UTF-8 once percent-decoded", url.QueryEscape(k))
		}
		for _, v := range vs {
			if !utf8.ValidString(v) {
				return fmt.Sprintf("the query parameter %s is not valid UTF-8 once percent-decoded (%q)", k, url.QueryEscape(v))
			}
		}
	}
	return ""
}

// customVerbs reads the google.api.http rules of the services' descriptors
// and returns HTTP method → custom verbs ("POST" → {"submit", ...}).
func customVerbs(svcs []Service) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	add := func(method, path string) {
		if path == "" {
			return
		}
		i := strings.LastIndexByte(path, '}')
		if j := strings.LastIndexByte(path, ':'); j > i {
			if out[method] == nil {
				out[method] = map[string]bool{}
			}
			out[method][path[j+1:]] = true
		}
	}
	var rule func(r *annotations.HttpRule)
	rule = func(r *annotations.HttpRule) {
		add(http.MethodGet, r.GetGet())
		add(http.MethodPost, r.GetPost())
		add(http.MethodPut, r.GetPut())
		add(http.MethodPatch, r.GetPatch())
		add(http.MethodDelete, r.GetDelete())
		if c := r.GetCustom(); c != nil {
			add(strings.ToUpper(c.GetKind()), c.GetPath())
		}
		for _, b := range r.GetAdditionalBindings() {
			rule(b)
		}
	}
	for _, svc := range svcs {
		d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(svc.Name))
		if err != nil {
			continue
		}
		sd, ok := d.(protoreflect.ServiceDescriptor)
		if !ok {
			continue
		}
		for i := 0; i < sd.Methods().Len(); i++ {
			if r, ok := proto.GetExtension(sd.Methods().Get(i).Options(), annotations.E_Http).(*annotations.HttpRule); ok && r != nil {
				rule(r)
			}
		}
	}
	return out
}

// checkVerb returns why the path's ':' cannot be routed: a ':' may only
// start a custom method at the end of the path (resource ids never contain
// one), and that method must be one the contract declares for r.Method. The
// first result is the HTTP status (0 = fine).
func checkVerb(r *http.Request, verbs map[string]map[string]bool) (int, string) {
	p := r.URL.Path
	i := strings.IndexByte(p, ':')
	if i < 0 {
		return 0, ""
	}
	if strings.Count(p, ":") > 1 || strings.Contains(p[i:], "/") {
		return http.StatusBadRequest, fmt.Sprintf("the path %q has a ':' that does not start a custom method at its end; resource ids never contain ':'", r.URL.EscapedPath())
	}
	verb := p[i+1:]
	if verbs[r.Method][verb] {
		return 0, ""
	}
	known := make([]string, 0, len(verbs[r.Method]))
	for v := range verbs[r.Method] {
		known = append(known, ":"+v)
	}
	sort.Strings(known)
	have := "none"
	if len(known) > 0 {
		have = strings.Join(known, ", ")
	}
	return http.StatusNotFound, fmt.Sprintf("no custom method %q for %s; %s custom methods: %s; see /openapi.json", ":"+verb, r.Method, r.Method, have)
}

// bodyCap records that a request body hit the limit, so the error handler
// can answer 413 whatever the decoder made of the cut-off body.
type bodyCap struct {
	limit int64
	hit   atomic.Bool
}

type bodyCapKey struct{}

type cappedBody struct {
	io.ReadCloser
	cap *bodyCap
}

func (b *cappedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		b.cap.hit.Store(true)
	}
	return n, err
}

func tooLarge(w http.ResponseWriter, r *http.Request, gw *runtime.ServeMux, limit int64) {
	restError(w, r, gw, http.StatusRequestEntityTooLarge, codes.InvalidArgument, ReasonRequestTooLarge,
		fmt.Sprintf("the request body is larger than the limit of %d bytes; documents may hold at most 10 MiB of content", limit),
		map[string]string{"limit_bytes": strconv.FormatInt(limit, 10)})
}

// restError writes a google.rpc.Status with ErrorInfo in the gateway's
// format (runtime.DefaultHTTPErrorHandler), with the given HTTP status.
func restError(w http.ResponseWriter, r *http.Request, gw *runtime.ServeMux, httpStatus int, code codes.Code, reason, msg string, md map[string]string) {
	st, err := status.New(code, msg).WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: reasons.Domain, Metadata: md})
	if err != nil {
		st = status.New(code, msg)
	}
	_, out := runtime.MarshalerForRequest(gw, r)
	runtime.DefaultHTTPErrorHandler(r.Context(), gw, out, w, r, &runtime.HTTPStatusError{HTTPStatus: httpStatus, Err: st.Err()})
}

// routingErrorHandler replaces grpc-gateway's "Not Found" / "Method Not
// Allowed" with messages that say what was asked.
func routingErrorHandler(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	var err error
	switch httpStatus {
	case http.StatusMethodNotAllowed:
		err = status.Errorf(codes.Unimplemented, "%s is not allowed on %s; see /openapi.json for the methods this path accepts", r.Method, r.URL.Path)
	case http.StatusNotFound:
		err = status.Errorf(codes.NotFound, "no REST route for %s %s; see /openapi.json", r.Method, r.URL.Path)
	case http.StatusBadRequest:
		err = status.Errorf(codes.InvalidArgument, "the path %q cannot be routed: it must start with /v1/", r.URL.Path)
	default:
		err = status.Errorf(codes.Internal, "routing %s %s failed", r.Method, r.URL.Path)
	}
	runtime.HTTPError(ctx, mux, m, w, r, &runtime.HTTPStatusError{HTTPStatus: httpStatus, Err: err})
}

// strictJSON is the gateway's JSON marshaler with a stricter decoder: the
// body is exactly one JSON value (trailing data is refused), lone UTF-16
// surrogate escapes are named, and every message says "request body". Its
// Marshal writes responses with restjson, protojson's output only faster.
type strictJSON struct {
	*runtime.JSONPb
}

// Marshal writes v with restjson when v is a message restjson supports and
// the options are protojson's defaults (as NewGatewayMux sets them); anything
// else, and anything restjson gives up on (values protojson refuses), goes
// to protojson, so errors stay protojson's.
func (j strictJSON) Marshal(v any) ([]byte, error) {
	if m, ok := v.(proto.Message); ok && defaultMarshalOptions(j.MarshalOptions) {
		if b, ok := restjson.Marshal(m); ok {
			return b, nil
		}
	}
	return j.JSONPb.Marshal(v)
}

// defaultMarshalOptions reports whether o writes what restjson writes.
func defaultMarshalOptions(o protojson.MarshalOptions) bool {
	return !o.Multiline && o.Indent == "" && !o.AllowPartial && !o.UseProtoNames &&
		!o.UseEnumNumbers && !o.EmitUnpopulated && !o.EmitDefaultValues && o.Resolver == nil
}

func (j strictJSON) NewDecoder(r io.Reader) runtime.Decoder {
	return runtime.DecoderFunc(func(v any) error {
		data, err := io.ReadAll(r) // bounded by the body cap
		if err != nil {
			return fmt.Errorf("reading the request body: %w", err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				return io.EOF // empty body: the gateway treats it as "no fields"
			}
			return fmt.Errorf("the request body is not valid JSON: %v", err)
		}
		if off := dec.InputOffset(); len(bytes.TrimSpace(data[off:])) > 0 {
			return fmt.Errorf("the request body has data after the JSON value (at byte %d); send exactly one JSON object", off)
		}
		if msg := loneSurrogate(raw); msg != "" {
			return fmt.Errorf("the request body is not valid: %s", msg)
		}
		if err := j.JSONPb.Unmarshal(raw, v); err != nil {
			return fmt.Errorf("the request body does not match the request message: %v", strings.TrimPrefix(err.Error(), "proto: "))
		}
		return nil
	})
}

// loneSurrogate finds a \uD800-\uDFFF escape that is not half of a pair in
// syntactically valid JSON, and says where.
func loneSurrogate(b []byte) string {
	hex4 := func(i int) (rune, bool) {
		if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 32)
		return rune(n), err == nil
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		r, ok := hex4(i)
		if !ok {
			i++ // skip the escaped character (it may be a backslash)
			continue
		}
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			if lo, ok := hex4(i + 6); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				i += 11
				continue
			}
			return fmt.Sprintf("%s at byte %d is a lone UTF-16 surrogate (a high surrogate must be followed by a low one); strings must be valid Unicode", b[i:i+6], i)
		case r >= 0xDC00 && r <= 0xDFFF:
			return fmt.Sprintf("%s at byte %d is a lone UTF-16 surrogate (a low surrogate without a high one); strings must be valid Unicode", b[i:i+6], i)
		}
		i += 5
	}
	return ""
}

// strictQuery is grpc-gateway's query parser, except that a parameter naming
// no field of the request message is refused (grpc-gateway ignores it, so a
// typo such as ?fitler= silently listed everything).
type strictQuery struct {
	runtime.DefaultQueryParser
}

func (p *strictQuery) Parse(msg proto.Message, values url.Values, filter *utilities.DoubleArray) error {
	md := msg.ProtoReflect().Descriptor()
	for key := range values {
		fieldKey := key
		if i := strings.IndexByte(key, '['); i > 0 { // map entries: labels[key]=value
			fieldKey = key[:i]
		}
		if !queryFieldExists(md, strings.Split(fieldKey, ".")) {
			return fmt.Errorf("unknown query parameter %q; this method takes %s", key, queryParams(md, filter))
		}
	}
	return p.DefaultQueryParser.Parse(msg, values, filter)
}

func queryFieldExists(md protoreflect.MessageDescriptor, path []string) bool {
	for i, name := range path {
		fd := md.Fields().ByTextName(name)
		if fd == nil {
			fd = md.Fields().ByJSONName(name)
		}
		if fd == nil {
			return false
		}
		if i == len(path)-1 {
			return true
		}
		if fd.Message() == nil || fd.IsList() || fd.IsMap() {
			return false
		}
		md = fd.Message()
	}
	return false
}

// queryParams lists the top-level fields a query may set (not those bound
// from the path or the body).
func queryParams(md protoreflect.MessageDescriptor, filter *utilities.DoubleArray) string {
	var names []string
	for i := 0; i < md.Fields().Len(); i++ {
		fd := md.Fields().Get(i)
		if filter != nil && filter.HasCommonPrefix([]string{string(fd.Name())}) {
			continue
		}
		names = append(names, fd.JSONName())
	}
	if len(names) == 0 {
		return "no query parameters"
	}
	return strings.Join(names, ", ")
}

var strictQueryOnce sync.Once

// useStrictQuery installs strictQuery. grpc-gateway keeps the query parser in
// a package variable, so it is set once, before the first mux exists.
func useStrictQuery() {
	strictQueryOnce.Do(func() { runtime.SetQueryParameterParser(&strictQuery{})(nil) })
}
