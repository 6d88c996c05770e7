package providertest

import (
	"context"
	"fmt"
	"github.com/portgate/portgate/sandbox/scenarios"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/portgate/portgate/internal/e164"
	"github.com/portgate/portgate/internal/uuid"
	"github.com/portgate/portgate/providers"
)

// --- Capabilities ----------------------------------------------------------

func testCapabilities(t *testing.T, e *env) {
	f := e.open(t)
	if f.name == "" {
		t.Error("Name() is empty")
	}
	for _, op := range f.caps.Operations {
		if !slices.Contains(providers.AllOperations, op) {
			t.Errorf("Capabilities().Operations lists unknown operation %q", op)
		}
	}
	if f.caps.Supports(providers.OpCheckPortability) && f.caps.PortabilityBatchLimit <= 0 {
		t.Errorf("Capabilities().PortabilityBatchLimit = %d, want > 0 when CheckPortability is supported", f.caps.PortabilityBatchLimit)
	}
	if f.caps.Supports(providers.OpUploadDocument) && f.caps.MaxDocumentBytes <= 0 {
		t.Errorf("Capabilities().MaxDocumentBytes = %d, want > 0 when UploadDocument is supported", f.caps.MaxDocumentBytes)
	}
	if f.caps.Supports(providers.OpUpdatePortOrder) && len(f.caps.UpdatableOrderFields) == 0 {
		t.Error("Capabilities().UpdatableOrderFields is empty although UpdatePortOrder is supported")
	}
	if f.caps.Supports(providers.OpUpdateNumber) && len(f.caps.UpdatableNumberFields) == 0 {
		t.Error("Capabilities().UpdatableNumberFields is empty although UpdateNumber is supported")
	}

	// A real draft makes the supported calls meaningful; without Create the
	// calls use an id that does not exist, which must still not answer
	// Unimplemented for a listed operation.
	orderID := "0"
	if f.caps.Supports(providers.OpCreatePortOrder) {
		orderID = f.createDraft(t, NewNumber("")).ID
	}
	for _, op := range providers.AllOperations {
		t.Run(string(op), func(t *testing.T) {
			err := callOp(f, op, orderID)
			if f.caps.Supports(op) {
				if providers.ErrorCode(err) == providers.CodeUnimplemented {
					t.Errorf("%s is in Capabilities().Operations but answered Unimplemented: %v", op, err)
				}
				return
			}
			pe := f.wantCode(t, fmt.Sprintf("%s (not in Capabilities)", op), err, providers.CodeUnimplemented, false)
			if pe != nil && pe.Reason != "PROVIDER_CAPABILITY_MISSING" {
				t.Errorf("%s (not in Capabilities): Reason = %q, want PROVIDER_CAPABILITY_MISSING", op, pe.Reason)
			}
		})
	}
}

// callOp makes one plausible call of op and returns its error.
func callOp(f *fixture, op providers.Operation, orderID string) error {
	ctx, p := f.ctx, f.p
	num := scenarios.SandboxNumbers[0]
	var err error
	switch op {
	case providers.OpCheckPortability:
		_, err = p.CheckPortability(ctx, []string{NewNumber("")})
	case providers.OpCreatePortOrder:
		_, err = p.CreatePortOrder(ctx, providers.CreatePortOrderRequest{Order: f.newOrder([]string{NewNumber("")}), RequestID: uuid.New()})
	case providers.OpGetPortOrder:
		_, err = p.GetPortOrder(ctx, orderID)
	case providers.OpListPortOrders:
		_, err = p.ListPortOrders(ctx, providers.PortOrderFilter{}, providers.ListQuery{Limit: 5})
	case providers.OpUpdatePortOrder:
		mask := []string{providers.FieldCustomerReference}
		if len(f.caps.UpdatableOrderFields) > 0 {
			mask = f.caps.UpdatableOrderFields[:1]
		}
		_, err = p.UpdatePortOrder(ctx, providers.PortOrderUpdate{ID: orderID, Order: f.h.ValidOrder([]string{NewNumber("")}), Mask: mask})
	case providers.OpModifyPortOrderNumbers:
		_, err = p.ModifyPortOrderNumbers(ctx, orderID, []string{NewNumber("")}, nil)
	case providers.OpSubmitPortOrder:
		_, err = p.SubmitPortOrder(ctx, orderID, providers.Signature{Name: "Jane Roe", Title: "Owner"})
	case providers.OpCancelPortOrder:
		_, err = p.CancelPortOrder(ctx, orderID)
	case providers.OpListComments:
		_, err = p.ListComments(ctx, orderID)
	case providers.OpCreateComment:
		_, err = p.CreateComment(ctx, orderID, "capability probe")
	case providers.OpUploadDocument:
		_, err = p.UploadDocument(ctx, orderID, loaUpload())
	case providers.OpListDocuments:
		_, err = p.ListDocuments(ctx, orderID)
	case providers.OpGetNumber:
		_, err = p.GetNumber(ctx, num)
	case providers.OpListNumbers:
		_, err = p.ListNumbers(ctx, providers.NumberFilter{}, providers.ListQuery{Limit: 5})
	case providers.OpUpdateNumber:
		mask := []string{providers.FieldNumberAlias}
		if len(f.caps.UpdatableNumberFields) > 0 {
			mask = f.caps.UpdatableNumberFields[:1]
		}
		_, err = p.UpdateNumber(ctx, providers.NumberUpdate{Number: providers.Number{PhoneNumber: num, Alias: "probe"}, Mask: mask})
	case providers.OpSearchAvailableNumbers: // issue 14 search
		_, err = p.SearchAvailableNumbers(ctx, providers.AvailableNumberQuery{RegionCode: "US", Limit: 1})
	case providers.OpListVoiceRoutes, providers.OpGetVoiceRoute, providers.OpCreateVoiceRoute, providers.OpUpdateVoiceRoute,
		providers.OpDeleteVoiceRoute, providers.OpListMessagingProfiles, providers.OpGetMessagingProfile, providers.OpSetPortOutPIN:
		err = callVoiceOp(f, op)
	case providers.OpListPortOuts, providers.OpGetPortOut, providers.OpDecidePortOut, providers.OpGetPortOrderLOA,
		providers.OpListPortOutComments, providers.OpCreatePortOutComment, providers.OpCreatePortOutDocument,
		providers.OpListPortOutRejectionCodes:
		err = callPortOutOp(f, op, orderID)
	default:
		var known bool
		if err, known = callBuyOp(f, op); !known { // issue 14 — buy
			err, known = callEmergencyOp(f, op) // issue 14 — e911
		}
		if !known {
			err, known = callPortInOp(f, op, orderID) // issue 14 — portin
		}
		if !known {
			err = fmt.Errorf("suite does not know how to call %s", op)
		}
	}
	return err
}

