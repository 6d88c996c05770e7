package telnyx_test

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/portgate/portgate/providers/portable"
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
	"github.com/portgate/portgate/providers/telnyx"
	"github.com/portgate/portgate/sandbox/telnyxfake"
)

// countingDoer records "METHOD path" of every request.
type countingDoer struct {
	mu    sync.Mutex
	calls []string
	next  providers.Doer
}

func (c *countingDoer) Do(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.calls = append(c.calls, r.Method+" "+r.URL.Path)
	c.mu.Unlock()
	return c.next.Do(r)
}

func (c *countingDoer) count(prefix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, s := range c.calls {
		if s == prefix {
			n++
		}
	}
	return n
}

type env struct {
	fake *telnyxfake.Fake
	srv  *httptest.Server
	p    *telnyx.Provider
	doer *countingDoer
}

func newEnv(t *testing.T, opts telnyxfake.Options) *env {
	t.Helper()
	f := telnyxfake.New(opts)
	srv := httptest.NewServer(f)
	doer := &countingDoer{next: srv.Client()}
	p, err := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "sandbox", HTTPClient: doer})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); f.Close() })
	return &env{fake: f, srv: srv, p: p, doer: doer}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return c
}

func perr(t *testing.T, err error, code providers.Code) *providers.Error {
	t.Helper()
	var pe *providers.Error
	if !errors.As(err, &pe) {
		t.Fatalf("want *providers.Error %v, got %v", code, err)
	}
	if pe.Code != code {
		t.Fatalf("code = %v, want %v (%v)", pe.Code, code, pe)
	}
	return pe
}

func hasViolation(pe *providers.Error, field string) bool {
	return slices.ContainsFunc(pe.Violations, func(v providers.FieldViolation) bool { return v.Field == field })
}

// complete fills everything confirm needs (except the LOA).
func completeOrder(nums ...string) providers.PortOrder {
	return providers.PortOrder{
		PhoneNumbers: nums,
		EndUser: providers.EndUser{EntityName: "Acme Corp", BillingTelephoneNumber: "+13125550100",
			ServiceAddress: providers.Address{StreetAddress: "1 Main St", Locality: "Chicago",
				AdministrativeArea: "IL", PostalCode: "60601", CountryCode: "US"},
			PIN: "1234", AccountNumber: "ACC-99"},
		PortType:      providers.PortTypeFull,
		Configuration: providers.NumberConfiguration{ConnectionID: "conn-1", Tags: []string{"a"}, MessagingEnabled: true},
	}
}

func submitted(t *testing.T, e *env, nums ...string) *providers.PortOrder {
	t.Helper()
	c := ctx(t)
	res, err := e.p.CreatePortOrder(c, providers.CreatePortOrderRequest{Order: completeOrder(nums...)})
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []providers.DocumentType{providers.DocumentLOA, providers.DocumentInvoice} {
		if _, err := e.p.UploadDocument(c, res.Order.ID, providers.DocumentUpload{Type: typ,
			Filename: "doc.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4 doc")}); err != nil {
			t.Fatal(err)
		}
	}
	o, err := e.p.SubmitPortOrder(c, res.Order.ID, providers.Signature{Name: "Jane Doe"})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestNewValidates(t *testing.T) {
	if _, err := telnyx.New(telnyx.Config{}); err == nil {
		t.Fatal("missing API key accepted")
	}
	if _, err := telnyx.New(telnyx.Config{APIKey: "k", BaseURL: "ftp://x"}); err == nil {
		t.Fatal("bad base URL accepted")
	}
	p, err := telnyx.New(telnyx.Config{APIKey: "k"})
	if err != nil || p.Name() != "telnyx" {
		t.Fatal(err)
	}
	caps := p.Capabilities()
	if caps.PortabilityBatchLimit != 100 || caps.MaxDocumentBytes != 10<<20 || len(caps.Operations) != len(providers.AllOperations)-4-4 || // ModifyPortOrderNumbers, Create/Update/DeleteVoiceRoute; the 4 CNAM record operations (e911)
		caps.Supports(providers.OpCreateVoiceRoute) ||
		caps.Supports(providers.OpModifyPortOrderNumbers) {
		t.Fatalf("caps = %+v (Telnyx documents no ModifyPortOrderNumbers)", caps)
	}
	if _, ok := any(p).(providers.PortOrderNumberModifier); ok {
		t.Fatal("the Telnyx adapter implements providers.PortOrderNumberModifier")
	}
	if _, err := portable.New(p).ModifyPortOrderNumbers(context.Background(), "00000000-0000-4000-8000-0000000000a1", []string{"+13125550100"}, nil); providers.ErrorCode(err) != providers.CodeUnimplemented {
		t.Fatalf("live ModifyPortOrderNumbers: %v", err)
	}
}

