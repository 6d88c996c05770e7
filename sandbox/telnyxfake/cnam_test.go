package telnyxfake_test

import (
	"testing"

	"github.com/portgate/portgate/sandbox/telnyxfake"
)

// TestVoiceSettingsServeCNAMListing: GET /phone_numbers/{id}/voice shows
// the cnam_listing the PATCH stored; disabled, details are null.
func TestVoiceSettingsServeCNAMListing(t *testing.T) {
	c, _ := newClient(t, telnyxfake.Options{SeedNumbers: []string{"+13125550100"}})
	_, _, m := c.do("GET", "/v2/phone_numbers?filter[phone_number]=13125550100", nil)
	id := m["data"].([]any)[0].(map[string]any)["id"].(string)
	listing := func() map[string]any {
		t.Helper()
		status, _, m := c.do("GET", "/v2/phone_numbers/"+id+"/voice", nil)
		d, _ := m["data"].(map[string]any)
		if status != 200 || d["record_type"] != "voice_settings" {
			t.Fatalf("%d %v", status, m)
		}
		l, _ := d["cnam_listing"].(map[string]any)
		return l
	}
	if l := listing(); l["cnam_listing_enabled"] != false || l["cnam_listing_details"] != nil {
		t.Fatalf("initial %v", l)
	}
	if status, _, m := c.do("PATCH", "/v2/phone_numbers/"+id+"/voice",
		map[string]any{"cnam_listing": map[string]any{"cnam_listing_enabled": true, "cnam_listing_details": "ACME WIDGETS"}}); status != 200 {
		t.Fatalf("patch %d %v", status, m)
	}
	if l := listing(); l["cnam_listing_enabled"] != true || l["cnam_listing_details"] != "ACME WIDGETS" {
		t.Fatalf("after set %v", l)
	}
	if status, _, m := c.do("PATCH", "/v2/phone_numbers/"+id+"/voice",
		map[string]any{"cnam_listing": map[string]any{"cnam_listing_enabled": false}}); status != 200 {
		t.Fatalf("patch %d %v", status, m)
	}
	if l := listing(); l["cnam_listing_enabled"] != false || l["cnam_listing_details"] != nil {
		t.Fatalf("after clear %v", l)
	}
}