// --- CheckPortability ------------------------------------------------------

func testCheckPortability(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpCheckPortability)

	normal, notPortable, fast := NewNumber(""), NewNumber(scenarios.SuffixNotPortable), NewNumber(scenarios.SuffixFastPortable)
	in := []string{normal, notPortable, fast}
	res, err := f.p.CheckPortability(f.ctx, in)
	if err != nil {
		t.Fatalf("CheckPortability(%v): %v", in, err)
	}
	byNum := checkPortabilityResults(t, in, res)
	if r, ok := byNum[normal]; ok {
		if !r.Portable || r.Reason != "" {
			t.Errorf("CheckPortability(%s): Portable = %v, Reason = %q; want portable with no reason", normal, r.Portable, r.Reason)
		}
	}
	if r, ok := byNum[notPortable]; ok {
		if r.Portable || r.FastPortable {
			t.Errorf("CheckPortability(%s) (SuffixNotPortable): Portable = %v, FastPortable = %v; want both false", notPortable, r.Portable, r.FastPortable)
		}
		if r.Reason == "" {
			t.Errorf("CheckPortability(%s) (SuffixNotPortable): Reason empty, want a reason", notPortable)
		}
	}
	if r, ok := byNum[fast]; ok {
		if !r.Portable || !r.FastPortable {
			t.Errorf("CheckPortability(%s) (SuffixFastPortable): Portable = %v, FastPortable = %v; want both true", fast, r.Portable, r.FastPortable)
		}
	}

	t.Run("BatchAtLimit", func(t *testing.T) {
		limit := f.caps.PortabilityBatchLimit
		if limit <= 0 {
			t.Skipf("PortabilityBatchLimit = %d", limit)
		}
		if limit > 1000 {
			t.Logf("PortabilityBatchLimit = %d; checking a batch of 1000", limit)
			limit = 1000
		}
		in := newNumbers(limit)
		res, err := f.p.CheckPortability(f.ctx, in)
		if err != nil {
			t.Fatalf("CheckPortability(%d numbers, the batch limit): %v", limit, err)
		}
		for n, r := range checkPortabilityResults(t, in, res) {
			if !r.Portable {
				t.Errorf("CheckPortability batch: %s Portable = false (reason %q), want true", n, r.Reason)
			}
		}
	})
}

// checkPortabilityResults checks that res answers exactly the numbers in,
// in E.164, and indexes it by number.
func checkPortabilityResults(t *testing.T, in []string, res []providers.PortabilityResult) map[string]providers.PortabilityResult {
	t.Helper()
	byNum := make(map[string]providers.PortabilityResult, len(res))
	var got []string
	for _, r := range res {
		got = append(got, r.PhoneNumber)
		if _, dup := byNum[r.PhoneNumber]; dup {
			t.Errorf("CheckPortability: %s answered twice", r.PhoneNumber)
		}
		byNum[r.PhoneNumber] = r
	}
	if !sameSet(got, in) {
		t.Errorf("CheckPortability: answered numbers %v, want exactly the inputs %v (E.164)", got, in)
	}
	return byNum
}

// --- Create / Get ----------------------------------------------------------

func testCreateGetRoundTrip(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpCreatePortOrder, providers.OpGetPortOrder)

	nums := newNumbers(2)
	o := f.newOrder(nums)
	res := f.create(t, o)
	checkDraft(t, "CreatePortOrder", res.Order, nums)
	if len(res.Related) != 0 {
		t.Errorf("CreatePortOrder(%v): %d related orders, want none (no split scenario)", nums, len(res.Related))
	}
	if res.Order.CustomerReference != o.CustomerReference {
		t.Errorf("CreatePortOrder: CustomerReference = %q, want %q", res.Order.CustomerReference, o.CustomerReference)
	}

	got := f.get(t, res.Order.ID)
	if got.ID != res.Order.ID {
		t.Errorf("GetPortOrder(%q): ID = %q", res.Order.ID, got.ID)
	}
	checkDraft(t, "GetPortOrder", got, nums)
	if got.CustomerReference != o.CustomerReference {
		t.Errorf("GetPortOrder: CustomerReference = %q, want %q", got.CustomerReference, o.CustomerReference)
	}
	if !got.CreateTime.Equal(res.Order.CreateTime) {
		t.Errorf("GetPortOrder: CreateTime = %v, want %v as returned by create", got.CreateTime, res.Order.CreateTime)
	}

	unknown := unknownID(res.Order.ID)
	_, err := f.p.GetPortOrder(f.ctx, unknown)
	f.wantCode(t, fmt.Sprintf("GetPortOrder(unknown %q)", unknown), err, providers.CodeNotFound, true)
}

