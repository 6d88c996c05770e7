package providertest

import (
	"context"
	"github.com/portgate/portgate/sandbox/scenarios"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portgate/portgate/providers"
)

// memProvider is a minimal, correct in-memory provider: the suite must pass
// against it, which keeps the suite honest about what it demands.
type memProvider struct {
	mu       sync.Mutex
	nextID   int
	orders   map[string]*providers.PortOrder
	order    []string // creation order
	comments map[string][]providers.Comment
	docs     map[string][]providers.Document
	numbers  map[string]*providers.Number
	faults   []Fault
}

const memName = "mem"

func newMemProvider() *memProvider {
	m := &memProvider{nextID: 1000, orders: map[string]*providers.PortOrder{}, comments: map[string][]providers.Comment{},
		docs: map[string][]providers.Document{}, numbers: map[string]*providers.Number{}}
	for _, n := range scenarios.SandboxNumbers {
		m.numbers[n] = &providers.Number{PhoneNumber: n, Status: "active"}
	}
	return m
}

func (m *memProvider) Name() string { return memName }

func (m *memProvider) Capabilities() providers.Capabilities {
	var of, nf []string
	for p := range orderFields {
		of = append(of, p)
	}
	for p := range numberFields {
		nf = append(nf, p)
	}
	slices.Sort(of)
	slices.Sort(nf)
	// Comments are listed but not creatable, to exercise the Unimplemented path.
	ops := slices.DeleteFunc(slices.Clone(providers.AllOperations), func(o providers.Operation) bool { return o == providers.OpCreateComment })
	return providers.Capabilities{Operations: ops, PortabilityBatchLimit: 10, UpdatableOrderFields: of, UpdatableNumberFields: nf, MaxDocumentBytes: 1024}
}

func notFound(what string) error {
	return &providers.Error{Code: providers.CodeNotFound, Provider: memName, HTTPStatus: 404, Message: what + " not found"}
}

func (m *memProvider) CheckPortability(_ context.Context, nums []string) ([]providers.PortabilityResult, error) {
	var out []providers.PortabilityResult
	for _, n := range nums {
		r := providers.PortabilityResult{PhoneNumber: n, Portable: true}
		switch {
		case scenarios.HasSuffix(n, scenarios.SuffixNotPortable):
			r.Portable, r.Reason = false, "No coverage"
		case scenarios.HasSuffix(n, scenarios.SuffixFastPortable):
			r.FastPortable = true
		}
		out = append(out, r)
	}
	return out, nil
}

func strip(o *providers.PortOrder) *providers.PortOrder {
	c := *o
	c.PhoneNumbers = slices.Clone(o.PhoneNumbers)
	c.RelatedOrders = slices.Clone(o.RelatedOrders)
	c.StateDetails = slices.Clone(o.StateDetails)
	c.EndUser.HasPIN = c.EndUser.HasPIN || c.EndUser.PIN != ""
	c.EndUser.HasAccountNumber = c.EndUser.HasAccountNumber || c.EndUser.AccountNumber != ""
	c.EndUser.PIN, c.EndUser.AccountNumber, c.EndUser.TaxIdentifier, c.EndUser.BusinessIdentifier, c.EndUser.Last4SSN = "", "", "", "", ""
	return &c
}

func (m *memProvider) newOrder(in providers.PortOrder, nums []string) *providers.PortOrder {
	m.nextID++
	o := strip(&in)
	o.ID = strconv.Itoa(m.nextID)
	o.PhoneNumbers = nums
	o.State, o.ProviderStatus = providers.StateDraft, "draft"
	o.CreateTime = time.Now()
	m.orders[o.ID] = o
	m.order = append(m.order, o.ID)
	return o
}

