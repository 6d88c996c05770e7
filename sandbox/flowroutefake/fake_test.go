package flowroutefake_test

import (
	"context"
	"encoding/json"
	"github.com/portgate/portgate/sandbox/scenarios"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portgate/portgate/sandbox/flowroutefake"
)

type client struct {
	t   *testing.T
	srv *httptest.Server
	f   *flowroutefake.Fake
}

func newClient(t *testing.T, opts flowroutefake.Options) *client {
	f := flowroutefake.New(opts)
	srv := httptest.NewServer(f)
	t.Cleanup(func() { srv.Close(); f.Close() })
	return &client{t: t, srv: srv, f: f}
}

// do sends a request with the default credentials and decodes a JSON answer.
func (c *client) do(method, path, body string, auth bool) (int, map[string]any, http.Header) {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, c.srv.URL+path, rd)
	if auth {
		req.SetBasicAuth("sandbox", "sandbox-secret")
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/vnd.api+json")
	}
	resp, err := c.srv.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &m); err != nil {
			c.t.Fatalf("%s %s: bad JSON %q", method, path, b)
		}
	} else if len(b) > 0 {
		m = map[string]any{"raw": string(b)}
	}
	return resp.StatusCode, m, resp.Header
}

func firstErr(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	errs, _ := m["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("errors = %v", m)
	}
	return errs[0].(map[string]any)
}

const createBody = `{"data":{"type":"portorder","attributes":{"numbers":["+13125550300"],"billing_name":"Jane Roe",
"street":"1 Main St","city":"Chicago","state":"IL","country":"US","provider":"Verizon","pin":"1234","alias":"a1"}}}`

func TestAuthEnvelope(t *testing.T) {
	c := newClient(t, flowroutefake.Options{})
	code, m, _ := c.do("GET", "/v2/numbers", "", false)
	e := firstErr(t, m)
	if code != 401 || e["detail"] != "Authentication failed." || e["title"] != "Unauthorized" || e["status"] != float64(401) || e["id"] == "" {
		t.Errorf("401 = %d %v", code, m)
	}
	c2 := newClient(t, flowroutefake.Options{AccessKey: "k", SecretKey: "s"})
	if code, _, _ := c2.do("GET", "/v2/numbers", "", true); code != 401 {
		t.Errorf("default creds accepted by a fake with custom creds: %d", code)
	}
}

func TestPortOrderListWire(t *testing.T) {
	c := newClient(t, flowroutefake.Options{})
	code, m, _ := c.do("GET", "/v2/portorders", "", true)
	if code != 404 || firstErr(t, m)["title"] != "Resource not found" {
		t.Fatalf("empty account = %d %v", code, m)
	}
	for i := 0; i < 3; i++ {
		if code, m, _ := c.do("POST", "/v2/portorders", createBody, true); code != 201 {
			t.Fatalf("create = %d %v", code, m)
		}
	}
	// The documented list has no links: pages are read by offset.
	code, m, _ = c.do("GET", "/v2/portorders?limit=2", "", true)
	orders := m["data"].(map[string]any)["attributes"].(map[string]any)["orders"].(map[string]any)["data"].([]any)
	if _, has := m["links"]; code != 200 || len(orders) != 2 || has {
		t.Fatalf("page 1 = %d %v; want 2 orders and no links", code, m)
	}
	_, m, _ = c.do("GET", "/v2/portorders?limit=2&offset=2", "", true)
	orders = m["data"].(map[string]any)["attributes"].(map[string]any)["orders"].(map[string]any)["data"].([]any)
	if _, has := m["links"]; has || len(orders) != 1 {
		t.Errorf("last page = %v", m)
	}
	if code, _, _ := c.do("GET", "/v2/portorders?limit=201", "", true); code != 422 {
		t.Errorf("limit 201 = %d", code)
	}
	// A filter that matches nothing is an empty 200, not a 404.
	code, m, _ = c.do("GET", "/v2/portorders?alias=none", "", true)
	if code != 200 {
		t.Errorf("no match = %d %v", code, m)
	}
}

