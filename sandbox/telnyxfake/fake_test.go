package telnyxfake_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/portgate/portgate/sandbox/telnyxfake"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type client struct {
	t   *testing.T
	srv *httptest.Server
	key string
}

func newClient(t *testing.T, opts telnyxfake.Options) (*client, *telnyxfake.Fake) {
	f := telnyxfake.New(opts)
	srv := httptest.NewServer(f)
	t.Cleanup(func() { srv.Close(); f.Close() })
	return &client{t: t, srv: srv, key: "sandbox"}, f
}

// do sends a request and decodes the JSON answer into a generic map.
func (c *client) do(method, path string, body any) (int, http.Header, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.srv.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.srv.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &m); err != nil {
			c.t.Fatalf("%s %s: undecodable %q", method, path, raw)
		}
	}
	return resp.StatusCode, resp.Header, m
}

func firstError(m map[string]any) map[string]any {
	errs, _ := m["errors"].([]any)
	if len(errs) == 0 {
		return nil
	}
	e, _ := errs[0].(map[string]any)
	return e
}

func TestAuthAndRateLimitHeaders(t *testing.T) {
	c, _ := newClient(t, telnyxfake.Options{})
	for _, key := range []string{"sandbox", "wrong"} {
		c.key = key
		for _, path := range []string{"/v2/porting_orders", "/v2/phone_numbers", "/v2/nope"} {
			status, h, m := c.do("GET", path, nil)
			for _, k := range []string{"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"} {
				if h.Get(k) == "" {
					t.Errorf("%s %s: missing %s", key, path, k)
				}
			}
			if key == "wrong" {
				e := firstError(m)
				if status != 401 || e["code"] != "10009" || e["title"] != "Authentication failed" {
					t.Errorf("bad key: %d %v", status, m)
				}
			}
		}
	}
	c.key = "sandbox"
	status, _, m := c.do("GET", "/v2/nope", nil)
	if status != 404 || firstError(m)["code"] != "10005" {
		t.Fatalf("%d %v", status, m)
	}
}

func TestCreateShapeAndSplit(t *testing.T) {
	c, _ := newClient(t, telnyxfake.Options{})
	status, _, m := c.do("POST", "/v2/porting_orders", map[string]any{
		"phone_numbers": []string{"+13125550100", "+13125559904"}, "customer_reference": "ref-1"})
	if status != 201 {
		t.Fatalf("%d %v", status, m)
	}
	if _, hasMeta := m["meta"]; hasMeta {
		t.Error("create answer has no meta")
	}
	data, ok := m["data"].([]any)
	if !ok || len(data) != 2 {
		t.Fatalf("data should be an array of 2: %v", m["data"])
	}
	o := data[0].(map[string]any)
	for _, k := range []string{"support_key", "parent_support_key", "misc"} {
		if v, present := o[k]; !present || v != nil {
			t.Errorf("%s = %v, want present null", k, v)
		}
	}
	if o["status"].(map[string]any)["value"] != "draft" || o["record_type"] != "porting_order" ||
		o["customer_reference"] != "ref-1" || o["requirements_met"] != false || o["porting_phone_numbers_count"] != float64(1) {
		t.Errorf("order: %v", o)
	}
	admin := o["end_user"].(map[string]any)["admin"].(map[string]any)
	if v, ok := admin["pin_passcode"]; !ok || v != nil {
		t.Errorf("admin %v", admin)
	}
	if o["messaging"].(map[string]any)["messaging_port_status"] != "not_applicable" {
		t.Errorf("messaging %v", o["messaging"])
	}
	pn := o["phone_numbers"].([]any)[0].(map[string]any)
	if pn["record_type"] != "porting_phone_number" || pn["porting_order_id"] != o["id"] || pn["phone_number"] != "+13125550100" {
		t.Errorf("phone number %v", pn)
	}
	// Errors carry a pointer to the offending index.
	status, _, m = c.do("POST", "/v2/porting_orders", map[string]any{"phone_numbers": []string{"+13125550100", "3125550101"}})
	e := firstError(m)
	if status != 422 || e["code"] != "10016" || e["source"].(map[string]any)["pointer"] != "/phone_numbers/1" {
		t.Fatalf("%d %v", status, m)
	}
	status, _, m = c.do("POST", "/v2/porting_orders", map[string]any{"phone_numbers": []string{"+13125559901"}})
	if status != 422 || firstError(m)["source"].(map[string]any)["pointer"] != "/phone_numbers/0" {
		t.Fatalf("%d %v", status, m)
	}
}

