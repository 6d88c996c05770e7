// Package providers defines the provider-neutral model of number porting and
// number management, and the Provider interface every carrier adapter
// implements (providers/flowroute, providers/telnyx).
//
// All phone numbers crossing this interface are E.164 strings ("+13125550100").
// Adapters convert to and from their provider's wire format at the edge.
package providers

import "time"

// State is the neutral port order state. Every provider status maps to
// exactly one State; the raw provider status travels beside it.
type State int

const (
	StateUnspecified State = iota
	StateDraft
	StateSubmitted
	StateInProgress
	StateException
	StateFOCConfirmed
	StateCompleted
	StateCancelPending
	StateCancelled
)

var stateNames = [...]string{"STATE_UNSPECIFIED", "DRAFT", "SUBMITTED", "IN_PROGRESS", "EXCEPTION", "FOC_CONFIRMED", "COMPLETED", "CANCEL_PENDING", "CANCELLED"}

func (s State) String() string {
	if int(s) >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "STATE_UNSPECIFIED"
}

// ParseState is the inverse of State.String; ok is false for unknown names.
func ParseState(name string) (State, bool) {
	for i, n := range stateNames {
		if n == name {
			return State(i), true
		}
	}
	return StateUnspecified, false
}

// Terminal reports whether no further transition can happen.
func (s State) Terminal() bool { return s == StateCompleted || s == StateCancelled }

// Editable reports whether numbers and order details may still change.
func (s State) Editable() bool { return s == StateDraft || s == StateException }

// Cancellable reports whether a cancel request can be accepted in this state
// by at least one provider (providers may refuse more, e.g. near FOC).
func (s State) Cancellable() bool {
	switch s {
	case StateDraft, StateSubmitted, StateInProgress, StateException, StateFOCConfirmed:
		return true
	}
	return false
}

// PortType is a full or partial port of the losing account.
type PortType int

const (
	PortTypeUnspecified PortType = iota
	PortTypeFull
	PortTypePartial
)

// RemainingNumbersAction says what happens to numbers left behind by a partial port.
type RemainingNumbersAction int

const (
	RemainingUnspecified RemainingNumbersAction = iota
	RemainingKeep
	RemainingDisconnect
)

// Address is a postal service address.
type Address struct {
	StreetAddress      string
	ExtendedAddress    string
	Locality           string
	AdministrativeArea string
	PostalCode         string
	CountryCode        string // ISO 3166-1 alpha-2
}

// IsZero reports whether no field is set.
func (a Address) IsZero() bool { return a == Address{} }

// UsageType distinguishes business and residential service.
type UsageType int

const (
	UsageUnspecified UsageType = iota
	UsageBusiness
	UsageResidential
)

// EndUser is the subscriber of the losing carrier account. Secret fields
// (PIN, AccountNumber, TaxIdentifier, BusinessIdentifier, Last4SSN) are
// input-only: adapters send them but never return them; they report the
// Has* flags instead.
type EndUser struct {
	EntityName             string // business or person name on the account
	AuthorizedPerson       string // person signing the LOA
	BillingTelephoneNumber string // E.164
	UsageType              UsageType
	ServiceAddress         Address

	AccountNumber      string // input only
	PIN                string // input only
	TaxIdentifier      string // input only
	BusinessIdentifier string // input only
	Last4SSN           string // input only

	HasAccountNumber bool
	HasPIN           bool
}

// NumberConfiguration is how ported numbers are configured once the port completes.
type NumberConfiguration struct {
	ConnectionID       string // Telnyx connection_id; Flowroute presets.primary_route_id
	FailoverRouteID    string // Flowroute presets.failover_route_id
	MessagingProfileID string // Telnyx messaging_profile_id
	MessagingEnabled   bool   // Telnyx messaging.enable_messaging
	CNAMLookupsEnabled bool   // Flowroute enable_cnam_lookups
	CNAMID             string // Flowroute presets.cnam_id
	EmergencyAddressID string // Telnyx emergency_address_id; Flowroute presets.e911_id
	BillingGroupID     string // Telnyx billing_group_id
	Tags               []string
}

// StateDetail is one reason attached to the current state (exception codes,
// rejection messages). Code is an open string.
type StateDetail struct {
	Code        string
	Description string
}