func TestCheckPortability(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	res, err := e.p.CheckPortability(ctx(t), []string{"+13125550100", "+13125559901", "+13125559905"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || !res[0].Portable || res[0].FastPortable || res[0].Reason != "" {
		t.Fatalf("res[0] = %+v", res[0])
	}
	if res[1].Portable || res[1].Reason != "No coverage" {
		t.Fatalf("res[1] = %+v", res[1])
	}
	if !res[2].Portable || !res[2].FastPortable {
		t.Fatalf("res[2] = %+v", res[2])
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = "+13125550100"
	}
	perr(t, errOnly(e.p.CheckPortability(ctx(t), many)), providers.CodeInvalidArgument)
}

func errOnly[T any](_ T, err error) error { return err }

func TestCreateSplitAndSecrets(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	o := completeOrder("+13125550100", "+13125559904", "+13125550101")
	res, err := e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: o})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Related) != 1 {
		t.Fatalf("related = %d, want 1", len(res.Related))
	}
	p, r := res.Order, res.Related[0]
	if !slices.Equal(p.PhoneNumbers, []string{"+13125550100", "+13125550101"}) || !slices.Equal(r.PhoneNumbers, []string{"+13125559904"}) {
		t.Fatalf("split: %v / %v", p.PhoneNumbers, r.PhoneNumbers)
	}
	if !slices.Equal(p.RelatedOrders, []string{r.ID}) || !slices.Equal(r.RelatedOrders, []string{p.ID}) {
		t.Fatalf("related ids: %v / %v", p.RelatedOrders, r.RelatedOrders)
	}
	for _, x := range []*providers.PortOrder{p, r} {
		if x.State != providers.StateDraft || x.ProviderStatus != "draft" {
			t.Fatalf("state %v/%s", x.State, x.ProviderStatus)
		}
		if x.EndUser.EntityName != "Acme Corp" || x.EndUser.ServiceAddress.Locality != "Chicago" || x.PortType != providers.PortTypeFull {
			t.Fatalf("details not patched onto %s: %+v", x.ID, x.EndUser)
		}
		if x.EndUser.PIN != "" || x.EndUser.AccountNumber != "" || !x.EndUser.HasPIN || !x.EndUser.HasAccountNumber {
			t.Fatalf("secrets: %+v", x.EndUser)
		}
		if x.Configuration.ConnectionID != "conn-1" || !x.Configuration.MessagingEnabled || !slices.Equal(x.Configuration.Tags, []string{"a"}) {
			t.Fatalf("configuration: %+v", x.Configuration)
		}
		if x.LosingCarrier == "" || x.CreateTime.IsZero() {
			t.Fatalf("carrier/time: %+v", x)
		}
	}
	if p.LosingCarrier == r.LosingCarrier {
		t.Fatal("split orders should have different losing carriers")
	}
}

func TestCreateDedupesByCustomerReference(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	o := providers.PortOrder{PhoneNumbers: []string{"+13125550100", "+13125559904"}, CustomerReference: "req-1"}
	a, err := e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: o, RequestID: "r"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: o, RequestID: "r"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Order.ID != b.Order.ID || len(b.Related) != 1 || a.Related[0].ID != b.Related[0].ID {
		t.Fatalf("not deduped: %s/%s", a.Order.ID, b.Order.ID)
	}
	if n := e.doer.count("POST /v2/porting_orders"); n != 1 {
		t.Fatalf("creates = %d", n)
	}
	// Other numbers under the same reference are a new order.
	o.PhoneNumbers = []string{"+13125550101"}
	c, err := e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: o})
	if err != nil || c.Order.ID == a.Order.ID {
		t.Fatalf("%v %v", c, err)
	}
}

func TestCreateFieldErrors(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	_, err := e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: providers.PortOrder{
		PhoneNumbers: []string{"+13125550100", "+13125559901", "+1312555"}}})
	pe := perr(t, err, providers.CodeInvalidArgument)
	if !hasViolation(pe, "port_order.phone_numbers[1]") || !hasViolation(pe, "port_order.phone_numbers[2]") {
		t.Fatalf("violations = %+v", pe.Violations)
	}
	if pe.HTTPStatus != 422 || pe.ProviderCode == "" {
		t.Fatalf("%+v", pe)
	}
	// A bad billing number is refused by the PATCH, mapped to its neutral path, and no draft stays behind.
	o := completeOrder("+13125550102")
	o.EndUser.BillingTelephoneNumber = "3125550100"
	_, err = e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: o})
	pe = perr(t, err, providers.CodeInvalidArgument)
	if !hasViolation(pe, "port_order.end_user.billing_telephone_number") {
		t.Fatalf("violations = %+v", pe.Violations)
	}
	page, err := e.p.ListPortOrders(ctx(t), providers.PortOrderFilter{}, providers.ListQuery{Limit: 10})
	if err != nil || len(page.Orders) != 0 {
		t.Fatalf("left over drafts: %v %v", page, err)
	}
}

