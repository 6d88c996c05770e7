package auth_test

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/auth"
	"github.com/portgate/portgate/service"
)

func line(t *testing.T, id, key, scopes, providers string) string {
	t.Helper()
	h, err := auth.HashKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return id + ":" + h + ":" + scopes + ":" + providers
}

func TestParseKeys(t *testing.T) {
	k1, k2 := auth.NewKey(), auth.NewKey()
	if k1 == k2 || !strings.HasPrefix(k1, auth.KeyPrefix) || len(k1) < 40 {
		t.Fatalf("NewKey: %q %q", k1, k2)
	}
	src := "# comment\n\n" + line(t, "ci", k1, "porting.read, numbers.read", "providers/flowroute") + " ;" + line(t, "ops", k2, "admin", "")
	keys, err := auth.ParseKeys(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].ID != "ci" || !keys[0].Limited() || keys[0].Providers[0] != "flowroute" || keys[1].Limited() {
		t.Fatalf("keys = %+v", keys)
	}
	if got := auth.FormatKey(keys[0]); got != line(t, "ci", k1, "porting.read,numbers.read", "flowroute") {
		t.Errorf("FormatKey = %q", got)
	}
	if !keys[1].HasScope(auth.ScopeNumbersWrite) || keys[0].HasScope(auth.ScopePortingWrite) {
		t.Error("admin implies every scope; others only their own")
	}
	ring, err := auth.NewKeyring(keys)
	if err != nil {
		t.Fatal(err)
	}
	if k, ok := ring.Lookup(k2); !ok || k.ID != "ops" {
		t.Errorf("Lookup(ops key) = %v %v", k, ok)
	}
	if _, ok := ring.Lookup(k2 + "x"); ok {
		t.Error("Lookup accepted a wrong key")
	}

	for _, bad := range []string{
		"ci:abc:porting.read:",                            // hash not hex-64
		"ci:" + strings.Repeat("0", 64) + ":porting.read", // 3 fields
		"ci:" + strings.Repeat("0", 64) + ":root:",        // unknown scope
		"ci:" + strings.Repeat("0", 64) + "::",            // no scope
		"c i:" + strings.Repeat("0", 64) + ":admin:",      // bad id
		"ci:" + strings.Repeat("0", 64) + ":admin:-",      // wildcard provider
		"ci:" + k1 + ":admin:",                            // the key itself instead of its hash
	} {
		_, err := auth.ParseKeys(bad)
		if err == nil {
			t.Errorf("ParseKeys(%q) accepted", bad)
		} else if strings.Contains(err.Error(), k1) {
			t.Errorf("error echoes the key: %v", err)
		}
	}
	if _, err := auth.HashKey("short"); err == nil {
		t.Error("HashKey accepted a short key")
	}
	if _, err := auth.NewKeyring(append(keys, keys[0])); err == nil {
		t.Error("duplicate id accepted")
	}
}