func TestErrorQuirks(t *testing.T) {
	c := newClient(t, flowroutefake.Options{})
	code, m, _ := c.do("GET", "/v2/nothing", "", true)
	e := firstErr(t, m)
	if s, ok := e["status"].(string); code != 404 || !ok || !strings.HasPrefix(s, "404 Not Found") || e["title"] != nil {
		t.Errorf("unknown URL = %d %v", code, m)
	}
	code, m, _ = c.do("GET", "/v2/portorders/123", "", true)
	if e := firstErr(t, m); code != 404 || e["detail"] != "No such port order" || e["status"] != float64(404) {
		t.Errorf("unknown order = %d %v", code, m)
	}
	code, m, _ = c.do("POST", "/v2/portorders", `{"data":{"type":"portorder","attributes":{"numbers":["+13125559901"]}}}`, true)
	d := firstErr(t, m)["detail"].(map[string]any)
	if code != 422 || d["numbers"] == nil || d["billing_name"] == nil || d["street"] == nil {
		t.Errorf("validation = %d %v", code, m)
	}
	code, m, _ = c.do("GET", "/v2/numbers/13125559909", "", true)
	if e := firstErr(t, m); code != 404 || e["title"] != nil {
		t.Errorf("not on account = %d %v", code, m)
	}
}

func TestOrderLifecycleWire(t *testing.T) {
	c := newClient(t, flowroutefake.Options{})
	code, m, _ := c.do("POST", "/v2/portorders", createBody, true)
	data := m["data"].(map[string]any)
	id := data["id"].(string)
	attrs := data["attributes"].(map[string]any)
	if code != 201 || id != "42000" || attrs["status"] != "pending" || attrs["status_updated_at"] != nil ||
		attrs["billing_address"].(map[string]any)["city"] != "Chicago" || attrs["street"] != nil {
		t.Fatalf("create = %d %v", code, m)
	}
	// Add/remove numbers returns the full order.
	code, m, _ = c.do("PATCH", "/v2/portorders/"+id+"/relationships/numbers", `{"add":["+13125550301"],"remove":[]}`, true)
	if nums := m["data"].(map[string]any)["attributes"].(map[string]any)["numbers"].([]any); code != 200 || len(nums) != 2 {
		t.Fatalf("modify = %d %v", code, m)
	}
	code, m, _ = c.do("GET", "/v2/portorders/"+id+"/loa", "", true)
	loa := m["data"].(map[string]any)
	if code != 200 || loa["type"] != "loa" {
		t.Fatalf("loa = %d %v", code, m)
	}
	if code, _, _ := c.do("POST", "/v2/portorders/"+id+"/loa", `{"data":{"type":"loa","attributes":{}}}`, true); code != 422 {
		t.Errorf("unsigned LOA = %d", code)
	}
	code, m, _ = c.do("POST", "/v2/portorders/"+id+"/loa", `{"data":{"type":"loa","attributes":{"signature_name":"J","signature_title":"CEO"}}}`, true)
	if code != 200 || m["data"].(map[string]any)["attributes"].(map[string]any)["status"] != "processing" {
		t.Fatalf("sign = %d %v", code, m)
	}
	// Details are frozen after submit; presets are not.
	if code, _, _ := c.do("PATCH", "/v2/portorders/"+id, `{"data":{"type":"portorder","attributes":{"city":"X"}}}`, true); code != 403 {
		t.Errorf("details after submit = %d", code)
	}
	if code, _, _ := c.do("PATCH", "/v2/portorders/"+id, `{"data":{"type":"portorder","attributes":{"presets":{"primary_route_id":"7001"},"alias":"b"}}}`, true); code != 200 {
		t.Errorf("presets after submit = %d", code)
	}
	// Route ids are strings naming a route on the account.
	for _, bad := range []string{`{"primary_route_id":7001}`, `{"primary_route_id":"5"}`} {
		if code, _, _ := c.do("PATCH", "/v2/portorders/"+id, `{"data":{"type":"portorder","attributes":{"presets":`+bad+`}}}`, true); code != 422 {
			t.Errorf("presets %s = %d, want 422", bad, code)
		}
	}
	// Attributes Flowroute does not document as updatable are refused.
	for _, attr := range []string{`"company":"X"`, `"pin":"1"`, `"desired_completion_date":"2031-01-01"`, `"status_url":"https://x.example/cb"`} {
		if code, _, _ := c.do("PATCH", "/v2/portorders/"+id, `{"data":{"type":"portorder","attributes":{`+attr+`}}}`, true); code != 422 {
			t.Errorf("PATCH {%s} = %d, want 422", attr, code)
		}
	}
	if code, _, _ := c.do("PATCH", "/v2/portorders/"+id+"/status", `{"data":{"type":"portorder","attributes":{"status":"cancelled"}}}`, true); code != 403 {
		t.Errorf("cancel processing = %d", code)
	}
	for _, want := range []string{"submitted", "accepted", "completed"} {
		c.f.Advance()
		_, m, _ = c.do("GET", "/v2/portorders/"+id+"/status", "", true)
		a := m["data"].(map[string]any)["attributes"].(map[string]any)
		if a["status"] != want || a["status_updated_at"] == nil {
			t.Fatalf("status = %v, want %s", a, want)
		}
	}
	code, m, _ = c.do("GET", "/v2/numbers/13125550301", "", true)
	if code != 200 || m["data"].(map[string]any)["relationships"].(map[string]any)["primary_route"].(map[string]any)["data"].(map[string]any)["id"] != "7001" {
		t.Errorf("ported number = %d %v", code, m)
	}
}