func TestLifecycleAndCancel(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	o := submitted(t, e, "+13125550100")
	if o.State != providers.StateSubmitted || o.ProviderStatus != "in-process" {
		t.Fatalf("after submit: %v %s", o.State, o.ProviderStatus)
	}
	if !strings.HasPrefix(o.SupportKey, "sr_") || !strings.HasPrefix(o.GroupID, "pr_") || o.EndUser.AuthorizedPerson != "Jane Doe" {
		t.Fatalf("keys/signer: %q %q %q", o.SupportKey, o.GroupID, o.EndUser.AuthorizedPerson)
	}
	step := func(want providers.State) *providers.PortOrder {
		t.Helper()
		e.fake.Advance()
		got, err := e.p.GetPortOrder(ctx(t), o.ID)
		if err != nil || got.State != want {
			t.Fatalf("after Advance: %v %v, want %v", got, err, want)
		}
		return got
	}
	step(providers.StateInProgress)
	foc := step(providers.StateFOCConfirmed)
	if time.Until(foc.ConfirmedFOCTime) < 48*time.Hour {
		t.Fatalf("FOC %v should be > 48h ahead", foc.ConfirmedFOCTime)
	}
	// Submit again is refused before any call.
	reqPath := "GET /v2/porting_orders/" + o.ID + "/requirements"
	reqReads := e.doer.count(reqPath)
	if reqReads == 0 {
		t.Fatal("GetPortOrder on an open order did not read its requirements")
	}
	perr(t, errOnly(e.p.SubmitPortOrder(ctx(t), o.ID, providers.Signature{})), providers.CodeFailedPrecondition)
	perr(t, errOnly(e.p.UpdatePortOrder(ctx(t), providers.PortOrderUpdate{ID: o.ID,
		Order: providers.PortOrder{CustomerReference: "x"}, Mask: []string{"customer_reference"}})), providers.CodeFailedPrecondition)
	c, err := e.p.CancelPortOrder(ctx(t), o.ID)
	if err != nil || c.State != providers.StateCancelPending {
		t.Fatalf("cancel: %v %v", c, err)
	}
	// The state checks before those writes read the order only, not its details.
	if n := e.doer.count(reqPath); n != reqReads {
		t.Errorf("writes read requirements %d times, want 0", n-reqReads)
	}
	step(providers.StateCancelled)
	pe := perr(t, errOnly(e.p.CancelPortOrder(ctx(t), o.ID)), providers.CodeFailedPrecondition)
	if pe.CurrentState != providers.StateCancelled {
		t.Fatalf("current state %v", pe.CurrentState)
	}
}

func TestPortedNumberJoinsAccount(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	perr(t, errOnly(e.p.GetNumber(ctx(t), "+13125550123")), providers.CodeNotFound)
	o := submitted(t, e, "+13125550123")
	for range 3 {
		e.fake.Advance()
	}
	got, err := e.p.GetPortOrder(ctx(t), o.ID)
	if err != nil || got.State != providers.StateCompleted {
		t.Fatalf("%v %v", got, err)
	}
	n, err := e.p.GetNumber(ctx(t), "+13125550123")
	if err != nil || n.PhoneNumber != "+13125550123" || n.Status != "active" {
		t.Fatalf("%v %v", n, err)
	}
	perr(t, errOnly(e.p.CancelPortOrder(ctx(t), o.ID)), providers.CodeFailedPrecondition)
}

func TestCancelDraftDeletes(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	res, err := e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: providers.PortOrder{PhoneNumbers: []string{"+13125550100"}}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.p.CancelPortOrder(ctx(t), res.Order.ID)
	if err != nil || c.State != providers.StateCancelled {
		t.Fatalf("%v %v", c, err)
	}
	pe := perr(t, errOnly(e.p.GetPortOrder(ctx(t), res.Order.ID)), providers.CodeNotFound)
	if pe.Reason != "PORT_ORDER_NOT_FOUND" || pe.HTTPStatus != 404 || pe.ProviderCode != "10005" {
		t.Fatalf("%+v", pe)
	}
}

func TestCancelWithin48hOfFOC(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	o := completeOrder("+13125550100")
	o.RequestedFOCTime = telnyxfake.FOCWindows(time.Now())[0][0].Add(time.Hour)
	res, err := e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: o})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Order.RequestedFOCTime.Equal(o.RequestedFOCTime) {
		t.Fatalf("requested FOC %v", res.Order.RequestedFOCTime)
	}
	if err := e.fake.SetOrderStatus(res.Order.ID, "submitted"); err != nil {
		t.Fatal(err)
	}
	e.fake.Advance() // → foc-date-confirmed at the requested time
	// Requested dates lie ≥ 3 days out; bring the confirmed FOC within 48 h.
	if err := e.fake.SetFOCActual(res.Order.ID, time.Now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	// The adapter knows the rule and refuses before calling.
	pe := perr(t, errOnly(e.p.CancelPortOrder(ctx(t), res.Order.ID)), providers.CodeFailedPrecondition)
	if pe.Reason != "INVALID_STATE_TRANSITION" || pe.CurrentState != providers.StateFOCConfirmed {
		t.Fatalf("%+v", pe)
	}
	if n := e.doer.count("POST /v2/porting_orders/" + res.Order.ID + "/actions/cancel"); n != 0 {
		t.Fatalf("cancel sent %d times", n)
	}
	// With a clock that thinks it is earlier, Telnyx's own 422 is a plain
	// refusal of the request (a 422 without pointer is not read as a state
	// refusal: that was a sandbox-only convention), with the state read before.
	early, _ := telnyx.New(telnyx.Config{BaseURL: e.srv.URL + "/v2", APIKey: "sandbox", HTTPClient: e.srv.Client(),
		Now: func() time.Time { return time.Now().Add(-72 * time.Hour) }})
	pe = perr(t, errOnly(early.CancelPortOrder(ctx(t), res.Order.ID)), providers.CodeInvalidArgument)
	if pe.HTTPStatus != 422 || pe.CurrentState != providers.StateFOCConfirmed {
		t.Fatalf("%+v", pe)
	}
}

