package flowroute_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/portgate/portgate/sandbox/scenarios"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/flowroute"
	"github.com/portgate/portgate/sandbox/flowroutefake"
)

// recorder is a Doer that records every request's method and path.
type recorder struct {
	hc   *http.Client
	mu   sync.Mutex
	reqs []string
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req.Method+" "+req.URL.Path)
	r.mu.Unlock()
	return r.hc.Do(req)
}

func (r *recorder) writes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var w []string
	for _, s := range r.reqs {
		if !strings.HasPrefix(s, "GET ") {
			w = append(w, s)
		}
	}
	return w
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.reqs = nil
	r.mu.Unlock()
}

type env struct {
	fake *flowroutefake.Fake
	srv  *httptest.Server
	p    *flowroute.Provider
	rec  *recorder
	ctx  context.Context
}

func newEnv(t *testing.T) *env {
	t.Helper()
	fake := flowroutefake.New(flowroutefake.Options{})
	srv := httptest.NewServer(fake)
	rec := &recorder{hc: srv.Client()}
	p, err := flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: "sandbox", SecretKey: "sandbox-secret", HTTPClient: rec})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); fake.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return &env{fake: fake, srv: srv, p: p, rec: rec, ctx: ctx}
}

func validOrder(nums ...string) providers.PortOrder {
	return providers.PortOrder{
		PhoneNumbers:  nums,
		LosingCarrier: "Verizon",
		EndUser: providers.EndUser{
			EntityName: "Acme Corp", AuthorizedPerson: "Jane Roe", BillingTelephoneNumber: "+13125550199",
			UsageType: providers.UsageBusiness, AccountNumber: "ACCT-1", PIN: "4321", Last4SSN: "6789",
			ServiceAddress: providers.Address{StreetAddress: "1 Main St", ExtendedAddress: "Ste 2", Locality: "Chicago",
				AdministrativeArea: "IL", PostalCode: "60601", CountryCode: "US"},
		},
		RequestedFOCTime:  time.Date(2030, 5, 17, 15, 0, 0, 0, time.UTC),
		CustomerReference: "ref-1",
		StatusCallbackURL: "https://hooks.example.com/po",
		Configuration:     providers.NumberConfiguration{ConnectionID: "7001", FailoverRouteID: "7002", CNAMID: "5", EmergencyAddressID: "9", CNAMLookupsEnabled: true},
	}
}

func (e *env) create(t *testing.T, o providers.PortOrder) *providers.CreatePortOrderResult {
	t.Helper()
	res, err := e.p.CreatePortOrder(e.ctx, providers.CreatePortOrderRequest{Order: o})
	if err != nil {
		t.Fatalf("CreatePortOrder: %v", err)
	}
	return res
}

func (e *env) get(t *testing.T, id string) *providers.PortOrder {
	t.Helper()
	o, err := e.p.GetPortOrder(e.ctx, id)
	if err != nil {
		t.Fatalf("GetPortOrder(%s): %v", id, err)
	}
	return o
}

func wantErr(t *testing.T, err error, code providers.Code) *providers.Error {
	t.Helper()
	var pe *providers.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v (%T), want *providers.Error %v", err, err, code)
	}
	if pe.Code != code {
		t.Fatalf("code = %v, want %v (err %v)", pe.Code, code, err)
	}
	if pe.Provider != flowroute.Name {
		t.Errorf("Provider = %q", pe.Provider)
	}
	return pe
}

