package service_test

import (
	"testing"

	pb "github.com/portgate/portgate/gen/portgate/v1"
)

// austin is a valid emergency address in the REST JSON form.
func austin(label string) map[string]any {
	return map[string]any{"displayName": label, "firstName": "Jane", "lastName": "Roe", "businessName": "Acme Widgets",
		"streetNumber": "600", "streetName": "Congress Ave", "unitType": "Suite", "unitNumber": "200",
		"locality": "Austin", "administrativeArea": "TX", "postalCode": "78701", "regionCode": "US"}
}

func reasonOf(body map[string]any) string {
	d := detail(body, "type.googleapis.com/google.rpc.ErrorInfo")
	r, _ := d["reason"].(string)
	return r
}

// TestEmergencyAndCallerIDTourREST is the README "Emergency addresses and
// caller ID (CNAM)" tour over REST: an emergency address created (validated
// first), assigned to a number, refused deletion while in use; a caller ID
// name set on the number, PENDING until the sandbox step approves it.
func TestEmergencyAndCallerIDTourREST(t *testing.T) {
	e := start(t)
	t.Run("flowroute", func(t *testing.T) {
		num := e.base + "/v1/providers/flowroute/numbers/13125550100"
		bad := austin("bad")
		bad["postalCode"] = "00000"
		code, body := rest(t, "POST", e.base+"/v1/providers/flowroute/emergencyAddresses", bad)
		if code != 400 || reasonOf(body) != "EMERGENCY_ADDRESS_INVALID" {
			t.Fatalf("invalid address: %d %v", code, body)
		}
		code, addr := rest(t, "POST", e.base+"/v1/providers/flowroute/emergencyAddresses", austin("HQ"))
		name, _ := addr["name"].(string)
		if code != 200 || addr["streetName"] != "Congress Ave" || addr["unitType"] != "Suite" || name == "" {
			t.Fatalf("create: %d %v", code, addr)
		}
		if code, got := rest(t, "GET", e.base+"/v1/"+name, nil); code != 200 || got["displayName"] != "HQ" {
			t.Fatalf("get: %d %v", code, got)
		}
		code, list := rest(t, "GET", e.base+"/v1/providers/-/emergencyAddresses", nil)
		if items, _ := list["emergencyAddresses"].([]any); code != 200 || len(items) != 1 {
			t.Fatalf("list: %d %v", code, list)
		}
		code, n := rest(t, "POST", num+":assignEmergencyAddress", map[string]any{"emergencyAddress": name})
		if code != 200 || n["emergencyAddress"] != name || n["emergencyStatus"] != "EMERGENCY_STATUS_ENABLED" {
			t.Fatalf("assign: %d %v", code, n)
		}
		code, body = rest(t, "DELETE", e.base+"/v1/"+name, nil)
		if code != 400 || reasonOf(body) != "EMERGENCY_ADDRESS_IN_USE" {
			t.Fatalf("delete in use: %d %v", code, body)
		}
		code, body = rest(t, "POST", e.base+"/v1/providers/flowroute/numbers/18005550100:assignEmergencyAddress", map[string]any{"emergencyAddress": name})
		if code != 400 || reasonOf(body) != "EMERGENCY_NOT_SUPPORTED" {
			t.Fatalf("assign to toll-free: %d %v", code, body)
		}

		code, body = rest(t, "POST", num+":setCallerIdName", map[string]any{"value": "Acme & Co!"})
		if code != 400 {
			t.Fatalf("invalid CNAM: %d %v", code, body)
		}
		code, n = rest(t, "POST", num+":setCallerIdName", map[string]any{"value": "ACME WIDGETS"})
		cid, _ := n["callerIdName"].(map[string]any)
		if code != 200 || cid["value"] != "ACME WIDGETS" || cid["state"] != "PENDING" || cid["callerIdName"] == nil {
			t.Fatalf("set CNAM: %d %v", code, n)
		}
		e.app.Sandboxes["flowroute"].Advance() // Flowroute: 5–7 business days
		code, n = rest(t, "GET", num, nil)
		if cid, _ := n["callerIdName"].(map[string]any); code != 200 || cid["state"] != "APPROVED" {
			t.Fatalf("after approval: %d %v", code, n)
		}
		code, rec := rest(t, "GET", e.base+"/v1/"+cid["callerIdName"].(string), nil)
		if code != 200 || rec["state"] != "APPROVED" || rec["approveTime"] == nil {
			t.Fatalf("record: %d %v", code, rec)
		}
		// The same value again reuses the record instead of creating another.
		if code, n := rest(t, "POST", e.base+"/v1/providers/flowroute/numbers/13125550101:setCallerIdName", map[string]any{"value": "ACME WIDGETS"}); code != 200 ||
			n["callerIdName"].(map[string]any)["callerIdName"] != cid["callerIdName"] {
			t.Fatalf("reuse: %d %v", code, n)
		}
		if code, n := rest(t, "POST", num+":unassignEmergencyAddress", map[string]any{}); code != 200 || n["emergencyAddress"] != nil ||
			n["emergencyStatus"] != "EMERGENCY_STATUS_DISABLED" {
			t.Fatalf("unassign: %d %v", code, n)
		}
		if code, body := rest(t, "DELETE", e.base+"/v1/"+name, nil); code != 200 {
			t.Fatalf("delete: %d %v", code, body)
		}
		if code, body := rest(t, "GET", e.base+"/v1/"+name, nil); code != 404 || reasonOf(body) != "EMERGENCY_ADDRESS_NOT_FOUND" {
			t.Fatalf("get deleted: %d %v", code, body)
		}
	})
	t.Run("telnyx", func(t *testing.T) {
		num := e.base + "/v1/providers/telnyx/numbers/13125550100"
		code, addr := rest(t, "POST", e.base+"/v1/providers/telnyx/emergencyAddresses", austin("HQ"))
		name, _ := addr["name"].(string)
		if code != 200 || addr["streetNumber"] != "600" || addr["streetName"] != "Congress Ave" || addr["unitNumber"] != "200" {
			t.Fatalf("create: %d %v", code, addr)
		}
		code, n := rest(t, "POST", num+":assignEmergencyAddress", map[string]any{"emergencyAddress": name})
		if code != 200 || n["emergencyAddress"] != name || n["emergencyStatus"] != "EMERGENCY_STATUS_PENDING" {
			t.Fatalf("assign: %d %v", code, n)
		}
		e.app.Sandboxes["telnyx"].Advance() // enablement is asynchronous
		if code, n := rest(t, "GET", num, nil); code != 200 || n["emergencyStatus"] != "EMERGENCY_STATUS_ENABLED" {
			t.Fatalf("after provisioning: %d %v", code, n)
		}
		code, body := rest(t, "DELETE", e.base+"/v1/"+name, nil)
		if code != 400 || reasonOf(body) != "EMERGENCY_ADDRESS_IN_USE" {
			t.Fatalf("delete in use: %d %v", code, body)
		}
		code, n = rest(t, "POST", num+":setCallerIdName", map[string]any{"value": "ACME WIDGETS"})
		if cid, _ := n["callerIdName"].(map[string]any); code != 200 || cid["value"] != "ACME WIDGETS" || cid["callerIdName"] != nil {
			t.Fatalf("set CNAM listing: %d %v", code, n)
		}
		code, body = rest(t, "POST", e.base+"/v1/providers/telnyx/callerIdNames", map[string]any{"value": "ACME"})
		if code != 501 || reasonOf(body) != "PROVIDER_CAPABILITY_MISSING" {
			t.Fatalf("telnyx CNAM record: %d %v", code, body)
		}
		if code, n := rest(t, "POST", num+":clearCallerIdName", map[string]any{}); code != 200 || n["callerIdName"] != nil {
			t.Fatalf("clear: %d %v", code, n)
		}
	})
}