// checkDraft checks a freshly created order.
func checkDraft(t *testing.T, what string, o *providers.PortOrder, nums []string) {
	t.Helper()
	if !sameSet(o.PhoneNumbers, nums) {
		t.Errorf("%s: PhoneNumbers = %v, want %v", what, o.PhoneNumbers, nums)
	}
	checkE164(t, what, o.PhoneNumbers)
	if o.State != providers.StateDraft {
		t.Errorf("%s: State = %v, want DRAFT", what, o.State)
	}
	if o.ProviderStatus == "" {
		t.Errorf("%s: ProviderStatus empty, want the provider's raw status", what)
	}
	if o.CreateTime.IsZero() {
		t.Errorf("%s: CreateTime not set", what)
	}
	checkSecrets(t, what, o)
	if !o.EndUser.HasPIN {
		t.Errorf("%s: EndUser.HasPIN = false, want true (a PIN was sent)", what)
	}
	if !o.EndUser.HasAccountNumber {
		t.Errorf("%s: EndUser.HasAccountNumber = false, want true (an account number was sent)", what)
	}
}

func checkE164(t *testing.T, what string, nums []string) {
	t.Helper()
	for _, n := range nums {
		if norm, err := e164.Parse(n, ""); err != nil || norm != n || !strings.HasPrefix(n, "+") {
			t.Errorf("%s: number %q is not E.164", what, n)
		}
	}
}

// unknownID derives an id of the same shape as id that the provider has not
// issued: all-digit ids grow, UUIDs get another node group, others have
// their digits mirrored.
func unknownID(id string) string {
	if id != "" && strings.Trim(id, "0123456789") == "" {
		return "9" + id + "9"
	}
	if len(id) == 36 && id[8] == '-' && id[13] == '-' && id[18] == '-' && id[23] == '-' {
		// UUID: keep version and variant, replace the node group.
		if strings.HasSuffix(id, "000000000000") {
			return id[:24] + "ffffffffffff"
		}
		return id[:24] + "000000000000"
	}
	out := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '9' - (r - '0')
		}
		return r
	}, id)
	if out == id {
		out += "x"
	}
	return out
}

func testCreateSplit(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpCreatePortOrder)

	normal, split := NewNumber(""), NewNumber(scenarios.SuffixSplit)
	in := []string{normal, split}
	res := f.create(t, f.newOrder(in))
	if len(res.Related) == 0 {
		t.Fatalf("CreatePortOrder(%v) with a SuffixSplit number: Related empty, want the split-off order", in)
	}
	primary := res.Order
	if !slices.Contains(primary.PhoneNumbers, normal) {
		t.Errorf("CreatePortOrder split: primary order numbers %v do not hold the first requested number %s", primary.PhoneNumbers, normal)
	}
	union := slices.Clone(primary.PhoneNumbers)
	ids := map[string]bool{primary.ID: true}
	for _, r := range res.Related {
		if r == nil {
			t.Fatal("CreatePortOrder split: nil related order")
		}
		if r.ID == "" || ids[r.ID] {
			t.Errorf("CreatePortOrder split: related order ID %q empty or repeated", r.ID)
		}
		ids[r.ID] = true
		union = append(union, r.PhoneNumbers...)
		if r.State != providers.StateDraft {
			t.Errorf("CreatePortOrder split: related order %s State = %v, want DRAFT", r.ID, r.State)
		}
		if !slices.Contains(primary.RelatedOrders, r.ID) {
			t.Errorf("CreatePortOrder split: primary RelatedOrders = %v, want it to contain %s", primary.RelatedOrders, r.ID)
		}
		if !slices.Contains(r.RelatedOrders, primary.ID) {
			t.Errorf("CreatePortOrder split: related order %s RelatedOrders = %v, want it to contain primary %s", r.ID, r.RelatedOrders, primary.ID)
		}
		checkSecrets(t, "CreatePortOrder split (related)", r)
	}
	if !sameSet(union, in) {
		t.Errorf("CreatePortOrder split: union of numbers over all orders = %v, want exactly %v", union, in)
	}
}

func testCreateNotPortable(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpCreatePortOrder)

	in := []string{NewNumber(""), NewNumber(scenarios.SuffixNotPortable)}
	res, err := f.p.CreatePortOrder(f.ctx, providers.CreatePortOrderRequest{Order: f.newOrder(in), RequestID: uuid.New()})
	if err == nil {
		t.Fatalf("CreatePortOrder(%v) with a SuffixNotPortable number: err = nil (order %v), want InvalidArgument", in, res)
	}
	pe := f.wantCode(t, "CreatePortOrder(not portable)", err, providers.CodeInvalidArgument, false)
	if pe == nil {
		return
	}
	if len(pe.Violations) == 0 {
		t.Fatalf("CreatePortOrder(not portable): no FieldViolation, want one naming the phone number field")
	}
	var named bool
	for _, v := range pe.Violations {
		if v.Field == "" {
			t.Errorf("CreatePortOrder(not portable): FieldViolation with empty Field (%q)", v.Description)
		}
		if strings.Contains(v.Field, "phone_numbers") {
			named = true
		}
	}
	if !named {
		t.Errorf("CreatePortOrder(not portable): violations %+v; want one whose Field names phone_numbers", pe.Violations)
	}
}

// --- Modify numbers --------------------------------------------------------