func noSecrets(t *testing.T, o *providers.PortOrder) {
	t.Helper()
	eu := o.EndUser
	if eu.PIN != "" || eu.AccountNumber != "" || eu.Last4SSN != "" || eu.TaxIdentifier != "" || eu.BusinessIdentifier != "" {
		t.Errorf("secrets returned: %+v", eu)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	if _, err := flowroute.New(flowroute.Config{AccessKey: "a"}); err == nil {
		t.Error("missing secret accepted")
	}
	if _, err := flowroute.New(flowroute.Config{BaseURL: "ftp://x", AccessKey: "a", SecretKey: "b"}); err == nil {
		t.Error("bad base URL accepted")
	}
	p, err := flowroute.New(flowroute.Config{AccessKey: "a", SecretKey: "b"})
	if err != nil || p.Name() != "flowroute" {
		t.Fatalf("New default: %v", err)
	}
}

func TestCapabilities(t *testing.T) {
	c := newEnv(t).p.Capabilities()
	if c.Supports(providers.OpCreateComment) {
		t.Error("CreateComment listed")
	}
	// No messaging profiles and no port-out PIN on Flowroute.
	noAPI := []providers.Operation{providers.OpListMessagingProfiles, providers.OpGetMessagingProfile, providers.OpSetPortOutPIN}
	// No port-out API either (issue 14 — portout).
	noPortOut := func(op providers.Operation) bool {
		return op == providers.OpListPortOuts || op == providers.OpGetPortOut || op == providers.OpDecidePortOut
	}
	for _, op := range providers.AllOperations {
		portIn := op == providers.OpReschedulePortOrder || op == providers.OpActivatePortOrder || op == providers.OpSupplyPortOrderRequirements
		if listed := c.Supports(op); listed == (op == providers.OpCreateComment || slices.Contains(noAPI, op) || portIn || noPortOut(op)) {
			t.Errorf("%s listed = %v", op, listed)
		}
	}
	if c.PortabilityBatchLimit != 100 || c.MaxDocumentBytes != 10<<20 {
		t.Errorf("limits = %d, %d", c.PortabilityBatchLimit, c.MaxDocumentBytes)
	}
}

func TestBadAuth(t *testing.T) {
	e := newEnv(t)
	p, _ := flowroute.New(flowroute.Config{BaseURL: e.srv.URL, AccessKey: "sandbox", SecretKey: "wrong"})
	_, err := p.GetNumber(e.ctx, "+13125550100")
	pe := wantErr(t, err, providers.CodeAuthFailed)
	if pe.HTTPStatus != 401 || pe.Reason != "PROVIDER_AUTH_FAILED" || pe.ProviderCode != "Unauthorized" || pe.ProviderErrorID == "" {
		t.Errorf("error = %+v", pe)
	}
	if strings.Contains(pe.Error(), "wrong") {
		t.Error("secret in error message")
	}
}

func TestGetUnknownOrder(t *testing.T) {
	e := newEnv(t)
	_, err := e.p.GetPortOrder(e.ctx, "999999")
	pe := wantErr(t, err, providers.CodeNotFound)
	if pe.Reason != "PORT_ORDER_NOT_FOUND" || pe.HTTPStatus != 404 || pe.ProviderCode != "Resource not found" {
		t.Errorf("error = %+v", pe)
	}
}

func TestCreateMapsFields(t *testing.T) {
	e := newEnv(t)
	res := e.create(t, validOrder("+13125551000", "+13125551001"))
	o := res.Order
	noSecrets(t, o)
	if o.State != providers.StateDraft || o.ProviderStatus != "pending" {
		t.Errorf("state = %v/%q", o.State, o.ProviderStatus)
	}
	if len(res.Related) != 0 || len(o.RelatedOrders) != 0 {
		t.Errorf("related = %v / %v", res.Related, o.RelatedOrders)
	}
	if strings.Join(o.PhoneNumbers, ",") != "+13125551000,+13125551001" {
		t.Errorf("numbers = %v", o.PhoneNumbers)
	}
	eu := o.EndUser
	if eu.EntityName != "Acme Corp" || eu.AuthorizedPerson != "Jane Roe" || eu.BillingTelephoneNumber != "+13125550199" ||
		eu.UsageType != providers.UsageBusiness || !eu.HasPIN || !eu.HasAccountNumber {
		t.Errorf("end user = %+v", eu)
	}
	want := providers.Address{StreetAddress: "1 Main St", ExtendedAddress: "Ste 2", Locality: "Chicago", AdministrativeArea: "IL", PostalCode: "60601", CountryCode: "US"}
	if eu.ServiceAddress != want {
		t.Errorf("address = %+v", eu.ServiceAddress)
	}
	if !o.RequestedFOCTime.Equal(time.Date(2030, 5, 17, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("requested FOC = %v", o.RequestedFOCTime)
	}
	if o.CustomerReference != "ref-1" || o.StatusCallbackURL != "https://hooks.example.com/po" || o.LosingCarrier != "Verizon" || o.GroupID == "" {
		t.Errorf("order = %+v", o)
	}
	c := o.Configuration
	if c.ConnectionID != "7001" || c.FailoverRouteID != "7002" || c.CNAMID != "5" || c.EmergencyAddressID != "9" || !c.CNAMLookupsEnabled {
		t.Errorf("configuration = %+v", c)
	}
	if o.CreateTime.IsZero() || o.UpdateTime.IsZero() {
		t.Error("timestamps not set")
	}
	// Entity name falls back to billing_name when there is no company.
	v := validOrder("+13125551002")
	v.EndUser.EntityName = ""
	if got := e.create(t, v).Order.EndUser.EntityName; got != "Jane Roe" {
		t.Errorf("EntityName fallback = %q", got)
	}
}

func TestCreateNonPortableIsFieldViolation(t *testing.T) {
	e := newEnv(t)
	_, err := e.p.CreatePortOrder(e.ctx, providers.CreatePortOrderRequest{Order: validOrder("+13125551100", "+1312555"+scenarios.SuffixNotPortable)})
	pe := wantErr(t, err, providers.CodeInvalidArgument)
	if pe.HTTPStatus != 422 || len(pe.Violations) != 1 || pe.Violations[0].Field != "port_order.phone_numbers" ||
		!strings.Contains(pe.Violations[0].Description, "not portable") {
		t.Errorf("error = %+v", pe)
	}
	// Missing required fields map to neutral paths.
	bad := validOrder("+13125551101")
	bad.EndUser.ServiceAddress.Locality = ""
	bad.LosingCarrier = ""
	_, err = e.p.CreatePortOrder(e.ctx, providers.CreatePortOrderRequest{Order: bad})
	pe = wantErr(t, err, providers.CodeInvalidArgument)
	fields := map[string]bool{}
	for _, v := range pe.Violations {
		fields[v.Field] = true
	}
	if !fields["port_order.end_user.service_address.locality"] || !fields["port_order.losing_carrier"] {
		t.Errorf("violations = %+v", pe.Violations)
	}
}

func TestSplitCreateReturnsRelated(t *testing.T) {
	e := newEnv(t)
	split := "+1312555" + scenarios.SuffixSplit
	res := e.create(t, validOrder("+13125551200", split))
	if len(res.Related) != 1 {
		t.Fatalf("related = %d", len(res.Related))
	}
	prim, rel := res.Order, res.Related[0]
	if strings.Join(prim.PhoneNumbers, ",") != "+13125551200" || strings.Join(rel.PhoneNumbers, ",") != split {
		t.Errorf("primary %v related %v", prim.PhoneNumbers, rel.PhoneNumbers)
	}
	if prim.GroupID != rel.GroupID || len(prim.RelatedOrders) != 1 || prim.RelatedOrders[0] != rel.ID || rel.RelatedOrders[0] != prim.ID {
		t.Errorf("linking: %+v / %+v", prim.RelatedOrders, rel.RelatedOrders)
	}
	if got := e.get(t, rel.ID); len(got.RelatedOrders) != 1 || got.RelatedOrders[0] != prim.ID {
		t.Errorf("Get related = %v", got.RelatedOrders)
	}
	// The order holding the first requested number is primary.
	res = e.create(t, validOrder(split[:len(split)-5]+"39904", "+13125551201"))
	if !strings.HasSuffix(res.Order.PhoneNumbers[0], scenarios.SuffixSplit) {
		t.Errorf("primary = %v", res.Order.PhoneNumbers)
	}
}

func TestLifecycleToCompleted(t *testing.T) {
	e := newEnv(t)
	num := "+13125551300"
	id := e.create(t, validOrder(num)).Order.ID
	// Flowroute lists a number on the account as soon as its port is open;
	// it does not work until the port completes.
	if n, err := e.p.GetNumber(e.ctx, num); err != nil || n.Status != "PORT_PENDING" {
		t.Fatalf("number on account while its port is pending: %+v %v; want status PORT_PENDING", n, err)
	}
	o, err := e.p.SubmitPortOrder(e.ctx, id, providers.Signature{Name: "Jane Roe", Title: "Owner"})
	if err != nil {
		t.Fatal(err)
	}
	if o.State != providers.StateSubmitted || o.ProviderStatus != "processing" {
		t.Fatalf("after submit: %v/%q", o.State, o.ProviderStatus)
	}
	docs, err := e.p.ListDocuments(e.ctx, id)
	if err != nil || len(docs) != 1 || docs[0].Type != providers.DocumentLOA || docs[0].ID == "" {
		t.Fatalf("LOA document = %+v, %v", docs, err)
	}
	steps := []struct {
		state  providers.State
		status string
	}{{providers.StateInProgress, "submitted"}, {providers.StateFOCConfirmed, "accepted"}, {providers.StateCompleted, "completed"}}
	for _, s := range steps {
		e.fake.Advance()
		o = e.get(t, id)
		if o.State != s.state || o.ProviderStatus != s.status {
			t.Fatalf("state = %v/%q, want %v/%q", o.State, o.ProviderStatus, s.state, s.status)
		}
		if s.state == providers.StateFOCConfirmed && o.ConfirmedFOCTime.IsZero() {
			t.Error("FOC date not mapped")
		}
	}
	e.fake.Advance() // terminal: no further move
	if o = e.get(t, id); o.State != providers.StateCompleted {
		t.Errorf("completed moved to %v", o.State)
	}
	n, err := e.p.GetNumber(e.ctx, num)
	if err != nil {
		t.Fatalf("ported number: %v", err)
	}
	if n.PhoneNumber != num || n.ConnectionID != "7001" || n.FailoverRouteID != "7002" || !n.CNAMLookupsEnabled {
		t.Errorf("ported number = %+v", n)
	}
	// Submit again: refused before any write.
	e.rec.reset()
	_, err = e.p.SubmitPortOrder(e.ctx, id, providers.Signature{Name: "x", Title: "y"})
	if pe := wantErr(t, err, providers.CodeFailedPrecondition); pe.CurrentState != providers.StateCompleted {
		t.Errorf("CurrentState = %v", pe.CurrentState)
	}
	if w := e.rec.writes(); len(w) != 0 {
		t.Errorf("writes sent: %v", w)
	}
}

func TestSubmitRequiresSignature(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, validOrder("+13125551310")).Order.ID
	_, err := e.p.SubmitPortOrder(e.ctx, id, providers.Signature{Name: "Jane"})
	if pe := wantErr(t, err, providers.CodeInvalidArgument); len(pe.Violations) != 1 || pe.Violations[0].Field != "signature.title" {
		t.Errorf("violations = %+v", pe.Violations)
	}
}

func TestExceptionCommentsResubmitAndAbandon(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, validOrder("+1312555"+scenarios.SuffixException)).Order.ID
	if _, err := e.p.SubmitPortOrder(e.ctx, id, providers.Signature{Name: "Jane Roe", Title: "Owner"}); err != nil {
		t.Fatal(err)
	}
	e.fake.Advance()
	o := e.get(t, id)
	if o.State != providers.StateException || o.ProviderStatus != "rejected" {
		t.Fatalf("state = %v/%q", o.State, o.ProviderStatus)
	}
	cs, err := e.p.ListComments(e.ctx, id)
	if err != nil || len(cs) != 1 || cs[0].Author != "system" || !strings.Contains(cs[0].Body, "rejected") || cs[0].CreateTime.IsZero() {
		t.Fatalf("comments = %+v, %v", cs, err)
	}
	if len(o.StateDetails) != 1 || o.StateDetails[0].Description != cs[0].Body {
		t.Errorf("state details = %+v", o.StateDetails)
	}
	// Details are editable again while rejected.
	upd := validOrder()
	upd.EndUser.AuthorizedPerson = "John Roe"
	o, err = e.p.UpdatePortOrder(e.ctx, providers.PortOrderUpdate{ID: id, Order: upd, Mask: []string{providers.FieldEndUserAuthorizedPerson}})
	if err != nil || o.EndUser.AuthorizedPerson != "John Roe" {
		t.Fatalf("update while rejected: %v", err)
	}
	// Resubmit: rejected → review (IN_PROGRESS).
	o, err = e.p.SubmitPortOrder(e.ctx, id, providers.Signature{Name: "John Roe", Title: "Owner"})
	if err != nil || o.ProviderStatus != "review" || o.State != providers.StateInProgress {
		t.Fatalf("resubmit: %v %+v", err, o)
	}
	// A second exception order is cancelled from rejected → abandoned.
	id2 := e.create(t, validOrder("+1312556"+scenarios.SuffixException)).Order.ID
	if err := e.fake.SetOrderStatus(id2, "rejected"); err != nil {
		t.Fatal(err)
	}
	o, err = e.p.CancelPortOrder(e.ctx, id2)
	if err != nil || o.State != providers.StateCancelled || o.ProviderStatus != "abandoned" {
		t.Fatalf("cancel rejected: %v %+v", err, o)
	}
}

