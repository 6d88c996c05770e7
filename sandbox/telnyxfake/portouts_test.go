package telnyxfake_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/portgate/portgate/sandbox/telnyxfake"
)

func numberStatus(t *testing.T, c *client, e164 string) string {
	t.Helper()
	code, _, m := c.do("GET", "/v2/phone_numbers?filter[phone_number]="+strings.TrimPrefix(e164, "+"), nil)
	data, _ := m["data"].([]any)
	if code != 200 || len(data) != 1 {
		t.Fatalf("number %s: %d %v", e164, code, m)
	}
	return data[0].(map[string]any)["status"].(string)
}

func TestPortOutsSeededListedDecided(t *testing.T) {
	c, f := newClient(t, telnyxfake.Options{SeedPortOuts: []string{"+13125550170"}})
	id := telnyxfake.PortOutID(0)
	code, _, m := c.do("GET", "/v2/portouts?filter[status]=pending&filter[phone_number]=%2B13125550170", nil)
	if data, _ := m["data"].([]any); code != 200 || len(data) != 1 || data[0].(map[string]any)["id"] != id || m["meta"] == nil {
		t.Fatalf("list: %d %v", code, m)
	}
	if got := numberStatus(t, c, "+13125550170"); got != "port-out-pending" {
		t.Errorf("number status %q", got)
	}
	// Strict input: unknown status filter, status path, missing reason,
	// a blank reason to reject, a non-boolean host_messaging.
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/v2/portouts?filter[status]=done", nil},
		{"PATCH", "/v2/portouts/" + id + "/ported", map[string]any{"reason": "x"}},
		{"PATCH", "/v2/portouts/" + id + "/authorized", map[string]any{}},
		{"PATCH", "/v2/portouts/" + id + "/rejected-pending", map[string]any{"reason": " "}},
		{"PATCH", "/v2/portouts/" + id + "/authorized", map[string]any{"reason": "", "host_messaging": "yes"}},
		{"PATCH", "/v2/portouts/not-a-uuid/authorized", map[string]any{"reason": ""}},
	} {
		if code, _, m := c.do(tc.method, tc.path, tc.body); code != 422 || firstError(m) == nil {
			t.Errorf("%s %s %v: %d %v", tc.method, tc.path, tc.body, code, m)
		}
	}
	if code, _, _ := c.do("GET", "/v2/portouts/00000000-0000-4000-8000-000000000000", nil); code != 404 {
		t.Errorf("unknown portout: %d", code)
	}
	code, _, m = c.do("GET", "/v2/portouts/rejections/"+id, nil)
	if data, _ := m["data"].([]any); code != 200 || len(data) != 1 || data[0].(map[string]any)["code"] != float64(1002) {
		t.Fatalf("rejections: %d %v", code, m)
	}
	code, _, m = c.do("PATCH", "/v2/portouts/"+id+"/authorized", map[string]any{"reason": ""})
	if d, _ := m["data"].(map[string]any); code != 200 || d["status"] != "authorized" || d["foc_date"] == nil {
		t.Fatalf("authorize: %d %v", code, m)
	}
	if code, _, _ := c.do("PATCH", "/v2/portouts/"+id+"/rejected-pending", map[string]any{"reason": "late"}); code != 422 {
		t.Errorf("second decision: %d", code)
	}
	f.Tick() // the FOC date (5 days ahead) has not come: nothing moves
	if s := f.PortOutStatus(id); s != "authorized" {
		t.Fatalf("after a tick: %s", s)
	}
	f.AdvancePortOuts()
	if s := f.PortOutStatus(id); s != "ported" {
		t.Fatalf("after the FOC date: %s", s)
	}
	if got := numberStatus(t, c, "+13125550170"); got != "ported-out" {
		t.Errorf("number status %q", got)
	}
}