func (m *memProvider) CreatePortOrder(_ context.Context, req providers.CreatePortOrderRequest) (*providers.CreatePortOrderResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var main, split []string
	for i, n := range req.Order.PhoneNumbers {
		if scenarios.HasSuffix(n, scenarios.SuffixNotPortable) {
			return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: memName, HTTPStatus: 422, Message: "not portable",
				Violations: []providers.FieldViolation{{Field: "port_order.phone_numbers[" + strconv.Itoa(i) + "]", Description: "No coverage"}}}
		}
		if scenarios.HasSuffix(n, scenarios.SuffixSplit) {
			split = append(split, n)
		} else {
			main = append(main, n)
		}
	}
	p := m.newOrder(req.Order, main)
	res := &providers.CreatePortOrderResult{Order: p}
	if len(split) > 0 {
		r := m.newOrder(req.Order, split)
		p.RelatedOrders, r.RelatedOrders = []string{r.ID}, []string{p.ID}
		res.Related = []*providers.PortOrder{strip(r)}
	}
	res.Order = strip(p)
	return res, nil
}

func (m *memProvider) GetPortOrder(_ context.Context, id string) (*providers.PortOrder, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[id]
	if !ok {
		return nil, notFound("order")
	}
	return strip(o), nil
}

func (m *memProvider) ListPortOrders(_ context.Context, f providers.PortOrderFilter, q providers.ListQuery) (*providers.PortOrderPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var all []*providers.PortOrder
	for _, id := range m.order {
		if o := m.orders[id]; f.CustomerReference == "" || o.CustomerReference == f.CustomerReference {
			all = append(all, strip(o))
		}
	}
	lo, err := providers.ParseOffsetCursor(memName, q.Cursor)
	if err != nil {
		return nil, err
	}
	lo = min(lo, len(all))
	hi := min(lo+q.Limit, len(all))
	page := &providers.PortOrderPage{Orders: all[lo:hi]}
	if hi < len(all) {
		page.NextCursor = providers.OffsetCursor(hi)
	}
	return page, nil
}

func (m *memProvider) UpdatePortOrder(_ context.Context, u providers.PortOrderUpdate) (*providers.PortOrder, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[u.ID]
	if !ok {
		return nil, notFound("order")
	}
	if !o.State.Editable() {
		return nil, providers.InvalidTransition(memName, o.State, "update")
	}
	in := u.Order
	for _, p := range u.Mask {
		switch p {
		case providers.FieldEndUserEntityName:
			o.EndUser.EntityName = in.EndUser.EntityName
		case providers.FieldEndUserAuthorizedPerson:
			o.EndUser.AuthorizedPerson = in.EndUser.AuthorizedPerson
		case providers.FieldEndUserBillingNumber:
			o.EndUser.BillingTelephoneNumber = in.EndUser.BillingTelephoneNumber
		case providers.FieldEndUserUsageType:
			o.EndUser.UsageType = in.EndUser.UsageType
		case providers.FieldEndUserServiceAddress:
			o.EndUser.ServiceAddress = in.EndUser.ServiceAddress
		case providers.FieldEndUserAccountNumber:
			o.EndUser.HasAccountNumber = in.EndUser.AccountNumber != ""
		case providers.FieldEndUserPIN:
			o.EndUser.HasPIN = in.EndUser.PIN != ""
		case providers.FieldLosingCarrier:
			o.LosingCarrier = in.LosingCarrier
		case providers.FieldRequestedFOCTime:
			o.RequestedFOCTime = in.RequestedFOCTime
		case providers.FieldPortType:
			o.PortType = in.PortType
		case providers.FieldRemainingNumbersAction:
			o.RemainingNumbersAction = in.RemainingNumbersAction
		case providers.FieldNewBillingTelephoneNumber:
			o.NewBillingTelephoneNumber = in.NewBillingTelephoneNumber
		case providers.FieldConfiguration:
			o.Configuration = in.Configuration
		case providers.FieldCustomerReference:
			o.CustomerReference = in.CustomerReference
		case providers.FieldStatusCallbackURL:
			o.StatusCallbackURL = in.StatusCallbackURL
		}
	}
	return strip(o), nil
}

func (m *memProvider) ModifyPortOrderNumbers(_ context.Context, id string, add, remove []string) (*providers.PortOrder, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[id]
	if !ok {
		return nil, notFound("order")
	}
	if o.State != providers.StateDraft {
		return nil, providers.InvalidTransition(memName, o.State, "modify numbers of")
	}
	o.PhoneNumbers = append(slices.DeleteFunc(o.PhoneNumbers, func(n string) bool { return slices.Contains(remove, n) }), add...)
	return strip(o), nil
}