func TestCancel(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, validOrder("+13125551400")).Order.ID
	o, err := e.p.CancelPortOrder(e.ctx, id)
	if err != nil || o.State != providers.StateCancelled || o.ProviderStatus != "cancelled" {
		t.Fatalf("cancel pending: %v %+v", err, o)
	}
	for _, st := range []string{"processing", "submitted", "accepted", "completed", "cancelled"} {
		id := e.create(t, validOrder("+13125551401")).Order.ID
		if err := e.fake.SetOrderStatus(id, st); err != nil {
			t.Fatal(err)
		}
		e.rec.reset()
		_, err := e.p.CancelPortOrder(e.ctx, id)
		pe := wantErr(t, err, providers.CodeFailedPrecondition)
		if pe.Reason != "INVALID_STATE_TRANSITION" || pe.CurrentState == providers.StateUnspecified {
			t.Errorf("%s: %+v", st, pe)
		}
		if w := e.rec.writes(); len(w) != 0 {
			t.Errorf("%s: writes sent %v", st, w)
		}
	}
	_, err = e.p.CancelPortOrder(e.ctx, "999999")
	wantErr(t, err, providers.CodeNotFound)
}

func TestModifyNumbers(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, validOrder("+13125551500", "+13125551501")).Order.ID
	o, err := e.p.ModifyPortOrderNumbers(e.ctx, id, []string{"+13125551502"}, []string{"+13125551500"})
	if err != nil || strings.Join(o.PhoneNumbers, ",") != "+13125551501,+13125551502" {
		t.Fatalf("modify: %v %v", err, o)
	}
	_, err = e.p.ModifyPortOrderNumbers(e.ctx, id, []string{"+1312555" + scenarios.SuffixNotPortable}, nil)
	if pe := wantErr(t, err, providers.CodeInvalidArgument); len(pe.Violations) == 0 || pe.Violations[0].Field != "add_phone_numbers" {
		t.Errorf("violations = %+v", pe.Violations)
	}
	if _, err := e.p.SubmitPortOrder(e.ctx, id, providers.Signature{Name: "Jane Roe", Title: "Owner"}); err != nil {
		t.Fatal(err)
	}
	e.rec.reset()
	_, err = e.p.ModifyPortOrderNumbers(e.ctx, id, []string{"+13125551503"}, nil)
	if pe := wantErr(t, err, providers.CodeFailedPrecondition); pe.CurrentState != providers.StateSubmitted {
		t.Errorf("CurrentState = %v", pe.CurrentState)
	}
	if w := e.rec.writes(); len(w) != 0 {
		t.Errorf("writes sent %v", w)
	}
}

