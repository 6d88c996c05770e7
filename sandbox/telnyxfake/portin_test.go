package telnyxfake_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/portgate/portgate/sandbox/telnyxfake"
)

const (
	reqLOA     = "0b1f6e2c-0000-4000-8000-00000000010a"
	reqInvoice = "0b1f6e2c-0000-4000-8000-00000000010b"
)

// submittedOrder creates and confirms an order for n, its LOA and invoice
// supplied as requirement values (not documents.*).
func submittedOrder(t *testing.T, c *client, n string) string {
	t.Helper()
	_, _, m := c.do("POST", "/v2/porting_orders", map[string]any{"phone_numbers": []string{n}})
	id := m["data"].([]any)[0].(map[string]any)["id"].(string)
	_, _, d := c.do("POST", "/v2/documents", map[string]any{"file": base64.StdEncoding.EncodeToString([]byte("%PDF")), "filename": "loa.pdf"})
	doc := d["data"].(map[string]any)["id"].(string)
	// A requirement type the order does not have, a missing value and an
	// unknown document are refused, each with its pointer.
	status, _, m := c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"requirements": []any{
		map[string]any{"requirement_type_id": "0b1f6e2c-0000-4000-8000-0000000000ff", "field_value": doc},
		map[string]any{"requirement_type_id": reqLOA},
		map[string]any{"requirement_type_id": reqInvoice, "field_value": "6a09cdc3-8948-47f0-aa62-74ac943d6c58"},
	}})
	if status != 422 || len(m["errors"].([]any)) != 3 {
		t.Fatalf("bad requirements: %d %v", status, m)
	}
	if status, _, m = c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"requirement_group_id": "6a09cdc3-8948-47f0-aa62-74ac943d6c58"}); status != 422 {
		t.Fatalf("unknown requirement group: %d %v", status, m)
	}
	patch := map[string]any{
		"end_user": map[string]any{"admin": map[string]any{"entity_name": "Acme", "auth_person_name": "Jane", "billing_phone_number": n},
			"location": map[string]any{"street_address": "1 Main", "locality": "Chicago", "administrative_area": "IL", "postal_code": "60601", "country_code": "US"}},
		"misc": map[string]any{"type": "full"},
		"requirements": []any{map[string]any{"requirement_type_id": reqLOA, "field_value": doc},
			map[string]any{"requirement_type_id": reqInvoice, "field_value": doc}},
	}
	if status, _, m = c.do("PATCH", "/v2/porting_orders/"+id, patch); status != 200 || m["data"].(map[string]any)["requirements_met"] != true {
		t.Fatalf("requirements: %d %v", status, m)
	}
	if status, _, m = c.do("POST", "/v2/porting_orders/"+id+"/actions/confirm", nil); status != 200 {
		t.Fatalf("confirm with requirement values: %d %v", status, m)
	}
	return id
}

func TestRescheduleAfterSubmission(t *testing.T) {
	c, f := newClient(t, telnyxfake.Options{})
	id := submittedOrder(t, c, "+13125550100")
	// Past submission only the FOC and requirements may change.
	status, _, m := c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"customer_reference": "x"})
	if status != 422 {
		t.Fatalf("customer_reference after submit: %d %v", status, m)
	}
	wins := telnyxfake.FOCWindows(time.Now())
	outside := wins[0][0].Add(-time.Hour)
	status, _, m = c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"activation_settings": map[string]any{"foc_datetime_requested": outside.Format(time.RFC3339)}})
	if status != 422 || firstError(m)["source"].(map[string]any)["pointer"] != "/activation_settings/foc_datetime_requested" {
		t.Fatalf("FOC outside the windows: %d %v", status, m)
	}
	f.Advance() // in-process → submitted
	f.Advance() // → foc-date-confirmed (+72 h)
	want := wins[2][0].Add(time.Hour).UTC()
	status, _, m = c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"activation_settings": map[string]any{"foc_datetime_requested": want.Format(time.RFC3339)}})
	o := m["data"].(map[string]any)
	if status != 200 || o["status"].(map[string]any)["value"] != "submitted" || o["activation_settings"].(map[string]any)["foc_datetime_actual"] != nil {
		t.Fatalf("reschedule of a confirmed FOC goes back to the losing carrier: %d %v", status, o)
	}
	f.Tick()
	_, _, m = c.do("GET", "/v2/porting_orders/"+id, nil)
	if got, _ := time.Parse(time.RFC3339, m["data"].(map[string]any)["activation_settings"].(map[string]any)["foc_datetime_actual"].(string)); !got.Equal(want) {
		t.Fatalf("re-confirmed FOC %v, want %v", got, want)
	}
	// Within 48 h of the confirmed FOC it can no longer move.
	if err := f.SetFOCActual(id, time.Now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if status, _, m = c.do("PATCH", "/v2/porting_orders/"+id, map[string]any{"activation_settings": map[string]any{"foc_datetime_requested": want.Format(time.RFC3339)}}); status != 422 {
		t.Fatalf("reschedule within 48 h: %d %v", status, m)
	}
}

