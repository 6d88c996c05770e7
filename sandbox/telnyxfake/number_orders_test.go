package telnyxfake_test

import (
	"crypto/ed25519"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/portgate/portgate/sandbox/telnyxfake"
)

func TestNumberOrderWire(t *testing.T) {
	c, f := newClient(t, telnyxfake.Options{})
	a, b := telnyxfake.AvailableNumbers[0], telnyxfake.AvailableNumbers[1]
	code, _, m := c.do("POST", "/v2/number_orders", map[string]any{"phone_numbers": []any{
		map[string]any{"phone_number": a}, map[string]any{"phone_number": b}}, "customer_reference": "r1"})
	if code != http.StatusOK {
		t.Fatalf("create: %d %v", code, m)
	}
	o := m["data"].(map[string]any)
	id, _ := o["id"].(string)
	if o["status"] != "pending" || o["record_type"] != "number_order" || o["phone_numbers_count"] != float64(2) || o["customer_reference"] != "r1" {
		t.Fatalf("order: %v", o)
	}
	// The numbers are on the account, purchase-pending, until Advance.
	_, _, list := c.do("GET", "/v2/phone_numbers?filter[phone_number]="+a[1:], nil)
	nums := list["data"].([]any)
	if len(nums) != 1 || nums[0].(map[string]any)["status"] != "purchase-pending" {
		t.Fatalf("number while pending: %v", list)
	}
	f.Advance()
	_, _, got := c.do("GET", "/v2/number_orders/"+id, nil)
	if d := got["data"].(map[string]any); d["status"] != "success" || d["phone_numbers"].([]any)[1].(map[string]any)["status"] != "success" {
		t.Fatalf("after Advance: %v", got)
	}
	_, _, list = c.do("GET", "/v2/phone_numbers?filter[phone_number]="+a[1:], nil)
	if n := list["data"].([]any)[0].(map[string]any); n["status"] != "active" || n["customer_reference"] != "r1" {
		t.Fatalf("number after Advance: %v", n)
	}
	// Bought once: a second order for it, or any number outside the
	// inventory, is refused with a pointer; nothing is created.
	for _, n := range []string{a, "+13125550999"} {
		code, _, m = c.do("POST", "/v2/number_orders", map[string]any{"phone_numbers": []any{map[string]any{"phone_number": n}}})
		if e := firstError(m); code != http.StatusUnprocessableEntity || e["code"] != "10015" ||
			e["source"].(map[string]any)["pointer"] != "/phone_numbers/0/phone_number" {
			t.Errorf("buy %s again/unavailable: %d %v", n, code, m)
		}
	}
	for _, body := range []map[string]any{
		{"phone_numbers": []any{}},
		{"phone_numbers": []any{map[string]any{"phone_number": "13125550302"}}},
		{"phone_numbers": []any{map[string]any{"phone_number": telnyxfake.AvailableNumbers[2]}}, "bogus": 1},
	} {
		if code, _, m = c.do("POST", "/v2/number_orders", body); code != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d %v", body, code, m)
		}
	}
	_, _, all := c.do("GET", "/v2/number_orders?page[size]=1", nil)
	if meta := all["meta"].(map[string]any); meta["total_results"] != float64(1) {
		t.Errorf("list: %v", all)
	}
	if code, _, _ := c.do("GET", "/v2/number_orders/00000000-0000-4000-8000-000000000000", nil); code != http.StatusNotFound {
		t.Errorf("unknown order: %d", code)
	}
	if code, _, _ := c.do("GET", "/v2/number_orders/nope", nil); code != http.StatusBadRequest {
		t.Errorf("malformed order id: %d", code)
	}
}

func TestDeletePhoneNumberAndLock(t *testing.T) {
	c, f := newClient(t, telnyxfake.Options{SeedNumbers: []string{"+13125550100", "+13125550101"}})
	_, _, list := c.do("GET", "/v2/phone_numbers", nil)
	ids := map[string]string{}
	for _, n := range list["data"].([]any) {
		n := n.(map[string]any)
		ids[n["phone_number"].(string)] = n["id"].(string)
	}
	if err := f.SetDeletionLock("+13125550101", true); err != nil {
		t.Fatal(err)
	}
	_, _, got := c.do("GET", "/v2/phone_numbers/"+ids["+13125550101"], nil)
	if got["data"].(map[string]any)["deletion_lock_enabled"] != true {
		t.Fatalf("lock not shown: %v", got)
	}
	if code, _, m := c.do("DELETE", "/v2/phone_numbers/"+ids["+13125550101"], nil); code != http.StatusUnprocessableEntity {
		t.Errorf("locked delete: %d %v", code, m)
	}
	code, _, m := c.do("DELETE", "/v2/phone_numbers/"+ids["+13125550100"], nil)
	if code != http.StatusOK || m["data"].(map[string]any)["status"] != "deleted" {
		t.Fatalf("delete: %d %v", code, m)
	}
	if code, _, _ := c.do("GET", "/v2/phone_numbers/"+ids["+13125550100"], nil); code != http.StatusNotFound {
		t.Errorf("deleted number still there: %d", code)
	}
	if code, _, _ := c.do("DELETE", "/v2/phone_numbers/"+ids["+13125550100"], nil); code != http.StatusNotFound {
		t.Errorf("second delete: %d", code)
	}
}

// Completing an order sends the spec's number_order.complete event, signed,
// with the order as payload; it is not a porting event.
func TestNumberOrderCompleteWebhook(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	got := make(chan map[string]any, 4)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var env map[string]any
		_ = json.Unmarshal(b, &env)
		if !telnyxfake.Verify(pub, r.Header.Get(telnyxfake.HeaderSignature), r.Header.Get(telnyxfake.HeaderTimestamp), b) {
			env = map[string]any{"bad": "signature"}
		}
		got <- env
	}))
	defer recv.Close()
	c, f := newClient(t, telnyxfake.Options{WebhookURL: recv.URL, WebhookPrivateKey: priv})
	_, _, m := c.do("POST", "/v2/number_orders", map[string]any{"phone_numbers": []any{map[string]any{"phone_number": telnyxfake.AvailableNumbers[0]}}})
	id := m["data"].(map[string]any)["id"]
	f.Advance()
	env := <-got
	data, _ := env["data"].(map[string]any)
	payload, _ := data["payload"].(map[string]any)
	if data["event_type"] != "number_order.complete" || data["record_type"] != "event" || payload["id"] != id || payload["status"] != "success" {
		t.Fatalf("webhook: %v", env)
	}
	if meta, _ := env["meta"].(map[string]any); meta["attempt"] != float64(1) || meta["delivered_to"] == nil {
		t.Fatalf("meta: %v", env)
	}
	_, _, evs := c.do("GET", "/v2/porting/events", nil)
	if n := len(evs["data"].([]any)); n != 0 {
		t.Errorf("%d porting events, want 0", n)
	}
}
