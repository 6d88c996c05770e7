package providers

import (
	"context"
	"time"
)

// Emergency addresses (E911) and caller ID names (CNAM), issue 14. The
// operations, optional interfaces and neutral types live here; the Operation
// constants are listed in provider.go (AllOperations).

// EmergencyAddress is an emergency service address on the provider account
// (Flowroute E911 record, Telnyx address).
type EmergencyAddress struct {
	ID                 string // the provider's id
	DisplayName        string // Flowroute label; Telnyx customer_reference
	FirstName          string
	LastName           string
	BusinessName       string
	StreetNumber       string
	StreetName         string
	UnitType           string // Flowroute address_type ("Suite", "Unit", …)
	UnitNumber         string // Flowroute address_type_number
	Locality           string
	AdministrativeArea string
	PostalCode         string
	CountryCode        string // ISO 3166-1 alpha-2
	CreateTime         time.Time
}

// EmergencyAddressPage is one window of emergency addresses.
type EmergencyAddressPage struct {
	Addresses  []*EmergencyAddress
	NextCursor string // "" = no more items
}

// EmergencyStatus is where a number's emergency service stands.
type EmergencyStatus int

// Emergency statuses (values match portgate.v1.EmergencyStatus).
const (
	EmergencyStatusUnspecified    EmergencyStatus = iota // not reported
	EmergencyStatusEnabled                               // calls carry the address
	EmergencyStatusPending                               // being provisioned
	EmergencyStatusDisabled                              // no address
	EmergencyStatusDeprovisioning                        // being removed
)

// CallerIDNameState is where a CNAM record's review stands.
type CallerIDNameState int

// CNAM record states (values match portgate.v1.CallerIdName.State).
const (
	CallerIDNameStateUnspecified CallerIDNameState = iota
	CallerIDNamePending
	CallerIDNameApproved
	CallerIDNameRejected
)

// CallerIDName is a CNAM record (Flowroute /v2/cnams).
type CallerIDName struct {
	ID              string
	Value           string
	State           CallerIDNameState
	RejectionReason string
	CreateTime      time.Time
	ApproveTime     time.Time
}

// CallerIDNamePage is one window of CNAM records.
type CallerIDNamePage struct {
	Records    []*CallerIDName
	NextCursor string
}

// NumberCallerIDName is the caller ID name a number shows.
type NumberCallerIDName struct {
	Value    string
	RecordID string // Flowroute CNAM record id; "" where the name lives on the number (Telnyx)
	State    CallerIDNameState
}

// NumberEmergency is a number's emergency and caller ID configuration, as
// reported with the number (Number.Emergency).
type NumberEmergency struct {
	Status EmergencyStatus
	// ProviderStatus is the provider's emergency status word as sent (Telnyx
	// emergency_status), kept raw.
	ProviderStatus string
	CallerIDName   NumberCallerIDName
}

// EmergencyAddressManager is implemented by providers with emergency
// address objects (OpCreateEmergencyAddress, OpGetEmergencyAddress,
// OpListEmergencyAddresses, OpDeleteEmergencyAddress).
type EmergencyAddressManager interface {
	// CreateEmergencyAddress validates the address with the provider, then
	// creates it. A refused address is CodeInvalidArgument with Reason
	// ReasonEmergencyAddressInvalid.
	CreateEmergencyAddress(ctx context.Context, a EmergencyAddress) (*EmergencyAddress, error)
	GetEmergencyAddress(ctx context.Context, id string) (*EmergencyAddress, error)
	ListEmergencyAddresses(ctx context.Context, q ListQuery) (*EmergencyAddressPage, error)
	// DeleteEmergencyAddress refuses an address still assigned to a number
	// (CodeFailedPrecondition, ReasonEmergencyAddressInUse).
	DeleteEmergencyAddress(ctx context.Context, id string) error
}

// EmergencyAssigner is implemented by providers that attach emergency
// addresses to numbers (OpAssignEmergencyAddress, OpUnassignEmergencyAddress).
// Both return the number as read after the change.
type EmergencyAssigner interface {
	AssignEmergencyAddress(ctx context.Context, e164, addressID string) (*Number, error)
	UnassignEmergencyAddress(ctx context.Context, e164 string) (*Number, error)
}

// CallerIDNameManager is implemented by providers with CNAM record objects
// (OpCreateCallerIDName, OpGetCallerIDName, OpListCallerIDNames,
// OpDeleteCallerIDName).
type CallerIDNameManager interface {
	CreateCallerIDName(ctx context.Context, value string) (*CallerIDName, error)
	GetCallerIDName(ctx context.Context, id string) (*CallerIDName, error)
	ListCallerIDNames(ctx context.Context, q ListQuery) (*CallerIDNamePage, error)
	DeleteCallerIDName(ctx context.Context, id string) error
}

// NumberCallerIDNameSetter is implemented by providers that set the caller
// ID name a number shows (OpSetNumberCallerIDName,
// OpClearNumberCallerIDName). Set takes either a record id (providers with
// records) or the value itself; exactly one is non-empty.
type NumberCallerIDNameSetter interface {
	SetNumberCallerIDName(ctx context.Context, e164, recordID, value string) (*Number, error)
	ClearNumberCallerIDName(ctx context.Context, e164 string) (*Number, error)
}

// Reasons of emergency and caller ID errors (docs/errors.md).
const (
	ReasonEmergencyAddressInvalid = "EMERGENCY_ADDRESS_INVALID"
	ReasonEmergencyAddressInUse   = "EMERGENCY_ADDRESS_IN_USE"
	ReasonEmergencyNotSupported   = "EMERGENCY_NOT_SUPPORTED"
	ReasonCallerIDNameInvalid     = "CALLER_ID_NAME_INVALID"
)

// CallerIDNameMaxLen is the longest caller ID name both providers accept.
const CallerIDNameMaxLen = 15

// ValidCallerIDName reports whether v is a caller ID name both providers
// accept: 1 to 15 letters, digits and spaces (Telnyx documents
// "alphanumeric characters or spaces, at most 15"; Flowroute at most 15).
func ValidCallerIDName(v string) bool {
	if len(v) == 0 || len(v) > CallerIDNameMaxLen {
		return false
	}
	for _, r := range v {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case r == ' ':
		default:
			return false
		}
	}
	return true
}

// implementsEmergency is Implements for this file's operations; known is
// false for other operations.
func implementsEmergency(p Provider, op Operation) (ok, known bool) {
	switch op {
	case OpCreateEmergencyAddress, OpGetEmergencyAddress, OpListEmergencyAddresses, OpDeleteEmergencyAddress:
		_, ok = p.(EmergencyAddressManager)
	case OpAssignEmergencyAddress, OpUnassignEmergencyAddress:
		_, ok = p.(EmergencyAssigner)
	case OpCreateCallerIDName, OpGetCallerIDName, OpListCallerIDNames, OpDeleteCallerIDName:
		_, ok = p.(CallerIDNameManager)
	case OpSetNumberCallerIDName, OpClearNumberCallerIDName:
		_, ok = p.(NumberCallerIDNameSetter)
	default:
		return false, false
	}
	return ok, true
}
