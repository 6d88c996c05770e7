package telnyx_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
	"github.com/portgate/portgate/providers/telnyx"
	"github.com/portgate/portgate/sandbox/telnyxfake"
)

// portInStub answers the port-in calls exactly in the shapes Telnyx documents
// (the OpenAPI examples of ActivatePortingOrder, PortingOrder and
// PortingPhoneNumber), with the odd values a lenient reader must survive.
type portInStub struct {
	mu       sync.Mutex
	calls    []string
	jobs     []any
	patched  map[string]any
	orderRaw func() map[string]any
}

const portInOrderID = "eef10fb8-f3df-4c67-97c5-e18179723222"

func (s *portInStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	path := strings.TrimPrefix(r.URL.Path, "/v2")
	s.calls = append(s.calls, r.Method+" "+path)
	w.Header().Set("Content-Type", "application/json")
	write := func(code int, v any) { w.WriteHeader(code); _ = json.NewEncoder(w).Encode(v) }
	page := func(items []any) {
		write(200, map[string]any{"data": items, "meta": map[string]any{"total_pages": 1, "total_results": len(items), "page_number": 1, "page_size": 250}})
	}
	base := "/porting_orders/" + portInOrderID
	switch {
	case r.Method == "GET" && path == base:
		write(200, map[string]any{"data": s.orderRaw(), "meta": map[string]any{"phone_numbers_url": "/porting_phone_numbers?filter[porting_order_id]=" + portInOrderID}})
	case r.Method == "PATCH" && path == base:
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &s.patched)
		write(200, map[string]any{"data": s.orderRaw()})
	case r.Method == "GET" && (path == base+"/requirements" || path == base+"/allowed_foc_windows"):
		page([]any{})
	case r.Method == "GET" && path == base+"/activation_jobs":
		page(s.jobs)
	case r.Method == "POST" && path == base+"/actions/activate":
		// The documented 202 example, verbatim.
		job := map[string]any{"id": "f1486bae-f067-460c-ad43-73a92848f902", "status": "created", "activation_type": "scheduled",
			"activate_at": "2021-03-19T10:07:15.527Z", "activation_windows": []any{map[string]any{"start_at": "2021-03-19T10:07:15.527Z", "end_at": "2021-03-19T10:07:15.527Z"}},
			"record_type": "porting_activation_job", "created_at": "2021-03-19T10:07:15.527Z", "updated_at": "2021-03-19T10:07:15.527Z"}
		s.jobs = append(s.jobs, job)
		write(202, map[string]any{"data": job})
	default:
		write(404, map[string]any{"errors": []any{map[string]any{"code": "10005", "title": "Resource not found", "detail": path}}})
	}
}

func portInOrder(status string) map[string]any {
	return map[string]any{"id": portInOrderID, "record_type": "porting_order",
		"status":              map[string]any{"value": status, "details": []any{}},
		"activation_settings": map[string]any{"activation_status": "Concurred", "fast_port_eligible": true, "foc_datetime_requested": nil, "foc_datetime_actual": "2021-03-19T10:00:00Z"},
		"messaging":           map[string]any{"enable_messaging": true, "messaging_capable": true, "messaging_port_completed": false, "messaging_port_status": "partial_port_complete"},
		"additional_steps":    []any{"associated_phone_numbers", map[string]any{"odd": 1}},
		"phone_numbers": []any{map[string]any{"phone_number": "13035550987", "phone_number_type": "local", "porting_order_id": portInOrderID,
			"porting_order_status": status, "portability_status": "confirmed", "activation_status": "Activate RDY",
			"requirements_status": "approved", "record_type": "porting_phone_number"}},
		"porting_phone_numbers_count": 1, "requirements_met": true,
		"created_at": "2021-03-19T09:00:00Z", "updated_at": "2021-03-19T09:30:00Z"}
}

func newPortInStubClient(t *testing.T, s *portInStub) *portable.Client {
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	p, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	return portable.New(p)
}