func TestSplitAndPortability(t *testing.T) {
	c := newClient(t, flowroutefake.Options{})
	body := strings.Replace(createBody, `["+13125550300"]`, `["+13125550300","+13125559904"]`, 1)
	_, m, _ := c.do("POST", "/v2/portorders", body, true)
	g := m["data"].(map[string]any)["attributes"].(map[string]any)["group_id"].(string)
	_, m, _ = c.do("GET", "/v2/portorders?group_id="+g+"&status", "", true)
	a := m["data"].(map[string]any)["attributes"].(map[string]any)
	if n := len(a["orders"].(map[string]any)["data"].([]any)); n != 2 || a["group_status"] != "Requires Action" {
		t.Errorf("group = %v", m)
	}
	_, m, _ = c.do("POST", "/v2/portorders/portability", `{"numbers":["+13125550300","+13125559901","+13125559905"]}`, true)
	d := m["data"].(map[string]any)
	if len(d["portable"].([]any)) != 2 || len(d["nonportable"].([]any)) != 1 || len(d["hypernetwork_enabled"].([]any)) != 1 {
		t.Errorf("portability = %v", m)
	}
}

func TestUploadsAndFiles(t *testing.T) {
	c := newClient(t, flowroutefake.Options{})
	_, m, _ := c.do("POST", "/v2/portorders", createBody, true)
	id := m["data"].(map[string]any)["id"].(string)
	code, m, _ := c.do("POST", "/v2/portorders/"+id+"/upload_file", `{"filename":"/tmp/bill.pdf"}`, true)
	d := m["data"].(map[string]any)
	u := d["attributes"].(map[string]any)["url"].(string)
	if code != 200 || d["type"] != "portorder-file-url" || !strings.Contains(u, "/_s3/upload/") {
		t.Fatalf("upload_file = %d %v", code, m)
	}
	up := strings.TrimPrefix(u, c.srv.URL)
	if code, m, _ := c.do("PUT", up, "PDFBYTES", false); code != 200 || m != nil {
		t.Errorf("PUT = %d %v", code, m)
	}
	code, m, _ = c.do("PUT", up, "again", false)
	if code != 403 || !strings.Contains(m["raw"].(string), "<Code>AccessDenied</Code>") {
		t.Errorf("reused token = %d %v", code, m)
	}
	code, m, _ = c.do("POST", "/v2/portorders/"+id+"/files", `{"url":"https://docs.example.com/x?filename=csr.pdf"}`, true)
	if code != 200 || m["data"].(map[string]any)["attributes"].(map[string]any)["status"] != "pending" {
		t.Errorf("pull = %d %v", code, m)
	}
	_, m, _ = c.do("GET", "/v2/portorders/"+id, "", true)
	docs := m["data"].(map[string]any)["attributes"].(map[string]any)["business_documents"].([]any)
	files := docs[0].(map[string]any)["data"].([]any)
	if len(files) != 2 {
		t.Fatalf("business_documents = %v", docs)
	}
	fid := files[0].(map[string]any)["id"].(string)
	code, m, _ = c.do("GET", "/v2/portorders/"+id+"/files/"+fid, "", true)
	dl := strings.TrimPrefix(m["data"].(map[string]any)["attributes"].(map[string]any)["url"].(string), c.srv.URL)
	if code != 200 {
		t.Fatalf("download url = %d %v", code, m)
	}
	if code, m, _ := c.do("GET", dl, "", false); code != 200 || m["raw"] != "PDFBYTES" {
		t.Errorf("download = %d %v", code, m)
	}
}

