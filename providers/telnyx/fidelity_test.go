package telnyx_test

// Fidelity tests (issue 12) against a stub that answers as Telnyx documents
// (spec3.yml / telnyx-go v4.97.0; docs/mapping/telnyx.md "Sources"), not as
// the sandbox does: numbers without "+" as in Telnyx's own examples, at most
// 50 numbers inlined per order, porting_phone_numbers items carrying their
// porting_order_id, list meta {page_number,page_size,total_pages,total_results}.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/telnyx"
)

type stubOrder struct {
	id, ref, status string
	numbers         []string // wire form (no "+", as in Telnyx's examples)
}

// docStub is a documented-shape Telnyx stub for porting orders and numbers.
type docStub struct {
	t                 *testing.T
	mu                sync.Mutex
	orders            []*stubOrder
	requests          []string // "METHOD path?query"
	created           int
	failNumbersList   int      // HTTP status for GET /porting_phone_numbers (0 = answer)
	ignoreOrderFilter bool     // porting_phone_numbers ignores filter[porting_order_id]
	createWith        []string // numbers the POST answer holds instead of the request's (wire form)
	accountNumbers    []string
	patchStatus       int // answer to PATCH /porting_orders/{id} (0 = apply)
	deleteStatus      int // answer to DELETE /porting_orders/{id} (0 = 204)
	deleted           int
}