func TestPortOutTimers(t *testing.T) {
	c, f := newClient(t, telnyxfake.Options{})
	if _, err := f.CreatePortOut(telnyxfake.PortOutSpec{PhoneNumbers: []string{"+19995550100"}}); err == nil {
		t.Error("a port-out on a number not on the account was opened")
	}
	f.SeedNumber("+13125550180")
	id, err := f.CreatePortOut(telnyxfake.PortOutSpec{PhoneNumbers: []string{"+13125550180"}})
	if err != nil {
		t.Fatal(err)
	}
	f.Tick()
	if s := f.PortOutStatus(id); s != "pending" {
		t.Fatalf("auto-authorized before %s: %s", telnyxfake.PortOutAutoAuthorize, s)
	}
	f.AdvancePortOuts() // 48 h unanswered
	if s := f.PortOutStatus(id); s != "authorized" {
		t.Fatalf("unanswered: %s", s)
	}
	f.SeedNumber("+13125550181")
	id2, _ := f.CreatePortOut(telnyxfake.PortOutSpec{PhoneNumbers: []string{"+13125550181"}})
	if code, _, _ := c.do("PATCH", "/v2/portouts/"+id2+"/rejected-pending", map[string]any{"reason": "not ours"}); code != 200 {
		t.Fatal(code)
	}
	f.Tick() // review is immediate
	if s := f.PortOutStatus(id2); s != "rejected" {
		t.Fatalf("rejection review: %s", s)
	}
	if got := numberStatus(t, c, "+13125550181"); got != "active" {
		t.Errorf("number after rejection %q", got)
	}
}

func TestLOATemplateIsAPDF(t *testing.T) {
	c, _ := newClient(t, telnyxfake.Options{})
	code, _, m := c.do("POST", "/v2/porting_orders", map[string]any{"phone_numbers": []string{"+13125550190"}})
	data, _ := m["data"].([]any)
	if code != 201 || len(data) != 1 {
		t.Fatalf("create: %d %v", code, m)
	}
	id := data[0].(map[string]any)["id"].(string)
	req, _ := http.NewRequest("GET", c.srv.URL+"/v2/porting_orders/"+id+"/loa_template", nil)
	req.Header.Set("Authorization", "Bearer sandbox")
	resp, err := c.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdf), "%PDF-1.4") ||
		!strings.HasSuffix(string(pdf), "%%EOF\n") || !strings.Contains(string(pdf), "+13125550190") || !strings.Contains(string(pdf), "startxref") {
		t.Fatalf("%d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), pdf)
	}
	if code, _, _ := c.do("GET", "/v2/porting_orders/"+id+"/loa_template?loa_configuration_id=00000000-0000-4000-8000-000000000000", nil); code != 404 {
		t.Errorf("unknown LOA configuration: %d", code)
	}
}

func TestPortOutCommentsAndSupportingDocuments(t *testing.T) {
	c, _ := newClient(t, telnyxfake.Options{SeedPortOuts: []string{"+13125550170"}})
	id := telnyxfake.PortOutID(0)
	if code, _, _ := c.do("POST", "/v2/portouts/"+id+"/comments", map[string]any{"body": " "}); code != 422 {
		t.Errorf("blank comment: %d", code)
	}
	code, _, m := c.do("POST", "/v2/portouts/"+id+"/comments", map[string]any{"body": "Who requested this?"})
	if d, _ := m["data"].(map[string]any); code != 201 || d["body"] != "Who requested this?" || d["portout_id"] != id {
		t.Fatalf("comment: %d %v", code, m)
	}
	if code, _, m = c.do("GET", "/v2/portouts/"+id+"/comments", nil); code != 200 || len(m["data"].([]any)) != 1 {
		t.Fatalf("comments: %d %v", code, m)
	}
	code, _, m = c.do("POST", "/v2/documents", map[string]any{"file": "JVBERi0xLjQK", "filename": "loa.pdf"})
	doc, _ := m["data"].(map[string]any)
	if code/100 != 2 || doc["id"] == nil {
		t.Fatalf("upload: %d %v", code, m)
	}
	bad := map[string]any{"documents": []any{map[string]any{"document_id": "00000000-0000-4000-8000-000000000000", "type": "csr"}}}
	if code, _, m := c.do("POST", "/v2/portouts/"+id+"/supporting_documents", bad); code != 422 || len(m["errors"].([]any)) != 2 {
		t.Errorf("bad documents: %d %v", code, m)
	}
	good := map[string]any{"documents": []any{map[string]any{"document_id": doc["id"], "type": "loa"}}}
	if code, _, m := c.do("POST", "/v2/portouts/"+id+"/supporting_documents", good); code != 201 || len(m["data"].([]any)) != 1 {
		t.Fatalf("documents: %d %v", code, m)
	}
	if code, _, m := c.do("GET", "/v2/portouts/"+id+"/supporting_documents", nil); code != 200 || len(m["data"].([]any)) != 1 {
		t.Fatalf("list documents: %d %v", code, m)
	}
}
