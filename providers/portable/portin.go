package portable

import (
	"context"
	"strconv"
	"time"

	"github.com/portgate/portgate/providers"
)

// Reasons the portin methods raise before any provider write.
const (
	ReasonFOCOutsideWindows     = "PORTIN_FOC_OUTSIDE_WINDOWS"
	ReasonNotFastPortEligible   = "PORTIN_NOT_FAST_PORT_ELIGIBLE"
	ReasonRequirementNotOnOrder = "PORTIN_REQUIREMENT_NOT_ON_ORDER"
)

// ReschedulePortOrder asks for a new FOC time (providers.Rescheduler). It
// first reads the order and refuses, before the write, a state the time can
// no longer change in (terminal, or a provider that publishes no allowed
// windows for the order now) and a time outside the allowed windows. Never
// retried.
func (c *Client) ReschedulePortOrder(ctx context.Context, id string, foc time.Time) (*providers.PortOrder, error) {
	m, ok := c.drv.(providers.Rescheduler)
	if !ok || !c.caps.Supports(providers.OpReschedulePortOrder) {
		return nil, c.missing(providers.OpReschedulePortOrder)
	}
	if err := c.requireID(id); err != nil {
		return nil, err
	}
	if foc.IsZero() {
		return nil, c.invalid("requested_foc_time", "a requested FOC time is required")
	}
	cur, err := c.GetPortOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	if cur.State.Terminal() || cur.State == providers.StateCancelPending {
		return nil, providers.InvalidTransition(c.name, cur.State, "reschedule")
	}
	if len(cur.AllowedFOCWindows) == 0 {
		e := providers.InvalidTransition(c.name, cur.State, "reschedule")
		e.Message = "the provider publishes no allowed FOC windows for this order in state " + cur.State.String() + "; its FOC time cannot be changed now"
		return nil, e
	}
	if !providers.InWindows(foc, cur.AllowedFOCWindows) {
		return nil, c.invalidReason(ReasonFOCOutsideWindows, "requested_foc_time",
			"%s is outside the order's allowed FOC windows (see allowed_foc_windows)", foc.UTC().Format(time.RFC3339))
	}
	o, err := run(c, ctx, providers.OpReschedulePortOrder, func(ctx context.Context) (*providers.PortOrder, error) {
		return m.ReschedulePortOrder(ctx, id, foc)
	})
	return withWaitingOn(o), err
}

// ActivatePortOrder starts (or, with at set, schedules) the on-demand
// activation of a FastPort order (providers.Activator). An order the
// provider says is not FastPort eligible is refused before the write.
// Never retried.
func (c *Client) ActivatePortOrder(ctx context.Context, id string, at time.Time) (*providers.PortOrder, error) {
	m, ok := c.drv.(providers.Activator)
	if !ok || !c.caps.Supports(providers.OpActivatePortOrder) {
		return nil, c.missing(providers.OpActivatePortOrder)
	}
	if err := c.requireID(id); err != nil {
		return nil, err
	}
	cur, err := c.GetPortOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	if !cur.PortIn.FastPortEligible {
		e := providers.InvalidTransition(c.name, cur.State, "activate")
		e.Reason = ReasonNotFastPortEligible
		e.Message = "the order is not FastPort eligible; its numbers activate at the FOC time"
		return nil, e
	}
	if cur.State != providers.StateFOCConfirmed {
		e := providers.InvalidTransition(c.name, cur.State, "activate")
		e.Message = "an order can be activated once its FOC date is confirmed (state FOC_CONFIRMED), not in state " + cur.State.String()
		return nil, e
	}
	o, err := run(c, ctx, providers.OpActivatePortOrder, func(ctx context.Context) (*providers.PortOrder, error) {
		return m.ActivatePortOrder(ctx, id, at)
	})
	return withWaitingOn(o), err
}

// SupplyPortOrderRequirements supplies requirement values
// (providers.RequirementSupplier). Each value names a requirement the order
// lists and exactly one of a text value or a document id.
func (c *Client) SupplyPortOrderRequirements(ctx context.Context, id string, upd providers.RequirementsUpdate) (*providers.PortOrder, error) {
	m, ok := c.drv.(providers.RequirementSupplier)
	if !ok || !c.caps.Supports(providers.OpSupplyPortOrderRequirements) {
		return nil, c.missing(providers.OpSupplyPortOrderRequirements)
	}
	if err := c.requireID(id); err != nil {
		return nil, err
	}
	if len(upd.Values) == 0 && upd.GroupID == "" {
		return nil, c.invalid("requirements", "supply at least one requirement value or a requirement_group_id")
	}
	for i, v := range upd.Values {
		if v.TypeID == "" {
			return nil, c.invalid(field(i, "requirement_type_id"), "a requirement_type_id is required")
		}
		if (v.Text == "") == (v.DocumentID == "") {
			return nil, c.invalid(field(i, "text_value"), "set exactly one of text_value or document")
		}
	}
	if len(upd.Values) > 0 {
		cur, err := c.GetPortOrder(ctx, id)
		if err != nil {
			return nil, err
		}
		known := map[string]string{}
		for _, r := range cur.Requirements {
			known[r.TypeID] = r.ValueType
		}
		for i, v := range upd.Values {
			vt, ok := known[v.TypeID]
			if !ok {
				return nil, c.invalidReason(ReasonRequirementNotOnOrder, field(i, "requirement_type_id"),
					"%q is not a requirement of this order (see requirements)", v.TypeID)
			}
			if vt == "DOCUMENT" && v.DocumentID == "" {
				return nil, c.invalid(field(i, "document"), "requirement %q takes a document", v.TypeID)
			}
			if vt == "TEXT" && v.Text == "" {
				return nil, c.invalid(field(i, "text_value"), "requirement %q takes a text value", v.TypeID)
			}
		}
	}
	o, err := run(c, ctx, providers.OpSupplyPortOrderRequirements, func(ctx context.Context) (*providers.PortOrder, error) {
		return m.SupplyPortOrderRequirements(ctx, id, upd)
	})
	return withWaitingOn(o), err
}

func field(i int, name string) string {
	return "requirements[" + strconv.Itoa(i) + "]." + name
}

// invalidReason is invalid with its own ErrorInfo reason.
func (c *Client) invalidReason(reason, f, format string, args ...any) error {
	err := c.invalid(f, format, args...)
	if pe, ok := err.(*providers.Error); ok {
		pe.Reason = reason
	}
	return err
}

// withWaitingOn fills what a single-order answer waits for.
func withWaitingOn(o *providers.PortOrder) *providers.PortOrder {
	if o != nil {
		o.PortIn.WaitingOn = providers.WaitingOnOf(o)
	}
	return o
}
