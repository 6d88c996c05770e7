package telnyx_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/telnyx"
)

// The adapter against a stub answering exactly as the Telnyx OpenAPI spec
// shows (CreateNumberOrderRequest, NumberOrderWithPhoneNumbers,
// PhoneNumberDeletedDetailed examples), not against the fake.

// stubCall is one request a stub saw (shared by the stub tests).
type stubCall struct{ method, path, query, body string }

func stub(t *testing.T, h func(w http.ResponseWriter, r *http.Request)) (*telnyx.Provider, func() []stubCall) {
	t.Helper()
	var mu sync.Mutex
	var calls []stubCall
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		calls = append(calls, stubCall{r.Method, r.URL.Path, r.URL.RawQuery, string(b)})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	p, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return p, func() []stubCall {
		mu.Lock()
		defer mu.Unlock()
		return append([]stubCall(nil), calls...)
	}
}

const specOrder = `{"data":{"id":"12ade33a-21c0-473b-b055-b3c836e1c292","record_type":"number_order","status":"%s",
 "phone_numbers_count":2,"customer_reference":"MY REF 001","connection_id":"346789098765567",
 "messaging_profile_id":"abc85f64-5717-4562-b3fc-2c9600","billing_group_id":"abc85f64-5717-4562-b3fc-2c9600",
 "created_at":"2018-01-01T00:00:00.000000Z","updated_at":"2018-01-01T00:00:00.000000Z","requirements_met":true,
 "sub_number_orders_ids":[],
 "phone_numbers":[
  {"id":"dc8e4d67-33a0-4cbb-af74-7b58f05bd494","phone_number":"+19705555098","record_type":"number_order_phone_number",
   "regulatory_requirements":[],"requirements_met":true,"status":"%s"},
  {"id":"dc8e4d67-33a0-4cbb-af74-7b58f05bd495","phone_number":"+19705555099","record_type":"number_order_phone_number",
   "requirements_met":false,"requirements_status":"requirement-info-pending","status":"%s"}]}}`

func specOrderWith(status, a, b string) string {
	s := specOrder
	for _, v := range []string{status, a, b} {
		s = strings.Replace(s, "%s", v, 1)
	}
	return s
}

func TestNumberOrderAgainstSpecShapes(t *testing.T) {
	for _, c := range []struct {
		status, a, b string
		want         providers.NumberOrderState
	}{
		{"pending", "pending", "pending", providers.NumberOrderPending},
		{"success", "success", "success", providers.NumberOrderSuccess},
		{"failure", "failure", "failure", providers.NumberOrderFailed},
		{"success", "success", "failure", providers.NumberOrderPartial},
		{"something-new", "success", "pending", providers.NumberOrderPending},
	} {
		p, calls := stub(t, func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, specOrderWith(c.status, c.a, c.b))
		})
		o, err := p.CreateNumberOrder(t.Context(), providers.NumberOrderRequest{PhoneNumbers: []string{"+19705555098", "+19705555099"},
			ConnectionID: "346789098765567", CustomerReference: "MY REF 001"})
		if err != nil {
			t.Fatal(err)
		}
		if o.ID != "12ade33a-21c0-473b-b055-b3c836e1c292" || o.State != c.want || o.ProviderStatus != c.status ||
			o.CustomerReference != "MY REF 001" || o.ConnectionID != "346789098765567" || len(o.Numbers) != 2 || o.CreateTime.IsZero() {
			t.Errorf("%s/%s/%s: %+v, want state %s", c.status, c.a, c.b, o, c.want)
		}
		if c.b == "pending" && !strings.Contains(o.Numbers[1].Reason, "requirement-info-pending") {
			t.Errorf("pending number's reason %q: want the requirements status", o.Numbers[1].Reason)
		}
		got := calls()
		if len(got) != 1 || got[0].method != http.MethodPost || got[0].path != "/v2/number_orders" {
			t.Fatalf("calls: %+v", got)
		}
		var body map[string]any
		if err := json.Unmarshal([]byte(got[0].body), &body); err != nil {
			t.Fatal(err)
		}
		nums, _ := body["phone_numbers"].([]any)
		if len(nums) != 2 || nums[0].(map[string]any)["phone_number"] != "+19705555098" || body["connection_id"] != "346789098765567" ||
			body["customer_reference"] != "MY REF 001" || body["messaging_profile_id"] != nil {
			t.Errorf("request body %s: want CreateNumberOrderRequest with phone_numbers[{phone_number}]", got[0].body)
		}
	}
}

const specPhoneNumber = `{"id":"1293384261075731499","record_type":"phone_number","phone_number":"+19705555098",
 "status":"%s","tags":["tag_1"],"external_pin":"1234","phone_number_type":"local","country_iso_alpha2":"US",
 "purchased_at":"2019-10-23T18:10:00.000Z","created_at":"2019-10-23T18:10:00.000Z","deletion_lock_enabled":%s}`

func TestReleaseAgainstSpecShapes(t *testing.T) {
	for _, locked := range []bool{false, true} {
		lock := "false"
		if locked {
			lock = "true"
		}
		p, calls := stub(t, func(w http.ResponseWriter, r *http.Request) {
			num := strings.Replace(strings.Replace(specPhoneNumber, "%s", "active", 1), "%s", lock, 1)
			switch {
			case r.Method == http.MethodGet && r.URL.Path == "/v2/phone_numbers":
				_, _ = io.WriteString(w, `{"data":[`+num+`],"meta":{"page_number":1,"page_size":250,"total_pages":1,"total_results":1}}`)
			case r.Method == http.MethodGet:
				_, _ = io.WriteString(w, `{"data":`+num+`}`)
			case r.Method == http.MethodDelete:
				_, _ = io.WriteString(w, `{"data":`+strings.Replace(strings.Replace(specPhoneNumber, "%s", "deleted", 1), "%s", "false", 1)+`}`)
			}
		})
		n, err := p.ReleaseNumber(t.Context(), "+19705555098")
		deletes := 0
		for _, c := range calls() {
			if c.method == http.MethodDelete {
				deletes++
				if c.path != "/v2/phone_numbers/1293384261075731499" {
					t.Errorf("DELETE %s: want the numeric id", c.path)
				}
			}
		}
		if locked {
			var pe *providers.Error
			if !asErr(err, &pe) || pe.Code != providers.CodeFailedPrecondition || pe.Reason != providers.ReasonNumberDeletionLocked || deletes != 0 {
				t.Errorf("locked: %v, %d DELETEs; want NUMBER_DELETION_LOCKED before any DELETE", err, deletes)
			}
			continue
		}
		if err != nil || n.PhoneNumber != "+19705555098" || n.Status != "deleted" || deletes != 1 {
			t.Errorf("release: %+v %v (%d DELETEs)", n, err, deletes)
		}
	}
}

func asErr(err error, pe **providers.Error) bool {
	e, ok := err.(*providers.Error)
	*pe = e
	return ok
}