func TestExceptionAndFix(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	o := submitted(t, e, "+13125559902")
	e.fake.Advance()
	e.fake.Advance()
	got, err := e.p.GetPortOrder(ctx(t), o.ID)
	if err != nil || got.State != providers.StateException || got.ProviderStatus != "exception" {
		t.Fatalf("%v %v", got, err)
	}
	if len(got.StateDetails) != 1 || got.StateDetails[0].Code != "PASSCODE_PIN_INVALID" || got.StateDetails[0].Description == "" {
		t.Fatalf("details %+v", got.StateDetails)
	}
	e.fake.Advance() // exceptions wait for a fix
	upd, err := e.p.UpdatePortOrder(ctx(t), providers.PortOrderUpdate{ID: o.ID,
		Order: providers.PortOrder{EndUser: providers.EndUser{PIN: "9999"}}, Mask: []string{providers.FieldEndUserPIN}})
	if err != nil || upd.State != providers.StateInProgress || len(upd.StateDetails) != 0 {
		t.Fatalf("after fix: %+v %v", upd, err)
	}
	e.fake.Advance()
	got, _ = e.p.GetPortOrder(ctx(t), o.ID)
	if got.State != providers.StateFOCConfirmed {
		t.Fatalf("state %v", got.State)
	}
	// SetOrderStatus injects any exception code.
	if err := e.fake.SetOrderStatus(o.ID, "exception", telnyxfake.Detail{Code: "LOA_ILLEGIBLE", Description: "x"}); err != nil {
		t.Fatal(err)
	}
	got, _ = e.p.GetPortOrder(ctx(t), o.ID)
	if got.State != providers.StateException || got.StateDetails[0].Code != "LOA_ILLEGIBLE" {
		t.Fatalf("%+v", got)
	}
}

func TestSubmitIncompleteMapsPointers(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	res, err := e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: providers.PortOrder{PhoneNumbers: []string{"+13125550100"}}})
	if err != nil {
		t.Fatal(err)
	}
	pe := perr(t, errOnly(e.p.SubmitPortOrder(ctx(t), res.Order.ID, providers.Signature{Name: "Jane"})), providers.CodeInvalidArgument)
	for _, f := range []string{"port_order.end_user.entity_name", "port_order.end_user.service_address.postal_code",
		"port_order.port_type", "port_order.documents.loa"} {
		if !hasViolation(pe, f) {
			t.Errorf("missing violation %s in %+v", f, pe.Violations)
		}
	}
	if hasViolation(pe, "port_order.end_user.authorized_person") {
		t.Error("signature should have filled auth_person_name")
	}
}

func TestUpdateMaskAndClear(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	o := completeOrder("+13125550100")
	o.CustomerReference = "ref"
	o.StatusCallbackURL = "https://example.com/hook"
	res, err := e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: o})
	if err != nil {
		t.Fatal(err)
	}
	id := res.Order.ID
	if res.Order.StatusCallbackURL != "https://example.com/hook" || res.Order.CustomerReference != "ref" {
		t.Fatalf("%+v", res.Order)
	}
	got, err := e.p.UpdatePortOrder(ctx(t), providers.PortOrderUpdate{ID: id,
		Order: providers.PortOrder{EndUser: providers.EndUser{EntityName: "New Name"}, PortType: providers.PortTypePartial,
			RemainingNumbersAction: providers.RemainingKeep, NewBillingTelephoneNumber: "+13125550101"},
		Mask: []string{"end_user.entity_name", "customer_reference", "port_type", "remaining_numbers_action", "new_billing_telephone_number", "status_callback_uri"}})
	if err != nil {
		t.Fatal(err)
	}
	if got.EndUser.EntityName != "New Name" || got.CustomerReference != "" || got.StatusCallbackURL != "" ||
		got.EndUser.ServiceAddress.Locality != "Chicago" || got.PortType != providers.PortTypePartial ||
		got.RemainingNumbersAction != providers.RemainingKeep || got.NewBillingTelephoneNumber != "+13125550101" {
		t.Fatalf("%+v", got)
	}
	pe := perr(t, errOnly(e.p.UpdatePortOrder(ctx(t), providers.PortOrderUpdate{ID: id,
		Order: providers.PortOrder{LosingCarrier: "x"}, Mask: []string{"losing_carrier", "end_user.usage_type", "bogus"}})), providers.CodeInvalidArgument)
	if !hasViolation(pe, "port_order.losing_carrier") || !hasViolation(pe, "port_order.end_user.usage_type") || !hasViolation(pe, "update_mask") {
		t.Fatalf("%+v", pe.Violations)
	}
	perr(t, errOnly(e.p.UpdatePortOrder(ctx(t), providers.PortOrderUpdate{ID: "00000000-0000-4000-8000-0000000000a1",
		Order: providers.PortOrder{CustomerReference: "x"}, Mask: []string{"customer_reference"}})), providers.CodeNotFound)
}