func testModifyNumbers(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpCreatePortOrder, providers.OpGetPortOrder, providers.OpModifyPortOrderNumbers)

	n := newNumbers(4)
	a, b, c, d := n[0], n[1], n[2], n[3]
	id := f.createDraft(t, a, b).ID
	steps := []struct {
		name        string
		add, remove []string
		want        []string
	}{
		{"add", []string{c}, nil, []string{a, b, c}},
		{"remove", nil, []string{b}, []string{a, c}},
		{"add+remove", []string{d}, []string{a}, []string{c, d}},
	}
	for _, s := range steps {
		got, err := f.p.ModifyPortOrderNumbers(f.ctx, id, s.add, s.remove)
		if err != nil {
			t.Fatalf("ModifyPortOrderNumbers(%s, add %v, remove %v) in DRAFT: %v", s.name, s.add, s.remove, err)
		}
		if got == nil || !sameSet(got.PhoneNumbers, s.want) {
			var nums []string
			if got != nil {
				nums = got.PhoneNumbers
			}
			t.Errorf("ModifyPortOrderNumbers(%s): PhoneNumbers = %v, want %v", s.name, nums, s.want)
		}
		g := f.get(t, id)
		if !sameSet(g.PhoneNumbers, s.want) {
			t.Errorf("GetPortOrder after ModifyPortOrderNumbers(%s): PhoneNumbers = %v, want %v", s.name, g.PhoneNumbers, s.want)
		}
		if g.State != providers.StateDraft {
			t.Errorf("GetPortOrder after ModifyPortOrderNumbers(%s): State = %v, want DRAFT", s.name, g.State)
		}
	}

	if !f.caps.Supports(providers.OpSubmitPortOrder) {
		return
	}
	f.submit(t, id)
	_, err := f.p.ModifyPortOrderNumbers(f.ctx, id, []string{NewNumber("")}, nil)
	f.wantCode(t, "ModifyPortOrderNumbers after submit", err, providers.CodeFailedPrecondition, false)
	if g := f.get(t, id); !sameSet(g.PhoneNumbers, []string{c, d}) {
		t.Errorf("GetPortOrder after refused ModifyPortOrderNumbers: PhoneNumbers = %v, want %v", g.PhoneNumbers, []string{c, d})
	}
}

// --- Update ----------------------------------------------------------------

// orderField is one neutral update path the suite knows how to fill and observe.
type orderField struct {
	// set writes a value different from cur's into o.
	set func(o *providers.PortOrder, cur *providers.PortOrder)
	// view renders the observable value ("" when unobservable).
	view func(o *providers.PortOrder) string
	// partial: the base order is a partial port (misc fields need one).
	partial bool
	// coupled lists paths the provider may change along with this one.
	coupled []string
}

func alt(cur, a, b string) string {
	if cur == a {
		return b
	}
	return a
}

func dateView(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

var orderFields = map[string]orderField{
	providers.FieldEndUserEntityName: {
		set: func(o, cur *providers.PortOrder) {
			o.EndUser.EntityName = alt(cur.EndUser.EntityName, "Conformance Holdings LLC", "Conformance Partners LLC")
		},
		view: func(o *providers.PortOrder) string { return o.EndUser.EntityName },
	},
	providers.FieldEndUserAuthorizedPerson: {
		set: func(o, cur *providers.PortOrder) {
			o.EndUser.AuthorizedPerson = alt(cur.EndUser.AuthorizedPerson, "Alex Signer", "Sam Signer")
		},
		view: func(o *providers.PortOrder) string { return o.EndUser.AuthorizedPerson },
	},
	providers.FieldEndUserBillingNumber: {
		set:  func(o, cur *providers.PortOrder) { o.EndUser.BillingTelephoneNumber = NewNumber("") },
		view: func(o *providers.PortOrder) string { return o.EndUser.BillingTelephoneNumber },
	},
	providers.FieldEndUserUsageType: {
		set: func(o, cur *providers.PortOrder) {
			o.EndUser.UsageType = providers.UsageBusiness
			if cur.EndUser.UsageType == providers.UsageBusiness {
				o.EndUser.UsageType = providers.UsageResidential
			}
		},
		view: func(o *providers.PortOrder) string { return fmt.Sprint(o.EndUser.UsageType) },
	},
	providers.FieldEndUserServiceAddress: {
		set: func(o, cur *providers.PortOrder) {
			a := providers.Address{StreetAddress: "600 W Chicago Ave", ExtendedAddress: "Suite 700", Locality: "Chicago", AdministrativeArea: "IL", PostalCode: "60654", CountryCode: "US"}
			if cur.EndUser.ServiceAddress.StreetAddress == a.StreetAddress {
				a = providers.Address{StreetAddress: "233 S Wacker Dr", ExtendedAddress: "Floor 12", Locality: "Chicago", AdministrativeArea: "IL", PostalCode: "60606", CountryCode: "US"}
			}
			o.EndUser.ServiceAddress = a
		},
		view: func(o *providers.PortOrder) string { return fmt.Sprintf("%+v", o.EndUser.ServiceAddress) },
	},
	providers.FieldEndUserAccountNumber: {
		set: func(o, cur *providers.PortOrder) { o.EndUser.AccountNumber = "ACCT-55821" },
		view: func(o *providers.PortOrder) string {
			return fmt.Sprint(o.EndUser.HasAccountNumber || o.EndUser.AccountNumber != "")
		},
	},
	providers.FieldEndUserPIN: {
		set:  func(o, cur *providers.PortOrder) { o.EndUser.PIN = "7319" },
		view: func(o *providers.PortOrder) string { return fmt.Sprint(o.EndUser.HasPIN || o.EndUser.PIN != "") },
	},
	providers.FieldEndUserTaxIdentifier: {
		set:  func(o, cur *providers.PortOrder) { o.EndUser.TaxIdentifier = "12-3456789" },
		view: func(o *providers.PortOrder) string { return "" },
	},
	providers.FieldEndUserBusinessIdentifier: {
		set:  func(o, cur *providers.PortOrder) { o.EndUser.BusinessIdentifier = "BIZ-4411" },
		view: func(o *providers.PortOrder) string { return "" },
	},
	providers.FieldEndUserLast4SSN: {
		set:  func(o, cur *providers.PortOrder) { o.EndUser.Last4SSN = "6789" },
		view: func(o *providers.PortOrder) string { return "" },
	},
	providers.FieldLosingCarrier: {
		set:  func(o, cur *providers.PortOrder) { o.LosingCarrier = alt(cur.LosingCarrier, "Verizon", "Lumen") },
		view: func(o *providers.PortOrder) string { return o.LosingCarrier },
	},
	providers.FieldRequestedFOCTime: {
		set: func(o, cur *providers.PortOrder) {
			// Inside the provider's allowed FOC windows when it publishes them
			// (Telnyx refuses any other date).
			for _, w := range cur.AllowedFOCWindows {
				if d := w.Start.Add(time.Hour); d.Before(w.End) && dateView(d) != dateView(cur.RequestedFOCTime) {
					o.RequestedFOCTime = d.UTC()
					return
				}
			}
			d := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 21).Add(15 * time.Hour)
			if dateView(d) == dateView(cur.RequestedFOCTime) {
				d = d.AddDate(0, 0, 7)
			}
			o.RequestedFOCTime = d
		},
		view: func(o *providers.PortOrder) string { return dateView(o.RequestedFOCTime) },
	},
	providers.FieldPortType: {
		set: func(o, cur *providers.PortOrder) {
			o.PortType = providers.PortTypePartial
			if cur.PortType == providers.PortTypePartial {
				o.PortType = providers.PortTypeFull
			}
		},
		view:    func(o *providers.PortOrder) string { return fmt.Sprint(o.PortType) },
		partial: true,
		coupled: []string{providers.FieldRemainingNumbersAction, providers.FieldNewBillingTelephoneNumber},
	},
	providers.FieldRemainingNumbersAction: {
		set: func(o, cur *providers.PortOrder) {
			o.RemainingNumbersAction = providers.RemainingDisconnect
			if cur.RemainingNumbersAction == providers.RemainingDisconnect {
				o.RemainingNumbersAction = providers.RemainingKeep
			}
		},
		view:    func(o *providers.PortOrder) string { return fmt.Sprint(o.RemainingNumbersAction) },
		partial: true,
		coupled: []string{providers.FieldNewBillingTelephoneNumber},
	},
	providers.FieldNewBillingTelephoneNumber: {
		set:     func(o, cur *providers.PortOrder) { o.NewBillingTelephoneNumber = NewNumber("") },
		view:    func(o *providers.PortOrder) string { return o.NewBillingTelephoneNumber },
		partial: true,
	},
	providers.FieldConfiguration: {
		set: func(o, cur *providers.PortOrder) {
			o.Configuration.ConnectionID = alt(cur.Configuration.ConnectionID, "7001", "7002")
			o.Configuration.EmergencyAddressID = alt(cur.Configuration.EmergencyAddressID, "8001", "8002")
		},
		view: func(o *providers.PortOrder) string {
			return "connection=" + o.Configuration.ConnectionID + " emergency_address=" + o.Configuration.EmergencyAddressID
		},
	},
	providers.FieldCustomerReference: {
		set:  func(o, cur *providers.PortOrder) { o.CustomerReference = uniqueRef("upd") },
		view: func(o *providers.PortOrder) string { return o.CustomerReference },
	},
	providers.FieldStatusCallbackURL: {
		set: func(o, cur *providers.PortOrder) {
			o.StatusCallbackURL = alt(cur.StatusCallbackURL, "https://hooks.example.com/port/a", "https://hooks.example.com/port/b")
		},
		view: func(o *providers.PortOrder) string { return o.StatusCallbackURL },
	},
}

