package auth

import (
	"context"
	"errors"
	"fmt"
	"github.com/portgate/portgate/internal/reasons"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// Domain is the ErrorInfo domain of authentication errors: portgate's one
// domain (reasons.Domain).
const Domain = reasons.Domain

// ErrorInfo reasons (docs/errors.md).
const (
	ReasonKeyMissing         = "API_KEY_MISSING"         // UNAUTHENTICATED: no key presented
	ReasonKeyInvalid         = "API_KEY_INVALID"         // UNAUTHENTICATED: unknown key, malformed header, two keys
	ReasonScopeMissing       = "SCOPE_MISSING"           // PERMISSION_DENIED: the key lacks the RPC's scope
	ReasonProviderNotAllowed = "PROVIDER_NOT_ALLOWED"    // PERMISSION_DENIED: the key is limited to other providers
	ReasonMethodNotAllowed   = "METHOD_NOT_AUTHORIZED"   // PERMISSION_DENIED: the RPC has no rule (fails closed)
	ReasonBadResourceField   = "AUTH_RULE_MISCONFIGURED" // INTERNAL: a rule names a field the request lacks (a bug)
)

// Metadata keys a caller's key travels in. REST callers send the same HTTP
// headers; the gateway forwards both.
const (
	HeaderAuthorization = "authorization" // "Bearer <key>"
	HeaderAPIKey        = "x-api-key"     // "<key>"
)

// Authenticator is the interceptor: it authenticates the caller's key and
// authorizes the RPC by Rules.
type Authenticator struct {
	ring  *Keyring
	rules map[string]Rule
}

// New builds an Authenticator for keys (at least one).
func New(keys []Key) (*Authenticator, error) {
	if len(keys) == 0 {
		return nil, errors.New("auth: no API keys configured")
	}
	ring, err := NewKeyring(keys)
	if err != nil {
		return nil, err
	}
	return &Authenticator{ring: ring, rules: Rules}, nil
}

type callerKey struct{}

// WithCaller returns ctx carrying the authenticated key (tests of code below
// the interceptor use it too).
func WithCaller(ctx context.Context, k *Key) context.Context {
	return context.WithValue(ctx, callerKey{}, k)
}

// CallerFromContext returns the key the interceptor authenticated, or nil
// (authentication off, or a public RPC).
func CallerFromContext(ctx context.Context) *Key {
	k, _ := ctx.Value(callerKey{}).(*Key)
	return k
}

// CallerID is the authenticated key's id, or "" without one. Idempotency
// records are keyed by it, so two callers never share an outcome.
func CallerID(ctx context.Context) string {
	if k := CallerFromContext(ctx); k != nil {
		return k.ID
	}
	return ""
}

// Unary is the unary server interceptor.
func (a *Authenticator) Unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	rule, key, err := a.authenticate(ctx, info.FullMethod)
	if err != nil {
		return nil, err
	}
	if key == nil { // public
		return handler(ctx, req)
	}
	m, _ := req.(proto.Message)
	if err := authorizeResource(rule, key, info.FullMethod, m); err != nil {
		return nil, err
	}
	return handler(WithCaller(ctx, key), req)
}

// Stream is the stream server interceptor. Scope is checked before the
// handler runs; the provider when the handler reads the request.
func (a *Authenticator) Stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	rule, key, err := a.authenticate(ss.Context(), info.FullMethod)
	if err != nil {
		return err
	}
	if key == nil {
		return handler(srv, ss)
	}
	return handler(srv, &authStream{ServerStream: ss, ctx: WithCaller(ss.Context(), key), rule: rule, key: key, method: info.FullMethod})
}

type authStream struct {
	grpc.ServerStream
	ctx    context.Context
	rule   Rule
	key    *Key
	method string
}

func (s *authStream) Context() context.Context { return s.ctx }

func (s *authStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	// Every request message is checked; a stream that names another
	// provider in a later message is refused as well.
	msg, _ := m.(proto.Message)
	return authorizeResource(s.rule, s.key, s.method, msg)
}

