package service_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/config"
)

// forge re-encodes a real page token with other offsets, as a hostile caller
// who decoded the base64 JSON would.
func forge(t *testing.T, tok string, offset int) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	var m map[string]any
	if err != nil || json.Unmarshal(raw, &m) != nil {
		// Not JSON any more (signed): forge a plausible unsigned one instead.
		m = map[string]any{"v": 1, "o": map[string]any{}}
	}
	offs, _ := m["o"].(map[string]any)
	if offs == nil {
		offs = map[string]any{}
	}
	for _, p := range []string{"flowroute", "telnyx", "_"} {
		offs[p] = offset
	}
	m["o"] = offs
	b, _ := json.Marshal(m)
	return base64.RawURLEncoding.EncodeToString(b)
}

func assertHealthy(t *testing.T, e *env) {
	t.Helper()
	ps, err := e.provs.ListProviders(context.Background(), &pb.ListProvidersRequest{})
	if err != nil {
		t.Fatalf("server no longer answers: %v", err)
	}
	for _, p := range ps.GetProviders() {
		if p.GetHealth() != pb.Provider_SERVING {
			t.Fatalf("%s health %v after the attack, want SERVING (breaker closed)", p.GetName(), p.GetHealth())
		}
	}
	code, body := rest(t, "GET", e.base+"/healthz", nil)
	if code != 200 || body["status"] != "SERVING" {
		t.Fatalf("healthz: %d %v", code, body)
	}
}

// TestForgedPageTokenRejected: a page token with a forged offset is
// INVALID_ARGUMENT/INVALID_PAGE_TOKEN before any provider call; the sandbox
// does not panic and the breakers stay closed.
func TestForgedPageTokenRejected(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	for _, prov := range []string{"flowroute", "telnyx"} {
		for range 3 {
			if _, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/" + prov, PortOrder: validOrder(freshNumber(""))}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, parent := range []string{"providers/telnyx", "providers/flowroute", "providers/-"} {
		first, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: parent, PageSize: 1})
		if err != nil || first.GetNextPageToken() == "" {
			t.Fatalf("%s first page: %v %v", parent, first, err)
		}
		for _, off := range []int{1 << 62, 9223372036854775807, 5} {
			bad := forge(t, first.GetNextPageToken(), off)
			for range 3 {
				_, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: parent, PageSize: 1, PageToken: bad})
				st, ei := errorInfo(t, err)
				if st.Code() != codes.InvalidArgument || ei.GetReason() != "INVALID_PAGE_TOKEN" {
					t.Fatalf("%s forged offset %d: %v (%v), want INVALID_ARGUMENT INVALID_PAGE_TOKEN", parent, off, st, ei)
				}
			}
		}
		// REST, the same.
		q := url.Values{"pageSize": {"1"}, "pageToken": {forge(t, first.GetNextPageToken(), 1<<62)}}
		code, body := rest(t, "GET", e.base+"/v1/"+parent+"/portOrders?"+q.Encode(), nil)
		if code != 400 || detail(body, "type.googleapis.com/google.rpc.ErrorInfo")["reason"] != "INVALID_PAGE_TOKEN" {
			t.Fatalf("REST %s forged token: %d %v", parent, code, body)
		}
		// A genuine token still pages.
		if _, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: parent, PageSize: 1, PageToken: first.GetNextPageToken()}); err != nil {
			t.Fatalf("%s genuine token: %v", parent, err)
		}
		// Bound to the filter: the same token with another filter is refused.
		_, err = e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: parent, PageSize: 1, PageToken: first.GetNextPageToken(), Filter: `state = DRAFT`})
		if st, ei := errorInfo(t, err); st.Code() != codes.InvalidArgument || ei.GetReason() != "INVALID_PAGE_TOKEN" {
			t.Fatalf("%s token reused with another filter: %v", parent, st)
		}
	}
	// Numbers lists and children lists too.
	nl, err := e.numbers.ListNumbers(ctx, &pb.ListNumbersRequest{Parent: "providers/telnyx", PageSize: 1})
	if err != nil || nl.GetNextPageToken() == "" {
		t.Fatalf("numbers first page: %v %v", nl, err)
	}
	_, err = e.numbers.ListNumbers(ctx, &pb.ListNumbersRequest{Parent: "providers/telnyx", PageSize: 1, PageToken: forge(t, nl.GetNextPageToken(), 1<<62)})
	if st, ei := errorInfo(t, err); st.Code() != codes.InvalidArgument || ei.GetReason() != "INVALID_PAGE_TOKEN" {
		t.Fatalf("numbers forged token: %v", st)
	}
	assertHealthy(t, e)
}

