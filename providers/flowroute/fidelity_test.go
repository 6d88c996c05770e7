package flowroute_test

// Fidelity tests (issue 12): the adapter against a stub that answers exactly
// as Flowroute documents (shared/reference/flowroute.md), not only against
// flowroutefake.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
)

// docStub is a Flowroute stand-in on 127.0.0.1: handlers keyed by
// "METHOD /path", every request recorded with its query and body.
type docStub struct {
	t        *testing.T
	mu       sync.Mutex
	handlers map[string]http.HandlerFunc
	reqs     []stubReq
}

type stubReq struct {
	method, path string
	query        map[string][]string
	body         map[string]any
}

func newDocStub(t *testing.T) (*docStub, *flowroute.Provider, context.Context) {
	t.Helper()
	s := &docStub{t: t, handlers: map[string]http.HandlerFunc{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(b, &body)
		s.mu.Lock()
		s.reqs = append(s.reqs, stubReq{method: r.Method, path: r.URL.Path, query: r.URL.Query(), body: body})
		h := s.handlers[r.Method+" "+r.URL.Path]
		s.mu.Unlock()
		if h == nil {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"errors":[{"status":"404 Not Found: The requested URL was not found on the server."}]}`)
			return
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	p, err := flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: "k", SecretKey: "s", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return s, p, ctx
}

func (s *docStub) on(key string, h http.HandlerFunc) {
	s.mu.Lock()
	s.handlers[key] = h
	s.mu.Unlock()
}

func (s *docStub) requests(method, path string) []stubReq {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []stubReq
	for _, r := range s.reqs {
		if r.method == method && r.path == path {
			out = append(out, r)
		}
	}
	return out
}

func reply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// docOrder is a port order in the documented shape (reference §2.3).
func docOrder(id, group string, numbers ...string) string {
	nums, _ := json.Marshal(numbers)
	return fmt.Sprintf(`{"id":%q,"type":"portorder","links":{"self":"https://api.flowroute.com/v2/portorders/%s"},
 "attributes":{"alias":"Port Order 6/12/2018","status":"pending","status_updated_at":null,
  "status_url":null,"group_id":%q,"numbers":%s,
  "billing_name":"Jane Roe","billing_number":"","company":"Acme","usage_type":"residential",
  "billing_address":{"street":"1 Main St","street2":null,"city":"Seattle","state":"WA","zip":"98101","country":"US"},
  "provider":"Verizon","provider_account":"123ABC","pin":"4321","last_4_ssn":"",
  "desired_completion_date":"2018-07-12","enable_cnam_lookups":true,"cost":"7.5",
  "loa_details":{"email":"a@x.com","cc":"b@x.com"},"comments":[],
  "presets":{"alias":null,"cnam_id":null,"e911_id":null,"primary_route_id":null,"failover_route_id":null},
  "business_documents":[]}}`, id, id, group, nums)
}

func docOrderBody(id, group string, numbers ...string) string {
	return fmt.Sprintf(`{"data":%s,"links":{"self":"https://api.flowroute.com/v2/portorders/%s"}}`, docOrder(id, group, numbers...), id)
}

func docNumber(value string, messaging bool) string {
	return fmt.Sprintf(`{"id":%q,"type":"number","attributes":{"value":%q,"alias":null,"cnam_lookups_enabled":false,
 "messaging_enabled":%t,"number_type":"longcode","rate_center":"sttl","state":"wa","iso_country":"US","rate_type":"local",
 "monthly_cost":1.25,"setup_cost":1.0,"inbound_rate":0.012,"tier":"Standard","status":"PURCHASED"},
 "relationships":{"primary_route":{"data":null},"failover_route":{"data":null},"e911_address":{"data":null},"cnam_preset":{"data":null}},
 "links":{"self":"https://api.flowroute.com/v2/numbers/%s"}}`, value, value, messaging, value)
}

func fidelityOrder(nums ...string) providers.PortOrder {
	return providers.PortOrder{
		PhoneNumbers: nums, LosingCarrier: "Verizon",
		EndUser: providers.EndUser{AuthorizedPerson: "Jane Roe", EntityName: "Acme",
			ServiceAddress: providers.Address{StreetAddress: "1 Main St", Locality: "Seattle", AdministrativeArea: "WA", PostalCode: "98101", CountryCode: "US"}},
	}
}

// Item 1: once the create POST succeeded, a failed group lookup must not
// fail the call (a retry would make a second order).
func TestFidelityCreateAcceptedGroupReadFails(t *testing.T) {
	s, p, ctx := newDocStub(t)
	s.on("POST /v2/portorders", reply(201, docOrderBody("42361", "38697", "+12065550100")))
	s.on("GET /v2/portorders", reply(503, `{"errors":[{"id":"e1","status":503,"title":"Service Unavailable","detail":"try later"}]}`))
	res, err := p.CreatePortOrder(ctx, providers.CreatePortOrderRequest{Order: fidelityOrder("+12065550100")})
	if err != nil {
		t.Fatalf("CreatePortOrder after an accepted POST = %v; want the order (a retry would create a second one)", err)
	}
	if res.Order.ID != "42361" || res.Order.GroupID != "38697" {
		t.Errorf("order = %s group %s, want 42361 group 38697", res.Order.ID, res.Order.GroupID)
	}
	if !slices.Contains(res.Order.MissingDetails, providers.DetailRelatedOrders) {
		t.Errorf("MissingDetails = %v, want %q (the group was not read)", res.Order.MissingDetails, providers.DetailRelatedOrders)
	}
	if n := len(s.requests("POST", "/v2/portorders")); n != 1 {
		t.Errorf("%d create POSTs, want 1", n)
	}
	// An undecodable 2xx create answer is not retryable either.
	s2, p2, ctx2 := newDocStub(t)
	s2.on("POST /v2/portorders", reply(201, `<html>ok</html>`))
	_, err = p2.CreatePortOrder(ctx2, providers.CreatePortOrderRequest{Order: fidelityOrder("+12065550100")})
	if err == nil || providers.Retryable(err) {
		t.Fatalf("undecodable create answer: err = %v; want a non-retryable error", err)
	}
	var pe *providers.Error
	if !errorsAs(err, &pe) || pe.Reason != "PORT_ORDER_ACCEPTED_UNCONFIRMED" {
		t.Errorf("undecodable create answer: %v; want reason PORT_ORDER_ACCEPTED_UNCONFIRMED", err)
	}
}

func errorsAs(err error, pe **providers.Error) bool {
	e, ok := err.(*providers.Error)
	if ok {
		*pe = e
	}
	return ok
}

// Item 2: one number the phone library rejects must not fail the answer.
func TestFidelityLenientProviderNumbers(t *testing.T) {
	s, p, ctx := newDocStub(t)
	// A UK number on the account (Flowroute: digits without "+"), and a
	// malformed number like the documentation's own "+1206555444".
	s.on("GET /v2/numbers", reply(200, `{"data":[`+docNumber("12065550100", false)+`,`+docNumber("442079460958", false)+`,`+docNumber("1206555444", false)+
		`],"links":{"self":"https://api.flowroute.com/v2/numbers?limit=10&offset=0"}}`))
	page, err := p.ListNumbers(ctx, providers.NumberFilter{}, providers.ListQuery{Limit: 10})
	if err != nil {
		t.Fatalf("ListNumbers with a non-NANP and a malformed number = %v; want the page", err)
	}
	if len(page.Numbers) != 3 {
		t.Fatalf("ListNumbers: %d numbers, want 3", len(page.Numbers))
	}
	want := []struct {
		e164, raw string
		invalid   bool
	}{{"+12065550100", "12065550100", false}, {"+442079460958", "442079460958", false}, {"1206555444", "1206555444", true}}
	for i, w := range want {
		n := page.Numbers[i]
		if n.PhoneNumber != w.e164 || n.RawPhoneNumber != w.raw || n.PhoneNumberInvalid != w.invalid {
			t.Errorf("number %d = %q raw %q invalid %v; want %q raw %q invalid %v", i, n.PhoneNumber, n.RawPhoneNumber, n.PhoneNumberInvalid, w.e164, w.raw, w.invalid)
		}
	}
	s.on("GET /v2/portorders/42361", reply(200, docOrderBody("42361", "", "+12065550100", "+1206555444")))
	o, err := p.GetPortOrder(ctx, "42361")
	if err != nil {
		t.Fatalf("GetPortOrder with the documentation's malformed number = %v; want the order", err)
	}
	if !slices.Equal(o.PhoneNumbers, []string{"+12065550100"}) || !slices.Equal(o.InvalidPhoneNumbers, []string{"+1206555444"}) {
		t.Errorf("PhoneNumbers %v InvalidPhoneNumbers %v; want [+12065550100] [+1206555444]", o.PhoneNumbers, o.InvalidPhoneNumbers)
	}
	s.on("POST /v2/portorders", reply(201, docOrderBody("42362", "", "+12065550100", "+1206555444")))
	res, err := p.CreatePortOrder(ctx, providers.CreatePortOrderRequest{Order: fidelityOrder("+12065550100")})
	if err != nil {
		t.Fatalf("CreatePortOrder answered with a malformed number = %v; want the order", err)
	}
	if res.Order.ID != "42362" || len(res.Order.InvalidPhoneNumbers) != 1 {
		t.Errorf("create: %s invalid %v", res.Order.ID, res.Order.InvalidPhoneNumbers)
	}
}

// Item 3: the documented port-order list has no links.next; the adapter
// pages by offset until a short page.
func TestFidelityPortOrderListWithoutNextLink(t *testing.T) {
	s, p, ctx := newDocStub(t)
	const total = 250
	s.on("GET /v2/portorders", func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		if limit <= 0 {
			limit = 10
		}
		limit = min(limit, 200)
		var items []string
		for i := offset; i < min(offset+limit, total); i++ {
			id := strconv.Itoa(40000 + i)
			d := strings.Replace(docOrder(id, "", fmt.Sprintf("+1206555%04d", i)), `"attributes":{`, `"attributes":{"id":"`+id+`",`, 1)
			items = append(items, d)
		}
		reply(200, `{"data":{"type":"portorder_list","attributes":{"orders":{"data":[`+strings.Join(items, ",")+`]}}}}`)(w, r)
	})
	pg, err := p.ListPortOrders(ctx, providers.PortOrderFilter{}, providers.ListQuery{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.Orders) != 50 || pg.NextCursor == "" {
		t.Fatalf("first page: %d orders, More %v; want 50, More true (250 on the account)", len(pg.Orders), (pg.NextCursor != ""))
	}
	var all []string
	for off := 0; ; {
		pg, err := p.ListPortOrders(ctx, providers.PortOrderFilter{}, providers.ListQuery{Cursor: providers.OffsetCursor(off), Limit: 60})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range pg.Orders {
			all = append(all, o.ID)
		}
		off += len(pg.Orders)
		if pg.NextCursor == "" || len(pg.Orders) == 0 {
			break
		}
	}
	if len(all) != total {
		t.Errorf("walked %d orders, want %d", len(all), total)
	}
	pg, err = p.ListPortOrders(ctx, providers.PortOrderFilter{}, providers.ListQuery{Limit: 250})
	if err != nil || len(pg.Orders) != total || (pg.NextCursor != "") {
		t.Errorf("one window of 250: %d orders, More %v, err %v; want 250, false", len(pg.Orders), (pg.NextCursor != ""), err)
	}
}

// Item 4: starts_with gets country code 1 prepended unless it starts with "+".
func TestFidelityStartsWith(t *testing.T) {
	s, p, ctx := newDocStub(t)
	account := []string{"13125550100", "12065550100", "442079460958"}
	s.on("GET /v2/numbers", func(w http.ResponseWriter, r *http.Request) {
		sw := r.URL.Query().Get("starts_with")
		want := "1" + sw // the documented rule
		if strings.HasPrefix(sw, "+") {
			want = strings.TrimPrefix(sw, "+")
		}
		var items []string
		for _, n := range account {
			if strings.HasPrefix(n, want) {
				items = append(items, docNumber(n, false))
			}
		}
		reply(200, `{"data":[`+strings.Join(items, ",")+`],"links":{"self":"x"}}`)(w, r)
	})
	for _, c := range []struct {
		prefix string
		want   []string
	}{{"+1312", []string{"+13125550100"}}, {"+1206", []string{"+12065550100"}}, {"+44", []string{"+442079460958"}}} {
		pg, err := p.ListNumbers(ctx, providers.NumberFilter{Prefix: c.prefix}, providers.ListQuery{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range pg.Numbers {
			got = append(got, n.PhoneNumber)
		}
		if !slices.Equal(got, c.want) {
			rs := s.requests("GET", "/v2/numbers")
			t.Errorf("prefix %s: got %v, want %v (sent starts_with=%q)", c.prefix, got, c.want, rs[len(rs)-1].query["starts_with"])
		}
	}
}

// Item 5: only the documented updatable fields are sent; others are a
// capability error before any write.
func TestFidelityUpdateSendsOnlyDocumentedFields(t *testing.T) {
	s, p, ctx := newDocStub(t)
	s.on("GET /v2/portorders/42361", reply(200, docOrderBody("42361", "", "+12065550100")))
	s.on("PATCH /v2/portorders/42361", reply(200, docOrderBody("42361", "", "+12065550100")))
	documented := map[string]bool{"loa_details": true, "billing_name": true, "city": true, "country": true, "provider": true,
		"state": true, "street": true, "street2": true, "usage_type": true, "zip": true, "presets": true, "alias": true}
	for _, f := range []string{providers.FieldEndUserEntityName, providers.FieldEndUserBillingNumber, providers.FieldEndUserAccountNumber,
		providers.FieldEndUserPIN, providers.FieldEndUserLast4SSN, providers.FieldRequestedFOCTime, providers.FieldStatusCallbackURL} {
		if slices.Contains(p.Capabilities().UpdatableOrderFields, f) {
			t.Errorf("Capabilities().UpdatableOrderFields lists %s, which Flowroute does not document as updatable", f)
		}
		_, err := p.UpdatePortOrder(ctx, providers.PortOrderUpdate{ID: "42361", Mask: []string{f}, Order: validOrder("+12065550100")})
		pe := wantErr(t, err, providers.CodeUnimplemented)
		if pe != nil && (pe.Reason != "PROVIDER_CAPABILITY_MISSING" || !strings.Contains(pe.Message, f)) {
			t.Errorf("update %s: reason %s message %q; want PROVIDER_CAPABILITY_MISSING naming the field", f, pe.Reason, pe.Message)
		}
	}
	if n := len(s.requests("PATCH", "/v2/portorders/42361")); n != 0 {
		t.Fatalf("%d PATCHes for undocumented fields, want 0", n)
	}
	o := validOrder("+12065550100")
	o.CustomerReference = "ref"
	_, err := p.UpdatePortOrder(ctx, providers.PortOrderUpdate{ID: "42361", Order: o, Mask: []string{
		providers.FieldEndUserAuthorizedPerson, providers.FieldEndUserUsageType, providers.FieldEndUserServiceAddress,
		providers.FieldLosingCarrier, providers.FieldConfiguration, providers.FieldCustomerReference}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.requests("PATCH", "/v2/portorders/42361") {
		attrs, _ := r.body["data"].(map[string]any)["attributes"].(map[string]any)
		for k := range attrs {
			if !documented[k] {
				t.Errorf("PATCH sent undocumented attribute %q", k)
			}
		}
	}
}

// Item 6: enabling messaging is asynchronous; the pending task is surfaced.
func TestFidelityMessagingProvisioningPending(t *testing.T) {
	s, p, ctx := newDocStub(t)
	s.on("PATCH /v2/numbers/12065550100", reply(200, `{"data":`+
		strings.Replace(docNumber("12065550100", false), `"cnam_preset":{"data":null}`, `"cnam_preset":{"data":null},"message_provision":{"data":{"id":"8afe0a20108c4219bc37cca800000001","type":"message_provisioning_status"}}`, 1)+
		`,"included":[{"id":"8afe0a20108c4219bc37cca800000001","type":"message_provisioning_status","attributes":{"status":"processing","tn":"12065550100"}}],"links":{"self":"x"}}`))
	res, err := p.UpdateNumber(ctx, providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+12065550100", MessagingEnabled: true},
		Mask: []string{providers.FieldNumberMessagingEnabled}})
	if err != nil {
		t.Fatal(err)
	}
	mp := res.Number.MessagingProvisioning
	if res.Number.MessagingEnabled || mp.State != providers.MessagingProvisioningPending || mp.TaskID != "8afe0a20108c4219bc37cca800000001" {
		t.Errorf("number after enabling: messaging %v provisioning %+v; want false, PENDING with the task id", res.Number.MessagingEnabled, mp)
	}
}

// Item 7: Flowroute ports US and Canadian numbers only.
func TestFidelityPortingRegions(t *testing.T) {
	s, p, ctx := newDocStub(t)
	s.on("POST /v2/portorders/portability", func(w http.ResponseWriter, r *http.Request) {
		reply(200, `{"data":{"portable":["+12065550100"],"nonportable":[],"hypernetwork_enabled":[]}}`)(w, r)
	})
	if got := p.Capabilities().PortingRegions; !slices.Equal(got, []string{"US", "CA"}) {
		t.Errorf("PortingRegions = %v, want [US CA]", got)
	}
	res, err := p.CheckPortability(ctx, []string{"+442079460958", "+12065550100"})
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Portable || !strings.Contains(res[0].Reason, "US") {
		t.Errorf("+44 number: portable %v reason %q; want not portable, saying Flowroute ports US and CA only", res[0].Portable, res[0].Reason)
	}
	if !res[1].Portable {
		t.Errorf("+1206 number not portable: %+v", res[1])
	}
	for _, r := range s.requests("POST", "/v2/portorders/portability") {
		if nums, _ := r.body["numbers"].([]any); slices.Contains(nums, any("+442079460958")) {
			t.Errorf("the +44 number was sent to Flowroute: %v", nums)
		}
	}
	_, err = p.CreatePortOrder(ctx, providers.CreatePortOrderRequest{Order: fidelityOrder("+12065550100", "+442079460958")})
	pe := wantErr(t, err, providers.CodeInvalidArgument)
	if pe != nil && (len(pe.Violations) == 0 || pe.Violations[0].Field != "port_order.phone_numbers[1]") {
		t.Errorf("create with +44: violations %+v; want port_order.phone_numbers[1]", pe.Violations)
	}
	if n := len(s.requests("POST", "/v2/portorders")); n != 0 {
		t.Errorf("%d create POSTs for a +44 number, want 0", n)
	}
}

// Item 8: a 403 is not a state refusal; a base URL ending in /v2 is refused.
func TestFidelityForbiddenAndBaseURL(t *testing.T) {
	s, p, ctx := newDocStub(t)
	s.on("POST /v2/portorders", reply(403, `{"errors":[{"detail":"","status":403,"title":"ActionNotAuthorizedError"}]}`))
	_, err := p.CreatePortOrder(ctx, providers.CreatePortOrderRequest{Order: fidelityOrder("+12065550100")})
	pe := wantErr(t, err, providers.CodeFailedPrecondition)
	if pe != nil && pe.Reason != "PROVIDER_PERMISSION_DENIED" {
		t.Errorf("403 reason = %s, want PROVIDER_PERMISSION_DENIED (not a state transition)", pe.Reason)
	}
	s.on("GET /v2/portorders/42361", reply(403, `{"errors":[{"id":"x","detail":"Porting is not enabled on this account.","status":403,"title":"Forbidden"}]}`))
	_, err = p.GetPortOrder(ctx, "42361")
	if pe := wantErr(t, err, providers.CodeFailedPrecondition); pe != nil && pe.Reason != "PROVIDER_PERMISSION_DENIED" {
		t.Errorf("403 Forbidden reason = %s, want PROVIDER_PERMISSION_DENIED", pe.Reason)
	}
	for _, base := range []string{"https://api.flowroute.com/v2", "https://api.flowroute.com/v2/", "https://api.flowroute.com/v2.1"} {
		_, err := flowroute.New(flowroute.Config{BaseURL: base, AccessKey: "k", SecretKey: "s"})
		if err == nil || !strings.Contains(err.Error(), "/v2") {
			t.Errorf("New(BaseURL %q) = %v; want an error saying the adapter adds /v2 itself", base, err)
		}
	}
}

// Item 1 for the other writes: a cancel or submit Flowroute accepted is
// reported with what is known when the re-read fails, never as an error.
func TestFidelityAcceptedCancelAndSubmitRereadFails(t *testing.T) {
	s, p, ctx := newDocStub(t)
	var mu sync.Mutex
	gets := 0
	s.on("GET /v2/portorders/42361", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		gets++
		n := gets
		mu.Unlock()
		if n == 1 {
			reply(200, docOrderBody("42361", "", "+12065550100"))(w, r)
			return
		}
		reply(503, `{"errors":[{"id":"e2","status":503,"title":"Service Unavailable","detail":"later"}]}`)(w, r)
	})
	s.on("PATCH /v2/portorders/42361/status", reply(200, `{"data":{"id":"42361","type":"portorder","attributes":{"status":"cancelled","status_updated_at":"2018-07-31T21:34:17Z"}}}`))
	o, err := p.CancelPortOrder(ctx, "42361")
	if err != nil {
		t.Fatalf("CancelPortOrder accepted by Flowroute, re-read failing: %v; want the cancelled order", err)
	}
	if o.State != providers.StateCancelled || o.ProviderStatus != "cancelled" {
		t.Errorf("after cancel: %v/%q, want CANCELLED/cancelled (from the PATCH answer)", o.State, o.ProviderStatus)
	}
	mu.Lock()
	gets = 0
	mu.Unlock()
	s.on("GET /v2/portorders/42361/loa", reply(200, `{"data":{"type":"loa","attributes":{"numbers":["2065550100"],"billing_name":"Jane Roe"}}}`))
	s.on("POST /v2/portorders/42361/loa", reply(201, ``))
	o, err = p.SubmitPortOrder(ctx, "42361", providers.Signature{Name: "Jane Roe", Title: "Owner"})
	if err != nil {
		t.Fatalf("SubmitPortOrder accepted (201, empty body), re-read failing: %v; want the order marked", err)
	}
	if !slices.Contains(o.MissingDetails, providers.DetailState) {
		t.Errorf("MissingDetails = %v, want %q (the state shown is from before the submit)", o.MissingDetails, providers.DetailState)
	}
}

// A split create may answer "the new order(s)" as a list: the order holding
// the first requested number is primary, the others are Related.
func TestFidelityCreateAnswersSeveralOrders(t *testing.T) {
	s, p, ctx := newDocStub(t)
	s.on("POST /v2/portorders", reply(201, `{"data":[`+docOrder("42370", "38700", "+18005550100")+`,`+docOrder("42371", "38700", "+12065550100")+`]}`))
	s.on("GET /v2/portorders", reply(404, `{"errors":[{"detail":"No port orders found.","status":404,"title":"Resource not found"}]}`))
	res, err := p.CreatePortOrder(ctx, providers.CreatePortOrderRequest{Order: fidelityOrder("+12065550100", "+18005550100")})
	if err != nil {
		t.Fatalf("CreatePortOrder answered with a list: %v", err)
	}
	if res.Order.ID != "42371" || len(res.Related) != 1 || res.Related[0].ID != "42370" || !slices.Equal(res.Order.RelatedOrders, []string{"42370"}) {
		t.Errorf("primary %s related %v (%v); want 42371 with 42370", res.Order.ID, res.Related, res.Order.RelatedOrders)
	}
}