func TestModifyNumbersIsACapabilityErrorInTheSandbox(t *testing.T) {
	// Issue 10/12: the sandbox used to offer a fake-only
	// actions/modify_phone_numbers; Telnyx documents none, so neither does the
	// sandbox, and the adapter answers without a call.
	e := newEnv(t, telnyxfake.Options{})
	res, err := e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: completeOrder("+13125550100")})
	if err != nil {
		t.Fatal(err)
	}
	if e.p.Capabilities().Supports(providers.OpModifyPortOrderNumbers) {
		t.Fatal("sandbox-backed adapter offers ModifyPortOrderNumbers")
	}
	pe := perr(t, errOnly(portable.New(e.p).ModifyPortOrderNumbers(ctx(t), res.Order.ID, []string{"+13125550102"}, nil)), providers.CodeUnimplemented)
	if pe.Reason != "PROVIDER_CAPABILITY_MISSING" {
		t.Fatalf("%+v", pe)
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/v2/porting_orders/"+res.Order.ID+"/actions/modify_phone_numbers",
		strings.NewReader(`{"add":["+13125550102"]}`))
	req.Header.Set("Authorization", "Bearer sandbox")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("sandbox answered %d to an undocumented endpoint, want 404", resp.StatusCode)
	}
}

func TestModifyNumbersWithoutExtension(t *testing.T) {
	// A server without the sandbox extension (real Telnyx) → capability missing.
	order := `{"data":{"id":"00000000-0000-4000-8000-0000000000a1","status":{"value":"draft","details":[]},"phone_numbers":[{"phone_number":"+13125550100"}]},"meta":{}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, order)
			return
		}
		w.WriteHeader(404)
		_, _ = io.WriteString(w, `{"errors":[{"code":"10005","title":"Resource not found"}]}`)
	}))
	defer srv.Close()
	p, _ := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
	pe := perr(t, errOnly(portable.New(p).ModifyPortOrderNumbers(ctx(t), "00000000-0000-4000-8000-0000000000a1", []string{"+13125550101"}, nil)), providers.CodeUnimplemented)
	if pe.Reason != "PROVIDER_CAPABILITY_MISSING" {
		t.Fatalf("%+v", pe)
	}
}

func TestListPortOrdersWindowAndFilters(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	var ids []string
	for i, n := range []string{"+13125550110", "+13125550111", "+13125550112", "+13125550113", "+13125550114"} {
		ref := "even"
		if i%2 == 1 {
			ref = "odd"
		}
		res, err := e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: providers.PortOrder{PhoneNumbers: []string{n}, CustomerReference: ref}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.Order.ID)
	}
	pageIDs := func(p *providers.PortOrderPage) []string {
		var out []string
		for _, o := range p.Orders {
			out = append(out, o.ID)
		}
		return out
	}
	// Cursor "1.2.1" (offset 1), limit 2 straddles pages 1 and 2 of size 2.
	pg, err := e.p.ListPortOrders(ctx(t), providers.PortOrderFilter{}, providers.ListQuery{Cursor: "1.2.1", Limit: 2})
	if err != nil || !slices.Equal(pageIDs(pg), ids[1:3]) || pg.NextCursor == "" {
		t.Fatalf("%v %v %v", pageIDs(pg), pg, err)
	}
	pg, err = e.p.ListPortOrders(ctx(t), providers.PortOrderFilter{}, providers.ListQuery{Cursor: "1.10.3", Limit: 10})
	if err != nil || !slices.Equal(pageIDs(pg), ids[3:]) || (pg.NextCursor != "") {
		t.Fatalf("%v %v", pageIDs(pg), err)
	}
	pg, err = e.p.ListPortOrders(ctx(t), providers.PortOrderFilter{}, providers.ListQuery{Cursor: "1.10.9", Limit: 10})
	if err != nil || len(pg.Orders) != 0 || (pg.NextCursor != "") {
		t.Fatalf("%v %v", pg, err)
	}
	pg, _ = e.p.ListPortOrders(ctx(t), providers.PortOrderFilter{CustomerReference: "odd"}, providers.ListQuery{Limit: 10})
	if !slices.Equal(pageIDs(pg), []string{ids[1], ids[3]}) {
		t.Fatalf("reference filter: %v", pageIDs(pg))
	}
	pg, _ = e.p.ListPortOrders(ctx(t), providers.PortOrderFilter{PhoneNumber: "+13125550112"}, providers.ListQuery{Limit: 10})
	if !slices.Equal(pageIDs(pg), []string{ids[2]}) {
		t.Fatalf("number filter: %v", pageIDs(pg))
	}
	if err := e.fake.SetOrderStatus(ids[4], "submitted"); err != nil {
		t.Fatal(err)
	}
	// Telnyx's list has no status filter: states are never pushed down,
	// everything comes back for the gateway to filter.
	pg, _ = e.p.ListPortOrders(ctx(t), providers.PortOrderFilter{States: []providers.State{providers.StateDraft, providers.StateInProgress}}, providers.ListQuery{Limit: 10})
	if len(pg.Orders) != 5 {
		t.Fatalf("multi-state: %d", len(pg.Orders))
	}
}

func TestComments(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	res, err := e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: providers.PortOrder{PhoneNumbers: []string{"+13125550100"}}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.p.CreateComment(ctx(t), res.Order.ID, "hello")
	if err != nil || c.ID == "" || c.Body != "hello" || c.Author != "user" || c.CreateTime.IsZero() {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := e.p.CreateComment(ctx(t), res.Order.ID, "again"); err != nil {
		t.Fatal(err)
	}
	list, err := e.p.ListComments(ctx(t), res.Order.ID)
	if err != nil || len(list) != 2 || list[0].ID != c.ID || list[1].Body != "again" {
		t.Fatalf("%+v %v", list, err)
	}
	pe := perr(t, errOnly(e.p.CreateComment(ctx(t), res.Order.ID, " ")), providers.CodeInvalidArgument)
	if !hasViolation(pe, "comment.body") {
		t.Fatalf("%+v", pe.Violations)
	}
	perr(t, errOnly(e.p.ListComments(ctx(t), "00000000-0000-4000-8000-0000000000a1")), providers.CodeNotFound)
}

func TestDocuments(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	res, err := e.p.CreatePortOrder(ctx(t), providers.CreatePortOrderRequest{Order: providers.PortOrder{PhoneNumbers: []string{"+13125550100"}}})
	if err != nil {
		t.Fatal(err)
	}
	id := res.Order.ID
	up := func(typ providers.DocumentType, name, ct, body string) *providers.Document {
		t.Helper()
		d, err := e.p.UploadDocument(ctx(t), id, providers.DocumentUpload{Type: typ, Filename: name, ContentType: ct, Content: []byte(body)})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	loa := up(providers.DocumentLOA, "loa.pdf", "application/pdf", "%PDF loa")
	inv := up(providers.DocumentInvoice, "bill.pdf", "application/pdf", "%PDF invoice")
	csr := up(providers.DocumentCSR, "csr.txt", "text/plain", "customer service record")
	if loa.ID == "" || loa.Type != providers.DocumentLOA || loa.Filename != "loa.pdf" || loa.ContentType != "application/pdf" {
		t.Fatalf("%+v", loa)
	}
	if n := e.doer.count("PATCH /v2/porting_orders/" + id); n != 2 {
		t.Fatalf("LOA and invoice should be attached by PATCH, got %d", n)
	}
	docs, err := e.p.ListDocuments(ctx(t), id)
	if err != nil || len(docs) != 3 {
		t.Fatalf("%+v %v", docs, err)
	}
	want := map[string]providers.DocumentType{loa.ID: providers.DocumentLOA, inv.ID: providers.DocumentInvoice, csr.ID: providers.DocumentCSR}
	for _, d := range docs {
		if want[d.ID] != d.Type || d.Filename == "" {
			t.Fatalf("doc %+v", d)
		}
	}
	for _, d := range docs {
		if d.DownloadURL != "" {
			t.Fatalf("listed document with a download URL %q (only credential-free links, from DocumentDownloadLink)", d.DownloadURL)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/v2/documents/"+docs[2].ID+"/download", nil)
	req.Header.Set("Authorization", "Bearer sandbox")
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "customer service record" || resp.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("download %q %q", body, resp.Header.Get("Content-Type"))
	}
	// After submit, an LOA goes to additional_documents (PATCH is refused there).
	o := submitted(t, e, "+13125550101")
	e.fake.Advance()
	d, err := e.p.UploadDocument(ctx(t), o.ID, providers.DocumentUpload{Type: providers.DocumentLOA, Filename: "loa2.pdf", Content: []byte("%PDF v2")})
	if err != nil {
		t.Fatal(err)
	}
	docs, _ = e.p.ListDocuments(ctx(t), o.ID)
	if len(docs) != 3 || docs[2].ID != d.ID || docs[2].Type != providers.DocumentLOA {
		t.Fatalf("%+v", docs)
	}
	perr(t, errOnly(e.p.UploadDocument(ctx(t), id, providers.DocumentUpload{Content: make([]byte, 10<<20+1)})), providers.CodeInvalidArgument)
	perr(t, errOnly(e.p.UploadDocument(ctx(t), "00000000-0000-4000-8000-0000000000a1", providers.DocumentUpload{Content: []byte("x")})), providers.CodeNotFound)
}

func TestNumbers(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{SeedNumbers: []string{"+13125550100", "+13125550101", "+12065559903", "+18005550100", "+13125559909"}})
	c := ctx(t)
	n, err := e.p.GetNumber(c, "+13125550100")
	if err != nil || n.PhoneNumber != "+13125550100" || n.Status != "active" || n.NumberType != "local" {
		t.Fatalf("%+v %v", n, err)
	}
	if _, err := e.p.GetNumber(c, "+13125550100"); err != nil {
		t.Fatal(err)
	}
	if got := e.doer.count("GET /v2/phone_numbers"); got != 1 {
		t.Fatalf("id lookups = %d, want 1 (cached)", got)
	}
	pe := perr(t, errOnly(e.p.GetNumber(c, "+13125559909")), providers.CodeNotFound)
	// Telnyx answered 200 with no match: report that, not an invented 404/10005.
	if pe.Reason != "NUMBER_NOT_FOUND" || pe.HTTPStatus != 200 || pe.ProviderCode != "" {
		t.Fatalf("%+v", pe)
	}
	pg, err := e.p.ListNumbers(c, providers.NumberFilter{}, providers.ListQuery{Cursor: "1.2.1", Limit: 2})
	if err != nil || len(pg.Numbers) != 2 || pg.Numbers[0].PhoneNumber != "+13125550101" || pg.Numbers[1].PhoneNumber != "+12065559903" || pg.NextCursor == "" {
		t.Fatalf("%+v %v", pg, err)
	}
	pg, _ = e.p.ListNumbers(c, providers.NumberFilter{Prefix: "+1312"}, providers.ListQuery{Limit: 10})
	if len(pg.Numbers) != 2 || (pg.NextCursor != "") {
		t.Fatalf("prefix: %+v", pg.Numbers)
	}
	res, err := e.p.UpdateNumber(c, providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+13125550101",
		Alias: "front desk", Tags: []string{"x", "y"}, ConnectionID: "1293384261075731500", MessagingProfileID: "4001767e-ce0f-4cae-9d5f-0d5e636e7809"},
		Mask: []string{"alias", "tags", "connection_id", "messaging_profile_id"}})
	if err != nil || len(res.Failures) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if u := res.Number; u.Alias != "front desk" || !slices.Equal(u.Tags, []string{"x", "y"}) || u.ConnectionID != "1293384261075731500" || u.MessagingProfileID != "4001767e-ce0f-4cae-9d5f-0d5e636e7809" || !u.MessagingEnabled {
		t.Fatalf("%+v", u)
	}
	res, err = e.p.UpdateNumber(c, providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+13125550101"},
		Mask: []string{"messaging_enabled", "alias"}})
	if err != nil || res.Number.MessagingEnabled || res.Number.Alias != "" {
		t.Fatalf("disable: %+v %v", res, err)
	}
	// Messaging refused after the first half applied → partial failure.
	res, err = e.p.UpdateNumber(c, providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+12065559903",
		Alias: "half", MessagingEnabled: true, MessagingProfileID: "4001767e-ce0f-4cae-9d5f-0d5e636e7809"}, Mask: []string{"alias", "messaging_enabled"}})
	if err != nil || len(res.Failures) != 1 || res.Failures[0].Field != "messaging_enabled" || res.Number.Alias != "half" || res.Number.MessagingEnabled {
		t.Fatalf("%+v %v", res, err)
	}
	res, err = e.p.UpdateNumber(c, providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+12065559903", MessagingProfileID: "4001767e-ce0f-4cae-9d5f-0d5e636e7809"},
		Mask: []string{"messaging_profile_id"}})
	if err != nil || len(res.Failures) != 1 || res.Failures[0].Field != "messaging_profile_id" || res.Failures[0].Reason != "MESSAGING_PROVISIONING_FAILED" {
		t.Fatalf("%+v %v", res, err)
	}
	perr(t, errOnly(e.p.UpdateNumber(c, providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+12065559903", MessagingEnabled: true},
		Mask: []string{"messaging_enabled"}})), providers.CodeInvalidArgument) // no profile to enable with
	pe = perr(t, errOnly(e.p.UpdateNumber(c, providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+13125550101"},
		Mask: []string{"cnam_lookups_enabled", "failover_route_id"}})), providers.CodeInvalidArgument)
	if !hasViolation(pe, "number.cnam_lookups_enabled") || !hasViolation(pe, "number.failover_route_id") {
		t.Fatalf("%+v", pe.Violations)
	}
	perr(t, errOnly(e.p.UpdateNumber(c, providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+13125550177", Alias: "x"}})), providers.CodeNotFound)
}

func TestErrorMapping(t *testing.T) {
	e := newEnv(t, telnyxfake.Options{})
	bad, _ := telnyx.New(telnyx.Config{BaseURL: e.srv.URL + "/v2", APIKey: "wrong", HTTPClient: e.srv.Client()})
	pe := perr(t, errOnly(bad.GetPortOrder(ctx(t), "00000000-0000-4000-8000-0000000000a1")), providers.CodeAuthFailed)
	if pe.HTTPStatus != 401 || pe.ProviderCode != "10009" || strings.Contains(pe.Error(), "wrong") {
		t.Fatalf("%+v", pe)
	}
	e.fake.FailNext(http.StatusTooManyRequests, 1, 3*time.Second)
	pe = perr(t, errOnly(e.p.GetNumber(ctx(t), "+13125550100")), providers.CodeRateLimited)
	if pe.RetryAfter != 3*time.Second || pe.ProviderCode != "10011" || !providers.Retryable(pe) {
		t.Fatalf("%+v", pe)
	}
	e.fake.FailNext(http.StatusServiceUnavailable, 1, 0)
	pe = perr(t, errOnly(e.p.CheckPortability(ctx(t), []string{"+13125550100"})), providers.CodeUnavailable)
	if pe.HTTPStatus != 503 {
		t.Fatalf("%+v", pe)
	}
	e.fake.FailNext(http.StatusRequestTimeout, 1, 0)
	perr(t, errOnly(e.p.CheckPortability(ctx(t), []string{"+13125550100"})), providers.CodeUnavailable)
}

func TestErrorMappingStub(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		headers map[string]string
		body    string
		code    providers.Code
		retry   time.Duration
	}{
		{"429 Retry-After-Ms", 429, map[string]string{"Retry-After-Ms": "1500", "Retry-After": "9"}, `{"errors":[{"code":"10011","title":"Too many requests"}]}`, providers.CodeRateLimited, 1500 * time.Millisecond},
		{"429 Retry-After", 429, map[string]string{"Retry-After": "7"}, `{"errors":[{"code":"10011","title":"Too many requests"}]}`, providers.CodeRateLimited, 7 * time.Second},
		{"429 reset", 429, map[string]string{"x-ratelimit-reset": "4"}, `{"errors":[{"code":"10011","title":"Too many requests"}]}`, providers.CodeRateLimited, 4 * time.Second},
		{"403", 403, nil, `{"errors":[{"code":"10010","title":"Authorization failed"}]}`, providers.CodeFailedPrecondition, 0},
		{"409 (retried by the SDKs)", 409, nil, `{"errors":[{"code":"10012","title":"Duplicate"}]}`, providers.CodeUnavailable, 0},
		{"500", 500, nil, `{"errors":[{"code":"10007","title":"Unexpected error"}]}`, providers.CodeUnavailable, 0},
		{"502 html", 502, nil, `<html>bad gateway</html>`, providers.CodeUnavailable, 0},
		{"422 html", 422, nil, `<html>nope</html>`, providers.CodeBadResponse, 0},
		{"422 bodyless (documented)", 422, nil, ``, providers.CodeInvalidArgument, 0},
		{"409 bodyless", 409, nil, ``, providers.CodeUnavailable, 0},
		{"200 garbage", 200, nil, `{"data":`, providers.CodeBadResponse, 0},
		{"413", 413, nil, `{"errors":[{"code":"10015","title":"Payload too large"}]}`, providers.CodeInvalidArgument, 0},
		{"405 (same as Flowroute: PROVIDER_ERROR)", 405, nil, `{"errors":[{"code":"10000","title":"Method not allowed"}]}`, providers.CodeUnknown, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "Bearer k" || r.Header.Get("Accept") != "application/json" {
					t.Errorf("headers: %v", r.Header)
				}
				for k, v := range tc.headers {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			p, _ := telnyx.New(telnyx.Config{BaseURL: srv.URL + "/v2", APIKey: "k", HTTPClient: srv.Client()})
			pe := perr(t, errOnly(p.GetPortOrder(ctx(t), "00000000-0000-4000-8000-0000000000a1")), tc.code)
			if pe.RetryAfter != tc.retry || pe.HTTPStatus != tc.status || pe.Provider != "telnyx" {
				t.Fatalf("%+v", pe)
			}
		})
	}
}

func TestTransportErrors(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	p, _ := telnyx.New(telnyx.Config{BaseURL: url + "/v2", APIKey: "k"})
	perr(t, errOnly(p.GetPortOrder(ctx(t), "00000000-0000-4000-8000-0000000000a1")), providers.CodeUnavailable)
	c, cancel := context.WithCancel(context.Background())
	cancel()
	if err := errOnly(p.GetPortOrder(c, "00000000-0000-4000-8000-0000000000a1")); !errors.Is(err, context.Canceled) {
		t.Fatalf("%v", err)
	}
}

func TestWebhooksSigned(t *testing.T) {
	type delivery struct {
		body      []byte
		sig, ts   string
		eventType string
	}
	got := make(chan delivery, 64)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var env struct {
			EventType string `json:"event_type"` // flat envelope
			Data      struct {
				EventType string `json:"event_type"`
			} `json:"data"`
		}
		_ = json.Unmarshal(b, &env)
		et := env.Data.EventType
		if et == "" {
			et = env.EventType
		}
		got <- delivery{b, r.Header.Get("telnyx-signature-ed25519"), r.Header.Get("telnyx-timestamp"), et}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	e := newEnv(t, telnyxfake.Options{WebhookURL: recv.URL})
	c := ctx(t)
	res, err := e.p.CreatePortOrder(c, providers.CreatePortOrderRequest{Order: providers.PortOrder{
		PhoneNumbers: []string{"+13125550100", "+13125559904"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.CreateComment(c, res.Order.ID, "hi"); err != nil {
		t.Fatal(err)
	}
	if err := e.fake.SetOrderStatus(res.Order.ID, "in-process"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.CancelPortOrder(c, res.Related[0].ID); err != nil { // draft → DELETE → porting_order.deleted
		t.Fatal(err)
	}
	want := map[string]bool{"porting_order.split": true, "porting_order.new_comment": true,
		"porting_order.status_changed": true, "porting_order.deleted": true}
	for len(want) > 0 {
		select {
		case d := <-got:
			if !telnyxfake.Verify(e.fake.PublicKey(), d.sig, d.ts, d.body) {
				t.Fatalf("bad signature on %s", d.eventType)
			}
			if telnyxfake.Verify(e.fake.PublicKey(), d.sig, d.ts, append(d.body, ' ')) {
				t.Fatal("signature verified a modified body")
			}
			if sec, err := strconv.ParseInt(d.ts, 10, 64); err != nil || time.Since(time.Unix(sec, 0)) > time.Minute {
				t.Fatalf("timestamp %q", d.ts)
			}
			delete(want, d.eventType)
		case <-c.Done():
			t.Fatalf("missing webhooks: %v", want)
		}
	}
}