func TestNumbersWire(t *testing.T) {
	c := newClient(t, flowroutefake.Options{SeedNumbers: []string{"+13125550100", "+12065559903", "+13125550101"}})
	// starts_with: country code 1 is prepended unless the value starts with "+".
	code, m, _ := c.do("GET", "/v2/numbers?starts_with=312&limit=1", "", true)
	if code != 200 || len(m["data"].([]any)) != 1 || m["links"].(map[string]any)["next"] == nil {
		t.Errorf("list = %d %v", code, m)
	}
	for q, want := range map[string]int{"starts_with=%2B1312": 2, "starts_with=1312": 0, "starts_with=%2B44": 0, "starts_with=206": 1} {
		if _, m, _ := c.do("GET", "/v2/numbers?"+q, "", true); len(m["data"].([]any)) != want {
			t.Errorf("%s: %d numbers, want %d", q, len(m["data"].([]any)), want)
		}
	}
	code, m, _ = c.do("PATCH", "/v2/numbers/12065559903", `{"type":"number","alias":"x","messaging_enabled":true}`, true)
	a := m["data"].(map[string]any)["attributes"].(map[string]any)
	if code != 207 || a["alias"] != "x" || a["messaging_enabled"] != false || m["errors"] == nil {
		t.Errorf("207 = %d %v", code, m)
	}
	// Enabling messaging is asynchronous: false plus a provisioning task
	// until provisioning finishes (Advance).
	code, m, _ = c.do("PATCH", "/v2/numbers/13125550100", `{"type":"number","messaging_enabled":true}`, true)
	if code != 200 || m["data"].(map[string]any)["attributes"].(map[string]any)["messaging_enabled"] != false ||
		m["data"].(map[string]any)["relationships"].(map[string]any)["message_provision"] == nil {
		t.Errorf("enable = %d %v; want messaging_enabled false and a message_provision task", code, m)
	}
	c.f.Advance()
	if _, m, _ = c.do("GET", "/v2/numbers/13125550100", "", true); m["data"].(map[string]any)["attributes"].(map[string]any)["messaging_enabled"] != true {
		t.Errorf("after provisioning = %v", m)
	}
	if code, m, _ := c.do("PATCH", "/v2/numbers/13125550100/relationships/primary_route", `{"data":{"type":"route","id":"7002"}}`, true); code != 204 || m != nil {
		t.Errorf("route = %d %v", code, m)
	}
	for _, bad := range []string{`"12"`, `7002`} {
		if code, _, _ := c.do("PATCH", "/v2/numbers/13125550100/relationships/primary_route", `{"data":{"type":"route","id":`+bad+`}}`, true); code != 422 {
			t.Errorf("route id %s = %d, want 422", bad, code)
		}
	}
	_, m, _ = c.do("GET", "/v2/numbers/13125550100", "", true)
	var routes []any
	for _, x := range m["included"].([]any) {
		if x.(map[string]any)["type"] == "route" {
			routes = append(routes, x.(map[string]any)["id"])
		}
	}
	if len(routes) != 1 || routes[0] != "7002" {
		t.Errorf("included routes = %v", routes)
	}
}

func TestStepIntervalAdvancesOnItsOwn(t *testing.T) {
	c := newClient(t, flowroutefake.Options{StepInterval: time.Millisecond})
	_, m, _ := c.do("POST", "/v2/portorders", createBody, true)
	id := m["data"].(map[string]any)["id"].(string)
	c.do("POST", "/v2/portorders/"+id+"/loa", `{"data":{"type":"loa","attributes":{"signature_name":"J","signature_title":"CEO"}}}`, true)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, m, _ = c.do("GET", "/v2/portorders/"+id+"/status", "", true)
		if m["data"].(map[string]any)["attributes"].(map[string]any)["status"] == "completed" {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("order never completed: %v", m)
		case <-time.After(time.Millisecond):
		}
	}
	c.f.Close()
	c.f.Close() // idempotent
}

func TestSetOrderStatusAndRejectionComment(t *testing.T) {
	c := newClient(t, flowroutefake.Options{})
	if err := c.f.SetOrderStatus("1", "pending"); err == nil {
		t.Error("unknown order accepted")
	}
	body := strings.Replace(createBody, "+13125550300", "+1312555"+scenarios.SuffixException, 1)
	_, m, _ := c.do("POST", "/v2/portorders", body, true)
	id := m["data"].(map[string]any)["id"].(string)
	if err := c.f.SetOrderStatus(id, "bogus"); err == nil {
		t.Error("unknown status accepted")
	}
	if err := c.f.SetOrderStatus(id, "processing"); err != nil {
		t.Fatal(err)
	}
	c.f.Advance()
	_, m, _ = c.do("GET", "/v2/portorders/"+id, "", true)
	a := m["data"].(map[string]any)["attributes"].(map[string]any)
	if a["status"] != "rejected" || len(a["comments"].([]any)) != 1 {
		t.Errorf("rejected = %v", a)
	}
	code, m, _ := c.do("PATCH", "/v2/portorders/"+id+"/status", `{"data":{"type":"portorder","attributes":{"status":"cancelled"}}}`, true)
	if code != 200 || m["data"].(map[string]any)["attributes"].(map[string]any)["status"] != "abandoned" {
		t.Errorf("cancel rejected = %d %v", code, m)
	}
}

