package telnyx_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/telnyx"
	"github.com/portgate/portgate/sandbox/telnyxfake"
)

// plainGet fetches u with no credentials at all.
func plainGet(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestDocumentDownloadLinkSandbox: the link from GET
// /documents/{id}/download_link serves the bytes without the API key; a
// guessed token does not.
func TestDocumentDownloadLinkSandbox(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	res, err := e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: providers.PortOrder{PhoneNumbers: []string{"+13125550100"}}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.p.UploadDocument(ctx(t), res.Order.ID, providers.DocumentUpload{Type: providers.DocumentCSR, Filename: "csr.txt", ContentType: "text/plain", Content: []byte("customer service record")})
	if err != nil {
		t.Fatal(err)
	}
	var linker providers.DocumentLinker = e.p
	l, ok, err := linker.DocumentDownloadLink(ctx(t), res.Order.ID, d.ID)
	if err != nil || !ok {
		t.Fatalf("DocumentDownloadLink: %+v %v %v", l, ok, err)
	}
	link := l.URL
	if n := e.doer.count("GET /v2/documents/" + d.ID + "/download_link"); n != 1 {
		t.Fatalf("download_link calls = %d, want 1", n)
	}
	if code, body := plainGet(t, link); code != http.StatusOK || body != "customer service record" {
		t.Fatalf("plain GET of %s: %d %q", link, code, body)
	}
	i := strings.LastIndex(link, "/")
	if code, _ := plainGet(t, link[:i+1]+"0123456789abcdef0123456789abcdef0123456789abcdef"); code != http.StatusForbidden {
		t.Fatalf("guessed token: %d, want 403", code)
	}
	if _, _, err := linker.DocumentDownloadLink(ctx(t), res.Order.ID, "3fa85f64-5717-4562-b3fc-2c963f66afa6"); providers.ErrorCode(err) != providers.CodeNotFound {
		t.Fatalf("unknown document: %v", err)
	}
}

// TestDocumentDownloadLinkStub: a server answering exactly as documented,
// {"data":{"url":…}}.
func TestDocumentDownloadLinkStub(t *testing.T) {
	const id = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
	const signed = "https://storage.example/doc?X-Amz-Signature=abc&X-Amz-Expires=3600"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/v2/documents/"+id+"/download_link" || r.Header.Get("Authorization") != "Bearer k" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"errors":[{"code":"10005","title":"Resource not found"}]}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":{"url":"`+signed+`"}}`)
	}))
	t.Cleanup(srv.Close)
	p, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	link, ok, err := p.DocumentDownloadLink(ctx(t), "", id)
	after := time.Now()
	if err != nil || !ok || link.URL != signed {
		t.Fatalf("got %+v %v %v, want %q", link, ok, err, signed)
	}
	// The answer carries no time; Telnyx documents the link's hour, counted
	// from before the request (never later than the real expiry).
	if link.ExpireTime.Before(before.Add(time.Hour)) || link.ExpireTime.After(after.Add(time.Hour)) {
		t.Fatalf("expire time %v, want the request's start + 1h (%v)", link.ExpireTime, before.Add(time.Hour))
	}
}