func TestListPaginationFiltersSort(t *testing.T) {
	c, _ := newClient(t, telnyxfake.Options{})
	var ids []string
	for i := range 5 {
		num := "+1312555011" + string(rune('0'+i))
		_, _, m := c.do("POST", "/v2/porting_orders", map[string]any{"phone_numbers": []string{num}, "customer_reference": map[bool]string{true: "a", false: "b"}[i < 2]})
		ids = append(ids, m["data"].([]any)[0].(map[string]any)["id"].(string))
	}
	_, _, m := c.do("GET", "/v2/porting_orders?page[number]=2&page[size]=2&sort[value]=created_at", nil)
	meta := m["meta"].(map[string]any)
	if meta["page_number"] != float64(2) || meta["page_size"] != float64(2) || meta["total_pages"] != float64(3) || meta["total_results"] != float64(5) {
		t.Fatalf("meta %v", meta)
	}
	data := m["data"].([]any)
	if len(data) != 2 || data[0].(map[string]any)["id"] != ids[2] {
		t.Fatalf("page 2 asc: %v", data)
	}
	_, _, m = c.do("GET", "/v2/porting_orders", nil) // default -created_at, size 20
	if m["meta"].(map[string]any)["page_size"] != float64(20) || m["data"].([]any)[0].(map[string]any)["id"] != ids[4] {
		t.Fatalf("default sort: %v", m["meta"])
	}
	_, _, m = c.do("GET", "/v2/porting_orders?page[size]=1000", nil)
	if m["meta"].(map[string]any)["page_size"] != float64(250) {
		t.Fatalf("cap: %v", m["meta"])
	}
	_, _, m = c.do("GET", "/v2/porting_orders?filter[customer_reference]=a", nil)
	if m["meta"].(map[string]any)["total_results"] != float64(2) {
		t.Fatalf("ref filter: %v", m["meta"])
	}
	_, _, m = c.do("GET", "/v2/porting_orders?filter[phone_numbers][phone_number][contains]=5550113", nil)
	if d := m["data"].([]any); len(d) != 1 || d[0].(map[string]any)["id"] != ids[3] {
		t.Fatalf("contains: %v", d)
	}
	// Pre-2025 names (sort[], filter[status], dotted filters) are not in the
	// current specification: refused, not quietly honoured.
	for _, q := range []string{"filter[status]=submitted", "sort[]=created_at", "filter[phone_numbers.phone_number][contains]=5550113"} {
		if status, _, _ := c.do("GET", "/v2/porting_orders?"+q, nil); status != 422 {
			t.Fatalf("%s: %d, want 422", q, status)
		}
	}
	status, _, _ := c.do("GET", "/v2/porting_orders?sort[value]=bogus", nil)
	if status != 422 {
		t.Fatalf("bad sort: %d", status)
	}
	status, _, _ = c.do("GET", "/v2/porting_orders?page[number]=0", nil)
	if status != 422 {
		t.Fatalf("bad page: %d", status)
	}
}

