package flowroutefake_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/portgate/portgate/sandbox/flowroutefake"
)

func attrs(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	d, _ := m["data"].(map[string]any)
	a, _ := d["attributes"].(map[string]any)
	if a == nil {
		t.Fatalf("no data.attributes: %v", m)
	}
	return a
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// Routes: create, list, the documented 403 on deleting a route in use, 422
// on bad attributes, the untitled 404 on an unknown route.
func TestRoutes(t *testing.T) {
	c := newClient(t, flowroutefake.Options{})
	code, m, _ := c.do("POST", "/v2/routes", `{"data":{"type":"route","attributes":{"route_type":"host","value":"pbx.example.com","alias":"pbx","edge_strategy_id":"1"}}}`, true)
	if code != 201 {
		t.Fatalf("create: %d %v", code, m)
	}
	id := m["data"].(map[string]any)["id"].(string)
	for _, bad := range []string{
		`{"data":{"type":"route","attributes":{"route_type":"ftp","value":"x"}}}`,
		`{"data":{"type":"route","attributes":{"route_type":"host"}}}`,
		`{"data":{"type":"route","attributes":{"route_type":"host","value":"x","edge_strategy_id":99}}}`,
		`{"data":{"type":"number","attributes":{"route_type":"host","value":"x"}}}`,
		`{"data":{"type":"route","attributes":{"route_type":"host","value":"x","color":"red"}}}`,
	} {
		if code, m, _ := c.do("POST", "/v2/routes", bad, true); code != 422 {
			t.Errorf("create %s: %d %v", bad, code, m)
		}
	}
	code, m, _ = c.do("GET", "/v2/routes?limit=200", "", true)
	var ids []string
	for _, d := range m["data"].([]any) {
		ids = append(ids, d.(map[string]any)["id"].(string))
	}
	if code != 200 || !slices.Contains(ids, "0") || !slices.Contains(ids, id) {
		t.Fatalf("list: %d %v", code, ids)
	}
	rel := fmt.Sprintf(`{"data":{"type":"route","id":%q}}`, id)
	if code, m, _ := c.do("PATCH", "/v2/numbers/13125550101/relationships/failover_route", rel, true); code != 204 {
		t.Fatalf("assign: %d %v", code, m)
	}
	code, m, _ = c.do("DELETE", "/v2/routes/"+id, "", true)
	if e := firstErr(t, m); code != 403 || e["title"] != "This Route has numbers still associated to it." || e["detail"] != "Please disassociate all numbers before deleting." {
		t.Fatalf("delete in use: %d %v", code, m)
	}
	if code, m, _ := c.do("DELETE", "/v2/numbers/13125550101/relationships/failover_route", "", true); code != 204 {
		t.Fatalf("unassign: %d %v", code, m)
	}
	if code, m, _ := c.do("DELETE", "/v2/routes/"+id, "", true); code != 204 {
		t.Fatalf("delete: %d %v", code, m)
	}
	code, m, _ = c.do("DELETE", "/v2/routes/"+id, "", true)
	if e := firstErr(t, m); code != 404 || e["title"] != nil {
		t.Fatalf("delete again: %d %v", code, m)
	}
	if code, m, _ := c.do("PATCH", "/v2/numbers/13125550101/relationships/primary_route", rel, true); code != 422 {
		t.Fatalf("assign deleted route: %d %v", code, m)
	}
}

// Message provisioning: one task for a batch, split into successful,
// processing and failed; processing finishes on Advance; the status URL
// also answers for a task a number PATCH started.
func TestMessageProvision(t *testing.T) {
	c := newClient(t, flowroutefake.Options{})
	code, m, _ := c.do("POST", "/v2/message-provision", `{"numbers":["13125550101","12065559903","19995550000"],"action":"enable","callback_url":"https://hooks.example.com/mp"}`, true)
	if code != 201 {
		t.Fatalf("enable: %d %v", code, m)
	}
	a := attrs(t, m)
	if p, f := strs(a["processing"]), strs(a["failed"]); !slices.Equal(p, []string{"13125550101"}) || len(f) != 2 || len(strs(a["successful"])) != 0 {
		t.Fatalf("split: %v", a)
	}
	task := m["data"].(map[string]any)["id"].(string)
	c.f.Advance()
	code, m, _ = c.do("GET", "/v2/message-provision/status/"+task, "", true)
	if a := attrs(t, m); code != 200 || !slices.Equal(strs(a["successful"]), []string{"13125550101"}) || len(strs(a["processing"])) != 0 {
		t.Fatalf("status after advance: %d %v", code, m)
	}
	if _, m, _ := c.do("GET", "/v2/numbers/13125550101", "", true); attrs(t, m)["messaging_enabled"] != true {
		t.Fatalf("number: %v", m)
	}
	for _, bad := range []string{`{"numbers":[],"action":"enable"}`, `{"numbers":["13125550101"],"action":"on"}`, `{"numbers":["13125550101"]}`,
		`{"numbers":["13125550101"],"action":"enable","callback_url":"ftp://x"}`} {
		if code, m, _ := c.do("POST", "/v2/message-provision", bad, true); code != 422 {
			t.Errorf("%s: %d %v", bad, code, m)
		}
	}
	if code, _, _ := c.do("GET", "/v2/message-provision/status/nope", "", true); code != 404 {
		t.Errorf("unknown task: %d", code)
	}
	// A task started by the number PATCH is readable at its status URL.
	_, m, _ = c.do("PATCH", "/v2/numbers/13125550102", `{"type":"number","messaging_enabled":true}`, true)
	inc := m["included"].([]any)
	link := ""
	for _, x := range inc {
		if d := x.(map[string]any); d["type"] == "message_provisioning_status" {
			link = d["links"].(map[string]any)["self"].(string)
		}
	}
	if link == "" {
		t.Fatalf("no provisioning task included: %v", m)
	}
	code, m, _ = c.do("GET", link[len(c.srv.URL):], "", true)
	if a := attrs(t, m); code != 200 || !slices.Equal(strs(a["processing"]), []string{"13125550102"}) {
		t.Fatalf("status of the PATCH task: %d %v", code, m)
	}
}
