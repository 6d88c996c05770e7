package providers

import (
	"context"
	"errors"
	"net/http"
)

// Operation names one capability of a provider.
type Operation string

const (
	OpCheckPortability       Operation = "CheckPortability"
	OpCreatePortOrder        Operation = "CreatePortOrder"
	OpGetPortOrder           Operation = "GetPortOrder"
	OpListPortOrders         Operation = "ListPortOrders"
	OpUpdatePortOrder        Operation = "UpdatePortOrder"
	OpModifyPortOrderNumbers Operation = "ModifyPortOrderNumbers"
	OpSubmitPortOrder        Operation = "SubmitPortOrder"
	OpCancelPortOrder        Operation = "CancelPortOrder"
	OpListComments           Operation = "ListPortOrderComments"
	OpCreateComment          Operation = "CreatePortOrderComment"
	OpUploadDocument         Operation = "CreatePortOrderDocument"
	OpListDocuments          Operation = "ListPortOrderDocuments"
	OpGetNumber              Operation = "GetNumber"
	OpListNumbers            Operation = "ListNumbers"
	OpUpdateNumber           Operation = "UpdateNumber"

	OpSearchAvailableNumbers Operation = "SearchAvailableNumbers"

	OpCreateNumberOrder Operation = "CreateNumberOrder"
	OpGetNumberOrder    Operation = "GetNumberOrder"
	OpListNumberOrders  Operation = "ListNumberOrders"
	OpReleaseNumber     Operation = "ReleaseNumber"

	OpListVoiceRoutes       Operation = "ListVoiceRoutes"
	OpGetVoiceRoute         Operation = "GetVoiceRoute"
	OpCreateVoiceRoute      Operation = "CreateVoiceRoute"
	OpUpdateVoiceRoute      Operation = "UpdateVoiceRoute"
	OpDeleteVoiceRoute      Operation = "DeleteVoiceRoute"
	OpListMessagingProfiles Operation = "ListMessagingProfiles"
	OpGetMessagingProfile   Operation = "GetMessagingProfile"
	OpSetPortOutPIN         Operation = "SetNumberPortOutPin"

	OpCreateEmergencyAddress   Operation = "CreateEmergencyAddress"
	OpGetEmergencyAddress      Operation = "GetEmergencyAddress"
	OpListEmergencyAddresses   Operation = "ListEmergencyAddresses"
	OpDeleteEmergencyAddress   Operation = "DeleteEmergencyAddress"
	OpAssignEmergencyAddress   Operation = "AssignEmergencyAddress"
	OpUnassignEmergencyAddress Operation = "UnassignEmergencyAddress"
	OpCreateCallerIDName       Operation = "CreateCallerIdName"
	OpGetCallerIDName          Operation = "GetCallerIdName"
	OpListCallerIDNames        Operation = "ListCallerIdNames"
	OpDeleteCallerIDName       Operation = "DeleteCallerIdName"
	OpSetNumberCallerIDName    Operation = "SetNumberCallerIdName"
	OpClearNumberCallerIDName  Operation = "ClearNumberCallerIdName"

	OpReschedulePortOrder         Operation = "ReschedulePortOrder"
	OpActivatePortOrder           Operation = "ActivatePortOrder"
	OpSupplyPortOrderRequirements Operation = "SupplyPortOrderRequirements"

	OpListPortOuts              Operation = "ListPortOuts"
	OpGetPortOut                Operation = "GetPortOut"
	OpDecidePortOut             Operation = "DecidePortOut"
	OpGetPortOrderLOA           Operation = "GetPortOrderLoa"
	OpListPortOutComments       Operation = "ListPortOutComments"
	OpCreatePortOutComment      Operation = "CreatePortOutComment"
	OpCreatePortOutDocument     Operation = "CreatePortOutDocument"
	OpListPortOutRejectionCodes Operation = "ListPortOutRejectionCodes"
)

