package flowroutefake_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/portgate/portgate/sandbox/flowroutefake"
)

var fuzzMethods = []string{"GET", "POST", "PATCH", "DELETE", "PUT"}

// serve sends one request straight to the fake's handler: a panic fails the
// test (no recovering http.Server in between).
func serve(f *flowroutefake.Fake, method, target string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", "/", nil)
	u, err := url.ParseRequestURI(target)
	if err != nil {
		u = &url.URL{Path: "/v2/portorders", RawQuery: url.QueryEscape(target)}
	}
	req.Method, req.URL, req.RequestURI, req.Host = method, u, u.RequestURI(), "fake.test"
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.SetBasicAuth(flowroutefake.DefaultAccessKey, flowroutefake.DefaultSecretKey)
	req.Header.Set("Content-Type", "application/vnd.api+json")
	w := httptest.NewRecorder()
	f.ServeHTTP(w, req)
	return w
}

func seededFake(t testing.TB) *flowroutefake.Fake {
	f := flowroutefake.New(flowroutefake.Options{})
	t.Cleanup(f.Close)
	for range 3 {
		if w := serve(f, "POST", "/v2/portorders", []byte(createBody)); w.Code >= 300 {
			t.Fatalf("seed order: %d %s", w.Code, w.Body)
		}
	}
	return f
}

// TestFakeHostilePaging: limits and offsets a forged cursor produces get a
// documented 4xx or an empty page, never a panic or 5xx.
func TestFakeHostilePaging(t *testing.T) {
	f := seededFake(t)
	for _, q := range []string{
		"offset=9223372036854775807&limit=200", "offset=-1", "limit=-5", "limit=0", "limit=201",
		"offset=99999999999999999999", "limit=9223372036854775807", "offset=x&limit=y",
		"group_id=-1", "group_id=99999999999999999999&status", "starts_with=%ff", "contains=",
	} {
		for _, p := range []string{"/v2/portorders", "/v2/numbers"} {
			w := serve(f, "GET", p+"?"+q, nil)
			if w.Code >= 500 {
				t.Errorf("GET %s?%s: %d %s", p, q, w.Code, w.Body)
			}
		}
	}
	for _, id := range []string{"..", "-1", "99999999999999999999", "%2e%2e", "abc"} {
		for _, p := range []string{"/v2/portorders/" + id, "/v2/portorders/" + id + "/status", "/v2/numbers/" + id} {
			if w := serve(f, "GET", p, nil); w.Code >= 500 || w.Code < 400 {
				t.Errorf("GET %s: %d %s, want a 4xx", p, w.Code, w.Body)
			}
		}
	}
}

// FuzzHandler hits the fake's handler with arbitrary methods, paths,
// queries and bodies: it must never panic nor answer 5xx.
func FuzzHandler(f *testing.F) {
	fake := seededFake(f)
	f.Add(uint8(0), "/v2/portorders", "offset=9223372036854775807&limit=200", []byte(nil))
	f.Add(uint8(0), "/v2/portorders/1", "", []byte(nil))
	f.Add(uint8(0), "/v2/portorders/..", "", []byte(nil))
	f.Add(uint8(1), "/v2/portorders", "", []byte(createBody))
	f.Add(uint8(2), "/v2/portorders/1", "", []byte(`{"data":{"type":"portorder","attributes":{"presets":{"cnam_id":[]}}}}`))
	f.Add(uint8(2), "/v2/portorders/1/status", "", []byte(`{"data":{"type":"portorder","attributes":{"status":"cancelled"}}}`))
	f.Add(uint8(2), "/v2/portorders/1/relationships/numbers", "", []byte(`{"add":[1],"remove":null}`))
	f.Add(uint8(0), "/v2/portorders/1/loa", "", []byte(nil))
	f.Add(uint8(1), "/v2/portorders/1/loa", "", []byte(`{"data":{"type":"loa","attributes":{"signature_name":"a"}}}`))
	f.Add(uint8(1), "/v2/portorders/1/upload_file", "", []byte(`{"filename":"/x/y.pdf"}`))
	f.Add(uint8(1), "/v2/portorders/1/files", "", []byte(`{"url":"http://%zz"}`))
	f.Add(uint8(0), "/v2/portorders/1/files/abc", "", []byte(nil))
	f.Add(uint8(1), "/v2/portorders/portability", "", []byte(`{"numbers":[null]}`))
	f.Add(uint8(0), "/v2/portorders", "group_id=1&status", []byte(nil))
	f.Add(uint8(0), "/v2/numbers", "starts_with=1&limit=-1", []byte(nil))
	f.Add(uint8(2), "/v2/numbers/13125550100", "", []byte(`{"type":"number","alias":7}`))
	f.Add(uint8(4), "/_s3/abc", "", []byte("%PDF"))
	f.Fuzz(func(t *testing.T, m uint8, path, query string, body []byte) {
		target := path
		if query != "" {
			target += "?" + query
		}
		method := fuzzMethods[int(m)%len(fuzzMethods)]
		w := serveWithin(t, fake, method, target, body)
		if w.Code >= 500 {
			t.Fatalf("%s %s: %d %s", method, target, w.Code, w.Body)
		}
		if w.Code == http.StatusOK && method == "DELETE" && w.Body.Len() > 0 && bytes.HasPrefix(w.Body.Bytes(), []byte("<")) {
			t.Fatalf("%s %s: HTML body", method, target)
		}
	})
}

// serveWithin is serve with a bound: a request that hangs the fake (a lock
// never released, an endless loop) fails like a panic does.
func serveWithin(t *testing.T, f *flowroutefake.Fake, method, target string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() { done <- serve(f, method, target, body) }()
	select {
	case w := <-done:
		return w
	case <-time.After(5 * time.Second):
		t.Fatalf("%s %s: no answer within 5s", method, target)
		return nil
	}
}