func (m *memProvider) SubmitPortOrder(_ context.Context, id string, _ providers.Signature) (*providers.PortOrder, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[id]
	if !ok {
		return nil, notFound("order")
	}
	if o.State != providers.StateDraft {
		return nil, providers.InvalidTransition(memName, o.State, "submit")
	}
	o.State, o.ProviderStatus = providers.StateSubmitted, "submitted"
	return strip(o), nil
}

func (m *memProvider) CancelPortOrder(_ context.Context, id string) (*providers.PortOrder, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[id]
	if !ok {
		return nil, notFound("order")
	}
	switch o.State {
	case providers.StateDraft:
		o.State, o.ProviderStatus = providers.StateCancelled, "cancelled"
	case providers.StateSubmitted, providers.StateInProgress, providers.StateException:
		o.State, o.ProviderStatus = providers.StateCancelPending, "cancel-pending"
	default:
		return nil, providers.InvalidTransition(memName, o.State, "cancel")
	}
	return strip(o), nil
}

// advance is the fake's step function.
func (m *memProvider) advance() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range m.orders {
		exc := slices.ContainsFunc(o.PhoneNumbers, func(n string) bool { return scenarios.HasSuffix(n, scenarios.SuffixException) })
		switch o.State {
		case providers.StateSubmitted:
			if exc {
				o.State, o.ProviderStatus = providers.StateException, "exception"
				o.StateDetails = []providers.StateDetail{{Code: "OTHER", Description: "sandbox exception"}}
			} else {
				o.State, o.ProviderStatus = providers.StateInProgress, "in-progress"
			}
		case providers.StateInProgress:
			o.State, o.ProviderStatus = providers.StateFOCConfirmed, "foc"
		case providers.StateFOCConfirmed:
			o.State, o.ProviderStatus = providers.StateCompleted, "ported"
		case providers.StateCancelPending:
			o.State, o.ProviderStatus = providers.StateCancelled, "cancelled"
		}
	}
}

func (m *memProvider) ListComments(_ context.Context, id string) ([]providers.Comment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.orders[id]; !ok {
		return nil, notFound("order")
	}
	return slices.Clone(m.comments[id]), nil
}

func (m *memProvider) CreateComment(context.Context, string, string) (*providers.Comment, error) {
	return nil, providers.CapabilityMissing(memName, providers.OpCreateComment)
}

func (m *memProvider) UploadDocument(_ context.Context, id string, d providers.DocumentUpload) (*providers.Document, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.orders[id]; !ok {
		return nil, notFound("order")
	}
	if len(d.Content) > 1024 {
		return nil, providers.Errorf(memName, providers.CodeInvalidArgument, "document too large")
	}
	doc := providers.Document{ID: strconv.Itoa(len(m.docs[id]) + 1), Type: d.Type, Filename: d.Filename, ContentType: d.ContentType}
	m.docs[id] = append(m.docs[id], doc)
	return &doc, nil
}

func (m *memProvider) ListDocuments(_ context.Context, id string) ([]providers.Document, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.docs[id]), nil
}

func (m *memProvider) GetNumber(ctx context.Context, n string) (*providers.Number, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	num, ok := m.numbers[n]
	if !ok || scenarios.HasSuffix(n, scenarios.SuffixNotOnAccount) {
		return nil, notFound("number")
	}
	c := *num
	return &c, nil
}