func TestUpdatePortOrder(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, validOrder("+13125551600")).Order.ID
	in := providers.PortOrder{
		LosingCarrier: "Lumen", CustomerReference: "ref-2",
		EndUser: providers.EndUser{ServiceAddress: providers.Address{StreetAddress: "9 Elm", Locality: "Seattle", AdministrativeArea: "WA", PostalCode: "98101", CountryCode: "US"},
			UsageType: providers.UsageResidential},
		RequestedFOCTime: time.Date(2031, 1, 2, 0, 0, 0, 0, time.UTC),
		Configuration:    providers.NumberConfiguration{ConnectionID: "7004", CNAMLookupsEnabled: true},
	}
	o, err := e.p.UpdatePortOrder(e.ctx, providers.PortOrderUpdate{ID: id, Order: in, Mask: []string{
		providers.FieldLosingCarrier, providers.FieldEndUserServiceAddress, providers.FieldEndUserUsageType,
		providers.FieldCustomerReference, providers.FieldConfiguration}})
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, o)
	if o.LosingCarrier != "Lumen" || o.CustomerReference != "ref-2" || o.EndUser.ServiceAddress != in.EndUser.ServiceAddress ||
		o.EndUser.UsageType != providers.UsageResidential ||
		o.Configuration.ConnectionID != "7004" || o.Configuration.FailoverRouteID != "" || !o.Configuration.CNAMLookupsEnabled {
		t.Errorf("updated = %+v", o)
	}
	if o.EndUser.AuthorizedPerson != "Jane Roe" || o.StatusCallbackURL != "https://hooks.example.com/po" {
		t.Errorf("fields outside the mask changed: %+v", o)
	}
	// A field Flowroute cannot store.
	_, err = e.p.UpdatePortOrder(e.ctx, providers.PortOrderUpdate{ID: id, Mask: []string{providers.FieldCustomerReference, providers.FieldEndUserTaxIdentifier}})
	if pe := wantErr(t, err, providers.CodeInvalidArgument); len(pe.Violations) != 1 || pe.Violations[0].Field != "update_mask.paths[1]" {
		t.Errorf("violations = %+v", pe.Violations)
	}
	// After submit: details refused, presets allowed.
	if _, err := e.p.SubmitPortOrder(e.ctx, id, providers.Signature{Name: "Jane Roe", Title: "Owner"}); err != nil {
		t.Fatal(err)
	}
	e.rec.reset()
	_, err = e.p.UpdatePortOrder(e.ctx, providers.PortOrderUpdate{ID: id, Order: in, Mask: []string{providers.FieldLosingCarrier}})
	wantErr(t, err, providers.CodeFailedPrecondition)
	if w := e.rec.writes(); len(w) != 0 {
		t.Errorf("writes sent %v", w)
	}
	in.CustomerReference = "ref-3"
	o, err = e.p.UpdatePortOrder(e.ctx, providers.PortOrderUpdate{ID: id, Order: in, Mask: []string{providers.FieldCustomerReference}})
	if err != nil || o.CustomerReference != "ref-3" {
		t.Fatalf("preset update after submit: %v", err)
	}
}