// AllOperations lists every operation in a stable order.
var AllOperations = []Operation{
	OpCheckPortability, OpCreatePortOrder, OpGetPortOrder, OpListPortOrders,
	OpUpdatePortOrder, OpModifyPortOrderNumbers, OpSubmitPortOrder, OpCancelPortOrder,
	OpListComments, OpCreateComment, OpUploadDocument, OpListDocuments,
	OpGetNumber, OpListNumbers, OpUpdateNumber,

	OpSearchAvailableNumbers,

	OpCreateNumberOrder, OpGetNumberOrder, OpListNumberOrders, OpReleaseNumber,

	OpListVoiceRoutes, OpGetVoiceRoute, OpCreateVoiceRoute, OpUpdateVoiceRoute, OpDeleteVoiceRoute,
	OpListMessagingProfiles, OpGetMessagingProfile, OpSetPortOutPIN,

	OpCreateEmergencyAddress, OpGetEmergencyAddress, OpListEmergencyAddresses, OpDeleteEmergencyAddress,
	OpAssignEmergencyAddress, OpUnassignEmergencyAddress,
	OpCreateCallerIDName, OpGetCallerIDName, OpListCallerIDNames, OpDeleteCallerIDName,
	OpSetNumberCallerIDName, OpClearNumberCallerIDName,

	OpReschedulePortOrder, OpActivatePortOrder, OpSupplyPortOrderRequirements,

	OpListPortOuts, OpGetPortOut, OpDecidePortOut, OpGetPortOrderLOA,
	OpListPortOutComments, OpCreatePortOutComment, OpCreatePortOutDocument, OpListPortOutRejectionCodes,
}

// Neutral field paths accepted in PortOrderUpdate.Mask and NumberUpdate.Mask.
// They match the proto field paths of portgate.v1.PortOrder / Number.
const (
	FieldEndUserEntityName         = "end_user.entity_name"
	FieldEndUserAuthorizedPerson   = "end_user.authorized_person"
	FieldEndUserBillingNumber      = "end_user.billing_telephone_number"
	FieldEndUserUsageType          = "end_user.usage_type"
	FieldEndUserServiceAddress     = "end_user.service_address"
	FieldEndUserAccountNumber      = "end_user.account_number"
	FieldEndUserPIN                = "end_user.pin"
	FieldEndUserTaxIdentifier      = "end_user.tax_identifier"
	FieldEndUserBusinessIdentifier = "end_user.business_identifier"
	FieldEndUserLast4SSN           = "end_user.ssn_last4"
	FieldLosingCarrier             = "losing_carrier"
	FieldRequestedFOCTime          = "requested_foc_time"
	FieldPortType                  = "port_type"
	FieldRemainingNumbersAction    = "remaining_numbers_action"
	FieldNewBillingTelephoneNumber = "new_billing_telephone_number"
	FieldConfiguration             = "configuration"
	FieldCustomerReference         = "customer_reference"
	FieldStatusCallbackURL         = "status_callback_uri"
	FieldNumberAlias               = "alias"
	FieldNumberCNAMLookupsEnabled  = "cnam_lookups_enabled"
	FieldNumberMessagingEnabled    = "messaging_enabled"
	FieldNumberMessagingProfileID  = "messaging_profile_id"
	FieldNumberConnectionID        = "connection_id"
	FieldNumberFailoverRouteID     = "failover_route_id"
	FieldNumberEmergencyAddressID  = "emergency_address_id"
	FieldNumberTags                = "tags"
)

// Capabilities declares what a provider supports, so callers can ask before calling.
type Capabilities struct {
	Operations []Operation
	// PortabilityBatchLimit is the most numbers one CheckPortability call accepts.
	PortabilityBatchLimit int
	// UpdatableOrderFields and UpdatableNumberFields list the neutral field
	// paths UpdatePortOrder / UpdateNumber accept.
	UpdatableOrderFields  []string
	UpdatableNumberFields []string
	// MaxDocumentBytes is the largest document UploadDocument accepts.
	MaxDocumentBytes int64
	// PortOrderDetails lists the optional PortOrder details (Detail*) the
	// adapter fills; the others stay empty.
	PortOrderDetails []string
	// PortOrderID is the documented shape of the provider's port order ids
	// (zero = unchecked). The service refuses other ids with
	// INVALID_ARGUMENT / INVALID_RESOURCE_ID before calling the provider.
	PortOrderID IDShape
	// PortingRegions lists the ISO 3166-1 alpha-2 regions whose numbers the
	// provider ports (Flowroute: US, CA). Numbers from other regions are
	// refused before any call; empty means no stated restriction.
	PortingRegions []string
}

// Supports reports whether op is in Operations.
func (c Capabilities) Supports(op Operation) bool {
	for _, o := range c.Operations {
		if o == op {
			return true
		}
	}
	return false
}