// The interceptor's own edge cases, called directly.
func TestPresentedKey(t *testing.T) {
	key := auth.NewKey()
	keys, err := auth.ParseKeys(line(t, "ci", key, "porting.read", "telnyx"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.New(nil); err == nil {
		t.Error("New without keys succeeded")
	}
	call := func(req any, method string, md ...string) (string, error) {
		ctx := metadata.NewIncomingContext(context.Background(), metadata.Pairs(md...))
		var caller string
		_, err := a.Unary(ctx, req, &grpc.UnaryServerInfo{FullMethod: method}, func(ctx context.Context, _ any) (any, error) {
			caller = auth.CallerID(ctx)
			return nil, nil
		})
		return caller, err
	}
	get := &pb.GetPortOrderRequest{Name: "providers/telnyx/portOrders/x"}
	const getM = "/portgate.v1.Porting/GetPortOrder"
	for _, tc := range []struct {
		name   string
		req    any
		method string
		md     []string
		code   codes.Code
		reason string
	}{
		{"bearer", get, getM, []string{"authorization", "Bearer " + key}, codes.OK, ""},
		{"bearer lower case", get, getM, []string{"authorization", "bearer " + key}, codes.OK, ""},
		{"x-api-key", get, getM, []string{"x-api-key", key}, codes.OK, ""},
		{"same key twice", get, getM, []string{"x-api-key", key, "authorization", "Bearer " + key}, codes.OK, ""},
		{"basic scheme", get, getM, []string{"authorization", "Basic " + key}, codes.Unauthenticated, auth.ReasonKeyInvalid},
		{"two different keys", get, getM, []string{"x-api-key", key, "x-api-key", auth.NewKey()}, codes.Unauthenticated, auth.ReasonKeyInvalid},
		{"empty header", get, getM, []string{"x-api-key", " "}, codes.Unauthenticated, auth.ReasonKeyMissing},
		{"unknown method fails closed", get, "/portgate.v1.Porting/Nope", []string{"x-api-key", key}, codes.PermissionDenied, auth.ReasonMethodNotAllowed},
		{"health is public", nil, "/grpc.health.v1.Health/Check", nil, codes.OK, ""},
		{"malformed name reaches the service", &pb.GetPortOrderRequest{Name: "orders/1"}, getM, []string{"x-api-key", key}, codes.OK, ""},
		{"other provider in portability", &pb.CheckPortabilityRequest{Parent: "providers/flowroute"}, "/portgate.v1.Porting/CheckPortability", []string{"x-api-key", key}, codes.PermissionDenied, auth.ReasonProviderNotAllowed},
		{"own provider in portability", &pb.CheckPortabilityRequest{Parent: "providers/telnyx"}, "/portgate.v1.Porting/CheckPortability", []string{"x-api-key", key}, codes.OK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			caller, err := call(tc.req, tc.method, tc.md...)
			if tc.code == codes.OK {
				if err != nil {
					t.Fatal(err)
				}
				if tc.req != nil && caller != "ci" {
					t.Errorf("caller %q, want ci", caller)
				}
				return
			}
			st := status.Convert(err)
			var ei *errdetails.ErrorInfo
			for _, d := range st.Details() {
				if e, ok := d.(*errdetails.ErrorInfo); ok {
					ei = e
				}
			}
			if st.Code() != tc.code || ei.GetReason() != tc.reason || ei.GetDomain() != service.DomainGateway {
				t.Errorf("got %v %v, want %v %s", st.Code(), ei, tc.code, tc.reason)
			}
			if strings.Contains(st.Message(), key) {
				t.Errorf("message echoes the key: %s", st.Message())
			}
		})
	}
}

func TestHashKeyCommand(t *testing.T) {
	var out, errb strings.Builder
	if code := auth.HashKeyCommand([]string{"--id", "ci", "--scopes", "porting.read", "--providers", "telnyx"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var key, keyLine string
	for _, l := range strings.Split(out.String(), "\n") {
		switch {
		case strings.HasPrefix(l, auth.KeyPrefix):
			key = l
		case strings.HasPrefix(l, "ci:"):
			keyLine = l
		}
	}
	keys, err := auth.ParseKeys(keyLine)
	if err != nil || key == "" {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	ring, _ := auth.NewKeyring(keys)
	if k, ok := ring.Lookup(key); !ok || k.ID != "ci" || !k.AllowsProvider("telnyx") || k.AllowsProvider("flowroute") {
		t.Errorf("the printed key does not match its line: %q", out.String())
	}

	out.Reset()
	mine := "my-own-very-long-key-0123456789abcdef"
	if code := auth.HashKeyCommand([]string{"--id", "x", "--scopes", "admin", "--stdin"}, strings.NewReader(mine+"\n"), &out, &errb); code != 0 {
		t.Fatalf("stdin: exit %d", code)
	}
	if h, _ := auth.HashKey(mine); !strings.Contains(out.String(), "x:"+h+":admin:") || strings.Contains(out.String(), mine) {
		t.Errorf("stdin output %q", out.String())
	}
	for _, args := range [][]string{{"--scopes", "admin"}, {"--id", "x", "--scopes", "root"}, {"--id", "x", "--scopes", "admin", "--stdin"}} {
		if code := auth.HashKeyCommand(args, strings.NewReader("short\n"), &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
