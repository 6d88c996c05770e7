package providertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portgate/portgate/internal/e164"
	"github.com/portgate/portgate/internal/uuid"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

// Harness adapts one provider (its adapter talking to its in-process fake) to
// the conformance suite. A harness owns everything it starts; Close releases it.
type Harness interface {
	// Provider returns the adapter under test.
	Provider() providers.Provider
	// Advance moves every submitted, non-terminal order one step along the
	// provider's own state machine (the fake's Advance hook).
	Advance(ctx context.Context) error
	// ValidOrder returns a port order the provider accepts at create and at
	// submit for the given E.164 numbers: every field the provider requires
	// is filled. The suite may add fields (PIN, account number, customer
	// reference) before creating it.
	ValidOrder(numbers []string) providers.PortOrder
	// Close stops the fake and releases the harness.
	Close()
}

// HarnessMaker makes a fresh Harness for one test. Returning (nil, nil) skips
// the test.
type HarnessMaker func(ctx context.Context, t *testing.T) (Harness, error)

// maxAdvanceSteps bounds every walk along a provider's state machine.
const maxAdvanceSteps = 25

// maxPages bounds every pagination walk.
const maxPages = 200

// callTimeout bounds each test case.
const callTimeout = 20 * time.Second

// RunConformanceTests runs the provider conformance suite: every case is a
// subtest that talks to the provider only through the portable client
// (providers/portable), the type the gateway uses.
//
// asTests check each adapter's escape hatches (Client.As, Client.ErrorAs).
func RunConformanceTests(t *testing.T, newHarness HarnessMaker, asTests ...AsTest) {
	t.Helper()
	cases := []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"Capabilities", testCapabilities},
		{"CheckPortability", testCheckPortability},
		{"CreateGetRoundTrip", testCreateGetRoundTrip},
		{"CreateSplit", testCreateSplit},
		{"CreateNotPortable", testCreateNotPortable},
		{"ModifyNumbers", testModifyNumbers},
		{"UpdatePortOrder", testUpdatePortOrder},
		{"StateMachine", testStateMachine},
		{"Exception", testException},
		{"Cancel", testCancel},
		{"Comments", testComments},
		{"Documents", testDocuments},
		{"OrderDetails", testOrderDetails},
		{"ListPortOrders", testListPortOrders},
		{"Numbers", testNumbers},
		{"SearchAvailableNumbers", testSearchAvailableNumbers}, // issue 14 search
		{"VoiceRoutes", testVoiceRoutes},
		{"MessagingProfiles", testMessagingProfiles},
		{"PortOutPIN", testPortOutPIN},
		{"Errors", testErrors},
		{"ProviderFidelity", testProviderFidelity},
		{"FidelityT", testFidelityT},
		{"PaginationConsistency", testPaginationConsistency},
		{"SeededState", testSeededState},
		{"SeededNumber", testSeededNumber},
		{"InjectedFault", testInjectedFault},
		{"As", testAs},
		{"NumberOrders", testNumberOrders},             // issue 14 — buy
		{"EmergencyAddresses", testEmergencyAddresses}, // issue 14 — e911
		{"CallerIDNames", testCallerIDNames},           // issue 14 — e911
		{"PortIn", testPortIn},
		{"PortOuts", testPortOuts},                           // issue 14 — portout
		{"PortOrderLOA", testPortOrderLOA},                   // issue 14 — portout
		{"PortOutComments", testPortOutComments},             // issue 14 — portout
		{"PortOutDocuments", testPortOutDocuments},           // issue 14 — portout
		{"PortOutRejectionCodes", testPortOutRejectionCodes}, // issue 14 — portout
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.fn(t, &env{mk: newHarness, as: asTests})
		})
	}
}

// env lets a case make fresh harnesses for its subtests.
type env struct {
	mk HarnessMaker
	as []AsTest
}

// fixture is one running harness with the portable client over its driver
// and a deadline-bound context.
type fixture struct {
	h    Harness
	drv  providers.Provider
	p    *portable.Client
	name string
	caps providers.Capabilities
	ctx  context.Context
}

// open makes a fresh harness for t (skipping t when the maker returns nil)
// and registers its Close.
func (e *env) open(t *testing.T) *fixture {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), callTimeout)
	t.Cleanup(cancel)
	h, err := e.mk(ctx, t)
	if err != nil {
		t.Fatalf("making harness: %v", err)
	}
	if h == nil {
		t.Skip("harness maker returned nil: skipping")
	}
	t.Cleanup(h.Close)
	drv := h.Provider()
	if drv == nil {
		t.Fatal("Harness.Provider() = nil")
	}
	p := portable.New(drv)
	return &fixture{h: h, drv: drv, p: p, name: p.Name(), caps: p.Capabilities(), ctx: ctx}
}

