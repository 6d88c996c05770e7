package providers

import (
	"context"
	"time"
)

// The rest of porting in (issue 14, slice portin): rescheduling a submitted
// order, on-demand activation, supplying requirement values, and the
// activation / messaging / per-number status that says what an order waits
// for.

// Rescheduler is implemented by providers that take a new requested FOC
// time after submission (OpReschedulePortOrder).
type Rescheduler interface {
	// ReschedulePortOrder asks for foc as the new FOC time. The portable
	// client has checked foc against the order's AllowedFOCWindows. It
	// returns CodeFailedPrecondition when the order's state forbids it.
	ReschedulePortOrder(ctx context.Context, id string, foc time.Time) (*PortOrder, error)
}

// Activator is implemented by providers with on-demand activation
// (OpActivatePortOrder, Telnyx FastPort).
type Activator interface {
	// ActivatePortOrder starts the activation now, or schedules it at at
	// when at is not zero. CodeFailedPrecondition when the order is not
	// eligible or not in a state that can be activated.
	ActivatePortOrder(ctx context.Context, id string, at time.Time) (*PortOrder, error)
}

// RequirementSupplier is implemented by providers whose orders carry
// requirements the customer fills in (OpSupplyPortOrderRequirements).
type RequirementSupplier interface {
	SupplyPortOrderRequirements(ctx context.Context, id string, upd RequirementsUpdate) (*PortOrder, error)
}

// RequirementValue is one value for one requirement: Text for text
// requirements, DocumentID (the provider's document id) for documents.
type RequirementValue struct {
	TypeID     string
	Text       string
	DocumentID string
}

// RequirementsUpdate is what SupplyPortOrderRequirements sends.
type RequirementsUpdate struct {
	Values  []RequirementValue
	GroupID string // provider requirement group whose values fill the order
}

// ActivationState is where an activation job stands.
type ActivationState int

// Activation states.
const (
	ActivationStateUnspecified ActivationState = iota
	ActivationCreated
	ActivationInProcess
	ActivationCompleted
	ActivationFailed
)

// ActivationType is how an activation is triggered.
type ActivationType int

// Activation types.
const (
	ActivationTypeUnspecified ActivationType = iota
	ActivationScheduled
	ActivationOnDemand
)

// Activation is an order's activation job and status.
type Activation struct {
	JobID         string
	State         ActivationState
	ProviderState string // raw job status
	Type          ActivationType
	ActivateTime  time.Time
	Windows       []TimeWindow
	// ProviderActivationStatus is the order's own activation status as sent
	// (Telnyx activation_settings.activation_status), job or not.
	ProviderActivationStatus string
}

// MessagingPortState is where messaging porting stands.
type MessagingPortState int

// Messaging port states.
const (
	MessagingPortUnspecified MessagingPortState = iota
	MessagingPortNotApplicable
	MessagingPortPending
	MessagingPortActivating
	MessagingPortException
	MessagingPortCancelled
	MessagingPortPartiallyPorted
	MessagingPortPorted
)

// MessagingPort is the messaging (SMS/MMS) port beside voice.
type MessagingPort struct {
	State         MessagingPortState
	ProviderState string
	Enabled       bool
}

// NumberStatus is one number's porting status, raw provider values.
type NumberStatus struct {
	PhoneNumber        string
	PortabilityStatus  string
	ActivationStatus   string
	RequirementsStatus string
}

// WaitingReason says what an order waits for.
type WaitingReason int

// Waiting reasons (proto PortOrderWaitingOn.Reason, same order).
const (
	WaitingUnspecified WaitingReason = iota
	WaitingNothing
	WaitingRequirements
	WaitingDocuments
	WaitingSignature
	WaitingFOCDate
	WaitingLosingCarrier
	WaitingActivation
	WaitingCustomerAction
	WaitingAdditionalStep
	WaitingMessagingPort
	WaitingProvider
)

// WaitingOn is one thing an order waits for.
type WaitingOn struct {
	Reason       WaitingReason
	Description  string
	ProviderStep string
}

// PortInStatus is the part of a PortOrder issue 14's portin slice adds.
type PortInStatus struct {
	FastPortEligible bool
	Activation       *Activation    // nil: none reported
	AdditionalSteps  []string       // raw provider step names
	MessagingPort    *MessagingPort // nil: none reported
	NumberStatuses   []NumberStatus // GetPortOrder only
	// WaitingOn is filled by WaitingOnOf for single-order answers.
	WaitingOn []WaitingOn
}