// TestPageTokenTamperedBytes: flipping any character of a genuine token is refused.
func TestPageTokenTamperedBytes(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	for range 3 {
		if _, err := e.porting.CreatePortOrder(ctx, &pb.CreatePortOrderRequest{Parent: "providers/flowroute", PortOrder: validOrder(freshNumber(""))}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/flowroute", PageSize: 1})
	if err != nil || first.GetNextPageToken() == "" {
		t.Fatalf("first page: %v %v", first, err)
	}
	tok := first.GetNextPageToken()
	for i := 0; i < len(tok); i += 3 {
		c := byte('A')
		if tok[i] == 'A' {
			c = 'B'
		}
		bad := tok[:i] + string(c) + tok[i+1:]
		_, err := e.porting.ListPortOrders(ctx, &pb.ListPortOrdersRequest{Parent: "providers/flowroute", PageSize: 1, PageToken: bad})
		if err == nil {
			t.Fatalf("token with byte %d changed accepted", i)
		}
		if st, ei := errorInfo(t, err); st.Code() != codes.InvalidArgument || ei.GetReason() != "INVALID_PAGE_TOKEN" || strings.Contains(st.Message(), "panic") {
			t.Fatalf("byte %d changed: %v", i, st)
		}
	}
	assertHealthy(t, e)
}

// TestMalformedOrderIDs: ids that cannot be the provider's (Flowroute:
// digits; Telnyx: a UUID) are INVALID_ARGUMENT / INVALID_RESOURCE_ID before
// any provider call, on every RPC that addresses an order, over gRPC and REST.
func TestMalformedOrderIDs(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	bad := map[string][]string{
		"telnyx":    {"..", ".", "abc", "123", "2b0b2f7e-6b53-4b5e-9e57-8f0f0b5b2a1", "2b0b2f7e-6b53-4b5e-9e57-8f0f0b5b2a11x", "%2e%2e", "a?b", "a#b", " "},
		"flowroute": {"..", ".", "abc", "-1", "1.5", "2b0b2f7e-6b53-4b5e-9e57-8f0f0b5b2a11", "%2e%2e", "12 3", "99999999999999999999"},
	}
	for prov, ids := range bad {
		for _, id := range ids {
			name := "providers/" + prov + "/portOrders/" + id
			calls := map[string]func() error{
				"Get": func() error {
					_, err := e.porting.GetPortOrder(ctx, &pb.GetPortOrderRequest{Name: name})
					return err
				},
				"Cancel": func() error {
					_, err := e.porting.CancelPortOrder(ctx, &pb.CancelPortOrderRequest{Name: name})
					return err
				},
				"ListComments": func() error {
					_, err := e.porting.ListPortOrderComments(ctx, &pb.ListPortOrderCommentsRequest{Parent: name})
					return err
				},
				"ListDocuments": func() error {
					_, err := e.porting.ListPortOrderDocuments(ctx, &pb.ListPortOrderDocumentsRequest{Parent: name})
					return err
				},
				"Submit": func() error {
					_, err := e.porting.SubmitPortOrder(ctx, &pb.SubmitPortOrderRequest{Name: name, SignerName: "a", SignerTitle: "b"})
					return err
				},
			}
			for rpc, call := range calls {
				st, ei := errorInfo(t, call())
				if st.Code() != codes.InvalidArgument || ei.GetReason() != "INVALID_RESOURCE_ID" {
					t.Errorf("%s %q: %v %v, want INVALID_ARGUMENT INVALID_RESOURCE_ID", rpc, name, st.Code(), ei)
				}
			}
		}
	}
	// REST: the path segment arrives escaped; ".." must not be resolved
	// anywhere: the REST front refuses a dot segment itself (INVALID_REQUEST),
	// a malformed id reaches the service (INVALID_RESOURCE_ID).
	for p, reason := range map[string]string{
		"/v1/providers/telnyx/portOrders/%2E%2E": "INVALID_REQUEST",
		"/v1/providers/telnyx/portOrders/abc":    "INVALID_RESOURCE_ID",
		"/v1/providers/flowroute/portOrders/abc": "INVALID_RESOURCE_ID",
	} {
		code, body := rest(t, "GET", e.base+p, nil)
		if code != 400 || detail(body, "type.googleapis.com/google.rpc.ErrorInfo")["reason"] != reason {
			t.Errorf("REST GET %s: %d %v, want 400 %s", p, code, body, reason)
		}
	}
	assertHealthy(t, e)
}

// TestPageTokenKeyAcrossRestarts: with PORTGATE_PAGE_TOKEN_KEY set, a token
// from one process works on another (a restart, a replica); without it each
// process signs with its own random key, says so at start-up, and refuses
// the other's tokens.
func TestPageTokenKeyAcrossRestarts(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef-shared"
	ctx := context.Background()
	logsA := &syncBuffer{}
	a := startLogged(t, config.Config{PageTokenKey: key}, logsA)
	b := startLogged(t, config.Config{PageTokenKey: key}, &syncBuffer{})
	logsC := &syncBuffer{}
	c := startLogged(t, config.Config{}, logsC)
	first, err := a.numbers.ListNumbers(ctx, &pb.ListNumbersRequest{Parent: "providers/flowroute", PageSize: 1})
	if err != nil || first.GetNextPageToken() == "" {
		t.Fatalf("first page: %v %v", first, err)
	}
	if _, err := b.numbers.ListNumbers(ctx, &pb.ListNumbersRequest{Parent: "providers/flowroute", PageSize: 1, PageToken: first.GetNextPageToken()}); err != nil {
		t.Fatalf("same key, other process: %v", err)
	}
	_, err = c.numbers.ListNumbers(ctx, &pb.ListNumbersRequest{Parent: "providers/flowroute", PageSize: 1, PageToken: first.GetNextPageToken()})
	if st, ei := errorInfo(t, err); st.Code() != codes.InvalidArgument || ei.GetReason() != "INVALID_PAGE_TOKEN" {
		t.Fatalf("other key: %v", st)
	}
	if !strings.Contains(logsC.String(), "PORTGATE_PAGE_TOKEN_KEY is unset") {
		t.Errorf("no start-up warning without a key:\n%s", logsC.String())
	}
	if strings.Contains(logsA.String(), "PORTGATE_PAGE_TOKEN_KEY is unset") || strings.Contains(logsA.String(), key) {
		t.Errorf("key set: warning or key in the log:\n%s", logsA.String())
	}
}
