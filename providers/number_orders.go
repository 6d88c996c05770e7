package providers

import (
	"context"
	"time"
)

// Buying and releasing numbers (issue 14, slice buy).
//
// A provider offers purchases one of two ways:
//
//   - NumberOrderer: the provider keeps an order object for one or many
//     numbers (Telnyx POST /v2/number_orders, asynchronous).
//   - NumberPurchaser: the provider sells one number per call and keeps no
//     order (Flowroute POST /v2/numbers/{id}). The service layer builds the
//     neutral order itself and keeps it in portgate's store, so
//     OpGetNumberOrder and OpListNumberOrders are offered too.
//
// NumberReleaser gives a number back (OpReleaseNumber).

// NumberOrderState is where a whole order stands.
type NumberOrderState string

// Number order states.
const (
	NumberOrderPending NumberOrderState = "PENDING"
	NumberOrderSuccess NumberOrderState = "SUCCESS"
	NumberOrderPartial NumberOrderState = "PARTIAL"
	NumberOrderFailed  NumberOrderState = "FAILED"
)

// NumberOrderNumberState is where one number of an order stands.
type NumberOrderNumberState string

// Per-number states.
const (
	NumberPurchasePending NumberOrderNumberState = "PENDING"
	NumberPurchaseSuccess NumberOrderNumberState = "SUCCESS"
	NumberPurchaseFailed  NumberOrderNumberState = "FAILED"
)

// ReasonNumberDeletionLocked: the provider protects the number against
// release (Telnyx deletion_lock_enabled); nothing was sent.
const ReasonNumberDeletionLocked = "NUMBER_DELETION_LOCKED"

// NumberOrderNumber is one number of an order and its outcome.
type NumberOrderNumber struct {
	PhoneNumber    string // E.164 (the provider's raw form when it is not valid E.164)
	State          NumberOrderNumberState
	Reason         string // why it failed / what is pending
	ProviderStatus string // the provider's per-number status as sent
}

// NumberOrder is a purchase of one or many numbers.
type NumberOrder struct {
	ID                 string
	ProviderStatus     string // raw order status (Telnyx pending|success|failure)
	State              NumberOrderState
	Numbers            []NumberOrderNumber
	ConnectionID       string
	MessagingProfileID string
	BillingGroupID     string
	CustomerReference  string
	MessagingEnabled   bool
	CNAMLookupsEnabled bool
	CreateTime         time.Time
	UpdateTime         time.Time
}

// NumberOrderRequest asks for PhoneNumbers (E.164, validated and
// deduplicated by the caller) with the options the provider supports.
type NumberOrderRequest struct {
	PhoneNumbers       []string
	ConnectionID       string
	MessagingProfileID string
	BillingGroupID     string
	CustomerReference  string
	RequestID          string
	// OnAccepted is called with the order id as soon as the provider
	// accepted the order (before any follow-up read), so a retry resumes
	// from it instead of buying again. May be nil.
	OnAccepted func(id string)
}

// NumberOrderPage is one window of orders.
type NumberOrderPage struct {
	Orders     []*NumberOrder
	NextCursor string
}

// NumberOrderer is implemented by providers that keep number orders
// (OpCreateNumberOrder, OpGetNumberOrder, OpListNumberOrders).
type NumberOrderer interface {
	CreateNumberOrder(ctx context.Context, req NumberOrderRequest) (*NumberOrder, error)
	// GetNumberOrder must return CodeNotFound for an unknown id.
	GetNumberOrder(ctx context.Context, id string) (*NumberOrder, error)
	ListNumberOrders(ctx context.Context, q ListQuery) (*NumberOrderPage, error)
}

// NumberPurchase buys one number.
type NumberPurchase struct {
	PhoneNumber        string // E.164
	MessagingEnabled   bool
	CNAMLookupsEnabled bool
}

// NumberPurchaseResult is the bought number and any part of the purchase
// the provider did not apply (Flowroute 207: messaging provisioning failed,
// the number IS bought).
type NumberPurchaseResult struct {
	Number   *Number
	Failures []FieldFailure
}

// NumberPurchaser is implemented by providers that sell one number per call
// and keep no order object (OpCreateNumberOrder; the service keeps the
// order, so OpGetNumberOrder and OpListNumberOrders come with it).
type NumberPurchaser interface {
	// PurchaseNumber buys one number. An error means it was not bought —
	// except CodeUnavailable/CodeDeadlineExceeded/CodeCanceled, after which
	// the outcome is unknown and the caller re-reads the number.
	PurchaseNumber(ctx context.Context, p NumberPurchase) (*NumberPurchaseResult, error)
}

// NumberReleaser is implemented by providers that release numbers
// (OpReleaseNumber). ReleaseNumber returns the number as released (status
// as the provider reported it, or the last known record when the provider
// answers without a body); CodeNotFound when it is not on the account,
// CodeFailedPrecondition with ReasonNumberDeletionLocked when it is locked.
type NumberReleaser interface {
	ReleaseNumber(ctx context.Context, e164 string) (*Number, error)
}

// Wrapper is implemented by decorators that forward every optional
// interface (internal/ingest's CallbackProvider): Unwrap returns the
// decorated driver, so what the driver really implements can be asked.
type Wrapper interface {
	Unwrap() Provider
}

// Underlying strips decorators (Wrapper) off p.
func Underlying(p Provider) Provider {
	for i := 0; i < 16; i++ {
		w, ok := p.(Wrapper)
		if !ok {
			return p
		}
		p = w.Unwrap()
	}
	return p
}

// KeepsNumberOrders reports whether p's driver keeps number orders itself
// (NumberOrderer) rather than selling number by number (NumberPurchaser).
func KeepsNumberOrders(p Provider) bool {
	_, ok := Underlying(p).(NumberOrderer)
	return ok
}

// implementsBuy is Implements for this slice's operations.
func implementsBuy(p Provider, op Operation) bool {
	p = Underlying(p)
	switch op {
	case OpReleaseNumber:
		_, ok := p.(NumberReleaser)
		return ok
	default: // OpCreateNumberOrder, OpGetNumberOrder, OpListNumberOrders
		_, orderer := p.(NumberOrderer)
		_, purchaser := p.(NumberPurchaser)
		return orderer || purchaser
	}
}