func TestPortInReadsDocumentedShapes(t *testing.T) {
	s := &portInStub{orderRaw: func() map[string]any { return portInOrder("foc-date-confirmed") }}
	c := newPortInStubClient(t, s)
	o, err := c.GetPortOrder(t.Context(), portInOrderID)
	if err != nil {
		t.Fatal(err)
	}
	pi := o.PortIn
	if !pi.FastPortEligible || pi.Activation == nil || pi.Activation.ProviderActivationStatus != "Concurred" {
		t.Errorf("activation: %+v", pi)
	}
	if m := pi.MessagingPort; m == nil || m.State != providers.MessagingPortPartiallyPorted || !m.Enabled {
		t.Errorf("messaging port: %+v", m)
	}
	if len(pi.AdditionalSteps) != 2 || pi.AdditionalSteps[0] != "associated_phone_numbers" || pi.AdditionalSteps[1] != `{"odd":1}` {
		t.Errorf("additional steps: %q", pi.AdditionalSteps)
	}
	if len(pi.NumberStatuses) != 1 || pi.NumberStatuses[0] != (providers.NumberStatus{PhoneNumber: "+13035550987",
		PortabilityStatus: "confirmed", ActivationStatus: "Activate RDY", RequirementsStatus: "approved"}) {
		t.Errorf("number statuses: %+v", pi.NumberStatuses)
	}
	if len(pi.WaitingOn) == 0 || pi.WaitingOn[len(pi.WaitingOn)-1].Reason != providers.WaitingActivation {
		t.Errorf("waiting on: %+v", pi.WaitingOn)
	}

	// Odd values are kept raw or dropped, never a failed read.
	s.orderRaw = func() map[string]any {
		m := portInOrder("ported")
		m["activation_settings"].(map[string]any)["fast_port_eligible"] = "yes"
		m["messaging"].(map[string]any)["messaging_port_status"] = "teleported"
		m["additional_steps"] = "not a list"
		return m
	}
	o, err = c.GetPortOrder(t.Context(), portInOrderID)
	if err != nil {
		t.Fatalf("odd values failed the read: %v", err)
	}
	if o.PortIn.FastPortEligible || o.PortIn.MessagingPort.State != providers.MessagingPortUnspecified ||
		o.PortIn.MessagingPort.ProviderState != "teleported" || o.PortIn.AdditionalSteps != nil {
		t.Errorf("lenient read: %+v", o.PortIn)
	}
	if w := o.PortIn.WaitingOn; len(w) != 1 || w[0].Reason != providers.WaitingNothing {
		t.Errorf("ported, messaging status unknown: waiting on %+v, want NOTHING", w)
	}
	s.orderRaw = func() map[string]any { return portInOrder("ported") }
	if o, err = c.GetPortOrder(t.Context(), portInOrderID); err != nil {
		t.Fatal(err)
	}
	if w := o.PortIn.WaitingOn; len(w) != 1 || w[0].Reason != providers.WaitingMessagingPort {
		t.Errorf("ported with messaging still moving: waiting on %+v, want MESSAGING_PORT", w)
	}
}

func TestActivateDocumentedAnswer(t *testing.T) {
	s := &portInStub{orderRaw: func() map[string]any { return portInOrder("foc-date-confirmed") }}
	c := newPortInStubClient(t, s)
	o, err := c.ActivatePortOrder(t.Context(), portInOrderID, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	a := o.PortIn.Activation
	want := time.Date(2021, 3, 19, 10, 7, 15, 527e6, time.UTC)
	if a == nil || a.JobID != "f1486bae-f067-460c-ad43-73a92848f902" || a.State != providers.ActivationCreated ||
		a.Type != providers.ActivationScheduled || !a.ActivateTime.Equal(want) || len(a.Windows) != 1 || a.ProviderActivationStatus != "Concurred" {
		t.Fatalf("activation %+v", a)
	}
	// A second call finds the open job and does not POST again.
	if _, err := c.ActivatePortOrder(t.Context(), portInOrderID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	posts := 0
	for _, call := range s.calls {
		if strings.HasSuffix(call, "/actions/activate") {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d activate POSTs, want 1: %v", posts, s.calls)
	}
	// Not FastPort eligible: refused before any write.
	s.orderRaw = func() map[string]any {
		m := portInOrder("foc-date-confirmed")
		m["activation_settings"].(map[string]any)["fast_port_eligible"] = false
		return m
	}
	s.calls = nil
	_, err = c.ActivatePortOrder(t.Context(), portInOrderID, time.Time{})
	if pe, ok := err.(*providers.Error); !ok || pe.Code != providers.CodeFailedPrecondition || pe.Reason != "PORTIN_NOT_FAST_PORT_ELIGIBLE" {
		t.Fatalf("non-FastPort: %v", err)
	}
	for _, call := range s.calls {
		if !strings.HasPrefix(call, "GET ") {
			t.Errorf("a write was sent for a refused activation: %s", call)
		}
	}
}

func TestSupplyRequirementsWireBody(t *testing.T) {
	s := &portInStub{orderRaw: func() map[string]any { return portInOrder("draft") }}
	c := newPortInStubClient(t, s)
	_, err := c.SupplyPortOrderRequirements(t.Context(), portInOrderID, providers.RequirementsUpdate{GroupID: "6a09cdc3-8948-47f0-aa62-74ac943d6c58"})
	if err != nil {
		t.Fatal(err)
	}
	if s.patched["requirement_group_id"] != "6a09cdc3-8948-47f0-aa62-74ac943d6c58" || len(s.patched) != 1 {
		t.Errorf("PATCH body %v", s.patched)
	}
}

// Telnyx's own 422 (the windows moved between the check and the PATCH)
// names the request's field, not UpdatePortOrder's.
func TestRescheduleRefusalNamesTheField(t *testing.T) {
	f := telnyxfake.New(telnyxfake.Options{})
	srv := httptest.NewServer(f)
	t.Cleanup(func() { srv.Close(); f.Close() })
	p, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "sandbox"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.CreatePortOrder(t.Context(), providers.CreatePortOrderRequest{Order: providers.PortOrder{PhoneNumbers: []string{"+13125550188"}}})
	if err != nil {
		t.Fatal(err)
	}
	// The driver directly (no portable pre-check): Telnyx refuses.
	_, err = p.ReschedulePortOrder(t.Context(), res.Order.ID, time.Now().Add(-time.Hour))
	pe, ok := err.(*providers.Error)
	if !ok || pe.Code != providers.CodeInvalidArgument || len(pe.Violations) != 1 || pe.Violations[0].Field != "requested_foc_time" {
		t.Fatalf("refusal: %#v", err)
	}
}