// The caller ID name rules hold before any provider call, on both
// providers, over gRPC.
func TestCallerIDNameRulesGRPC(t *testing.T) {
	e := start(t)
	for _, v := range []string{"", "Sixteen chars xx", "Acme & Co", "Café"} {
		_, err := e.numbers.CreateCallerIdName(t.Context(), &pb.CreateCallerIdNameRequest{Parent: "providers/flowroute",
			CallerIdName: &pb.CallerIdName{Value: v}})
		if st, _ := errorInfo(t, err); st.Code() != 3 {
			t.Errorf("%q: %v", v, err)
		}
	}
	_, err := e.numbers.SetNumberCallerIdName(t.Context(), &pb.SetNumberCallerIdNameRequest{Name: "providers/telnyx/numbers/13125550100",
		CallerIdName: "providers/flowroute/callerIdNames/11201"})
	if st, _ := errorInfo(t, err); st.Code() != 3 {
		t.Errorf("record at another provider: %v", err)
	}
}

// A retried create with the same request_id answers the first address; the
// provider gets one create.
func TestCreateEmergencyAddressRequestID(t *testing.T) {
	e := start(t)
	req := &pb.CreateEmergencyAddressRequest{Parent: "providers/flowroute", RequestId: "7b0c8f4e-3f2a-4c1d-9e5b-2a6d8c9f0e11",
		EmergencyAddress: &pb.EmergencyAddress{FirstName: "Jane", LastName: "Roe", StreetNumber: "600", StreetName: "Congress Ave",
			Locality: "Austin", AdministrativeArea: "TX", PostalCode: "78701", RegionCode: "US"}}
	first, err := e.numbers.CreateEmergencyAddress(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.numbers.CreateEmergencyAddress(t.Context(), req)
	if err != nil || again.GetName() != first.GetName() {
		t.Fatalf("retry: %v, %v; want %s", again, err, first.GetName())
	}
	list, err := e.numbers.ListEmergencyAddresses(t.Context(), &pb.ListEmergencyAddressesRequest{Parent: "providers/flowroute"})
	if err != nil || len(list.GetEmergencyAddresses()) != 1 {
		t.Fatalf("list: %v, %v; want one address", list, err)
	}
}
