package portable

import (
	"context"

	"github.com/portgate/portgate/providers"
)

// Emergency addresses and caller ID names (issue 14, e911). Writes run once
// (never retried by the resilience layer: only reads are); every method
// checks its arguments and the capability before any call.

func (c *Client) requireAddress(a providers.EmergencyAddress) error {
	var vs []providers.FieldViolation
	req := func(field, v string) {
		if v == "" {
			vs = append(vs, providers.FieldViolation{Field: "emergency_address." + field, Description: "required"})
		}
	}
	req("first_name", a.FirstName)
	req("last_name", a.LastName)
	req("street_number", a.StreetNumber)
	req("street_name", a.StreetName)
	req("locality", a.Locality)
	req("administrative_area", a.AdministrativeArea)
	req("postal_code", a.PostalCode)
	req("region_code", a.CountryCode)
	if len(vs) == 0 {
		return nil
	}
	return &providers.Error{Code: providers.CodeInvalidArgument, Provider: c.name, Reason: "INVALID_ARGUMENT",
		Message: vs[0].Field + ": " + vs[0].Description, Violations: vs}
}

func (c *Client) invalidCallerIDName(field, v string) error {
	e := c.invalid(field, "%q is not a caller ID name: 1 to %d letters, digits and spaces", v, providers.CallerIDNameMaxLen).(*providers.Error)
	e.Reason = providers.ReasonCallerIDNameInvalid
	return e
}

// CreateEmergencyAddress validates with the provider, then creates.
func (c *Client) CreateEmergencyAddress(ctx context.Context, a providers.EmergencyAddress) (*providers.EmergencyAddress, error) {
	m, ok := c.drv.(providers.EmergencyAddressManager)
	if !ok {
		return nil, c.missing(providers.OpCreateEmergencyAddress)
	}
	if err := c.requireAddress(a); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpCreateEmergencyAddress, func(ctx context.Context) (*providers.EmergencyAddress, error) {
		return m.CreateEmergencyAddress(ctx, a)
	})
}

// GetEmergencyAddress returns CodeNotFound for an unknown id.
func (c *Client) GetEmergencyAddress(ctx context.Context, id string) (*providers.EmergencyAddress, error) {
	m, ok := c.drv.(providers.EmergencyAddressManager)
	if !ok {
		return nil, c.missing(providers.OpGetEmergencyAddress)
	}
	if id == "" {
		return nil, c.invalid("name", "an emergency address id is required")
	}
	return run(c, ctx, providers.OpGetEmergencyAddress, func(ctx context.Context) (*providers.EmergencyAddress, error) {
		return m.GetEmergencyAddress(ctx, id)
	})
}

// ListEmergencyAddresses returns one window of the account's addresses.
func (c *Client) ListEmergencyAddresses(ctx context.Context, q providers.ListQuery) (*providers.EmergencyAddressPage, error) {
	m, ok := c.drv.(providers.EmergencyAddressManager)
	if !ok {
		return nil, c.missing(providers.OpListEmergencyAddresses)
	}
	if err := c.checkQuery(q); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpListEmergencyAddresses, func(ctx context.Context) (*providers.EmergencyAddressPage, error) {
		return m.ListEmergencyAddresses(ctx, q)
	})
}

// DeleteEmergencyAddress deletes an address no number uses.
func (c *Client) DeleteEmergencyAddress(ctx context.Context, id string) error {
	m, ok := c.drv.(providers.EmergencyAddressManager)
	if !ok {
		return c.missing(providers.OpDeleteEmergencyAddress)
	}
	if id == "" {
		return c.invalid("name", "an emergency address id is required")
	}
	_, err := run(c, ctx, providers.OpDeleteEmergencyAddress, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, m.DeleteEmergencyAddress(ctx, id)
	})
	return err
}

// AssignEmergencyAddress attaches an address to a number.
func (c *Client) AssignEmergencyAddress(ctx context.Context, e164, addressID string) (*providers.Number, error) {
	m, ok := c.drv.(providers.EmergencyAssigner)
	if !ok {
		return nil, c.missing(providers.OpAssignEmergencyAddress)
	}
	if e164 == "" {
		return nil, c.invalid("name", "a phone number is required")
	}
	if addressID == "" {
		return nil, c.invalid("emergency_address", "an emergency address is required")
	}
	return run(c, ctx, providers.OpAssignEmergencyAddress, func(ctx context.Context) (*providers.Number, error) {
		return m.AssignEmergencyAddress(ctx, e164, addressID)
	})
}

