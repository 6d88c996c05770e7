package telnyxfake_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portgate/portgate/sandbox/telnyxfake"
)

var fuzzMethods = []string{"GET", "POST", "PATCH", "DELETE", "PUT"}

// serve sends one request straight to the fake's handler: a panic fails the
// test (no recovering http.Server in between).
func serve(f *telnyxfake.Fake, method, target string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", "/", nil)
	u, err := url.ParseRequestURI(target)
	if err != nil {
		u = &url.URL{Path: "/v2/porting_orders", RawQuery: url.QueryEscape(target)}
	}
	req.Method, req.URL, req.RequestURI = method, u, u.RequestURI()
	req.Body = httpNoBody(body)
	req.ContentLength = int64(len(body))
	req.Header.Set("Authorization", "Bearer sandbox")
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	f.ServeHTTP(w, req)
	return w
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func httpNoBody(b []byte) readCloser { return readCloser{bytes.NewReader(b)} }

func seededFake(t testing.TB) (*telnyxfake.Fake, string) {
	f := telnyxfake.New(telnyxfake.Options{})
	t.Cleanup(f.Close)
	id := ""
	for _, n := range []string{"+13125550140", "+13125550141", "+13125550142"} {
		w := serve(f, "POST", "/v2/porting_orders", []byte(`{"phone_numbers":["`+n+`"]}`))
		if w.Code != http.StatusCreated {
			t.Fatalf("seed order: %d %s", w.Code, w.Body)
		}
		if i := strings.Index(w.Body.String(), `"id":"`); i >= 0 && id == "" {
			rest := w.Body.String()[i+6:]
			id = rest[:strings.IndexByte(rest, '"')]
		}
	}
	return f, id
}

// TestFakeHostilePaging: page numbers and sizes a forged cursor produces get
// a documented 4xx or an empty page, never a panic.
func TestFakeHostilePaging(t *testing.T) {
	f, _ := seededFake(t)
	for _, q := range []string{
		"page[number]=9223372036854775807&page[size]=250",
		"page[number]=4611686018427387905&page[size]=2",
		"page[number]=-1", "page[size]=-5", "page[number]=0", "page[size]=0",
		"page[number]=99999999999999999999", "page[size]=9223372036854775807",
		"page[number]=x&page[size]=y",
	} {
		for _, p := range []string{"/v2/porting_orders", "/v2/phone_numbers", "/v2/porting_phone_numbers"} {
			w := serve(f, "GET", p+"?"+q, nil)
			if w.Code >= 500 {
				t.Errorf("GET %s?%s: %d %s", p, q, w.Code, w.Body)
			}
		}
	}
}

// FuzzHandler hits the fake's handler with arbitrary methods, paths,
// queries and bodies: it must never panic nor answer 5xx (the fake only
// sends 5xx when a test asks for it with FailNext).
func FuzzHandler(f *testing.F) {
	fake, id := seededFake(f)
	f.Add(uint8(0), "/v2/porting_orders", "page[number]=9223372036854775807&page[size]=250", []byte(nil))
	f.Add(uint8(0), "/v2/porting_orders/"+id, "", []byte(nil))
	f.Add(uint8(0), "/v2/porting_orders/..", "", []byte(nil))
	f.Add(uint8(2), "/v2/porting_orders/"+id, "", []byte(`{"customer_reference":"x","end_user":{"admin":{"pin_passcode":1}}}`))
	f.Add(uint8(1), "/v2/porting_orders", "", []byte(`{"phone_numbers":["+13125550199"]}`))
	f.Add(uint8(1), "/v2/porting_orders/"+id+"/actions/confirm", "", []byte(nil))
	f.Add(uint8(1), "/v2/porting_orders/"+id+"/comments", "", []byte(`{"body":null}`))
	f.Add(uint8(1), "/v2/porting_orders/"+id+"/additional_documents", "", []byte(`{"additional_documents":[{"document_id":7}]}`))
	f.Add(uint8(1), "/v2/portability_checks", "", []byte(`{"phone_numbers":[1,null,"+1"]}`))
	f.Add(uint8(0), "/v2/phone_numbers", "filter[phone_number][contains]=%ff&page[size]=-1", []byte(nil))
	f.Add(uint8(2), "/v2/phone_numbers/abc/messaging", "", []byte(`{"messaging_profile_id":[]}`))
	f.Add(uint8(0), "/v2/porting_phone_numbers", "filter[porting_order_id]="+id+"&page[number]=4611686018427387905&page[size]=2", []byte(nil))
	f.Add(uint8(1), "/v2/documents", "", []byte("--x\r\n"))
	f.Fuzz(func(t *testing.T, m uint8, path, query string, body []byte) {
		target := path
		if query != "" {
			target += "?" + query
		}
		w := serveWithin(t, fake, fuzzMethods[int(m)%len(fuzzMethods)], target, body)
		if w.Code >= 500 {
			t.Fatalf("%s %s: %d %s", fuzzMethods[int(m)%len(fuzzMethods)], target, w.Code, w.Body)
		}
	})
}

// serveWithin is serve with a bound: a request that hangs the fake (a lock
// never released, an endless loop) fails like a panic does.
func serveWithin(t *testing.T, f *telnyxfake.Fake, method, target string, body []byte) *httptest.ResponseRecorder {
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