func (m *memProvider) ListNumbers(_ context.Context, f providers.NumberFilter, q providers.ListQuery) (*providers.NumberPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.faults) > 0 {
		ft := m.faults[0]
		m.faults = m.faults[1:]
		code := providers.CodeUnavailable
		if ft.HTTPStatus == 429 {
			code = providers.CodeRateLimited
		}
		return nil, &providers.Error{Code: code, Provider: memName, HTTPStatus: ft.HTTPStatus, RetryAfter: ft.RetryAfter, Message: "injected"}
	}
	var all []*providers.Number
	for _, n := range scenarios.SandboxNumbers {
		if strings.HasPrefix(n, f.Prefix) {
			c := *m.numbers[n]
			all = append(all, &c)
		}
	}
	lo, err := providers.ParseOffsetCursor(memName, q.Cursor)
	if err != nil {
		return nil, err
	}
	lo = min(lo, len(all))
	hi := min(lo+q.Limit, len(all))
	page := &providers.NumberPage{Numbers: all[lo:hi]}
	if hi < len(all) {
		page.NextCursor = providers.OffsetCursor(hi)
	}
	return page, nil
}

func (m *memProvider) UpdateNumber(_ context.Context, u providers.NumberUpdate) (*providers.NumberUpdateResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, ok := m.numbers[u.Number.PhoneNumber]
	if !ok {
		return nil, notFound("number")
	}
	res := &providers.NumberUpdateResult{}
	in := u.Number
	for _, p := range u.Mask {
		switch p {
		case providers.FieldNumberAlias:
			n.Alias = in.Alias
		case providers.FieldNumberCNAMLookupsEnabled:
			n.CNAMLookupsEnabled = in.CNAMLookupsEnabled
		case providers.FieldNumberMessagingEnabled:
			if in.MessagingEnabled && scenarios.HasSuffix(n.PhoneNumber, scenarios.SuffixMessagingFails) {
				res.Failures = append(res.Failures, providers.FieldFailure{Field: p, Reason: "MESSAGING_PROVISIONING_FAILED"})
				continue
			}
			n.MessagingEnabled = in.MessagingEnabled
		case providers.FieldNumberMessagingProfileID:
			n.MessagingProfileID = in.MessagingProfileID
		case providers.FieldNumberConnectionID:
			n.ConnectionID = in.ConnectionID
		case providers.FieldNumberFailoverRouteID:
			n.FailoverRouteID = in.FailoverRouteID
		case providers.FieldNumberEmergencyAddressID:
			n.EmergencyAddressID = in.EmergencyAddressID
		case providers.FieldNumberTags:
			n.Tags = slices.Clone(in.Tags)
		}
	}
	c := *n
	res.Number = &c
	return res, nil
}

type memHarness struct{ p *memProvider }

func (h memHarness) SeedOrderState(_ context.Context, id string, st providers.State) error {
	h.p.mu.Lock()
	defer h.p.mu.Unlock()
	o, ok := h.p.orders[id]
	if !ok {
		return notFound("order")
	}
	o.State = st
	return nil
}

func (h memHarness) SeedNumber(_ context.Context, n string) error {
	h.p.mu.Lock()
	defer h.p.mu.Unlock()
	h.p.numbers[n] = &providers.Number{PhoneNumber: n, Status: "active"}
	return nil
}

func (h memHarness) DeleteOrder(_ context.Context, id string) error {
	h.p.mu.Lock()
	defer h.p.mu.Unlock()
	delete(h.p.orders, id)
	h.p.order = slices.DeleteFunc(h.p.order, func(s string) bool { return s == id })
	return nil
}

func (h memHarness) InjectFault(_ context.Context, f Fault) error {
	h.p.mu.Lock()
	defer h.p.mu.Unlock()
	for range max(f.Count, 1) {
		h.p.faults = append(h.p.faults, f)
	}
	return nil
}

func (h memHarness) Provider() providers.Provider  { return h.p }
func (h memHarness) Advance(context.Context) error { h.p.advance(); return nil }
func (h memHarness) Close()                        {}
func (h memHarness) ValidOrder(nums []string) providers.PortOrder {
	return providers.PortOrder{PhoneNumbers: nums, LosingCarrier: "Lumen", EndUser: providers.EndUser{EntityName: "Acme", AuthorizedPerson: "Jane Roe"}}
}

// The suite passes against a correct provider.
func TestConformanceMem(t *testing.T) {
	RunConformanceTests(t, func(context.Context, *testing.T) (Harness, error) {
		return memHarness{p: newMemProvider()}, nil
	})
}