// require skips t unless the provider supports every op.
func (f *fixture) require(t *testing.T, ops ...providers.Operation) {
	t.Helper()
	for _, op := range ops {
		if !f.caps.Supports(op) {
			t.Skipf("%s does not support %s", f.name, op)
		}
	}
}

// --- numbers ---------------------------------------------------------------

var numberSeq atomic.Int64

// NewNumber returns a fresh valid E.164 number that no other call in this
// process returns. With suffix == "" the number ends in no sandbox scenario
// suffix (+1312555xxxx); otherwise it ends in suffix (one of the providers
// Suffix* constants).
func NewNumber(suffix string) string {
	for {
		n := numberSeq.Add(1)
		var s string
		if suffix == "" {
			d := 2000 + n%7900 // 2000..9899: never a 99xx scenario suffix
			s = fmt.Sprintf("+1312555%04d", d)
		} else {
			s = fmt.Sprintf("+1312%03d%s", 200+n%800, suffix)
		}
		if _, err := e164.Parse(s, ""); err == nil {
			return s
		}
	}
}

func newNumbers(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = NewNumber("")
	}
	return out
}

func uniqueRef(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])
}

// --- state machine ---------------------------------------------------------

// allowedNext is the neutral state machine every provider's mapping must
// respect when observed between two consecutive Advance steps.
var allowedNext = map[providers.State][]providers.State{
	providers.StateDraft:         {providers.StateSubmitted, providers.StateCancelled},
	providers.StateSubmitted:     {providers.StateInProgress, providers.StateException, providers.StateFOCConfirmed, providers.StateCancelPending, providers.StateCancelled},
	providers.StateInProgress:    {providers.StateInProgress, providers.StateException, providers.StateFOCConfirmed, providers.StateCancelPending, providers.StateCancelled},
	providers.StateException:     {providers.StateInProgress, providers.StateSubmitted, providers.StateCancelled, providers.StateCancelPending, providers.StateException},
	providers.StateFOCConfirmed:  {providers.StateCompleted, providers.StateCancelPending},
	providers.StateCancelPending: {providers.StateCancelled},
	providers.StateCompleted:     {providers.StateCompleted},
	providers.StateCancelled:     {providers.StateCancelled},
}

// transitionAllowed reports whether an order may be observed in state to
// right after being observed in state from.
func transitionAllowed(from, to providers.State) bool {
	return slices.Contains(allowedNext[from], to)
}

// --- helpers ---------------------------------------------------------------

// newOrder is h.ValidOrder plus the secrets and a unique customer reference.
func (f *fixture) newOrder(numbers []string) providers.PortOrder {
	o := f.h.ValidOrder(numbers)
	if o.EndUser.PIN == "" {
		o.EndUser.PIN = "4821"
	}
	if o.EndUser.AccountNumber == "" {
		o.EndUser.AccountNumber = "ACCT-77120"
	}
	if o.CustomerReference == "" {
		o.CustomerReference = uniqueRef("conf")
	}
	return o
}

// create creates o and fails t on error.
func (f *fixture) create(t *testing.T, o providers.PortOrder) *providers.CreatePortOrderResult {
	t.Helper()
	res, err := f.p.CreatePortOrder(f.ctx, providers.CreatePortOrderRequest{Order: o, RequestID: uuid.New()})
	if err != nil {
		t.Fatalf("CreatePortOrder(%v): %v", o.PhoneNumbers, err)
	}
	if res == nil || res.Order == nil {
		t.Fatalf("CreatePortOrder(%v): nil order, nil error", o.PhoneNumbers)
	}
	if res.Order.ID == "" {
		t.Fatalf("CreatePortOrder(%v): empty order ID", o.PhoneNumbers)
	}
	return res
}

// createDraft creates a valid order for numbers and returns the primary order.
func (f *fixture) createDraft(t *testing.T, numbers ...string) *providers.PortOrder {
	t.Helper()
	return f.create(t, f.newOrder(numbers)).Order
}

func (f *fixture) get(t *testing.T, id string) *providers.PortOrder {
	t.Helper()
	o, err := f.p.GetPortOrder(f.ctx, id)
	if err != nil {
		t.Fatalf("GetPortOrder(%q): %v", id, err)
	}
	if o == nil {
		t.Fatalf("GetPortOrder(%q): nil order, nil error", id)
	}
	return o
}

// loaPDF is a tiny document body standing in for a signed LOA.
var loaPDF = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// submit prepares and submits a draft the way a client does: it uploads an
// LOA when the provider takes documents, then signs and submits.
func (f *fixture) submit(t *testing.T, id string) *providers.PortOrder {
	t.Helper()
	if f.caps.Supports(providers.OpUploadDocument) {
		if _, err := f.p.UploadDocument(f.ctx, id, loaUpload()); err != nil {
			t.Fatalf("before submit: UploadDocument(%q, LOA): %v", id, err)
		}
		f.meetDocumentRequirements(t, id)
	}
	o, err := f.p.SubmitPortOrder(f.ctx, id, providers.Signature{Name: "Jane Roe", Title: "Owner"})
	if err != nil {
		t.Fatalf("SubmitPortOrder(%q): %v", id, err)
	}
	if o == nil {
		t.Fatalf("SubmitPortOrder(%q): nil order, nil error", id)
	}
	return o
}

