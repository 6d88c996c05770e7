package ingest

import (
	"context"

	"github.com/portgate/portgate/providers"
)

// Forwarding of the emergency address and caller ID name interfaces
// (issue 14, e911; providers/emergency.go), as forward.go does for the others.

func (c *CallbackProvider) CreateEmergencyAddress(ctx context.Context, a providers.EmergencyAddress) (*providers.EmergencyAddress, error) {
	m, ok := c.Provider.(providers.EmergencyAddressManager)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpCreateEmergencyAddress)
	}
	return m.CreateEmergencyAddress(ctx, a)
}

func (c *CallbackProvider) GetEmergencyAddress(ctx context.Context, id string) (*providers.EmergencyAddress, error) {
	m, ok := c.Provider.(providers.EmergencyAddressManager)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpGetEmergencyAddress)
	}
	return m.GetEmergencyAddress(ctx, id)
}

func (c *CallbackProvider) ListEmergencyAddresses(ctx context.Context, q providers.ListQuery) (*providers.EmergencyAddressPage, error) {
	m, ok := c.Provider.(providers.EmergencyAddressManager)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpListEmergencyAddresses)
	}
	return m.ListEmergencyAddresses(ctx, q)
}

func (c *CallbackProvider) DeleteEmergencyAddress(ctx context.Context, id string) error {
	m, ok := c.Provider.(providers.EmergencyAddressManager)
	if !ok {
		return providers.CapabilityMissing(c.Name(), providers.OpDeleteEmergencyAddress)
	}
	return m.DeleteEmergencyAddress(ctx, id)
}

func (c *CallbackProvider) AssignEmergencyAddress(ctx context.Context, e164, id string) (*providers.Number, error) {
	m, ok := c.Provider.(providers.EmergencyAssigner)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpAssignEmergencyAddress)
	}
	return m.AssignEmergencyAddress(ctx, e164, id)
}

func (c *CallbackProvider) UnassignEmergencyAddress(ctx context.Context, e164 string) (*providers.Number, error) {
	m, ok := c.Provider.(providers.EmergencyAssigner)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpUnassignEmergencyAddress)
	}
	return m.UnassignEmergencyAddress(ctx, e164)
}

func (c *CallbackProvider) CreateCallerIDName(ctx context.Context, value string) (*providers.CallerIDName, error) {
	m, ok := c.Provider.(providers.CallerIDNameManager)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpCreateCallerIDName)
	}
	return m.CreateCallerIDName(ctx, value)
}

func (c *CallbackProvider) GetCallerIDName(ctx context.Context, id string) (*providers.CallerIDName, error) {
	m, ok := c.Provider.(providers.CallerIDNameManager)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpGetCallerIDName)
	}
	return m.GetCallerIDName(ctx, id)
}

func (c *CallbackProvider) ListCallerIDNames(ctx context.Context, q providers.ListQuery) (*providers.CallerIDNamePage, error) {
	m, ok := c.Provider.(providers.CallerIDNameManager)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpListCallerIDNames)
	}
	return m.ListCallerIDNames(ctx, q)
}

func (c *CallbackProvider) DeleteCallerIDName(ctx context.Context, id string) error {
	m, ok := c.Provider.(providers.CallerIDNameManager)
	if !ok {
		return providers.CapabilityMissing(c.Name(), providers.OpDeleteCallerIDName)
	}
	return m.DeleteCallerIDName(ctx, id)
}

func (c *CallbackProvider) SetNumberCallerIDName(ctx context.Context, e164, recordID, value string) (*providers.Number, error) {
	m, ok := c.Provider.(providers.NumberCallerIDNameSetter)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpSetNumberCallerIDName)
	}
	return m.SetNumberCallerIDName(ctx, e164, recordID, value)
}

func (c *CallbackProvider) ClearNumberCallerIDName(ctx context.Context, e164 string) (*providers.Number, error) {
	m, ok := c.Provider.(providers.NumberCallerIDNameSetter)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpClearNumberCallerIDName)
	}
	return m.ClearNumberCallerIDName(ctx, e164)
}