// Provider is the core driver interface every carrier adapter implements:
// port orders, numbers and portability. It is small on purpose; everything
// else is an optional interface below, found by type assertion. Callers never
// use a Provider directly: they go through the portable client
// (providers/portable), which validates arguments, checks capabilities,
// applies the resilience policy, records spans and metrics, and wraps errors
// once for every provider.
//
// Every method's error is an *Error (see errors.go) or a context error.
// Numbers in and out are E.164; the portable client and the service layer
// have validated and normalized them already.
type Provider interface {
	// Name is the provider's resource id: "flowroute", "telnyx".
	Name() string
	// Capabilities declares limits and the operations offered. An optional
	// operation counts only when its interface is implemented too.
	Capabilities() Capabilities

	// CheckPortability checks at most Capabilities().PortabilityBatchLimit numbers.
	CheckPortability(ctx context.Context, numbers []string) ([]PortabilityResult, error)

	// CreatePortOrder opens an order. When the provider splits the request,
	// the order holding the first requested number is primary and the rest
	// are returned in Related (and listed in each other's RelatedOrders).
	CreatePortOrder(ctx context.Context, req CreatePortOrderRequest) (*CreatePortOrderResult, error)
	// GetPortOrder must return an error with CodeNotFound for an unknown id.
	GetPortOrder(ctx context.Context, id string) (*PortOrder, error)
	// ListPortOrders returns a window of orders oldest first; an account with
	// no orders is an empty page, not an error.
	ListPortOrders(ctx context.Context, filter PortOrderFilter, q ListQuery) (*PortOrderPage, error)
	// UpdatePortOrder must return CodeFailedPrecondition when the state forbids it.
	UpdatePortOrder(ctx context.Context, upd PortOrderUpdate) (*PortOrder, error)
	// SubmitPortOrder signs and submits a draft.
	SubmitPortOrder(ctx context.Context, id string, sig Signature) (*PortOrder, error)
	// CancelPortOrder cancels, or returns CodeFailedPrecondition.
	CancelPortOrder(ctx context.Context, id string) (*PortOrder, error)

	// GetNumber must return CodeNotFound when the number is not on the account.
	GetNumber(ctx context.Context, e164 string) (*Number, error)
	ListNumbers(ctx context.Context, filter NumberFilter, q ListQuery) (*NumberPage, error)
}

// PortOrderNumberModifier is implemented by providers that can change the
// numbers of an existing order (OpModifyPortOrderNumbers).
type PortOrderNumberModifier interface {
	// ModifyPortOrderNumbers adds and removes numbers; CodeFailedPrecondition after submit.
	ModifyPortOrderNumbers(ctx context.Context, id string, add, remove []string) (*PortOrder, error)
}

// Commenter is implemented by providers with port order comments
// (OpListComments, OpCreateComment).
type Commenter interface {
	ListComments(ctx context.Context, orderID string) ([]Comment, error)
	CreateComment(ctx context.Context, orderID, body string) (*Comment, error)
}

// DocumentStore is implemented by providers that keep port order documents
// (OpUploadDocument, OpListDocuments).
type DocumentStore interface {
	UploadDocument(ctx context.Context, orderID string, doc DocumentUpload) (*Document, error)
	ListDocuments(ctx context.Context, orderID string) ([]Document, error)
}

// DocumentLinker is implemented by providers that mint a short-lived download
// link for a document that works without the provider's credentials (a
// pre-signed URL). It is read with OpListDocuments' capability. ok is false
// when the provider offers no such link for this document.
type DocumentLinker interface {
	DocumentDownloadLink(ctx context.Context, orderID, documentID string) (link DocumentLink, ok bool, err error)
}

// NumberUpdater is implemented by providers that change number settings (OpUpdateNumber).
type NumberUpdater interface {
	UpdateNumber(ctx context.Context, upd NumberUpdate) (*NumberUpdateResult, error)
}

// Aser is implemented by providers that expose provider-specific types
// (go-cloud's As / ErrorAs escape hatches). As sets i (a pointer to a type
// the adapter documents) and reports whether it could; ErrorAs does the
// same for an error the provider returned.
type Aser interface {
	As(i any) bool
	ErrorAs(err error, i any) bool
}

// AsDoer is the As of an adapter that exposes only its HTTP client: i
// must be a *Doer.
func AsDoer(d Doer, i any) bool {
	p, ok := i.(*Doer)
	if ok {
		*p = d
	}
	return ok
}

// ErrorAsProviderError is the ErrorAs of an adapter whose errors are all
// *Error: i must be a **Error.
func ErrorAsProviderError(err error, i any) bool {
	pe, ok := i.(**Error)
	return ok && errors.As(err, pe)
}

