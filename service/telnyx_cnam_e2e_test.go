package service_test

import "testing"

// TestCallerIDNameGetNumberTelnyxREST: a CNAM listing set on a Telnyx
// number is read back by GetNumber (from the number's voice settings);
// cleared, GetNumber shows none. ListNumbers leaves caller_id_name unset
// on Telnyx (one voice-settings call per number otherwise; documented).
func TestCallerIDNameGetNumberTelnyxREST(t *testing.T) {
	e := start(t)
	num := e.base + "/v1/providers/telnyx/numbers/13125550100"
	if code, n := rest(t, "POST", num+":setCallerIdName", map[string]any{"value": "ACME WIDGETS"}); code != 200 {
		t.Fatalf("set: %d %v", code, n)
	}
	code, n := rest(t, "GET", num, nil)
	if cid, _ := n["callerIdName"].(map[string]any); code != 200 || cid["value"] != "ACME WIDGETS" || cid["callerIdName"] != nil {
		t.Fatalf("get after set: %d %v", code, n)
	}
	// caller_id_name is not part of the etag (only GetNumber reads it on
	// Telnyx): a listed number's etag is the current one for UpdateNumber.
	code, page := rest(t, "GET", e.base+"/v1/providers/telnyx/numbers?filter=phone_number%3D%22%2B13125550100%22", nil)
	listed, _ := page["numbers"].([]any)
	if code != 200 || len(listed) != 1 {
		t.Fatalf("list: %d %v", code, page)
	}
	if l := listed[0].(map[string]any); l["callerIdName"] != nil || l["etag"] != n["etag"] {
		t.Fatalf("listed %v, got etag %v", l, n["etag"])
	}
	if code, u := rest(t, "PATCH", num+"?updateMask=alias", map[string]any{"alias": "front desk", "etag": n["etag"]}); code != 200 {
		t.Fatalf("update with the read etag: %d %v", code, u)
	}
	if code, n := rest(t, "POST", num+":clearCallerIdName", map[string]any{}); code != 200 {
		t.Fatalf("clear: %d %v", code, n)
	}
	if code, n := rest(t, "GET", num, nil); code != 200 || n["callerIdName"] != nil {
		t.Fatalf("get after clear: %d %v", code, n)
	}
}