// UnassignEmergencyAddress removes a number's address.
func (c *Client) UnassignEmergencyAddress(ctx context.Context, e164 string) (*providers.Number, error) {
	m, ok := c.drv.(providers.EmergencyAssigner)
	if !ok {
		return nil, c.missing(providers.OpUnassignEmergencyAddress)
	}
	if e164 == "" {
		return nil, c.invalid("name", "a phone number is required")
	}
	return run(c, ctx, providers.OpUnassignEmergencyAddress, func(ctx context.Context) (*providers.Number, error) {
		return m.UnassignEmergencyAddress(ctx, e164)
	})
}

// CreateCallerIDName creates a CNAM record (pending approval).
func (c *Client) CreateCallerIDName(ctx context.Context, value string) (*providers.CallerIDName, error) {
	m, ok := c.drv.(providers.CallerIDNameManager)
	if !ok {
		return nil, c.missing(providers.OpCreateCallerIDName)
	}
	if !providers.ValidCallerIDName(value) {
		return nil, c.invalidCallerIDName("caller_id_name.value", value)
	}
	return run(c, ctx, providers.OpCreateCallerIDName, func(ctx context.Context) (*providers.CallerIDName, error) {
		return m.CreateCallerIDName(ctx, value)
	})
}

// GetCallerIDName returns CodeNotFound for an unknown id.
func (c *Client) GetCallerIDName(ctx context.Context, id string) (*providers.CallerIDName, error) {
	m, ok := c.drv.(providers.CallerIDNameManager)
	if !ok {
		return nil, c.missing(providers.OpGetCallerIDName)
	}
	if id == "" {
		return nil, c.invalid("name", "a caller ID name id is required")
	}
	return run(c, ctx, providers.OpGetCallerIDName, func(ctx context.Context) (*providers.CallerIDName, error) {
		return m.GetCallerIDName(ctx, id)
	})
}

// ListCallerIDNames returns one window of CNAM records.
func (c *Client) ListCallerIDNames(ctx context.Context, q providers.ListQuery) (*providers.CallerIDNamePage, error) {
	m, ok := c.drv.(providers.CallerIDNameManager)
	if !ok {
		return nil, c.missing(providers.OpListCallerIDNames)
	}
	if err := c.checkQuery(q); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpListCallerIDNames, func(ctx context.Context) (*providers.CallerIDNamePage, error) {
		return m.ListCallerIDNames(ctx, q)
	})
}

// DeleteCallerIDName deletes a CNAM record.
func (c *Client) DeleteCallerIDName(ctx context.Context, id string) error {
	m, ok := c.drv.(providers.CallerIDNameManager)
	if !ok {
		return c.missing(providers.OpDeleteCallerIDName)
	}
	if id == "" {
		return c.invalid("name", "a caller ID name id is required")
	}
	_, err := run(c, ctx, providers.OpDeleteCallerIDName, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, m.DeleteCallerIDName(ctx, id)
	})
	return err
}

// SetNumberCallerIDName sets the name a number shows: a record (recordID)
// or the value itself; exactly one is non-empty.
func (c *Client) SetNumberCallerIDName(ctx context.Context, e164, recordID, value string) (*providers.Number, error) {
	m, ok := c.drv.(providers.NumberCallerIDNameSetter)
	if !ok {
		return nil, c.missing(providers.OpSetNumberCallerIDName)
	}
	if e164 == "" {
		return nil, c.invalid("name", "a phone number is required")
	}
	switch {
	case recordID == "" && value == "":
		return nil, c.invalid("value", "set caller_id_name or value")
	case recordID != "" && value != "":
		return nil, c.invalid("value", "set caller_id_name or value, not both")
	case recordID != "":
		if _, ok := c.drv.(providers.CallerIDNameManager); !ok {
			return nil, c.missing(providers.OpGetCallerIDName)
		}
	case !providers.ValidCallerIDName(value):
		return nil, c.invalidCallerIDName("value", value)
	}
	return run(c, ctx, providers.OpSetNumberCallerIDName, func(ctx context.Context) (*providers.Number, error) {
		return m.SetNumberCallerIDName(ctx, e164, recordID, value)
	})
}

// ClearNumberCallerIDName removes the name a number shows.
func (c *Client) ClearNumberCallerIDName(ctx context.Context, e164 string) (*providers.Number, error) {
	m, ok := c.drv.(providers.NumberCallerIDNameSetter)
	if !ok {
		return nil, c.missing(providers.OpClearNumberCallerIDName)
	}
	if e164 == "" {
		return nil, c.invalid("name", "a phone number is required")
	}
	return run(c, ctx, providers.OpClearNumberCallerIDName, func(ctx context.Context) (*providers.Number, error) {
		return m.ClearNumberCallerIDName(ctx, e164)
	})
}