func TestPatchConfirmProgressCancelDelete(t *testing.T) {
	var f *telnyxfake.Fake
	c, f := newClient(t, telnyxfake.Options{})
	_, _, m := c.do("POST", "/v2/porting_orders", map[string]any{"phone_numbers": []string{"+13125550100"}})
	id := m["data"].([]any)[0].(map[string]any)["id"].(string)
	// Unknown attributes and read-only fields are refused with pointers.
	status, _, m := c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"status": "ported", "activation_settings": map[string]any{"foc_datetime_actual": "x"}})
	if status != 422 || len(m["errors"].([]any)) != 2 {
		t.Fatalf("%d %v", status, m)
	}
	status, _, m = c.do("POST", "/v2/porting_orders/"+id+"/actions/confirm", nil)
	if status != 422 || len(m["errors"].([]any)) != 11 { // … LOA and invoice
		t.Fatalf("confirm incomplete: %d %v", status, m)
	}
	_, _, d := c.do("POST", "/v2/documents", map[string]any{"file": base64.StdEncoding.EncodeToString([]byte("%PDF")), "filename": "loa.pdf"})
	doc := d["data"].(map[string]any)
	if doc["content_type"] != "application/pdf" || doc["size"].(map[string]any)["amount"] != float64(4) {
		t.Fatalf("doc %v", doc)
	}
	patch := map[string]any{
		"end_user": map[string]any{"admin": map[string]any{"entity_name": "Acme", "auth_person_name": "Jane", "billing_phone_number": "+13125550100"},
			"location": map[string]any{"street_address": "1 Main", "locality": "Chicago", "administrative_area": "IL", "postal_code": "60601", "country_code": "US"}},
		"misc": map[string]any{"type": "full"}, "documents": map[string]any{"loa": doc["id"], "invoice": doc["id"]}, "customer_reference": "keep-me",
	}
	if status, _, m = c.do("PATCH", "/v2/porting_orders/"+id, patch); status != 200 {
		t.Fatalf("%d %v", status, m)
	}
	if m["meta"].(map[string]any)["phone_numbers_url"] != "/v2/porting_phone_numbers?filter[porting_order_id]="+id {
		t.Fatalf("meta %v", m["meta"])
	}
	// Explicit null clears, omitted keeps.
	_, _, m = c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"end_user": map[string]any{"location": map[string]any{"postal_code": nil}}})
	o := m["data"].(map[string]any)
	loc := o["end_user"].(map[string]any)["location"].(map[string]any)
	if loc["postal_code"] != nil || loc["locality"] != "Chicago" || o["customer_reference"] != "keep-me" {
		t.Fatalf("merge: %v", o)
	}
	c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"end_user": map[string]any{"location": map[string]any{"postal_code": "60601"}}})
	status, _, m = c.do("POST", "/v2/porting_orders/"+id+"/actions/confirm", nil)
	o = m["data"].(map[string]any)
	if status != 200 || o["status"].(map[string]any)["value"] != "in-process" ||
		!strings.HasPrefix(o["support_key"].(string), "sr_") || len(o["support_key"].(string)) != 9 ||
		!strings.HasPrefix(o["parent_support_key"].(string), "pr_") {
		t.Fatalf("confirm: %d %v", status, o)
	}
	_, _, m = c.do("GET", "/v2/porting_orders/"+id+"/sub_request", nil)
	if sr := m["data"].(map[string]any); sr["port_request_id"] == nil || sr["sub_request_id"] == nil {
		t.Fatalf("sub_request %v", m)
	}
	if status, _, _ = c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"customer_reference": "x"}); status != 422 {
		t.Fatalf("patch after confirm: %d", status)
	}
	if status, _, _ = c.do("DELETE", "/v2/porting_orders/"+id, nil); status != 422 {
		t.Fatalf("delete non-draft: %d", status)
	}
	f.Advance()
	f.Advance()
	_, _, m = c.do("GET", "/v2/porting_orders/"+id, nil)
	o = m["data"].(map[string]any)
	actual, err := time.Parse(time.RFC3339, o["activation_settings"].(map[string]any)["foc_datetime_actual"].(string))
	if o["status"].(map[string]any)["value"] != "foc-date-confirmed" || err != nil || time.Until(actual) < telnyxfake.CancelCutoff {
		t.Fatalf("foc: %v", o)
	}
	status, _, m = c.do("POST", "/v2/porting_orders/"+id+"/actions/cancel", nil)
	if status != 200 || m["data"].(map[string]any)["status"].(map[string]any)["value"] != "cancel-pending" {
		t.Fatalf("cancel: %d %v", status, m)
	}
	f.Advance()
	status, _, m = c.do("POST", "/v2/porting_orders/"+id+"/actions/cancel", nil)
	if e := firstError(m); status != 422 || e["source"].(map[string]any)["pointer"] != "/" || e["meta"].(map[string]any)["retryable"] != false {
		t.Fatalf("cancel cancelled: %d %v", status, m)
	}
	// Drafts: cancel refused, DELETE 204.
	_, _, m = c.do("POST", "/v2/porting_orders", map[string]any{"phone_numbers": []string{"+13125550101"}})
	draft := m["data"].([]any)[0].(map[string]any)["id"].(string)
	if status, _, _ = c.do("POST", "/v2/porting_orders/"+draft+"/actions/cancel", nil); status != 422 {
		t.Fatalf("cancel draft: %d", status)
	}
	if status, _, _ = c.do("DELETE", "/v2/porting_orders/"+draft, nil); status != 204 {
		t.Fatalf("delete draft: %d", status)
	}
	if status, _, _ = c.do("GET", "/v2/porting_orders/"+draft, nil); status != 404 {
		t.Fatalf("deleted draft: %d", status)
	}
}

