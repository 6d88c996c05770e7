package providers_test

import (
	"testing"
	"time"

	"github.com/portgate/portgate/providers"
)

func TestWaitingOnOf(t *testing.T) {
	foc := time.Date(2026, 12, 11, 14, 0, 0, 0, time.UTC)
	missingDoc := providers.Requirement{TypeID: "loa", Name: "LOA", ValueType: "DOCUMENT", Status: providers.RequirementMissing}
	rejectedText := providers.Requirement{TypeID: "tax", Name: "Tax id", ValueType: "TEXT", Status: providers.RequirementRejected}
	met := providers.Requirement{TypeID: "inv", Name: "Invoice", ValueType: "DOCUMENT", Status: providers.RequirementMet}
	cases := []struct {
		name string
		o    providers.PortOrder
		want []providers.WaitingReason
	}{
		{"draft with requirements", providers.PortOrder{State: providers.StateDraft, Requirements: []providers.Requirement{missingDoc, rejectedText, met},
			PortIn: providers.PortInStatus{AdditionalSteps: []string{"phone_number_verification_codes"}}},
			[]providers.WaitingReason{providers.WaitingDocuments, providers.WaitingRequirements, providers.WaitingAdditionalStep, providers.WaitingSignature}},
		{"exception", providers.PortOrder{State: providers.StateException, StateDetails: []providers.StateDetail{{Code: "PASSCODE_PIN_INVALID"}}},
			[]providers.WaitingReason{providers.WaitingCustomerAction}},
		{"submitted", providers.PortOrder{State: providers.StateSubmitted}, []providers.WaitingReason{providers.WaitingProvider}},
		{"in progress", providers.PortOrder{State: providers.StateInProgress}, []providers.WaitingReason{providers.WaitingFOCDate}},
		{"in progress with FOC", providers.PortOrder{State: providers.StateInProgress, ConfirmedFOCTime: foc}, []providers.WaitingReason{providers.WaitingLosingCarrier}},
		{"FOC confirmed", providers.PortOrder{State: providers.StateFOCConfirmed, ConfirmedFOCTime: foc}, []providers.WaitingReason{providers.WaitingActivation}},
		{"completed", providers.PortOrder{State: providers.StateCompleted}, []providers.WaitingReason{providers.WaitingNothing}},
		{"completed, messaging pending", providers.PortOrder{State: providers.StateCompleted, PortIn: providers.PortInStatus{
			MessagingPort: &providers.MessagingPort{State: providers.MessagingPortPending, Enabled: true}}}, []providers.WaitingReason{providers.WaitingMessagingPort}},
		{"cancel pending", providers.PortOrder{State: providers.StateCancelPending}, []providers.WaitingReason{providers.WaitingProvider}},
		{"cancelled", providers.PortOrder{State: providers.StateCancelled, Requirements: []providers.Requirement{missingDoc}}, []providers.WaitingReason{providers.WaitingNothing}},
	}
	for _, c := range cases {
		got := providers.WaitingOnOf(&c.o)
		if len(got) != len(c.want) {
			t.Errorf("%s: %+v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i].Reason != c.want[i] {
				t.Errorf("%s: [%d] = %v, want %v (%+v)", c.name, i, got[i].Reason, c.want[i], got)
			}
		}
	}
	if w := providers.WaitingOnOf(&providers.PortOrder{State: providers.StateDraft, Requirements: []providers.Requirement{missingDoc}}); w[0].ProviderStep != "loa" {
		t.Errorf("provider step: %+v", w)
	}
}