func testUpdatePortOrder(t *testing.T, e *env) {
	f0 := e.open(t)
	f0.require(t, providers.OpCreatePortOrder, providers.OpGetPortOrder, providers.OpUpdatePortOrder)
	for _, path := range f0.caps.UpdatableOrderFields {
		t.Run(path, func(t *testing.T) {
			fld, ok := orderFields[path]
			if !ok {
				t.Skipf("the suite cannot fill %q", path)
			}
			f := e.open(t)
			base := f.newOrder([]string{NewNumber(""), NewNumber("")})
			if fld.partial {
				base.PortType = providers.PortTypePartial
				base.RemainingNumbersAction = providers.RemainingKeep
				base.NewBillingTelephoneNumber = NewNumber("")
			}
			id := f.create(t, base).Order.ID
			before := f.get(t, id)

			// Every known field gets a new value; only the masked one may apply.
			var in providers.PortOrder
			for _, other := range orderFields {
				other.set(&in, before)
			}
			in.PhoneNumbers = []string{NewNumber("")}
			want := fld.view(&in)

			got, err := f.p.UpdatePortOrder(f.ctx, providers.PortOrderUpdate{ID: id, Order: in, Mask: []string{path}})
			if err != nil {
				t.Fatalf("UpdatePortOrder(mask %q): %v", path, err)
			}
			if got == nil {
				t.Fatalf("UpdatePortOrder(mask %q): nil order, nil error", path)
			}
			after := f.get(t, id)
			for _, o := range []struct {
				what string
				o    *providers.PortOrder
			}{{"UpdatePortOrder", got}, {"GetPortOrder after update", after}} {
				checkSecrets(t, o.what, o.o)
				if v := fld.view(o.o); v != want {
					t.Errorf("%s(mask %q): %s = %q, want %q", o.what, path, path, v, want)
				}
				if !sameSet(o.o.PhoneNumbers, before.PhoneNumbers) {
					t.Errorf("%s(mask %q): PhoneNumbers = %v, want untouched %v", o.what, path, o.o.PhoneNumbers, before.PhoneNumbers)
				}
				for otherPath, other := range orderFields {
					if otherPath == path || slices.Contains(fld.coupled, otherPath) {
						continue
					}
					if v, w := other.view(o.o), other.view(before); v != w {
						t.Errorf("%s(mask %q): field %q outside the mask changed: %q, want untouched %q", o.what, path, otherPath, v, w)
					}
				}
			}
		})
	}
}

// --- State machine ---------------------------------------------------------

func testStateMachine(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpCreatePortOrder, providers.OpGetPortOrder, providers.OpSubmitPortOrder)

	id := f.createDraft(t, NewNumber("")).ID
	s := f.submit(t, id)
	if s.State != providers.StateSubmitted {
		t.Errorf("SubmitPortOrder: State = %v (provider status %q), want SUBMITTED", s.State, s.ProviderStatus)
	}
	g := f.get(t, id)
	if g.State != providers.StateSubmitted {
		t.Errorf("GetPortOrder after submit: State = %v (provider status %q), want SUBMITTED", g.State, g.ProviderStatus)
	}
	if !transitionAllowed(providers.StateDraft, g.State) {
		t.Fatalf("submit moved DRAFT -> %v, not an allowed transition", g.State)
	}
	final := f.advanceUntil(t, id, g.State, providers.StateCompleted)
	if final.State != providers.StateCompleted {
		return
	}
	if err := f.h.Advance(f.ctx); err != nil {
		t.Fatalf("Advance after COMPLETED: %v", err)
	}
	if g := f.get(t, id); g.State != providers.StateCompleted {
		t.Errorf("after one more Advance: State = %v, want COMPLETED (terminal states stay)", g.State)
	}
}

