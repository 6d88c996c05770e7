package httpx

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHTTPClientCapsResponseBodies(t *testing.T) {
	big := strings.Repeat("x", 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/small":
			_, _ = io.WriteString(w, "ok")
		case "/exact":
			_, _ = io.WriteString(w, big[:64])
		case "/length":
			_, _ = io.WriteString(w, big) // Content-Length: 100
		case "/chunked":
			for range 10 {
				_, _ = io.WriteString(w, big[:10])
				w.(http.Flusher).Flush()
			}
		}
	}))
	defer srv.Close()
	c := NewClient(Options{MaxResponseBytes: 64})
	defer c.CloseIdleConnections()

	get := func(path string) (string, error) {
		resp, err := c.Get(srv.URL + path)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	if b, err := get("/small"); err != nil || b != "ok" {
		t.Fatalf("/small = %q, %v", b, err)
	}
	if b, err := get("/exact"); err != nil || len(b) != 64 {
		t.Fatalf("/exact = %d bytes, %v", len(b), err)
	}
	if _, err := get("/length"); !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("/length err = %v, want ErrResponseTooLarge", err)
	}
	b, err := get("/chunked")
	if !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("/chunked err = %v, want ErrResponseTooLarge", err)
	}
	if len(b) > 64 {
		t.Fatalf("/chunked returned %d bytes past the cap", len(b))
	}
}

func TestHTTPClientDefaults(t *testing.T) {
	c := NewClient(Options{})
	ct, ok := c.Transport.(*CappedTransport)
	if !ok || ct.MaxBytes != 8<<20 {
		t.Fatalf("transport = %#v", c.Transport)
	}
	tr, ok := ct.Base.(*http.Transport)
	if !ok || tr.MaxIdleConnsPerHost != 32 || tr.ResponseHeaderTimeout == 0 || tr.TLSHandshakeTimeout == 0 || tr.DialContext == nil {
		t.Fatalf("base transport not tuned: %#v", ct.Base)
	}
}