func TestListEmptyAccount(t *testing.T) {
	e := newEnv(t)
	page, err := e.p.ListPortOrders(e.ctx, providers.PortOrderFilter{}, providers.ListQuery{Limit: 10})
	if err != nil || page == nil || len(page.Orders) != 0 || (page.NextCursor != "") {
		t.Fatalf("page = %+v, %v", page, err)
	}
}

func TestListPaginationAndFilters(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := 0; i < 205; i++ {
		o := validOrder(fmt.Sprintf("+1206555%04d", 2000+i))
		o.CustomerReference = fmt.Sprintf("ref-%d", i)
		ids = append(ids, e.create(t, o).Order.ID)
	}
	// Small windows: no gaps, no duplicates, oldest first.
	var got []string
	for off := 0; ; {
		page, err := e.p.ListPortOrders(e.ctx, providers.PortOrderFilter{}, providers.ListQuery{Cursor: providers.OffsetCursor(off), Limit: 30})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Orders {
			got = append(got, o.ID)
		}
		off += len(page.Orders)
		if page.NextCursor == "" {
			break
		}
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Fatalf("walk = %d ids, want %d in order", len(got), len(ids))
	}
	// Limit above Flowroute's 200 fetches several provider pages.
	e.rec.reset()
	page, err := e.p.ListPortOrders(e.ctx, providers.PortOrderFilter{}, providers.ListQuery{Limit: 203})
	if err != nil || len(page.Orders) != 203 || page.NextCursor == "" || page.Orders[202].ID != ids[202] {
		t.Fatalf("limit 203: %d more=%v err=%v", len(page.Orders), (page.NextCursor != ""), err)
	}
	if n := len(e.rec.reqs); n != 2 {
		t.Errorf("requests = %d, want 2", n)
	}
	page, err = e.p.ListPortOrders(e.ctx, providers.PortOrderFilter{}, providers.ListQuery{Limit: 250})
	if err != nil || len(page.Orders) != 205 || (page.NextCursor != "") {
		t.Fatalf("limit 250: %d more=%v err=%v", len(page.Orders), (page.NextCursor != ""), err)
	}
	// Pushdown filters.
	page, err = e.p.ListPortOrders(e.ctx, providers.PortOrderFilter{PhoneNumber: "+12065552007"}, providers.ListQuery{Limit: 10})
	if err != nil || len(page.Orders) != 1 || page.Orders[0].ID != ids[7] {
		t.Fatalf("by number: %+v %v", page, err)
	}
	page, err = e.p.ListPortOrders(e.ctx, providers.PortOrderFilter{CustomerReference: "ref-9"}, providers.ListQuery{Limit: 10})
	if err != nil || len(page.Orders) != 1 || page.Orders[0].ID != ids[9] {
		t.Fatalf("by reference: %+v %v", page, err)
	}
	if err := e.fake.SetOrderStatus(ids[3], "accepted"); err != nil {
		t.Fatal(err)
	}
	page, err = e.p.ListPortOrders(e.ctx, providers.PortOrderFilter{States: []providers.State{providers.StateFOCConfirmed}}, providers.ListQuery{Limit: 10})
	if err != nil || len(page.Orders) != 1 || page.Orders[0].ID != ids[3] || (page.NextCursor != "") {
		t.Fatalf("by state: %+v %v", page, err)
	}
	page, err = e.p.ListPortOrders(e.ctx, providers.PortOrderFilter{CustomerReference: "nobody"}, providers.ListQuery{Limit: 10})
	if err != nil || len(page.Orders) != 0 || (page.NextCursor != "") {
		t.Fatalf("no match: %+v %v", page, err)
	}
}