func testException(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpCreatePortOrder, providers.OpGetPortOrder, providers.OpSubmitPortOrder)

	id := f.createDraft(t, NewNumber(scenarios.SuffixException)).ID
	s := f.submit(t, id)
	o := s
	if s.State != providers.StateException {
		o = f.advanceUntil(t, id, s.State, providers.StateException)
	}
	if len(o.StateDetails) > 0 {
		for _, d := range o.StateDetails {
			if d.Code == "" && d.Description == "" {
				t.Errorf("EXCEPTION order %s: StateDetail with neither Code nor Description", id)
			}
		}
		return
	}
	if len(o.Comments) > 0 {
		return
	}
	if f.caps.Supports(providers.OpListComments) {
		cs, err := f.p.ListComments(f.ctx, id)
		if err != nil {
			t.Fatalf("ListComments on EXCEPTION order: %v", err)
		}
		if len(cs) > 0 {
			return
		}
	}
	t.Errorf("EXCEPTION order %s (provider status %q): no StateDetails and no comments explaining the exception", id, o.ProviderStatus)
}

// --- Cancel / submit refusals ----------------------------------------------

func testCancel(t *testing.T, e *env) {
	t.Run("Draft", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpCreatePortOrder, providers.OpCancelPortOrder, providers.OpGetPortOrder)
		id := f.createDraft(t, NewNumber("")).ID
		c, err := f.p.CancelPortOrder(f.ctx, id)
		if err != nil {
			t.Fatalf("CancelPortOrder(draft): %v", err)
		}
		if c == nil {
			t.Fatal("CancelPortOrder(draft): nil order, nil error")
		}
		switch c.State {
		case providers.StateCancelPending:
			f.advanceUntil(t, id, c.State, providers.StateCancelled)
		case providers.StateCancelled:
			g, err := f.p.GetPortOrder(f.ctx, id)
			switch {
			case providers.ErrorCode(err) == providers.CodeNotFound:
				t.Logf("GetPortOrder after cancelling a draft: NotFound (the provider deletes cancelled drafts)")
			case err != nil:
				t.Errorf("GetPortOrder after cancelling a draft: %v", err)
			case g.State != providers.StateCancelled:
				t.Errorf("GetPortOrder after cancelling a draft: State = %v, want CANCELLED", g.State)
			}
		default:
			t.Errorf("CancelPortOrder(draft): State = %v (provider status %q), want CANCELLED or CANCEL_PENDING", c.State, c.ProviderStatus)
		}
	})

	t.Run("Completed", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpCreatePortOrder, providers.OpGetPortOrder, providers.OpSubmitPortOrder, providers.OpCancelPortOrder)
		id := f.createDraft(t, NewNumber("")).ID
		s := f.submit(t, id)
		f.advanceUntil(t, id, s.State, providers.StateCompleted)
		_, err := f.p.CancelPortOrder(f.ctx, id)
		pe := f.wantCode(t, "CancelPortOrder(completed order)", err, providers.CodeFailedPrecondition, false)
		if pe != nil && pe.CurrentState != providers.StateUnspecified && pe.CurrentState != providers.StateCompleted {
			t.Errorf("CancelPortOrder(completed order): Error.CurrentState = %v, want COMPLETED (or unset)", pe.CurrentState)
		}
		if g := f.get(t, id); g.State != providers.StateCompleted {
			t.Errorf("GetPortOrder after refused cancel: State = %v, want COMPLETED", g.State)
		}
	})

	t.Run("SubmitTwice", func(t *testing.T) {
		f := e.open(t)
		f.require(t, providers.OpCreatePortOrder, providers.OpSubmitPortOrder)
		id := f.createDraft(t, NewNumber("")).ID
		f.submit(t, id)
		_, err := f.p.SubmitPortOrder(f.ctx, id, providers.Signature{Name: "Jane Roe", Title: "Owner"})
		f.wantCode(t, "SubmitPortOrder(already submitted)", err, providers.CodeFailedPrecondition, false)
	})
}

// --- Comments / documents --------------------------------------------------

func testComments(t *testing.T, e *env) {
	f := e.open(t)
	canList, canCreate := f.caps.Supports(providers.OpListComments), f.caps.Supports(providers.OpCreateComment)
	if !canList && !canCreate {
		t.Skipf("%s supports neither ListComments nor CreateComment", f.name)
	}
	f.require(t, providers.OpCreatePortOrder)
	id := f.createDraft(t, NewNumber("")).ID

	if canList {
		if _, err := f.p.ListComments(f.ctx, id); err != nil {
			t.Fatalf("ListComments(new draft): %v", err)
		}
	}
	if !canCreate {
		return
	}
	body := "conformance comment " + uniqueRef("c")
	c, err := f.p.CreateComment(f.ctx, id, body)
	if err != nil {
		t.Fatalf("CreateComment: %v", err)
	}
	if c == nil {
		t.Fatal("CreateComment: nil comment, nil error")
	}
	if c.Body != body {
		t.Errorf("CreateComment: Body = %q, want %q", c.Body, body)
	}
	if c.ID == "" {
		t.Error("CreateComment: ID empty")
	}
	if !canList {
		return
	}
	cs, err := f.p.ListComments(f.ctx, id)
	if err != nil {
		t.Fatalf("ListComments after CreateComment: %v", err)
	}
	if !slices.ContainsFunc(cs, func(x providers.Comment) bool { return x.Body == body }) {
		t.Errorf("ListComments after CreateComment: %d comments, none with body %q", len(cs), body)
	}
}

