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
	if code, n := rest(t, "POST", num+":clearCallerIdName", map[string]any{}); code != 200 {
		t.Fatalf("clear: %d %v", code, n)
	}
	if code, n := rest(t, "GET", num, nil); code != 200 || n["callerIdName"] != nil {
		t.Fatalf("get after clear: %d %v", code, n)
	}
}
