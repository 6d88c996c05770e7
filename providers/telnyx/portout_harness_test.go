package telnyx_test

import (
	"context"

	"github.com/portgate/portgate/sandbox/telnyxfake"
)

// CreatePortOut plays the winning carrier (providertest.PortOutHarness).
func (h *conformanceHarness) CreatePortOut(_ context.Context, number string) (string, error) {
	h.fake.SeedNumber(number)
	return h.fake.CreatePortOut(telnyxfake.PortOutSpec{PhoneNumbers: []string{number}})
}

func (h *conformanceHarness) AdvancePortOuts(context.Context) error {
	h.fake.AdvancePortOuts()
	return nil
}