// meetDocumentRequirements uploads an invoice while the provider still
// lists a document requirement as missing (Telnyx: LOA and invoice before
// confirm); providers that list no requirements are left alone.
func (f *fixture) meetDocumentRequirements(t *testing.T, id string) {
	t.Helper()
	if !slices.Contains(f.caps.PortOrderDetails, providers.DetailRequirements) {
		return
	}
	o := f.get(t, id)
	for _, r := range o.Requirements {
		if r.ValueType == "DOCUMENT" && r.Status == providers.RequirementMissing {
			inv := loaUpload()
			inv.Type, inv.Filename = providers.DocumentInvoice, "invoice.pdf"
			if _, err := f.p.UploadDocument(f.ctx, id, inv); err != nil {
				t.Fatalf("before submit: UploadDocument(%q, invoice): %v", id, err)
			}
			return
		}
	}
}

func loaUpload() providers.DocumentUpload {
	return providers.DocumentUpload{Type: providers.DocumentLOA, Filename: "loa.pdf", ContentType: "application/pdf", Content: loaPDF}
}

// advanceUntil calls Advance until the order reaches want (or a terminal
// state, or maxAdvanceSteps), checking every observed transition against
// allowedNext. It returns the last observed order.
func (f *fixture) advanceUntil(t *testing.T, id string, from providers.State, want providers.State) *providers.PortOrder {
	t.Helper()
	prev := from
	path := []string{from.String()}
	var o *providers.PortOrder
	for step := 1; step <= maxAdvanceSteps; step++ {
		if err := f.h.Advance(f.ctx); err != nil {
			t.Fatalf("Advance (step %d): %v", step, err)
		}
		o = f.get(t, id)
		path = append(path, o.State.String())
		if !transitionAllowed(prev, o.State) {
			t.Errorf("order %s: transition %v -> %v (provider status %q) at step %d is not allowed; path %s",
				id, prev, o.State, o.ProviderStatus, step, strings.Join(path, " -> "))
		}
		if o.ProviderStatus == "" {
			t.Errorf("order %s: ProviderStatus empty in state %v", id, o.State)
		}
		prev = o.State
		if o.State == want {
			t.Logf("order %s: %s", id, strings.Join(path, " -> "))
			return o
		}
		if o.State.Terminal() {
			t.Fatalf("order %s reached terminal %v, want %v; path %s", id, o.State, want, strings.Join(path, " -> "))
		}
	}
	t.Fatalf("order %s did not reach %v within %d Advance steps; path %s", id, want, maxAdvanceSteps, strings.Join(path, " -> "))
	return o
}

// wantCode checks that err is a *providers.Error with the given code,
// carrying the provider's name; answered additionally requires HTTPStatus
// (the provider answered the request).
func (f *fixture) wantCode(t *testing.T, what string, err error, want providers.Code, answered bool) *providers.Error {
	t.Helper()
	if err == nil {
		t.Errorf("%s: err = nil, want code %v", what, want)
		return nil
	}
	var pe *providers.Error
	if !errors.As(err, &pe) {
		t.Errorf("%s: err = %v (%T), want *providers.Error with code %v", what, err, err, want)
		return nil
	}
	if pe.Code != want {
		t.Errorf("%s: code = %v, want %v (err: %v)", what, pe.Code, want, err)
	}
	if pe.Provider != f.name {
		t.Errorf("%s: Error.Provider = %q, want %q", what, pe.Provider, f.name)
	}
	if answered && pe.HTTPStatus == 0 {
		t.Errorf("%s: Error.HTTPStatus = 0, want the provider's HTTP status", what)
	}
	return pe
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	sort.Strings(c)
	return c
}

// sameSet reports whether a and b hold the same strings, ignoring order.
func sameSet(a, b []string) bool {
	return slices.Equal(sortedCopy(a), sortedCopy(b))
}

// checkSecrets fails t when an order carries secret input fields back out.
func checkSecrets(t *testing.T, what string, o *providers.PortOrder) {
	t.Helper()
	eu := o.EndUser
	for _, s := range []struct{ name, v string }{
		{"PIN", eu.PIN}, {"AccountNumber", eu.AccountNumber}, {"TaxIdentifier", eu.TaxIdentifier},
		{"BusinessIdentifier", eu.BusinessIdentifier}, {"Last4SSN", eu.Last4SSN},
	} {
		if s.v != "" {
			t.Errorf("%s: EndUser.%s returned (non-empty); secrets are input-only", what, s.name)
		}
	}
}
