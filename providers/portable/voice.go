package portable

import (
	"context"
	"slices"

	"github.com/portgate/portgate/providers"
)

// Voice routes, messaging profiles and the port-out PIN (issue 14, slice
// voice).

// ListVoiceRoutes lists routes (providers.VoiceRouteReader).
func (c *Client) ListVoiceRoutes(ctx context.Context, q providers.ListQuery) (*providers.VoiceRoutePage, error) {
	r, ok := c.drv.(providers.VoiceRouteReader)
	if !ok {
		return nil, c.missing(providers.OpListVoiceRoutes)
	}
	if err := c.checkQuery(q); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpListVoiceRoutes, func(ctx context.Context) (*providers.VoiceRoutePage, error) {
		return r.ListVoiceRoutes(ctx, q)
	})
}

// GetVoiceRoute reads one route; CodeNotFound when unknown.
func (c *Client) GetVoiceRoute(ctx context.Context, id string) (*providers.VoiceRoute, error) {
	r, ok := c.drv.(providers.VoiceRouteReader)
	if !ok {
		return nil, c.missing(providers.OpGetVoiceRoute)
	}
	if id == "" {
		return nil, c.invalid("name", "a voice route id is required")
	}
	return run(c, ctx, providers.OpGetVoiceRoute, func(ctx context.Context) (*providers.VoiceRoute, error) {
		return r.GetVoiceRoute(ctx, id)
	})
}

// CreateVoiceRoute creates a route (never retried: a lost answer would
// otherwise create a second route).
func (c *Client) CreateVoiceRoute(ctx context.Context, r providers.VoiceRoute) (*providers.VoiceRoute, error) {
	w, ok := c.drv.(providers.VoiceRouteWriter)
	if !ok {
		return nil, c.missing(providers.OpCreateVoiceRoute)
	}
	if r.Type == providers.VoiceRouteTypeUnspecified {
		return nil, c.invalid("voice_route.type", "a route type is required")
	}
	return run(c, ctx, providers.OpCreateVoiceRoute, func(ctx context.Context) (*providers.VoiceRoute, error) {
		return w.CreateVoiceRoute(ctx, r)
	})
}

// voiceRouteFields are the neutral paths UpdateVoiceRoute accepts.
var voiceRouteFields = []string{providers.FieldVoiceRouteDisplayName, providers.FieldVoiceRouteTarget, providers.FieldVoiceRouteEdgeStrategyID}

// UpdateVoiceRoute changes the masked route fields (nil mask: every set field).
func (c *Client) UpdateVoiceRoute(ctx context.Context, r providers.VoiceRoute, mask []string) (*providers.VoiceRoute, error) {
	w, ok := c.drv.(providers.VoiceRouteWriter)
	if !ok {
		return nil, c.missing(providers.OpUpdateVoiceRoute)
	}
	if r.ID == "" {
		return nil, c.invalid("voice_route.name", "a voice route id is required")
	}
	if err := c.checkMask("update_mask", mask, voiceRouteFields); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpUpdateVoiceRoute, func(ctx context.Context) (*providers.VoiceRoute, error) {
		return w.UpdateVoiceRoute(ctx, r, mask)
	})
}

// DeleteVoiceRoute deletes a route; CodeFailedPrecondition while numbers use it.
func (c *Client) DeleteVoiceRoute(ctx context.Context, id string) error {
	w, ok := c.drv.(providers.VoiceRouteWriter)
	if !ok {
		return c.missing(providers.OpDeleteVoiceRoute)
	}
	if id == "" {
		return c.invalid("name", "a voice route id is required")
	}
	_, err := run(c, ctx, providers.OpDeleteVoiceRoute, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, w.DeleteVoiceRoute(ctx, id)
	})
	return err
}

// ListMessagingProfiles lists messaging profiles (providers.MessagingProfileReader).
func (c *Client) ListMessagingProfiles(ctx context.Context, q providers.ListQuery) (*providers.MessagingProfilePage, error) {
	r, ok := c.drv.(providers.MessagingProfileReader)
	if !ok {
		return nil, c.missing(providers.OpListMessagingProfiles)
	}
	if err := c.checkQuery(q); err != nil {
		return nil, err
	}
	return run(c, ctx, providers.OpListMessagingProfiles, func(ctx context.Context) (*providers.MessagingProfilePage, error) {
		return r.ListMessagingProfiles(ctx, q)
	})
}

// GetMessagingProfile reads one messaging profile.
func (c *Client) GetMessagingProfile(ctx context.Context, id string) (*providers.MessagingProfile, error) {
	r, ok := c.drv.(providers.MessagingProfileReader)
	if !ok {
		return nil, c.missing(providers.OpGetMessagingProfile)
	}
	if id == "" {
		return nil, c.invalid("name", "a messaging profile id is required")
	}
	return run(c, ctx, providers.OpGetMessagingProfile, func(ctx context.Context) (*providers.MessagingProfile, error) {
		return r.GetMessagingProfile(ctx, id)
	})
}

// checkPortOutPIN answers PROVIDER_CAPABILITY_MISSING for an update that
// sets the port-out PIN on a provider without one (Flowroute).
func (c *Client) checkPortOutPIN(upd providers.NumberUpdate) error {
	wants := slices.Contains(upd.Mask, providers.FieldNumberPortOutPIN) || (len(upd.Mask) == 0 && upd.Number.PortOutPIN != "")
	if wants && !c.caps.Supports(providers.OpSetPortOutPIN) {
		return c.missing(providers.OpSetPortOutPIN)
	}
	return nil
}

// voiceOpUsable: the port-out PIN counts only when the driver also declares
// its UpdateNumber path.
func voiceOpUsable(caps providers.Capabilities, op providers.Operation) bool {
	return op != providers.OpSetPortOutPIN || slices.Contains(caps.UpdatableNumberFields, providers.FieldNumberPortOutPIN)
}