func testDocuments(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpCreatePortOrder, providers.OpUploadDocument)
	id := f.createDraft(t, NewNumber("")).ID

	d, err := f.p.UploadDocument(f.ctx, id, loaUpload())
	if err != nil {
		t.Fatalf("UploadDocument(LOA, %d bytes): %v", len(loaPDF), err)
	}
	if d == nil {
		t.Fatal("UploadDocument: nil document, nil error")
	}
	if d.Type != providers.DocumentLOA {
		t.Errorf("UploadDocument: Type = %v, want LOA (%v)", d.Type, providers.DocumentLOA)
	}
	if path.Base(d.Filename) != "loa.pdf" {
		t.Errorf("UploadDocument: Filename = %q, want loa.pdf", d.Filename)
	}

	if f.caps.Supports(providers.OpListDocuments) {
		ds, err := f.p.ListDocuments(f.ctx, id)
		if err != nil {
			t.Fatalf("ListDocuments: %v", err)
		}
		if !slices.ContainsFunc(ds, func(x providers.Document) bool {
			return x.Type == providers.DocumentLOA && path.Base(x.Filename) == "loa.pdf"
		}) {
			t.Errorf("ListDocuments after uploading an LOA: %+v; want one with Type LOA and Filename loa.pdf", ds)
		}
	}

	t.Run("OverMax", func(t *testing.T) {
		max := f.caps.MaxDocumentBytes
		if max <= 0 || max > 64<<20 {
			t.Skipf("MaxDocumentBytes = %d", max)
		}
		big := providers.DocumentUpload{Type: providers.DocumentLOA, Filename: "big.pdf", ContentType: "application/pdf", Content: make([]byte, max+1)}
		copy(big.Content, loaPDF)
		_, err := f.p.UploadDocument(f.ctx, id, big)
		f.wantCode(t, fmt.Sprintf("UploadDocument(%d bytes, over MaxDocumentBytes)", max+1), err, providers.CodeInvalidArgument, false)
	})
}

// --- List ------------------------------------------------------------------

// walkOrders pages through ListPortOrders with the given page size, checking
// page invariants, and returns every order in list order.
func (f *fixture) walkOrders(t *testing.T, filter providers.PortOrderFilter, limit int) []*providers.PortOrder {
	t.Helper()
	var all []*providers.PortOrder
	seen := map[string]bool{}
	cursor := ""
	for page := 0; ; page++ {
		if page == maxPages {
			t.Fatalf("ListPortOrders: still More after %d pages", maxPages)
		}
		p, err := f.p.ListPortOrders(f.ctx, filter, providers.ListQuery{Cursor: cursor, Limit: limit})
		if err != nil {
			t.Fatalf("ListPortOrders(cursor %q, limit %d, filter %+v): %v", cursor, limit, filter, err)
		}
		if p == nil {
			t.Fatalf("ListPortOrders(cursor %q): nil page, nil error", cursor)
		}
		if len(p.Orders) > limit {
			t.Errorf("ListPortOrders(cursor %q, limit %d): %d orders, more than the limit", cursor, limit, len(p.Orders))
		}
		for _, o := range p.Orders {
			if seen[o.ID] {
				t.Errorf("ListPortOrders(cursor %q, limit %d): order %s listed twice", cursor, limit, o.ID)
			}
			seen[o.ID] = true
			checkSecrets(t, "ListPortOrders", o)
			all = append(all, o)
		}
		if p.NextCursor == "" {
			return all
		}
		if len(p.Orders) == 0 {
			t.Fatalf("ListPortOrders(cursor %q, limit %d): empty page with More = true", cursor, limit)
		}
		cursor = p.NextCursor
	}
}

func testListPortOrders(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpCreatePortOrder, providers.OpListPortOrders)

	// An account without (matching) orders is an empty page, not an error.
	f.walkOrders(t, providers.PortOrderFilter{}, 3)
	if got := f.walkOrders(t, providers.PortOrderFilter{CustomerReference: uniqueRef("never-used")}, 3); len(got) != 0 {
		t.Errorf("ListPortOrders(filter by an unused CustomerReference): %d orders, want none", len(got))
	}

	shared := uniqueRef("list-shared")
	var created, matching []string
	for i := range 7 {
		o := f.newOrder([]string{NewNumber("")})
		if i%2 == 0 && len(matching) < 3 {
			o.CustomerReference = shared
		}
		id := f.create(t, o).Order.ID
		created = append(created, id)
		if o.CustomerReference == shared {
			matching = append(matching, id)
		}
	}

	all := f.walkOrders(t, providers.PortOrderFilter{}, 3)
	pos := map[string]int{}
	for i, o := range all {
		pos[o.ID] = i
	}
	last := -1
	for _, id := range created {
		i, ok := pos[id]
		if !ok {
			t.Errorf("ListPortOrders walk (limit 3): created order %s missing (gap)", id)
			continue
		}
		if i < last {
			t.Errorf("ListPortOrders walk: order %s listed before an order created earlier; want oldest first", id)
		}
		last = i
	}

	got := f.walkOrders(t, providers.PortOrderFilter{CustomerReference: shared}, 2)
	var gotIDs []string
	for _, o := range got {
		gotIDs = append(gotIDs, o.ID)
		if o.CustomerReference != shared {
			t.Errorf("ListPortOrders(filter CustomerReference=%q): order %s has CustomerReference %q", shared, o.ID, o.CustomerReference)
		}
	}
	if !sameSet(gotIDs, matching) {
		t.Errorf("ListPortOrders(filter CustomerReference=%q): orders %v, want exactly %v", shared, gotIDs, matching)
	}
}

// --- Errors ----------------------------------------------------------------