func TestCheckPortability(t *testing.T) {
	e := newEnv(t)
	nums := []string{"+13125551700", "+1312555" + scenarios.SuffixNotPortable, "+1312555" + scenarios.SuffixFastPortable}
	res, err := e.p.CheckPortability(e.ctx, nums)
	if err != nil || len(res) != 3 {
		t.Fatalf("%v %v", res, err)
	}
	if !res[0].Portable || res[0].FastPortable || res[0].Reason != "" {
		t.Errorf("portable: %+v", res[0])
	}
	if res[1].Portable || res[1].Reason == "" {
		t.Errorf("nonportable: %+v", res[1])
	}
	if !res[2].Portable || !res[2].FastPortable {
		t.Errorf("fast: %+v", res[2])
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("+1312555%04d", 3000+i)
	}
	_, err = e.p.CheckPortability(e.ctx, many)
	wantErr(t, err, providers.CodeInvalidArgument)
}

func TestDocuments(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, validOrder("+13125551800")).Order.ID
	docs, err := e.p.ListDocuments(e.ctx, id)
	if err != nil || len(docs) != 0 {
		t.Fatalf("docs = %v %v", docs, err)
	}
	d, err := e.p.UploadDocument(e.ctx, id, providers.DocumentUpload{Type: providers.DocumentInvoice, Filename: "bill.pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4")})
	if err != nil || d.ID == "" || d.Filename != "bill.pdf" || d.Type != providers.DocumentInvoice {
		t.Fatalf("upload = %+v %v", d, err)
	}
	docs, err = e.p.ListDocuments(e.ctx, id)
	if err != nil || len(docs) != 1 || docs[0].ID != d.ID || docs[0].Status != "uploaded" || docs[0].Type != providers.DocumentInvoice {
		t.Fatalf("docs = %+v %v", docs, err)
	}
	_, err = e.p.UploadDocument(e.ctx, id, providers.DocumentUpload{Filename: "big.pdf", Content: make([]byte, 10<<20+1)})
	wantErr(t, err, providers.CodeInvalidArgument)
	_, err = e.p.ListDocuments(e.ctx, "404404")
	wantErr(t, err, providers.CodeNotFound)
	if err := e.fake.SetOrderStatus(id, "submitted"); err != nil {
		t.Fatal(err)
	}
	_, err = e.p.UploadDocument(e.ctx, id, providers.DocumentUpload{Filename: "x.pdf", Content: []byte("x")})
	wantErr(t, err, providers.CodeFailedPrecondition)
}