func (s *docStub) wireOrder(o *stubOrder) map[string]any {
	pns := []any{}
	for i, n := range o.numbers {
		if i == 50 { // include_phone_numbers: "at most 50"
			break
		}
		pns = append(pns, map[string]any{"phone_number": n, "porting_order_id": o.id, "record_type": "porting_phone_number"})
	}
	var ref any
	if o.ref != "" {
		ref = o.ref
	}
	return map[string]any{"id": o.id, "record_type": "porting_order", "status": map[string]any{"value": o.status, "details": []any{}},
		"customer_reference": ref, "phone_numbers": pns, "porting_phone_numbers_count": len(o.numbers),
		"support_key": nil, "parent_support_key": nil, "requirements_met": false,
		"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
}

func page(w http.ResponseWriter, q url.Values, items []any) {
	num, _ := strconv.Atoi(q.Get("page[number]"))
	size, _ := strconv.Atoi(q.Get("page[size]"))
	if num < 1 {
		num = 1
	}
	if size < 1 {
		size = 20
	}
	total := (len(items) + size - 1) / size
	lo, hi := min((num-1)*size, len(items)), min(num*size, len(items))
	writeJSON(w, 200, map[string]any{"data": items[lo:hi], "meta": map[string]any{"page_number": num, "page_size": size,
		"total_pages": total, "total_results": len(items)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *docStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	s.requests = append(s.requests, r.Method+" "+r.URL.Path+"?"+q.Encode())
	path := strings.TrimPrefix(r.URL.Path, "/v2")
	switch {
	case r.Method == "POST" && path == "/porting_orders":
		var body struct {
			PhoneNumbers      []string `json:"phone_numbers"`
			CustomerReference string   `json:"customer_reference"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		s.created++
		o := &stubOrder{id: fmt.Sprintf("00000000-0000-4000-8000-%012d", len(s.orders)+1), ref: body.CustomerReference, status: "draft"}
		for _, n := range body.PhoneNumbers {
			o.numbers = append(o.numbers, strings.TrimPrefix(n, "+"))
		}
		if s.createWith != nil {
			o.numbers = s.createWith
		}
		s.orders = append(s.orders, o)
		writeJSON(w, 201, map[string]any{"data": []any{s.wireOrder(o)}})
	case r.Method == "GET" && path == "/porting_orders":
		var items []any
		for _, o := range s.orders {
			if ref := q.Get("filter[customer_reference]"); ref != "" && o.ref != ref {
				continue
			}
			if c := q.Get("filter[phone_numbers][phone_number][contains]"); c != "" &&
				!slices.ContainsFunc(o.numbers, func(n string) bool { return strings.Contains(n, c) }) {
				continue
			}
			items = append(items, s.wireOrder(o))
		}
		page(w, q, items)
	case r.Method == "GET" && strings.HasPrefix(path, "/porting_orders/") &&
		(strings.HasSuffix(path, "/requirements") || strings.HasSuffix(path, "/allowed_foc_windows")):
		page(w, q, []any{})
	case r.Method == "GET" && strings.HasPrefix(path, "/porting_orders/"):
		for _, o := range s.orders {
			if o.id == strings.TrimPrefix(path, "/porting_orders/") {
				writeJSON(w, 200, map[string]any{"data": s.wireOrder(o),
					"meta": map[string]any{"phone_numbers_url": "/v2/porting_phone_numbers?filter[porting_order_id]=" + o.id +
						"&filter[porting_order_status]=" + o.status}})
				return
			}
		}
		writeJSON(w, 404, map[string]any{"errors": []any{map[string]any{"code": "10005", "title": "Resource not found",
			"detail": "not found", "meta": map[string]any{"retryable": false}}}})
	case r.Method == "PATCH" && strings.HasPrefix(path, "/porting_orders/"):
		if s.patchStatus != 0 {
			retry := s.patchStatus >= 500
			writeJSON(w, s.patchStatus, map[string]any{"errors": []any{map[string]any{"code": "10015", "title": "Bad Request",
				"detail": "refused", "source": map[string]any{"pointer": "/end_user/admin/billing_phone_number"},
				"meta": map[string]any{"retryable": retry}}}})
			return
		}
		for _, o := range s.orders {
			if o.id == strings.TrimPrefix(path, "/porting_orders/") {
				writeJSON(w, 200, map[string]any{"data": s.wireOrder(o), "meta": map[string]any{}})
				return
			}
		}
		writeJSON(w, 404, map[string]any{"errors": []any{map[string]any{"code": "10005", "title": "Resource not found", "detail": "nf"}}})
	case r.Method == "DELETE" && strings.HasPrefix(path, "/porting_orders/"):
		if s.deleteStatus != 0 {
			writeJSON(w, s.deleteStatus, map[string]any{"errors": []any{map[string]any{"code": "10007", "title": "Unexpected error",
				"detail": "x", "meta": map[string]any{"retryable": true}}}})
			return
		}
		s.deleted++
		w.WriteHeader(http.StatusNoContent)
	case r.Method == "GET" && path == "/porting_phone_numbers":
		if s.failNumbersList != 0 {
			writeJSON(w, s.failNumbersList, map[string]any{"errors": []any{map[string]any{"code": "10007", "title": "Unexpected error",
				"detail": "try later", "meta": map[string]any{"retryable": true}}}})
			return
		}
		var items []any
		for _, o := range s.orders {
			if id := q.Get("filter[porting_order_id]"); id != "" && id != o.id && !s.ignoreOrderFilter {
				continue
			}
			for _, n := range o.numbers {
				items = append(items, map[string]any{"phone_number": n, "porting_order_id": o.id, "record_type": "porting_phone_number"})
			}
		}
		page(w, q, items)
	case r.Method == "GET" && path == "/phone_numbers":
		// "Requires at least three digits. Non-numerical characters will
		// result in no values being returned."
		f := q.Get("filter[phone_number]")
		var items []any
		for i, n := range s.accountNumbers {
			if f != "" && (strings.Trim(f, "0123456789") != "" || !strings.Contains(n, f)) {
				continue
			}
			items = append(items, map[string]any{"id": strconv.Itoa(1000 + i), "phone_number": "+" + n, "status": "active", "record_type": "phone_number"})
		}
		page(w, q, items)
	default:
		_, _ = io.Copy(io.Discard, r.Body)
		writeJSON(w, 404, map[string]any{"errors": []any{map[string]any{"code": "10005", "title": "Resource not found", "detail": "no route"}}})
	}
}

func newDocStub(t *testing.T) (*docStub, *telnyx.Provider) {
	t.Helper()
	s := &docStub{t: t}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	p, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return s, p
}

// sixty returns n numbers +1312555 01xx / 02xx (E.164).
func numbersN(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("+1312555%04d", 1000+i)
	}
	return out
}

func wireForm(e []string) []string {
	out := make([]string, len(e))
	for i, n := range e {
		out[i] = strings.TrimPrefix(n, "+")
	}
	return out
}

// Item 1: a retried create of a 60-number order finds the first one (it
// used to compare against the 50 inlined numbers, miss, and POST again).
func TestFidelityRetriedCreateOfSixtyNumbersDedupes(t *testing.T) {
	s, p := newDocStub(t)
	nums := numbersN(60)
	s.orders = []*stubOrder{{id: "00000000-0000-4000-8000-000000000099", ref: "ref-60", status: "draft", numbers: wireForm(nums)}}
	res, err := p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: providers.PortOrder{PhoneNumbers: nums, CustomerReference: "ref-60"}})
	if err != nil {
		t.Fatal(err)
	}
	if s.created != 0 {
		t.Fatalf("retried create made %d new order(s) (duplicate)", s.created)
	}
	if res.Order.ID != "00000000-0000-4000-8000-000000000099" || len(res.Order.PhoneNumbers) != 60 {
		t.Fatalf("got %s with %d numbers", res.Order.ID, len(res.Order.PhoneNumbers))
	}
}

// Items 1 and 3: create, list, get return all 60 numbers (not the 50 inlined).
func TestFidelitySixtyNumbersAreComplete(t *testing.T) {
	s, p := newDocStub(t)
	nums := numbersN(60)
	res, err := p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: providers.PortOrder{PhoneNumbers: nums}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Order.PhoneNumbers, nums) || len(res.Order.MissingDetails) != 0 {
		t.Fatalf("create: %d numbers, missing %v", len(res.Order.PhoneNumbers), res.Order.MissingDetails)
	}
	pg, err := p.ListPortOrders(ctx(t), providers.PortOrderFilter{PhoneNumber: nums[55]}, providers.ListQuery{Limit: 10})
	if err != nil || len(pg.Orders) != 1 || !slices.Contains(pg.Orders[0].PhoneNumbers, nums[55]) {
		t.Fatalf("list for the 56th number: %v %v", pg, err)
	}
	g, err := p.GetPortOrder(ctx(t), res.Order.ID)
	if err != nil || len(g.PhoneNumbers) != 60 {
		t.Fatalf("get: %v %v", g, err)
	}
	// GET follows the documented meta.phone_numbers_url (its query as given).
	last := ""
	for _, r := range s.requests {
		if strings.HasPrefix(r, "GET /v2/porting_phone_numbers?") {
			last = r
		}
	}
	if !strings.Contains(last, "filter%5Bporting_order_status%5D=draft") {
		t.Errorf("GetPortOrder did not follow meta.phone_numbers_url: %s", last)
	}
}

// Item 1: the order exists once POST answered 201; a failed number listing
// afterwards marks the list partial instead of failing the create.
func TestFidelityCreateAcceptedThenNumberListFails(t *testing.T) {
	s, p := newDocStub(t)
	s.failNumbersList = http.StatusServiceUnavailable
	res, err := p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: providers.PortOrder{PhoneNumbers: numbersN(60)}})
	if err != nil {
		t.Fatalf("accepted create reported as %v", err)
	}
	if len(res.Order.PhoneNumbers) != 50 || !slices.Equal(res.Order.MissingDetails, []string{"phone_numbers"}) {
		t.Fatalf("got %d numbers, missing %v; want 50 and [phone_numbers]", len(res.Order.PhoneNumbers), res.Order.MissingDetails)
	}
}

// Item 5: porting_phone_numbers items of other orders (a filter the server
// did not apply) are not attributed to this order.
func TestFidelityForeignPortingPhoneNumbersIgnored(t *testing.T) {
	s, p := newDocStub(t)
	s.ignoreOrderFilter = true
	other := &stubOrder{id: "00000000-0000-4000-8000-000000000077", status: "draft", numbers: wireForm(numbersN(3))}
	s.orders = []*stubOrder{other}
	nums := make([]string, 55)
	for i := range nums {
		nums[i] = fmt.Sprintf("+1206555%04d", 2000+i)
	}
	res, err := p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: providers.PortOrder{PhoneNumbers: nums}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Order.PhoneNumbers, nums) {
		t.Fatalf("numbers = %v", res.Order.PhoneNumbers)
	}
}

// Item 2: Telnyx's own example form (13035550987) and a number the phone
// library rejects in a create answer: the create succeeds, the bad number is
// kept as sent and flagged.
func TestFidelityProviderNumbersParsedLeniently(t *testing.T) {
	s, p := newDocStub(t)
	s.createWith = []string{"13035550987", "1303555"}
	res, err := p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: providers.PortOrder{PhoneNumbers: []string{"+13035550987"}}})
	if err != nil {
		t.Fatalf("create failed after the order exists: %v", err)
	}
	if !slices.Equal(res.Order.PhoneNumbers, []string{"+13035550987"}) || !slices.Equal(res.Order.InvalidPhoneNumbers, []string{"1303555"}) {
		t.Fatalf("numbers %v, invalid %v", res.Order.PhoneNumbers, res.Order.InvalidPhoneNumbers)
	}
}

// Item 4: filter[phone_number] must be digits ("Non-numerical characters
// will result in no values being returned").
func TestFidelityNumberFilterDigitsOnly(t *testing.T) {
	s, p := newDocStub(t)
	s.accountNumbers = []string{"13125550100", "12065550100"}
	pg, err := p.ListNumbers(ctx(t), providers.NumberFilter{Contains: "+1312555"}, providers.ListQuery{Limit: 10})
	if err != nil || len(pg.Numbers) != 1 || pg.Numbers[0].PhoneNumber != "+13125550100" {
		t.Fatalf("contains +1312555: %v %v", pg, err)
	}
	pg, err = p.ListNumbers(ctx(t), providers.NumberFilter{Prefix: "+1206"}, providers.ListQuery{Limit: 10})
	if err != nil || len(pg.Numbers) != 1 || pg.Numbers[0].PhoneNumber != "+12065550100" {
		t.Fatalf("prefix +1206: %v %v", pg, err)
	}
}

// Item 5: documented list parameter names only (sort[value], no status filter,
// deepObject phone filter with digits).
func TestFidelityListQueryNames(t *testing.T) {
	s, p := newDocStub(t)
	if _, err := p.ListPortOrders(ctx(t), providers.PortOrderFilter{States: []providers.State{providers.StateDraft},
		PhoneNumber: "+13125550100", CustomerReference: "r"}, providers.ListQuery{Limit: 10}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: providers.PortOrder{
		PhoneNumbers: []string{"+13125550100"}, CustomerReference: "r"}}); err != nil {
		t.Fatal(err)
	}
	for _, r := range s.requests {
		if !strings.HasPrefix(r, "GET /v2/porting_orders?") {
			continue
		}
		q, _ := url.ParseQuery(strings.SplitN(r, "?", 2)[1])
		for k := range q {
			switch k {
			case "sort[value]", "page[number]", "page[size]", "filter[customer_reference]", "filter[phone_numbers][phone_number][contains]":
			default:
				t.Errorf("%s: undocumented parameter %s", r, k)
			}
		}
		if q.Get("sort[value]") != "created_at" {
			t.Errorf("%s: sort[value] = %q", r, q.Get("sort[value]"))
		}
		if v := q.Get("filter[phone_numbers][phone_number][contains]"); v != "" && v != "13125550100" {
			t.Errorf("%s: phone filter %q, want digits", r, v)
		}
	}
}

// Item 6: errors classified by the documented fields (porting api-errors
// page: code, title, detail, meta.retryable always present; source.pointer
// "/" for request-level errors; 80xxx porting codes; x-should-retry as the
// SDKs obey it).
func TestFidelityErrorClassification(t *testing.T) {
	cases := []struct {
		name       string
		status     int
		header     map[string]string
		body       string
		code       providers.Code
		violations []string
		reason     string
	}{
		{"request-level pointer / is no field violation", 422, nil,
			`{"errors":[{"code":"80010","title":"Porting order not editable","detail":"The porting order cannot be modified.","source":{"pointer":"/"},"meta":{"retryable":false,"url":"u"}}]}`,
			providers.CodeInvalidArgument, nil, ""},
		{"field pointer", 422, nil,
			`{"errors":[{"code":"10015","title":"Bad Request","detail":"invalid","source":{"pointer":"/end_user/admin/entity_name"},"meta":{"retryable":false}}]}`,
			providers.CodeInvalidArgument, []string{"port_order.end_user.entity_name"}, ""},
		{"422 retryable (meta.retryable wins)", 422, nil,
			`{"errors":[{"code":"10038","title":"Service unavailable","detail":"try again","source":{"pointer":"/"},"meta":{"retryable":true}}]}`,
			providers.CodeUnavailable, nil, ""},
		{"500 not retryable", 500, nil,
			`{"errors":[{"code":"80099","title":"Porting failure","detail":"cannot succeed as is","meta":{"retryable":false}}]}`,
			providers.CodeUnknown, nil, ""},
		{"403 porting not enabled", 403, nil,
			`{"errors":[{"code":"10010","title":"Authorization failed","detail":"Porting is not enabled on this account.","source":{"pointer":"/"},"meta":{"retryable":false}}]}`,
			providers.CodeFailedPrecondition, nil, "PROVIDER_PERMISSION_DENIED"},
		{"409 retried as the SDKs do", 409, nil,
			`{"errors":[{"code":"10012","title":"Conflict","detail":"in flight"}]}`,
			providers.CodeUnavailable, nil, ""},
		{"409 marked not retryable", 409, nil,
			`{"errors":[{"code":"10012","title":"Duplicate","detail":"exists","meta":{"retryable":false}}]}`,
			providers.CodeAlreadyExists, nil, ""},
		{"x-should-retry false on 503", 503, map[string]string{"x-should-retry": "false"},
			`{"errors":[{"code":"10007","title":"Unexpected error"}]}`, providers.CodeUnknown, nil, ""},
		{"x-should-retry true on 400", 400, map[string]string{"x-should-retry": "true"},
			`{"errors":[{"code":"10015","title":"Bad Request"}]}`, providers.CodeUnavailable, nil, ""},
		{"numeric code, object detail", 422, nil,
			`{"errors":[{"code":80012,"title":"Invalid","detail":{"reason":"x"},"source":{"pointer":"/misc/type"},"meta":{"retryable":false}}]}`,
			providers.CodeInvalidArgument, []string{"port_order.port_type"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					writeJSON(w, 200, map[string]any{"data": map[string]any{"id": "00000000-0000-4000-8000-000000000001",
						"status": map[string]any{"value": "draft", "details": []any{}}, "phone_numbers": []any{},
						"porting_phone_numbers_count": 0}, "meta": map[string]any{}})
					return
				}
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			p, _ := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
			_, err := p.UpdatePortOrder(ctx(t), providers.PortOrderUpdate{ID: "00000000-0000-4000-8000-000000000001",
				Order: providers.PortOrder{CustomerReference: "x"}, Mask: []string{"customer_reference"}})
			pe := perr(t, err, tc.code)
			var got []string
			for _, v := range pe.Violations {
				got = append(got, v.Field)
			}
			if !slices.Equal(got, tc.violations) {
				t.Errorf("violations %v, want %v", got, tc.violations)
			}
			if tc.reason != "" && pe.Reason != tc.reason {
				t.Errorf("reason %q, want %q", pe.Reason, tc.reason)
			}
			if pe.Reason == "INVALID_STATE_TRANSITION" {
				t.Errorf("inferred a state refusal: %+v", pe)
			}
			if pe.ProviderCode == "" || pe.Message == "" {
				t.Errorf("lost code or message: %+v", pe)
			}
		})
	}
}

// Item 1: once POST /porting_orders answered 201, a failed configuration
// PATCH does not turn the accepted create into an error inviting a retry:
// a transient failure returns the orders with the unapplied fields marked;
// a validation refusal is returned only when the drafts were deleted again.
func TestFidelityCreateAcceptedThenPatchFails(t *testing.T) {
	order := providers.PortOrder{PhoneNumbers: []string{"+13125550100"},
		EndUser: providers.EndUser{EntityName: "Acme", BillingTelephoneNumber: "+13125550100"}}

	s, p := newDocStub(t)
	s.patchStatus = http.StatusServiceUnavailable
	res, err := p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: order})
	if err != nil {
		t.Fatalf("accepted create reported as %v", err)
	}
	if !slices.Contains(res.Order.MissingDetails, "end_user") || s.deleted != 0 {
		t.Fatalf("missing %v, deleted %d; want end_user marked and the order kept", res.Order.MissingDetails, s.deleted)
	}

	s, p = newDocStub(t)
	s.patchStatus, s.deleteStatus = http.StatusUnprocessableEntity, http.StatusServiceUnavailable
	res, err = p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: order})
	if err != nil || !slices.Contains(res.Order.MissingDetails, "end_user") {
		t.Fatalf("refused PATCH, drafts not deletable: %v %v; want the order with end_user marked", res, err)
	}

	s, p = newDocStub(t)
	s.patchStatus = http.StatusUnprocessableEntity
	_, err = p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: order})
	if providers.ErrorCode(err) != providers.CodeInvalidArgument || s.deleted != 1 {
		t.Fatalf("refused PATCH, drafts deleted: %v (deleted %d); want the validation error", err, s.deleted)
	}
}