func testErrors(t *testing.T, e *env) {
	f := e.open(t)
	if f.caps.Supports(providers.OpCreatePortOrder) {
		t.Run("NoSecretsInErrors", func(t *testing.T) {
			o := f.newOrder([]string{NewNumber(""), NewNumber(scenarios.SuffixNotPortable)})
			o.EndUser.PIN = "860271"
			o.EndUser.AccountNumber = "ACCT-SECRET-93317"
			_, err := f.p.CreatePortOrder(f.ctx, providers.CreatePortOrderRequest{Order: o, RequestID: uuid.New()})
			pe := f.wantCode(t, "CreatePortOrder(not portable)", err, providers.CodeInvalidArgument, false)
			if pe == nil {
				return
			}
			for _, s := range []string{o.EndUser.PIN, o.EndUser.AccountNumber} {
				if strings.Contains(pe.Error(), s) || strings.Contains(fmt.Sprint(pe.Violations), s) {
					t.Errorf("CreatePortOrder error leaks a secret input: %v", pe)
				}
			}
		})
	}
	if f.caps.Supports(providers.OpGetPortOrder) {
		t.Run("GetPortOrderNotFound", func(t *testing.T) {
			id := "0"
			if f.caps.Supports(providers.OpCreatePortOrder) {
				id = unknownID(f.createDraft(t, NewNumber("")).ID)
			}
			_, err := f.p.GetPortOrder(f.ctx, id)
			f.wantCode(t, fmt.Sprintf("GetPortOrder(unknown %q)", id), err, providers.CodeNotFound, true)
		})
	}
	if f.caps.Supports(providers.OpGetNumber) {
		t.Run("GetNumberNotFound", func(t *testing.T) {
			n := NewNumber(scenarios.SuffixNotOnAccount)
			_, err := f.p.GetNumber(f.ctx, n)
			f.wantCode(t, fmt.Sprintf("GetNumber(%s)", n), err, providers.CodeNotFound, true)
		})
	}
	t.Run("ContextCanceled", func(t *testing.T) {
		if !f.caps.Supports(providers.OpGetNumber) {
			t.Skip("needs GetNumber")
		}
		ctx, cancel := context.WithCancel(f.ctx)
		cancel()
		_, err := f.p.GetNumber(ctx, scenarios.SandboxNumbers[0])
		if c := providers.ErrorCode(err); c != providers.CodeCanceled {
			t.Errorf("GetNumber with a canceled context: code = %v (err %v), want Canceled", c, err)
		}
	})
}

// testOrderDetails: the optional details (requirements, allowed FOC
// windows) are filled exactly when Capabilities().PortOrderDetails says so,
// and what is filled is usable: named requirements with a status, windows
// in the future with start before end. Uploading an LOA moves the provider's
// LOA-document requirement off MISSING.
func testOrderDetails(t *testing.T, e *env) {
	f := e.open(t)
	f.require(t, providers.OpCreatePortOrder)
	for _, d := range f.caps.PortOrderDetails {
		if d != providers.DetailRequirementsMet && d != providers.DetailRequirements && d != providers.DetailAllowedFOCWindows {
			t.Errorf("Capabilities().PortOrderDetails lists unknown detail %q", d)
		}
	}
	has := func(d string) bool { return slices.Contains(f.caps.PortOrderDetails, d) }
	id := f.createDraft(t, NewNumber("")).ID
	o := f.get(t, id)

	if !has(providers.DetailRequirements) && len(o.Requirements) > 0 {
		t.Errorf("Requirements filled (%+v) but not listed in Capabilities().PortOrderDetails", o.Requirements)
	}
	if !has(providers.DetailAllowedFOCWindows) && len(o.AllowedFOCWindows) > 0 {
		t.Errorf("AllowedFOCWindows filled (%+v) but not listed in Capabilities().PortOrderDetails", o.AllowedFOCWindows)
	}
	if !has(providers.DetailRequirementsMet) && o.RequirementsMet {
		t.Error("RequirementsMet set but not listed in Capabilities().PortOrderDetails")
	}

	if has(providers.DetailAllowedFOCWindows) {
		if len(o.AllowedFOCWindows) == 0 {
			t.Error("draft: no AllowedFOCWindows although the provider lists them")
		}
		now := time.Now()
		for _, w := range o.AllowedFOCWindows {
			if !w.Start.Before(w.End) || w.End.Before(now) {
				t.Errorf("allowed FOC window %v – %v: want start < end, ending in the future", w.Start, w.End)
			}
		}
	}
	if !has(providers.DetailRequirements) {
		return
	}
	if len(o.Requirements) == 0 {
		t.Fatal("draft: no Requirements although the provider lists them")
	}
	for _, r := range o.Requirements {
		if r.Name == "" || r.Status == providers.RequirementStatusUnspecified || (r.ValueType != "DOCUMENT" && r.ValueType != "TEXT") {
			t.Errorf("requirement %+v: want a name, a status and ValueType DOCUMENT or TEXT", r)
		}
	}
	if has(providers.DetailRequirementsMet) && o.RequirementsMet {
		for _, r := range o.Requirements {
			if r.Status != providers.RequirementMet {
				t.Errorf("RequirementsMet on a fresh draft but %q is %v", r.Name, r.Status)
			}
		}
	}
	if !f.caps.Supports(providers.OpUploadDocument) {
		return
	}
	loaReq := func(o *providers.PortOrder) *providers.Requirement {
		for i, r := range o.Requirements {
			if r.ValueType == "DOCUMENT" && strings.Contains(strings.ToLower(r.Name+" "+r.Description), "authorization") {
				return &o.Requirements[i]
			}
		}
		return nil
	}
	before := loaReq(o)
	if before == nil || before.Status != providers.RequirementMissing {
		t.Skipf("no LOA document requirement missing on a fresh draft (%+v)", o.Requirements)
	}
	if _, err := f.p.UploadDocument(f.ctx, id, loaUpload()); err != nil {
		t.Fatalf("UploadDocument(LOA): %v", err)
	}
	if after := loaReq(f.get(t, id)); after == nil || after.Status == providers.RequirementMissing {
		t.Errorf("after uploading an LOA the LOA requirement is %+v, want it off MISSING", after)
	}
}