// PortOrder is one provider order. ID is the provider's own id, never rewritten.
type PortOrder struct {
	ID             string
	State          State
	ProviderStatus string
	StateDetails   []StateDetail
	PhoneNumbers   []string // E.164

	EndUser       EndUser
	LosingCarrier string

	RequestedFOCTime time.Time // zero when unset
	ConfirmedFOCTime time.Time // zero when unset

	PortType                  PortType
	RemainingNumbersAction    RemainingNumbersAction
	NewBillingTelephoneNumber string // E.164, partial ports that keep numbers

	Configuration NumberConfiguration

	CustomerReference string
	Description       string
	StatusCallbackURL string

	GroupID       string   // Flowroute group_id, Telnyx parent_support_key
	SupportKey    string   // Telnyx support_key
	RelatedOrders []string // provider ids of orders split from / into this one

	Comments []Comment // providers that carry comments inline (Flowroute)

	// InvalidPhoneNumbers are numbers the provider reported on the order
	// that are not valid E.164 numbers, in the provider's raw form. They are
	// kept here, never dropped and never a reason to fail the call; they are
	// not in PhoneNumbers.
	InvalidPhoneNumbers []string
	// MissingDetails names parts of the order the adapter could not read
	// back after the provider accepted the call (DetailRelatedOrders): the
	// order is real; read it again later to fill them.
	MissingDetails []string

	// Optional details (Capabilities.PortOrderDetails says who fills them).
	RequirementsMet   bool
	Requirements      []Requirement // GetPortOrder only
	AllowedFOCWindows []TimeWindow  // GetPortOrder only, while a FOC time can be requested

	// PortIn is the activation, messaging port, per-number status and
	// waiting-on of the order (issue 14, providers/portin.go).
	PortIn PortInStatus

	CreateTime time.Time
	UpdateTime time.Time
}

// Optional PortOrder details an adapter may fill (Capabilities.PortOrderDetails).
const (
	DetailRequirementsMet   = "requirements_met"
	DetailRequirements      = "requirements"
	DetailAllowedFOCWindows = "allowed_foc_windows"
	// DetailRelatedOrders in PortOrder.MissingDetails: RelatedOrders (and
	// CreatePortOrderResult.Related) could not be read.
	DetailRelatedOrders = "related_orders"
	// DetailState in PortOrder.MissingDetails: the write was accepted but
	// the order could not be read back; State and ProviderStatus are from
	// before it.
	DetailState = "state"
)

// RequirementStatus is where one requirement stands.
type RequirementStatus int

// Requirement statuses.
const (
	RequirementStatusUnspecified RequirementStatus = iota
	RequirementMissing                             // nothing supplied yet
	RequirementUnderReview                         // supplied, not yet accepted
	RequirementMet                                 // accepted
	RequirementRejected                            // supplied and refused
)

// Requirement is one thing a provider asks for on an order.
type Requirement struct {
	TypeID         string
	Name           string
	Description    string
	ValueType      string // "DOCUMENT" or "TEXT"
	Status         RequirementStatus
	ProviderStatus string
}

// TimeWindow is a span of time (allowed FOC windows).
type TimeWindow struct {
	Start, End time.Time
}

// Signature authorizes a submit (the LOA signer).
type Signature struct {
	Name  string
	Title string
}

// CreatePortOrderRequest asks a provider to open a port order.
type CreatePortOrderRequest struct {
	Order     PortOrder // ID, State, timestamps ignored
	RequestID string    // caller's idempotency key (AIP-155)
	// OnAccepted, when set, is called with the primary order's id as soon as
	// the provider has accepted the create, before any follow-up call that
	// could still fail: the caller records it so a retry finds the order
	// instead of creating a second one. Adapters whose create makes no
	// follow-up call (or undoes its own partial work) may leave it uncalled.
	OnAccepted func(id string)
}

// CreatePortOrderResult is the primary order plus any orders the provider split off.
type CreatePortOrderResult struct {
	Order   *PortOrder
	Related []*PortOrder
}

// PortOrderUpdate applies Mask (neutral field paths, see UpdatableOrderFields) from Order.
type PortOrderUpdate struct {
	ID    string
	Order PortOrder
	Mask  []string
}

// PortOrderFilter is the pushdown part of a list filter. Adapters push what
// their API supports; the gateway re-applies the full filter to every item.
type PortOrderFilter struct {
	States            []State
	PhoneNumber       string // E.164
	CustomerReference string
	CreatedAfter      time.Time
	CreatedBefore     time.Time
}

// ListQuery addresses a window of a provider's list in a stable order
// (oldest first, so appends never shift earlier items).
type ListQuery struct {
	// Cursor is the NextCursor of the previous page ("" = the start). It is
	// opaque to callers: Flowroute's is an offset, Telnyx's a page number,
	// page size and position in that page. A page fetched again from the
	// same cursor starts with the same item, whatever Limit is.
	Cursor string
	Limit  int
}