// authenticate finds the rule and, unless public, the caller's key and scope.
// A nil key with a nil error means a public RPC.
func (a *Authenticator) authenticate(ctx context.Context, method string) (Rule, *Key, error) {
	rule, ok := a.rules[method]
	if !ok {
		return Rule{}, nil, authError(codes.PermissionDenied, ReasonMethodNotAllowed,
			fmt.Sprintf("%s: no authorization rule; refused", method), nil)
	}
	if rule.Public {
		return rule, nil, nil
	}
	presented, err := presentedKey(ctx)
	if err != nil {
		return Rule{}, nil, err
	}
	key, ok := a.ring.Lookup(presented)
	if !ok {
		return Rule{}, nil, authError(codes.Unauthenticated, ReasonKeyInvalid, "the API key is not valid", nil)
	}
	if rule.Scope != "" && !key.HasScope(rule.Scope) {
		return Rule{}, nil, authError(codes.PermissionDenied, ReasonScopeMissing,
			fmt.Sprintf("API key %q lacks scope %s, which %s requires", key.ID, rule.Scope, method),
			map[string]string{"key_id": key.ID, "required_scope": string(rule.Scope)})
	}
	return rule, key, nil
}

// authorizeResource checks a provider-limited key against the provider(s)
// the request addresses. A limited key may not use providers/- (or an empty
// CheckPortability provider list): it must name one of its providers.
func authorizeResource(rule Rule, key *Key, method string, req proto.Message) error {
	if !key.Limited() || rule.Resource == "" {
		return nil
	}
	provs, err := providersOf(rule, req)
	if err != nil {
		return authError(codes.Internal, ReasonBadResourceField, fmt.Sprintf("%s: %v", method, err), nil)
	}
	for _, p := range provs {
		switch {
		case p == allProviders:
			return authError(codes.PermissionDenied, ReasonProviderNotAllowed,
				fmt.Sprintf("API key %q is limited to %s; name one of them instead of every provider (providers/-)", key.ID, providerNames(key.Providers)),
				map[string]string{"key_id": key.ID, "provider": "providers/" + allProviders})
		case p == "":
			// No provider named (empty or malformed): the service refuses the
			// request before any provider call.
		case !key.AllowsProvider(p):
			return authError(codes.PermissionDenied, ReasonProviderNotAllowed,
				fmt.Sprintf("API key %q may not address providers/%s (allowed: %s)", key.ID, p, providerNames(key.Providers)),
				map[string]string{"key_id": key.ID, "provider": "providers/" + p})
		}
	}
	return nil
}

func providerNames(ps []string) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = "providers/" + p
	}
	return strings.Join(out, ", ")
}

// presentedKey reads the caller's key from "authorization: Bearer <key>" or
// "x-api-key: <key>". Two different keys are refused rather than guessed.
func presentedKey(ctx context.Context) (string, error) {
	// ValueFromIncomingContext copies one key's values, not the whole
	// metadata as FromIncomingContext does.
	var keys []string
	for _, v := range metadata.ValueFromIncomingContext(ctx, HeaderAuthorization) {
		scheme, tok, ok := strings.Cut(strings.TrimSpace(v), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
			return "", authError(codes.Unauthenticated, ReasonKeyInvalid, "the Authorization header must be \"Bearer <API key>\"", nil)
		}
		keys = append(keys, strings.TrimSpace(tok))
	}
	for _, v := range metadata.ValueFromIncomingContext(ctx, HeaderAPIKey) {
		if v = strings.TrimSpace(v); v != "" {
			keys = append(keys, v)
		}
	}
	if len(keys) == 0 {
		return "", authError(codes.Unauthenticated, ReasonKeyMissing,
			"no API key: send \"Authorization: Bearer <key>\" or \"x-api-key: <key>\"", nil)
	}
	for _, k := range keys[1:] {
		if k != keys[0] {
			return "", authError(codes.Unauthenticated, ReasonKeyInvalid, "more than one API key presented", nil)
		}
	}
	return keys[0], nil
}

func authError(code codes.Code, reason, msg string, md map[string]string) error {
	st := status.New(code, msg)
	if withInfo, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: Domain, Metadata: md}); err == nil {
		st = withInfo
	}
	return st.Err()
}
