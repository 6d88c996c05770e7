package providers

import (
	"context"
	"time"
)

// PortOutState is the neutral life cycle of a port-out (numbers leaving to
// another carrier). Values match portgate.v1.PortOut.State.
type PortOutState int

const (
	PortOutStateUnspecified PortOutState = iota
	PortOutPending
	PortOutAuthorized
	PortOutRejectedPending
	PortOutRejected
	PortOutCompleted
	PortOutCancelled
)

var portOutStateNames = [...]string{"STATE_UNSPECIFIED", "PENDING", "AUTHORIZED", "REJECTED_PENDING",
	"REJECTED", "COMPLETED", "CANCELLED"}

func (s PortOutState) String() string {
	if s < 0 || int(s) >= len(portOutStateNames) {
		return portOutStateNames[0]
	}
	return portOutStateNames[s]
}

// Decidable reports whether the account holder may still authorize or
// reject (only a pending port-out).
func (s PortOutState) Decidable() bool { return s == PortOutPending }

// PortOut is a provider's port-out request.
type PortOut struct {
	ID                 string
	State              PortOutState
	ProviderStatus     string // raw
	PhoneNumbers       []string
	WinningCarrier     string
	WinningCarrierSPID string
	EndUserName        string
	AuthorizedName     string
	ServiceAddress     string
	PON                string
	RequestedFOCTime   time.Time
	FOCTime            time.Time
	RejectionReason    string
	RejectionCode      int
	SupportKey         string
	HostMessaging      bool
	CreateTime         time.Time
	UpdateTime         time.Time
}

// PortOutFilter is what the provider may filter itself; the gateway applies
// the full filter afterwards.
type PortOutFilter struct {
	States      []PortOutState
	PhoneNumber string // E.164
}

// PortOutPage is one window of port-outs, oldest first.
type PortOutPage struct {
	PortOuts   []*PortOut
	NextCursor string
}

// PortOutDecision authorizes or rejects a port-out.
type PortOutDecision struct {
	ID        string
	Authorize bool // false = reject
	// Reason is required to reject; an optional note to authorize.
	Reason string
	// RejectionCode is the provider's rejection code (0 = none); the adapter
	// checks it against the codes the provider lists as eligible.
	RejectionCode int
	HostMessaging bool
}

// PortOutManager is implemented by providers with a port-out API
// (OpListPortOuts, OpGetPortOut, OpDecidePortOut).
type PortOutManager interface {
	ListPortOuts(ctx context.Context, filter PortOutFilter, q ListQuery) (*PortOutPage, error)
	// GetPortOut must return CodeNotFound for an unknown id.
	GetPortOut(ctx context.Context, id string) (*PortOut, error)
	// DecidePortOut authorizes or rejects; CodeFailedPrecondition when the
	// port-out is no longer pending.
	DecidePortOut(ctx context.Context, d PortOutDecision) (*PortOut, error)
}

// LOA is a port order's letter of agency as the provider renders it.
type LOA struct {
	ContentType string
	Content     []byte
	Filename    string
	// Fields are the values the provider prints on the letter (raw names).
	Fields map[string]string
}

// LOARenderer is implemented by providers that serve an order's LOA
// (template or generated) for signing (OpGetPortOrderLOA).
type LOARenderer interface {
	// GetPortOrderLOA renders the LOA; configurationID is provider-specific
	// (Telnyx loa_configuration_id), "" = default.
	GetPortOrderLOA(ctx context.Context, orderID, configurationID string) (*LOA, error)
}