// PortOrderPage is one window of port orders.
type PortOrderPage struct {
	Orders     []*PortOrder
	NextCursor string // "" = no more items
}

// PortabilityResult is one provider's verdict on one number.
type PortabilityResult struct {
	PhoneNumber  string // E.164
	Portable     bool
	FastPortable bool
	Reason       string // empty when portable
	Carrier      string
	NumberType   string
}

// Comment is a note on a port order.
type Comment struct {
	ID         string
	Body       string
	Author     string // user, admin, system, or a user id
	CreateTime time.Time
}

// DocumentType classifies a supporting document.
type DocumentType int

const (
	DocumentUnspecified DocumentType = iota
	DocumentLOA
	DocumentInvoice
	DocumentCSR
	DocumentOther
)

// Document is a file attached to a port order.
type Document struct {
	ID          string
	Type        DocumentType
	Filename    string
	ContentType string
	Status      string // provider status, e.g. uploaded, pending, failed
	// DownloadURL is a link that serves the file without the provider's
	// credentials (a pre-signed, short-lived URL), set by the gateway from
	// DocumentLinker; adapters never put a credentialed URL here.
	DownloadURL string
	// DownloadExpireTime is when DownloadURL stops working, where the
	// provider says; zero = not said.
	DownloadExpireTime time.Time
	CreateTime         time.Time
}

// DocumentUpload is a new document with its bytes.
type DocumentUpload struct {
	Type        DocumentType
	Filename    string
	ContentType string
	Content     []byte
}

// MessagingProvisioningState is where an asynchronous messaging enablement stands.
type MessagingProvisioningState int

// Messaging provisioning states.
const (
	MessagingProvisioningUnspecified MessagingProvisioningState = iota // none reported
	MessagingProvisioningPending                                       // enablement accepted, not finished
	MessagingProvisioningFailed                                        // enablement failed; messaging stays off
	MessagingProvisioningComplete                                      // the last task finished
)

// MessagingProvisioning is the provider's messaging provisioning task on a
// number (Flowroute message_provisioning_status).
type MessagingProvisioning struct {
	State          MessagingProvisioningState
	TaskID         string
	ProviderStatus string // raw task status
	Reason         string // why it failed, when known
}

// Number is a phone number on the provider account.
type Number struct {
	PhoneNumber        string // E.164; the provider's raw form when PhoneNumberInvalid
	RawPhoneNumber     string // the number exactly as the provider sent it
	PhoneNumberInvalid bool   // the provider's number is not valid E.164 (kept raw, flagged)
	Status             string // raw provider status
	NumberType         string
	Alias              string // Flowroute alias; Telnyx customer_reference
	CNAMLookupsEnabled bool
	MessagingEnabled   bool
	MessagingProfileID string
	ConnectionID       string // Telnyx connection; Flowroute primary route
	FailoverRouteID    string
	EmergencyAddressID string
	Tags               []string
	CreateTime         time.Time

	MessagingProvisioning MessagingProvisioning

	NumberDetails // state, type, region, features, costs (issue 14 search)
	// Port-out protection (Telnyx external_pin): PortOutPIN is input only
	// (UpdateNumber path port_out_pin), PortOutPINSet is what reads report.
	PortOutPIN    string
	PortOutPINSet bool

	// Emergency is the emergency and caller ID name configuration (issue 14,
	// e911; providers/emergency.go).
	Emergency NumberEmergency
}

// NumberFilter is the pushdown part of a number list filter.
type NumberFilter struct {
	Prefix   string // E.164 prefix, e.g. "+1312"
	Contains string // digits
}

// NumberPage is one window of numbers.
type NumberPage struct {
	Numbers    []*Number
	NextCursor string // "" = no more items
}

// NumberUpdate applies Mask (see UpdatableNumberFields) from Number, plus
// MessagingCallbackURL when messaging is enabled.
type NumberUpdate struct {
	Number               Number
	Mask                 []string
	MessagingCallbackURL string
}

// FieldFailure is a part of a write that the provider did not apply although
// the write as a whole succeeded (Flowroute's 207 Multi-Status).
type FieldFailure struct {
	Field   string // neutral field path
	Reason  string // UPPER_SNAKE_CASE
	Message string
}

// NumberUpdateResult is the number after the update and any partial failures.
type NumberUpdateResult struct {
	Number   *Number
	Failures []FieldFailure
}