func TestComments(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, validOrder("+13125551900")).Order.ID
	cs, err := e.p.ListComments(e.ctx, id)
	if err != nil || cs == nil || len(cs) != 0 {
		t.Fatalf("comments = %#v %v", cs, err)
	}
	_, err = e.p.CreateComment(e.ctx, id, "hello")
	if pe := wantErr(t, err, providers.CodeUnimplemented); pe.Reason != "PROVIDER_CAPABILITY_MISSING" {
		t.Errorf("reason = %q", pe.Reason)
	}
}

func TestNumbers(t *testing.T) {
	e := newEnv(t)
	n, err := e.p.GetNumber(e.ctx, "+13125550100")
	if err != nil || n.PhoneNumber != "+13125550100" || n.ConnectionID != "0" || n.Status != "PURCHASED" || n.NumberType != "longcode" {
		t.Fatalf("get = %+v %v", n, err)
	}
	_, err = e.p.GetNumber(e.ctx, "+1312555"+scenarios.SuffixNotOnAccount)
	if pe := wantErr(t, err, providers.CodeNotFound); pe.Reason != "NUMBER_NOT_FOUND" {
		t.Errorf("reason = %q", pe.Reason)
	}
	// Walk the seeded numbers two at a time.
	var got []string
	for off := 0; ; {
		page, err := e.p.ListNumbers(e.ctx, providers.NumberFilter{}, providers.ListQuery{Cursor: providers.OffsetCursor(off), Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range page.Numbers {
			got = append(got, n.PhoneNumber)
		}
		off += len(page.Numbers)
		if page.NextCursor == "" {
			break
		}
	}
	if strings.Join(got, ",") != strings.Join(scenarios.SandboxNumbers, ",") {
		t.Errorf("walk = %v", got)
	}
	page, err := e.p.ListNumbers(e.ctx, providers.NumberFilter{Prefix: "+1312"}, providers.ListQuery{Limit: 50})
	if err != nil || len(page.Numbers) != 3 || (page.NextCursor != "") {
		t.Errorf("prefix: %+v %v", page, err)
	}
	page, err = e.p.ListNumbers(e.ctx, providers.NumberFilter{Contains: "5559903"}, providers.ListQuery{Limit: 50})
	if err != nil || len(page.Numbers) != 1 || page.Numbers[0].PhoneNumber != "+12065559903" {
		t.Errorf("contains: %+v %v", page, err)
	}
}

func TestUpdateNumber(t *testing.T) {
	e := newEnv(t)
	res, err := e.p.UpdateNumber(e.ctx, providers.NumberUpdate{
		Number: providers.Number{PhoneNumber: "+13125550101", Alias: "Front desk", CNAMLookupsEnabled: true, MessagingEnabled: true, ConnectionID: "7003", FailoverRouteID: "7004"},
		Mask: []string{providers.FieldNumberAlias, providers.FieldNumberCNAMLookupsEnabled, providers.FieldNumberMessagingEnabled,
			providers.FieldNumberConnectionID, providers.FieldNumberFailoverRouteID},
		MessagingCallbackURL: "https://hooks.example.com/sms",
	})
	if err != nil || len(res.Failures) != 0 {
		t.Fatalf("update: %+v %v", res, err)
	}
	n := res.Number
	if n.Alias != "Front desk" || !n.CNAMLookupsEnabled || n.ConnectionID != "7003" || n.FailoverRouteID != "7004" {
		t.Errorf("number = %+v", n)
	}
	// Messaging enablement is asynchronous: pending until provisioning finishes.
	if n.MessagingEnabled || n.MessagingProvisioning.State != providers.MessagingProvisioningPending {
		t.Errorf("messaging right after enabling: enabled %v provisioning %+v; want false, PENDING", n.MessagingEnabled, n.MessagingProvisioning)
	}
	e.fake.Advance()
	if n, err := e.p.GetNumber(e.ctx, "+13125550101"); err != nil || !n.MessagingEnabled || n.MessagingProvisioning.State != providers.MessagingProvisioningComplete {
		t.Errorf("messaging after provisioning: %+v %v; want enabled, COMPLETE", n, err)
	}
	// Clearing the failover route deletes the relationship.
	res, err = e.p.UpdateNumber(e.ctx, providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+13125550101"}, Mask: []string{providers.FieldNumberFailoverRouteID}})
	if err != nil || res.Number.FailoverRouteID != "" || res.Number.ConnectionID != "7003" || res.Number.Alias != "Front desk" {
		t.Errorf("clear failover: %+v %v", res, err)
	}
	// 207: success with a field failure, messaging stays off.
	res, err = e.p.UpdateNumber(e.ctx, providers.NumberUpdate{
		Number: providers.Number{PhoneNumber: "+12065559903", Alias: "sms", MessagingEnabled: true},
		Mask:   []string{providers.FieldNumberAlias, providers.FieldNumberMessagingEnabled},
	})
	if err != nil {
		t.Fatalf("207: %v", err)
	}
	if res.Number.Alias != "sms" || res.Number.MessagingEnabled {
		t.Errorf("207 number = %+v", res.Number)
	}
	if len(res.Failures) != 1 || res.Failures[0].Field != "messaging_enabled" || res.Failures[0].Reason != "MESSAGING_PROVISIONING_FAILED" || res.Failures[0].Message == "" {
		t.Errorf("failures = %+v", res.Failures)
	}
	_, err = e.p.UpdateNumber(e.ctx, providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+13125550101"}, Mask: []string{providers.FieldNumberTags}})
	if pe := wantErr(t, err, providers.CodeInvalidArgument); len(pe.Violations) != 1 {
		t.Errorf("violations = %+v", pe.Violations)
	}
	_, err = e.p.UpdateNumber(e.ctx, providers.NumberUpdate{Number: providers.Number{PhoneNumber: "+1312555" + scenarios.SuffixNotOnAccount, Alias: "x"}, Mask: []string{providers.FieldNumberAlias}})
	wantErr(t, err, providers.CodeNotFound)
}

func TestContextErrors(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	_, err := e.p.GetNumber(ctx, "+13125550100")
	if providers.ErrorCode(err) != providers.CodeCanceled || !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v (%v)", err, providers.ErrorCode(err))
	}
	// Deadline propagates to a server that never answers in time.
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	p, _ := flowroute.New(flowroute.Config{BaseURL: srv.URL, AccessKey: "a", SecretKey: "b", HTTPClient: srv.Client()})
	dctx, dcancel := context.WithTimeout(e.ctx, 50*time.Millisecond)
	defer dcancel()
	_, err = p.GetPortOrder(dctx, "1")
	if providers.ErrorCode(err) != providers.CodeDeadlineExceeded {
		t.Errorf("deadline: %v (%v)", err, providers.ErrorCode(err))
	}
	// Nothing listening → Unavailable.
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	p, _ = flowroute.New(flowroute.Config{BaseURL: url, AccessKey: "a", SecretKey: "b"})
	_, err = p.GetPortOrder(e.ctx, "1")
	wantErr(t, err, providers.CodeUnavailable)
}