// Implements reports whether p implements the interface operation op needs.
// Core operations are always implemented.
func Implements(p Provider, op Operation) bool {
	if ok, known := implementsEmergency(p, op); known {
		return ok
	}
	var ok bool
	switch op {
	case OpModifyPortOrderNumbers:
		_, ok = p.(PortOrderNumberModifier)
	case OpListComments, OpCreateComment:
		_, ok = p.(Commenter)
	case OpUploadDocument, OpListDocuments:
		_, ok = p.(DocumentStore)
	case OpUpdateNumber:
		_, ok = p.(NumberUpdater)
	case OpCreateNumberOrder, OpGetNumberOrder, OpListNumberOrders, OpReleaseNumber: // issue 14 — buy
		ok = implementsBuy(p, op)
	case OpSearchAvailableNumbers:
		_, ok = p.(AvailableNumberSearcher)
	case OpReschedulePortOrder, OpActivatePortOrder, OpSupplyPortOrderRequirements:
		ok = implementsPortIn(p, op)
	case OpListPortOuts, OpGetPortOut, OpDecidePortOut:
		_, ok = p.(PortOutManager)
	case OpGetPortOrderLOA:
		_, ok = p.(LOARenderer)
	case OpListPortOutComments, OpCreatePortOutComment:
		_, ok = p.(PortOutCommenter)
	case OpCreatePortOutDocument:
		_, ok = p.(PortOutDocumentAttacher)
	case OpListPortOutRejectionCodes:
		_, ok = p.(PortOutRejectionLister)
	default:
		ok = true
		if v, known := implementsVoice(p, op); known {
			ok = v
		}
	}
	return ok
}

// Doer sends HTTP requests. Adapters take one so the resilience layer (and
// tests) can wrap the transport.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Unimplemented can be embedded by adapters: every method answers
// CodeUnimplemented (PROVIDER_CAPABILITY_MISSING).
type Unimplemented struct{ ProviderName string }

func (u Unimplemented) missing(op Operation) error { return CapabilityMissing(u.ProviderName, op) }

func (u Unimplemented) CheckPortability(context.Context, []string) ([]PortabilityResult, error) {
	return nil, u.missing(OpCheckPortability)
}
func (u Unimplemented) CreatePortOrder(context.Context, CreatePortOrderRequest) (*CreatePortOrderResult, error) {
	return nil, u.missing(OpCreatePortOrder)
}
func (u Unimplemented) GetPortOrder(context.Context, string) (*PortOrder, error) {
	return nil, u.missing(OpGetPortOrder)
}
func (u Unimplemented) ListPortOrders(context.Context, PortOrderFilter, ListQuery) (*PortOrderPage, error) {
	return nil, u.missing(OpListPortOrders)
}
func (u Unimplemented) UpdatePortOrder(context.Context, PortOrderUpdate) (*PortOrder, error) {
	return nil, u.missing(OpUpdatePortOrder)
}
func (u Unimplemented) ModifyPortOrderNumbers(context.Context, string, []string, []string) (*PortOrder, error) {
	return nil, u.missing(OpModifyPortOrderNumbers)
}
func (u Unimplemented) SubmitPortOrder(context.Context, string, Signature) (*PortOrder, error) {
	return nil, u.missing(OpSubmitPortOrder)
}
func (u Unimplemented) CancelPortOrder(context.Context, string) (*PortOrder, error) {
	return nil, u.missing(OpCancelPortOrder)
}
func (u Unimplemented) ListComments(context.Context, string) ([]Comment, error) {
	return nil, u.missing(OpListComments)
}
func (u Unimplemented) CreateComment(context.Context, string, string) (*Comment, error) {
	return nil, u.missing(OpCreateComment)
}
func (u Unimplemented) UploadDocument(context.Context, string, DocumentUpload) (*Document, error) {
	return nil, u.missing(OpUploadDocument)
}
func (u Unimplemented) ListDocuments(context.Context, string) ([]Document, error) {
	return nil, u.missing(OpListDocuments)
}
func (u Unimplemented) GetNumber(context.Context, string) (*Number, error) {
	return nil, u.missing(OpGetNumber)
}
func (u Unimplemented) ListNumbers(context.Context, NumberFilter, ListQuery) (*NumberPage, error) {
	return nil, u.missing(OpListNumbers)
}
func (u Unimplemented) UpdateNumber(context.Context, NumberUpdate) (*NumberUpdateResult, error) {
	return nil, u.missing(OpUpdateNumber)
}