func TestSubResources(t *testing.T) {
	c, _ := newClient(t, telnyxfake.Options{})
	_, _, m := c.do("POST", "/v2/porting_orders", map[string]any{"phone_numbers": []string{"+13125550100"}})
	id := m["data"].([]any)[0].(map[string]any)["id"].(string)
	if status, _, m := c.do("POST", "/v2/porting_orders/"+id+"/comments", map[string]any{"body": "hi"}); status != 201 || m["data"].(map[string]any)["record_type"] != "porting_comment" {
		t.Fatalf("%d %v", status, m)
	}
	_, _, m = c.do("GET", "/v2/porting_orders/"+id+"/comments", nil)
	if len(m["data"].([]any)) != 1 || m["meta"].(map[string]any)["total_results"] != float64(1) {
		t.Fatalf("%v", m)
	}
	// Multipart upload, then additional_documents and download.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "csr.txt")
	_, _ = fw.Write([]byte("record"))
	_ = mw.Close()
	req, _ := http.NewRequest("POST", c.srv.URL+"/v2/documents", &buf)
	req.Header.Set("Authorization", "Bearer sandbox")
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var up map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&up)
	resp.Body.Close()
	docID := up["data"].(map[string]any)["id"].(string)
	status, _, m := c.do("POST", "/v2/porting_orders/"+id+"/additional_documents", map[string]any{
		"additional_documents": []any{map[string]any{"document_id": docID, "document_type": "csr"}}})
	if status != 201 || m["data"].([]any)[0].(map[string]any)["filename"] != "csr.txt" {
		t.Fatalf("%d %v", status, m)
	}
	status, _, m = c.do("POST", "/v2/porting_orders/"+id+"/additional_documents", map[string]any{
		"additional_documents": []any{map[string]any{"document_id": "nope", "document_type": "csr"}}})
	if status != 422 || firstError(m)["source"].(map[string]any)["pointer"] != "/additional_documents/0/document_id" {
		t.Fatalf("%d %v", status, m)
	}
	req, _ = http.NewRequest("GET", c.srv.URL+"/v2/documents/"+docID+"/download", nil)
	req.Header.Set("Authorization", "Bearer sandbox")
	resp, err = c.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "record" {
		t.Fatalf("download %q", body)
	}
	// download_link needs the key itself; its url needs none (pre-signed).
	if resp, err := http.Get(c.srv.URL + "/v2/documents/" + docID + "/download_link"); err != nil || resp.StatusCode != 401 {
		t.Fatalf("download_link without the key: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	status, _, m = c.do("GET", "/v2/documents/"+docID+"/download_link", nil)
	link, _ := m["data"].(map[string]any)["url"].(string)
	if status != 200 || !strings.HasPrefix(link, c.srv.URL+"/") {
		t.Fatalf("download_link: %d %v", status, m)
	}
	resp, err = http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "record" {
		t.Fatalf("plain GET of the link: %d %q", resp.StatusCode, body)
	}
	for _, u := range []string{link + "x", c.srv.URL + "/_signed/documents/"} {
		if resp, err := http.Get(u); err != nil || resp.StatusCode != 403 {
			t.Fatalf("GET %s: %v %v, want 403", u, resp, err)
		} else {
			resp.Body.Close()
		}
	}
	if status, _, _ := c.do("GET", "/v2/documents/nope/download_link", nil); status != 404 {
		t.Fatalf("download_link of an unknown document: %d", status)
	}
	for _, sub := range []string{"allowed_foc_windows", "requirements"} {
		status, _, m := c.do("GET", "/v2/porting_orders/"+id+"/"+sub, nil)
		if status != 200 || len(m["data"].([]any)) == 0 || m["meta"] == nil {
			t.Fatalf("%s: %d %v", sub, status, m)
		}
	}
	_, _, m = c.do("GET", "/v2/porting_orders/"+id+"/allowed_foc_windows", nil)
	win := m["data"].([]any)[0].(map[string]any)
	if win["started_at"] == nil || win["ended_at"] == nil {
		t.Fatalf("window %v", win)
	}
	if status, _, _ := c.do("GET", "/v2/porting_orders/"+id+"/sub_request", nil); status != 404 {
		t.Fatalf("draft sub_request: %d", status)
	}
	_, _, m = c.do("GET", "/v2/porting_orders/exception_types", nil)
	if len(m["data"].([]any)) != 21 {
		t.Fatalf("exception types %d", len(m["data"].([]any)))
	}
}

func TestPhoneNumbers(t *testing.T) {
	c, _ := newClient(t, telnyxfake.Options{SeedNumbers: []string{"+13125550100", "+13125550101", "+13125559909"}})
	_, _, m := c.do("GET", "/v2/phone_numbers?page[size]=1", nil)
	meta := m["meta"].(map[string]any)
	if meta["total_results"] != float64(2) || meta["total_pages"] != float64(2) {
		t.Fatalf("9909 must be invisible: %v", meta)
	}
	n := m["data"].([]any)[0].(map[string]any)
	id := n["id"].(string)
	if n["record_type"] != "phone_number" || n["phone_number"] != "+13125550100" || strings.Trim(id, "0123456789") != "" {
		t.Fatalf("%v", n)
	}
	status, _, m := c.do("PATCH", "/v2/phone_numbers/"+id, map[string]any{"tags": []string{"t"}, "customer_reference": "cr"})
	if status != 200 || m["data"].(map[string]any)["customer_reference"] != "cr" {
		t.Fatalf("%d %v", status, m)
	}
	_, _, m = c.do("GET", "/v2/phone_numbers?filter[tag]=t", nil)
	if len(m["data"].([]any)) != 1 {
		t.Fatalf("tag filter %v", m)
	}
	_, _, m = c.do("GET", "/v2/phone_numbers?filter[customer_reference]=cr&filter[phone_number]=5550100", nil)
	if len(m["data"].([]any)) != 1 {
		t.Fatalf("filters %v", m)
	}
	status, _, m = c.do("PATCH", "/v2/phone_numbers/"+id+"/messaging", map[string]any{"messaging_profile_id": "4001767e-ce0f-4cae-9d5f-0d5e636e7809"})
	if status != 200 || m["data"].(map[string]any)["messaging_profile_id"] != "4001767e-ce0f-4cae-9d5f-0d5e636e7809" {
		t.Fatalf("%d %v", status, m)
	}
	_, _, m = c.do("PATCH", "/v2/phone_numbers/"+id+"/messaging", map[string]any{"messaging_profile_id": nil})
	if m["data"].(map[string]any)["messaging_profile_id"] != "4001767e-ce0f-4cae-9d5f-0d5e636e7809" {
		t.Fatalf("null keeps: %v", m)
	}
	if status, _, _ = c.do("GET", "/v2/phone_numbers/abc", nil); status != 400 {
		t.Fatalf("non-numeric id: %d", status)
	}
	if status, _, _ = c.do("GET", "/v2/phone_numbers/1", nil); status != 404 {
		t.Fatalf("unknown id: %d", status)
	}
	if status, _, _ = c.do("PATCH", "/v2/phone_numbers/"+id, map[string]any{"cnam": true}); status != 422 {
		t.Fatalf("unknown attribute: %d", status)
	}
}

func TestFailNextAndClose(t *testing.T) {
	c, f := newClient(t, telnyxfake.Options{})
	f.FailNext(429, 1, 2*time.Second)
	status, h, m := c.do("GET", "/v2/porting_orders", nil)
	if status != 429 || h.Get("Retry-After") != "2" || firstError(m)["code"] != "10011" {
		t.Fatalf("%d %v %v", status, h, m)
	}
	if status, _, _ = c.do("GET", "/v2/porting_orders", nil); status != 200 {
		t.Fatalf("only one failure injected: %d", status)
	}
	f.Close()
	f.Close() // idempotent
}

func TestStepIntervalAndWebhookSignature(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	got := make(chan string, 32)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if !telnyxfake.Verify(pub, r.Header.Get(telnyxfake.HeaderSignature), r.Header.Get(telnyxfake.HeaderTimestamp), b) {
			got <- "BAD SIGNATURE"
			return
		}
		var env struct {
			Data struct {
				EventType string `json:"event_type"`
				Payload   struct {
					Status struct {
						Value string `json:"value"`
					} `json:"status"`
				} `json:"payload"`
			} `json:"data"`
			Meta struct {
				Attempt     int    `json:"attempt"`
				DeliveredTo string `json:"delivered_to"`
			} `json:"meta"`
		}
		_ = json.Unmarshal(b, &env)
		if env.Meta.Attempt != 1 || env.Meta.DeliveredTo == "" {
			got <- "BAD META"
			return
		}
		got <- env.Data.Payload.Status.Value
	}))
	defer recv.Close()
	c, f := newClient(t, telnyxfake.Options{WebhookURL: recv.URL, WebhookPrivateKey: priv, StepInterval: 5 * time.Millisecond})
	if !f.PublicKey().Equal(pub) {
		t.Fatal("PublicKey mismatch")
	}
	_, _, m := c.do("POST", "/v2/porting_orders", map[string]any{"phone_numbers": []string{"+13125550100"}})
	id := m["data"].([]any)[0].(map[string]any)["id"].(string)
	if err := f.SetOrderStatus(id, "in-process"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	seen := map[string]bool{}
	all := func() bool {
		return seen["in-process"] && seen["submitted"] && seen["foc-date-confirmed"] && seen["ported"]
	}
	for !all() {
		select {
		case s := <-got:
			if strings.HasPrefix(s, "BAD") {
				t.Fatal(s)
			}
			seen[s] = true
			if s == "foc-date-confirmed" {
				// The stepper waits for the FOC date (72 h out); bring it here.
				if err := f.SetFOCActual(id, time.Now().Add(-time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
		case <-ctx.Done():
			t.Fatalf("the stepper did not port the order; saw %v (events may arrive out of order, but all arrive)", seen)
		}
	}
	if err := f.SetOrderStatus("missing", "ported"); err == nil {
		t.Fatal("unknown id accepted")
	}
	if err := f.SetOrderStatus(id, "bogus"); err == nil {
		t.Fatal("unknown status accepted")
	}
}

// Issue 12: an order ports at its FOC date; the timed stepper does not port
// it earlier, Advance lets the fake's time pass to the FOC date.
func TestOrdersPortAtTheirFOCDate(t *testing.T) {
	c, f := newClient(t, telnyxfake.Options{})
	_, _, m := c.do("POST", "/v2/porting_orders", map[string]any{"phone_numbers": []string{"+13125550100"}})
	id := m["data"].([]any)[0].(map[string]any)["id"].(string)
	if err := f.SetOrderStatus(id, "in-process"); err != nil {
		t.Fatal(err)
	}
	status := func() string {
		_, _, m := c.do("GET", "/v2/porting_orders/"+id, nil)
		return m["data"].(map[string]any)["status"].(map[string]any)["value"].(string)
	}
	for range 5 {
		f.Tick()
	}
	if s := status(); s != "foc-date-confirmed" {
		t.Fatalf("after 5 ticks: %s, want foc-date-confirmed (held until the FOC date)", s)
	}
	f.Advance()
	_, _, m = c.do("GET", "/v2/porting_orders/"+id, nil)
	o := m["data"].(map[string]any)
	if o["status"].(map[string]any)["value"] != "ported" {
		t.Fatalf("Advance did not port at the FOC date: %v", o["status"])
	}
	if o["activation_settings"].(map[string]any)["activation_status"] != "Active" {
		t.Fatalf("activation %v", o["activation_settings"])
	}
}

// Issue 12: responses hold no null where Telnyx's published schema has
// none (telnyx-node src/resources: PortingOrder, PortingPhoneNumber,
// DocServiceDocument, the requirements response), and POST /documents
// answers 200.
func TestResponsesMatchSchemaNullability(t *testing.T) {
	c, _ := newClient(t, telnyxfake.Options{})
	_, _, m := c.do("POST", "/v2/porting_orders", map[string]any{"phone_numbers": []string{"+13125550100"}})
	o := m["data"].([]any)[0].(map[string]any)
	id := o["id"].(string)
	nonNull := func(where string, obj map[string]any, keys ...string) {
		t.Helper()
		for _, k := range keys {
			if v, present := obj[k]; present && v == nil {
				t.Errorf("%s.%s is null; the schema does not allow null", where, k)
			}
		}
	}
	nonNull("porting_order", o, "id", "description", "old_service_provider_ocn", "phone_number_type", "porting_phone_numbers_count",
		"record_type", "requirements_met", "created_at", "updated_at", "user_id", "status", "activation_settings", "documents",
		"end_user", "messaging", "phone_number_configuration", "user_feedback")
	for _, pn := range o["phone_numbers"].([]any) {
		nonNull("phone_numbers[]", pn.(map[string]any), "activation_status", "phone_number", "phone_number_type",
			"portability_status", "porting_order_id", "porting_order_status", "record_type", "requirements_status", "support_key")
	}
	_, _, m = c.do("GET", "/v2/porting_phone_numbers", nil)
	for _, pn := range m["data"].([]any) {
		nonNull("porting_phone_number", pn.(map[string]any), "activation_status", "support_key", "porting_order_id")
	}
	_, _, m = c.do("GET", "/v2/porting_orders/"+id+"/requirements", nil)
	for _, r := range m["data"].([]any) {
		nonNull("requirement", r.(map[string]any), "field_type", "field_value", "record_type", "requirement_status")
	}
	status, _, m := c.do("POST", "/v2/documents", map[string]any{"file": base64.StdEncoding.EncodeToString([]byte("%PDF")), "filename": "loa.pdf"})
	if status != http.StatusOK {
		t.Errorf("POST /documents: %d, want 200", status)
	}
	nonNull("document", m["data"].(map[string]any), "customer_reference", "content_type", "filename", "status")
	// misc.type is not nullable: a misc object without a type is refused.
	status, _, _ = c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"misc": map[string]any{"new_billing_phone_number": "+13125550101"}})
	if status != 422 {
		t.Errorf("misc without type: %d, want 422", status)
	}
}

// Issue 12: the sandbox is as strict as Telnyx documents.
func TestSandboxStrictness(t *testing.T) {
	c, _ := newClient(t, telnyxfake.Options{})
	create := func(nums ...string) (int, []any, map[string]any) {
		status, _, m := c.do("POST", "/v2/porting_orders", map[string]any{"phone_numbers": nums})
		data, _ := m["data"].([]any)
		return status, data, m
	}
	// Split by number type, country and FastPort eligibility (not only the
	// split suffix): local, toll-free, Canadian and fast-portable numbers
	// make four orders.
	status, data, m := create("+13125550140", "+18005550141", "+14165550142", "+13125559905")
	if status != 201 || len(data) != 4 {
		t.Fatalf("split: %d, %d orders, want 4: %v", status, len(data), m)
	}
	types := map[string]bool{}
	for _, d := range data {
		o := d.(map[string]any)
		types[o["phone_number_type"].(string)] = true
		if n := len(o["phone_numbers"].([]any)); n != 1 {
			t.Errorf("order %v holds %d numbers, want 1", o["id"], n)
		}
	}
	if !types["toll_free"] || !types["local"] {
		t.Errorf("types %v", types)
	}
	id := data[0].(map[string]any)["id"].(string)

	// The same number on a second active order is refused.
	status, _, m = create("+13125550140")
	if e := firstError(m); status != 422 || e["source"].(map[string]any)["pointer"] != "/phone_numbers/0" {
		t.Fatalf("same number twice: %d %v", status, m)
	}

	// Ids are UUIDs.
	if status, _, _ := c.do("GET", "/v2/porting_orders/not-a-uuid", nil); status != 400 {
		t.Errorf("malformed id: %d, want 400", status)
	}

	// A requested FOC date must fall in an allowed window: never in the past.
	for _, when := range []time.Time{time.Now().Add(-24 * time.Hour), time.Now().Add(24 * time.Hour), time.Now().AddDate(0, 2, 0)} {
		status, _, m = c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"activation_settings": map[string]any{
			"foc_datetime_requested": when.UTC().Format(time.RFC3339)}})
		if e := firstError(m); status != 422 || e["source"].(map[string]any)["pointer"] != "/activation_settings/foc_datetime_requested" {
			t.Errorf("FOC %s: %d %v", when, status, m)
		}
	}
	win := telnyxfake.FOCWindows(time.Now())[1]
	if status, _, m = c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"activation_settings": map[string]any{
		"foc_datetime_requested": win[0].Add(time.Hour).Format(time.RFC3339)}}); status != 200 {
		t.Errorf("FOC inside a window: %d %v", status, m)
	}

	// misc rules.
	for _, tc := range []struct {
		misc map[string]any
		ptr  string
	}{
		{map[string]any{"type": "full", "remaining_numbers_action": "keep"}, "/misc/remaining_numbers_action"},
		{map[string]any{"type": "partial", "remaining_numbers_action": "keep"}, "/misc/new_billing_phone_number"},
		{map[string]any{"type": "full", "new_billing_phone_number": "+13125550199"}, "/misc/new_billing_phone_number"},
	} {
		status, _, m = c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"misc": tc.misc})
		if e := firstError(m); status != 422 || e["source"].(map[string]any)["pointer"] != tc.ptr {
			t.Errorf("misc %v: %d %v, want 422 at %s", tc.misc, status, m, tc.ptr)
		}
	}
	if status, _, m = c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"misc": map[string]any{
		"type": "partial", "remaining_numbers_action": "keep", "new_billing_phone_number": "+13125550199"}}); status != 200 {
		t.Errorf("partial keep with a new billing number: %d %v", status, m)
	}

	// Confirm waits for the requirements: an LOA alone is not enough.
	_, _, d := c.do("POST", "/v2/documents", map[string]any{"file": base64.StdEncoding.EncodeToString([]byte("%PDF")), "filename": "loa.pdf"})
	doc := d["data"].(map[string]any)["id"]
	c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{
		"end_user": map[string]any{"admin": map[string]any{"entity_name": "Acme", "auth_person_name": "Jane", "billing_phone_number": "+13125550140"},
			"location": map[string]any{"street_address": "1 Main", "locality": "Chicago", "administrative_area": "IL", "postal_code": "60601", "country_code": "US"}},
		"documents": map[string]any{"loa": doc}})
	status, _, m = c.do("POST", "/v2/porting_orders/"+id+"/actions/confirm", nil)
	if e := firstError(m); status != 422 || e["source"].(map[string]any)["pointer"] != "/documents/invoice" {
		t.Fatalf("confirm without invoice: %d %v", status, m)
	}
	c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"documents": map[string]any{"invoice": doc}})
	if status, _, m = c.do("POST", "/v2/porting_orders/"+id+"/actions/confirm", nil); status != 200 {
		t.Fatalf("confirm with requirements met: %d %v", status, m)
	}
}