// TestStatusCallbacks: every status change POSTs the documented, unsigned
// po_status_change body to the order's status_url, in order.
func TestStatusCallbacks(t *testing.T) {
	type hit struct {
		header http.Header
		body   map[string]any
	}
	hits := make(chan hit, 16)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			t.Errorf("callback body: %v", err)
		}
		hits <- hit{r.Header.Clone(), m}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	c := newClient(t, flowroutefake.Options{})
	body := strings.Replace(createBody, `"alias":"a1"`, `"alias":"a1","status_url":"`+hook.URL+`/po"`, 1)
	code, m, _ := c.do("POST", "/v2/portorders", body, true)
	if code != 201 {
		t.Fatalf("create = %d %v", code, m)
	}
	id := m["data"].(map[string]any)["id"].(string)
	if code, _, _ := c.do("POST", "/v2/portorders/"+id+"/loa", `{"data":{"type":"loa","attributes":{"signature_name":"J","signature_title":"CEO"}}}`, true); code != 200 {
		t.Fatalf("sign = %d", code)
	}
	c.f.Advance() // processing → submitted
	for _, want := range []string{"pending", "processing", "submitted"} {
		h := <-hits
		data := h.body["data"].(map[string]any)
		a := data["attributes"].(map[string]any)
		if data["type"] != "po_status_change" || a["event_type"] != "status_change" || a["resource_type"] != "portorders" ||
			a["resource_id"] != id || a["status"] != want || a["customer_id"] == "" || a["version"] != "1.0" ||
			a["url_override"] != hook.URL+"/po" || a["id"] != data["id"] || !strings.HasPrefix(a["message"].(string), "Port Order #"+id+" has been ") {
			t.Errorf("callback for %s: %v", want, h.body)
		}
		if h.header.Get("Content-Type") != "application/json" || h.header.Get("Authorization") != "" ||
			h.header.Get("User-Agent") != "Go-http-client/1.1" {
			t.Errorf("callback headers: %v", h.header)
		}
	}
	// One callback on creation, then one per status change: three so far.
	c.f.Close()
	if len(hits) != 0 {
		t.Errorf("%d unexpected callbacks", len(hits))
	}
}

// TestStrictAsDocumented: the sandbox invents no defaults, accepts only the
// documented cancel spelling, and lists a number on the account while its
// port is pending (SUP 272584), dropping it when the order is cancelled.
func TestStrictAsDocumented(t *testing.T) {
	c := newClient(t, flowroutefake.Options{SeedNumbers: []string{}})
	code, m, _ := c.do("POST", "/v2/portorders", createBody, true)
	if code != 201 {
		t.Fatalf("create = %d %v", code, m)
	}
	a := m["data"].(map[string]any)["attributes"].(map[string]any)
	id := m["data"].(map[string]any)["id"].(string)
	if a["usage_type"] != "" && a["usage_type"] != nil {
		t.Errorf("usage_type = %v, want nothing (not sent at create)", a["usage_type"])
	}
	code, m, _ = c.do("GET", "/v2/numbers/13125550300", "", true)
	if code != 200 || m["data"].(map[string]any)["attributes"].(map[string]any)["status"] != "PORT_PENDING" {
		t.Errorf("number of a pending port = %d %v; want listed, PORT_PENDING", code, m)
	}
	if code, _, _ := c.do("PATCH", "/v2/portorders/"+id+"/status", `{"data":{"type":"portorder","attributes":{"status":"canceled"}}}`, true); code != 422 {
		t.Errorf("cancel spelled canceled = %d, want 422 (the documented value is cancelled)", code)
	}
	if code, _, _ := c.do("PATCH", "/v2/portorders/"+id+"/status", `{"data":{"type":"portorder","attributes":{"status":"cancelled"}}}`, true); code != 200 {
		t.Errorf("cancel = %d", code)
	}
	if code, _, _ := c.do("GET", "/v2/numbers/13125550300", "", true); code != 404 {
		t.Errorf("number of a cancelled port = %d, want 404", code)
	}
}
