package providers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
	"github.com/portgate/portgate/providers/telnyx"
)

// TestAdaptersRefuseMalformedIDs: each adapter checks its port order id shape
// before building a URL, so ".." and friends never reach the provider.
func TestAdaptersRefuseMalformedIDs(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, `{"errors":[]}`, http.StatusNotFound)
	}))
	defer srv.Close()
	tx, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	fr, err := flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: "a", SecretKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, p := range []adapter{tx, fr} {
		for _, id := range []string{"..", ".", "", "a/b", "%2e%2e", "?x=1", "abc", "1 2"} {
			calls := map[string]error{}
			_, calls["get"] = p.GetPortOrder(ctx, id)
			_, calls["update"] = p.UpdatePortOrder(ctx, providers.PortOrderUpdate{ID: id, Mask: []string{providers.FieldCustomerReference}})
			if m, ok := p.(providers.PortOrderNumberModifier); ok {
				_, calls["modify"] = m.ModifyPortOrderNumbers(ctx, id, []string{"+13125550100"}, nil)
			}
			_, calls["submit"] = p.SubmitPortOrder(ctx, id, providers.Signature{Name: "a", Title: "b"})
			_, calls["cancel"] = p.CancelPortOrder(ctx, id)
			_, calls["comments"] = p.ListComments(ctx, id)
			_, calls["documents"] = p.ListDocuments(ctx, id)
			_, calls["upload"] = p.UploadDocument(ctx, id, providers.DocumentUpload{Type: providers.DocumentType(1), Filename: "a.pdf", ContentType: "application/pdf", Content: []byte("%PDF")})
			if p.Capabilities().Supports(providers.OpCreateComment) {
				_, calls["comment"] = p.CreateComment(ctx, id, "hi")
			}
			for name, err := range calls {
				if providers.ErrorCode(err) != providers.CodeInvalidArgument {
					t.Errorf("%s %s(%q): %v, want InvalidArgument", p.Name(), name, id, err)
				}
			}
		}
	}
	for _, p := range []adapter{tx, fr} {
		for _, n := range []string{"..", "+1/../x", "13125550100", "+0123", "+1312555010012345", "+1 312"} {
			_, gerr := p.GetNumber(ctx, n)
			_, uerr := p.UpdateNumber(ctx, providers.NumberUpdate{Number: providers.Number{PhoneNumber: n, Alias: "a"}, Mask: []string{providers.FieldNumberAlias}})
			for name, err := range map[string]error{"GetNumber": gerr, "UpdateNumber": uerr} {
				if providers.ErrorCode(err) != providers.CodeInvalidArgument {
					t.Errorf("%s %s(%q): %v, want InvalidArgument", p.Name(), name, n, err)
				}
			}
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d requests reached the provider with malformed ids", n)
	}
}

// adapter is what both adapters implement beyond the core interface.
type adapter interface {
	providers.Provider
	providers.Commenter
	providers.DocumentStore
	providers.NumberUpdater
}

// TestAdaptersRefuseForeignCursors: a list cursor is the adapter's own; one
// it did not issue is InvalidArgument before any provider call.
func TestAdaptersRefuseForeignCursors(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	tx, _ := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k"})
	fr, _ := flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: "a", SecretKey: "s"})
	for _, p := range []providers.Provider{tx, fr} {
		for _, c := range []string{"x", "-1", "1.2", "0.2.1", "1.2.5", "01", "1.2.1 ", "99999999999"} {
			_, oerr := p.ListPortOrders(context.Background(), providers.PortOrderFilter{}, providers.ListQuery{Cursor: c, Limit: 2})
			_, nerr := p.ListNumbers(context.Background(), providers.NumberFilter{}, providers.ListQuery{Cursor: c, Limit: 2})
			for _, err := range []error{oerr, nerr} {
				if providers.ErrorCode(err) != providers.CodeInvalidArgument {
					// "1.2.1"-style cursors are Telnyx's, decimal offsets Flowroute's.
					t.Errorf("%s cursor %q: %v, want InvalidArgument", p.Name(), c, err)
				}
			}
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("%d provider calls for foreign cursors", hits.Load())
	}
}
