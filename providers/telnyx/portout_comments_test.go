package telnyx_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/telnyx"
)

// docPortOutComment is the PortoutComment shape of the Telnyx reference
// (id, record_type, body, portout_id, user_id — null when a Telnyx admin
// wrote it — and created_at).
func docPortOutComment(id, body, userID string) string {
	return `{"id":"` + id + `","record_type":"portout","body":"` + body + `","portout_id":"` + stubPortOutID +
		`","user_id":` + userID + `,"created_at":"2018-02-02T22:25:27.521Z"}`
}

// TestPortOutCommentsWire: the adapter against a stub answering as the
// reference shows (GET/POST /portouts/{id}/comments).
func TestPortOutCommentsWire(t *testing.T) {
	var posted string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "GET" && r.URL.Path == "/v2/portouts/"+stubPortOutID+"/comments":
			io.WriteString(w, `{"data":[`+docPortOutComment("c1", "Please confirm the PIN", "null")+`,`+
				docPortOutComment("c2", "Confirmed", `"7865816a-ee85-4e50-b19e-52983dcc6d4a"`)+`],"meta":{"total_results":2}}`)
		case r.Method == "POST" && r.URL.Path == "/v2/portouts/"+stubPortOutID+"/comments":
			b, _ := io.ReadAll(r.Body)
			posted = string(b)
			w.WriteHeader(201)
			io.WriteString(w, `{"data":`+docPortOutComment("c3", "hello", `"7865816a-ee85-4e50-b19e-52983dcc6d4a"`)+`}`)
		default:
			w.WriteHeader(404)
			io.WriteString(w, `{"errors":[{"code":"10005","title":"Resource not found","detail":"x"}]}`)
		}
	}))
	t.Cleanup(srv.Close)
	p, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cs, err := p.ListPortOutComments(ctx, stubPortOutID)
	if err != nil || len(cs) != 2 || cs[0].ID != "c1" || cs[0].Body != "Please confirm the PIN" || cs[0].Author != "" ||
		cs[1].Author != "7865816a-ee85-4e50-b19e-52983dcc6d4a" || cs[0].CreateTime.IsZero() {
		t.Fatalf("list: %+v %v", cs, err)
	}
	c, err := p.CreatePortOutComment(ctx, stubPortOutID, "hello")
	if err != nil || c.ID != "c3" || posted != `{"body":"hello"}` {
		t.Fatalf("create: %+v %v (sent %s)", c, err, posted)
	}
	// Unknown port-out: NotFound. A malformed id never reaches the wire.
	if _, err := p.ListPortOutComments(ctx, "0b8e1c4e-9f0a-4d52-8c1e-3a2b1c0d9e8f"); providers.ErrorCode(err) != providers.CodeNotFound {
		t.Fatalf("unknown: %v", err)
	}
	if _, err := p.CreatePortOutComment(ctx, "not-a-uuid", "x"); providers.ErrorCode(err) != providers.CodeNotFound && providers.ErrorCode(err) != providers.CodeInvalidArgument {
		t.Fatalf("bad id: %v", err)
	}
}

// TestPortOutDocumentWire: the adapter against a stub answering as the
// reference shows: GET /portouts/{id}, POST /documents, then POST
// /portouts/{id}/supporting_documents {documents:[{type, document_id}]}
// answered 201 with the PortOutSupportingDocument records.
func TestPortOutDocumentWire(t *testing.T) {
	var paths []string
	var attached string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "GET" && r.URL.Path == "/v2/portouts/"+stubPortOutID:
			io.WriteString(w, `{"data":`+docPortOut(stubPortOutID, "pending")+`}`)
		case r.Method == "POST" && r.URL.Path == "/v2/documents":
			w.WriteHeader(201)
			io.WriteString(w, `{"data":{"id":"6a09cdc3-8948-47f0-aa62-74ac943d6c58","record_type":"document","filename":"loa.pdf","status":"pending","created_at":"2018-02-02T22:25:27.521Z"}}`)
		case r.Method == "POST" && r.URL.Path == "/v2/portouts/"+stubPortOutID+"/supporting_documents":
			b, _ := io.ReadAll(r.Body)
			attached = string(b)
			w.WriteHeader(201)
			io.WriteString(w, `{"data":[{"id":"5c6f2a1e-0b3d-4f7a-9e8c-1d2b3a4c5e6f","record_type":"supporting_document","type":"loa","portout_id":"`+
				stubPortOutID+`","document_id":"6a09cdc3-8948-47f0-aa62-74ac943d6c58","created_at":"2018-02-02T22:25:27.521Z","updated_at":"2018-02-02T22:25:27.521Z"}]}`)
		default:
			w.WriteHeader(404)
			io.WriteString(w, `{"errors":[{"code":"10005","title":"Resource not found","detail":"x"}]}`)
		}
	}))
	t.Cleanup(srv.Close)
	p, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d, err := p.AttachPortOutDocument(ctx, stubPortOutID, providers.DocumentUpload{Type: providers.DocumentLOA, Filename: "loa.pdf", Content: []byte("%PDF-1.4")})
	if err != nil || d.ID != "5c6f2a1e-0b3d-4f7a-9e8c-1d2b3a4c5e6f" || d.CreateTime.IsZero() ||
		attached != `{"documents":[{"document_id":"6a09cdc3-8948-47f0-aa62-74ac943d6c58","type":"loa"}]}` {
		t.Fatalf("attach: %+v %v (sent %s)", d, err, attached)
	}
	// An unknown port-out is NOT_FOUND before anything is uploaded; a CSR is
	// not a port-out document.
	paths = nil
	if _, err := p.AttachPortOutDocument(ctx, "0b8e1c4e-9f0a-4d52-8c1e-3a2b1c0d9e8f",
		providers.DocumentUpload{Type: providers.DocumentInvoice, Filename: "b.pdf", Content: []byte("x")}); providers.ErrorCode(err) != providers.CodeNotFound || len(paths) != 1 {
		t.Fatalf("unknown: %v %v", err, paths)
	}
	if _, err := p.AttachPortOutDocument(ctx, stubPortOutID, providers.DocumentUpload{Type: providers.DocumentCSR, Filename: "c.pdf", Content: []byte("x")}); providers.ErrorCode(err) != providers.CodeInvalidArgument {
		t.Fatalf("csr: %v", err)
	}
}

// TestPortOutRejectionCodesWire: GET /portouts/rejections/{id} as the
// reference shows it (the one documented code).
func TestPortOutRejectionCodesWire(t *testing.T) {
	p, _ := portOutStub(t, "pending")
	rcs, err := p.ListPortOutRejectionCodes(context.Background(), stubPortOutID)
	if err != nil || len(rcs) != 1 || rcs[0].Code != 1002 || rcs[0].Description != "Invalid PIN" || rcs[0].ReasonRequired {
		t.Fatalf("%+v %v", rcs, err)
	}
}