func TestOnDemandActivation(t *testing.T) {
	c, f := newClient(t, telnyxfake.Options{})
	slow := submittedOrder(t, c, "+13125550100")
	fast := submittedOrder(t, c, "+13125559905")
	if status, _, m := c.do("POST", "/v2/porting_orders/"+fast+"/actions/activate", nil); status != 422 {
		t.Fatalf("activate before the FOC is confirmed: %d %v", status, m)
	}
	f.Advance()
	f.Advance() // both foc-date-confirmed
	if status, _, m := c.do("POST", "/v2/porting_orders/"+slow+"/actions/activate", nil); status != 422 || !strings.Contains(str(firstError(m)["detail"]), "FastPort") {
		t.Fatalf("activate a foc-date-confirmed non-FastPort order: %d %v", status, m)
	}
	status, _, m := c.do("POST", "/v2/porting_orders/"+fast+"/actions/activate", nil)
	if status != 202 {
		t.Fatalf("activate: %d %v", status, m)
	}
	job := m["data"].(map[string]any)
	if job["record_type"] != "porting_activation_job" || job["status"] != "created" || job["activation_type"] != "on-demand" {
		t.Fatalf("job %v", job)
	}
	jid := job["id"].(string)
	if status, _, m = c.do("POST", "/v2/porting_orders/"+fast+"/actions/activate", nil); status != 422 {
		t.Fatalf("second activation while one is open: %d %v", status, m)
	}
	win := job["activation_windows"].([]any)[0].(map[string]any)
	start, _ := time.Parse(time.RFC3339, win["start_at"].(string))
	if status, _, m = c.do("PATCH", "/v2/porting_orders/"+fast+"/activation_jobs/"+jid, map[string]any{"activate_at": start.Add(-time.Hour).Format(time.RFC3339)}); status != 422 {
		t.Fatalf("activate_at outside the window: %d %v", status, m)
	}
	at := start.Add(2 * time.Hour).UTC()
	status, _, m = c.do("PATCH", "/v2/porting_orders/"+fast+"/activation_jobs/"+jid, map[string]any{"activate_at": at.Format(time.RFC3339)})
	if got, _ := time.Parse(time.RFC3339, m["data"].(map[string]any)["activate_at"].(string)); status != 200 || !got.Equal(at) {
		t.Fatalf("schedule: %d %v", status, m)
	}
	f.Tick() // not yet activate_at: nothing moves
	if _, _, m = c.do("GET", "/v2/porting_orders/"+fast+"/activation_jobs/"+jid, nil); m["data"].(map[string]any)["status"] != "created" {
		t.Fatalf("job moved before activate_at: %v", m)
	}
	f.Advance()
	if _, _, m = c.do("GET", "/v2/porting_orders/"+fast+"/activation_jobs", nil); m["data"].([]any)[0].(map[string]any)["status"] != "in-process" {
		t.Fatalf("jobs %v", m)
	}
	f.Advance()
	_, _, m = c.do("GET", "/v2/porting_orders/"+fast, nil)
	if o := m["data"].(map[string]any); o["status"].(map[string]any)["value"] != "ported" || o["activation_settings"].(map[string]any)["activation_status"] != "Active" {
		t.Fatalf("after activation: %v", o)
	}
	if status, _, m = c.do("GET", "/v2/porting_orders/"+fast+"/allowed_foc_windows", nil); status != 200 || len(m["data"].([]any)) != 0 {
		t.Fatalf("a ported order has no FOC windows: %d %v", status, m)
	}
}

func str(v any) string { s, _ := v.(string); return s }
