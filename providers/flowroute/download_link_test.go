package flowroute_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
)

// TestDocumentDownloadLinkSandbox: the portorder-file-url link serves the
// uploaded bytes with a plain GET (no Basic auth).
func TestDocumentDownloadLinkSandbox(t *testing.T) {
	e := newEnv(t)
	res, err := e.p.CreatePortOrder(e.ctx, providers.CreatePortOrderRequest{Order: validOrder("+12065550177")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.UploadDocument(e.ctx, res.Order.ID, providers.DocumentUpload{Type: providers.DocumentLOA, Filename: "loa.pdf", Content: []byte("%PDF loa")}); err != nil {
		t.Fatal(err)
	}
	ds, err := e.p.ListDocuments(e.ctx, res.Order.ID)
	if err != nil || len(ds) == 0 {
		t.Fatalf("%+v %v", ds, err)
	}
	var linker providers.DocumentLinker = e.p
	l, ok, err := linker.DocumentDownloadLink(e.ctx, res.Order.ID, ds[len(ds)-1].ID)
	if err != nil || !ok {
		t.Fatalf("DocumentDownloadLink: %+v %v %v", l, ok, err)
	}
	if l.ExpireTime.IsZero() {
		t.Errorf("no expire time from the file link's expires")
	}
	link := l.URL
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "%PDF loa" {
		t.Fatalf("plain GET of %s: %d %q", link, resp.StatusCode, body)
	}
}

// TestDocumentDownloadLinkStub: a server answering GET
// /v2/portorders/{id}/files/{file_id} exactly as documented.
func TestDocumentDownloadLinkStub(t *testing.T) {
	const signed = "https://s3.amazonaws.com/bucket/loa.pdf?X-Amz-Signature=abc"
	expires := "2026-12-02T01:00:00Z"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, _, ok := r.BasicAuth(); !ok || u != "k" || r.Method != http.MethodGet || r.URL.Path != "/v2/portorders/42/files/7" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"errors":[{"detail":"Not found","status":404}]}`)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.api+json")
		_, _ = io.WriteString(w, `{"data":{"id":7,"type":"portorder-file-url","attributes":{"url":"`+signed+`","expires":"`+expires+`"},"links":{"self":"https://api.flowroute.com/v2/portorders/42/files/7"}}}`)
	}))
	t.Cleanup(srv.Close)
	p, err := flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: "k", SecretKey: "s", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	var linker providers.DocumentLinker = p
	link, ok, err := linker.DocumentDownloadLink(t.Context(), "42", "7")
	if err != nil || !ok || link.URL != signed || !link.ExpireTime.Equal(time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)) {
		t.Fatalf("got %+v %v %v, want %q expiring 2026-12-02T01:00:00Z", link, ok, err, signed)
	}
	// Lenient on output: an expires portgate cannot read leaves the time
	// unset; the link is still given.
	expires = "soon"
	link, ok, err = linker.DocumentDownloadLink(t.Context(), "42", "7")
	if err != nil || !ok || link.URL != signed || !link.ExpireTime.IsZero() {
		t.Fatalf("odd expires: %+v %v %v", link, ok, err)
	}
}