// InWindows reports whether t falls inside one of ws (ends inclusive).
func InWindows(t time.Time, ws []TimeWindow) bool {
	for _, w := range ws {
		if !t.Before(w.Start) && !t.After(w.End) {
			return true
		}
	}
	return false
}

// WaitingOnOf derives what o waits for from its neutral fields, most
// actionable first; a single WaitingNothing when nothing is outstanding.
// It is the one answer for both providers: a provider that reports less
// (no requirements, no activation) simply yields fewer entries.
func WaitingOnOf(o *PortOrder) []WaitingOn {
	var out []WaitingOn
	add := func(r WaitingReason, desc, step string) {
		out = append(out, WaitingOn{Reason: r, Description: desc, ProviderStep: step})
	}
	mp := o.PortIn.MessagingPort
	switch o.State {
	case StateCompleted:
		if mp != nil && mp.Enabled {
			switch mp.State {
			case MessagingPortPending, MessagingPortActivating, MessagingPortPartiallyPorted:
				add(WaitingMessagingPort, "voice is ported; messaging is still being ported ("+mp.ProviderState+")", "")
			case MessagingPortException:
				add(WaitingMessagingPort, "voice is ported; the messaging port has an exception", "")
			}
		}
	case StateCancelled:
	case StateCancelPending:
		add(WaitingProvider, "the provider is processing the cancellation", "")
	default:
		for _, r := range o.Requirements {
			if r.Status != RequirementMissing && r.Status != RequirementRejected {
				continue
			}
			reason, verb := WaitingRequirements, "a value"
			if r.ValueType == "DOCUMENT" {
				reason, verb = WaitingDocuments, "a document"
			}
			desc := r.Name + ": " + verb + " is required"
			if r.Status == RequirementRejected {
				desc = r.Name + ": the provider rejected what was supplied; supply " + verb + " again"
			}
			add(reason, desc, r.TypeID)
		}
		for _, s := range o.PortIn.AdditionalSteps {
			add(WaitingAdditionalStep, "the provider asks for an additional step", s)
		}
		switch o.State {
		case StateDraft:
			add(WaitingSignature, "sign and submit the order (SubmitPortOrder)", "")
		case StateException:
			desc := "the order has an exception to fix"
			if len(o.StateDetails) > 0 {
				desc = o.StateDetails[0].Code + ": " + o.StateDetails[0].Description
			}
			add(WaitingCustomerAction, desc, "")
		case StateSubmitted:
			add(WaitingProvider, "the provider is validating the order", "")
		case StateInProgress:
			if o.ConfirmedFOCTime.IsZero() {
				add(WaitingFOCDate, "the losing carrier has not confirmed a FOC date", "")
			} else {
				add(WaitingLosingCarrier, "the losing carrier is working the order", "")
			}
		case StateFOCConfirmed:
			foc := o.ConfirmedFOCTime.UTC().Format(time.RFC3339)
			desc := "the numbers activate at the FOC time " + foc
			a := o.PortIn.Activation
			switch {
			case a != nil && a.State == ActivationFailed:
				desc = "the activation failed (" + a.ProviderState + ")"
			case a != nil && (a.State == ActivationCreated || a.State == ActivationInProcess):
				desc = "the activation job is " + a.ProviderState + "; it runs at " + a.ActivateTime.UTC().Format(time.RFC3339)
			case o.PortIn.FastPortEligible:
				desc = "activate the numbers on demand (ActivatePortOrder) in the activation window on the FOC date " + foc +
					", or they activate at the end of it"
			}
			add(WaitingActivation, desc, "")
		}
	}
	if len(out) == 0 {
		add(WaitingNothing, "", "")
	}
	return out
}

// implementsPortIn is Implements for the portin operations.
func implementsPortIn(p Provider, op Operation) bool {
	var ok bool
	switch op {
	case OpReschedulePortOrder:
		_, ok = p.(Rescheduler)
	case OpActivatePortOrder:
		_, ok = p.(Activator)
	case OpSupplyPortOrderRequirements:
		_, ok = p.(RequirementSupplier)
	}
	return ok
}
