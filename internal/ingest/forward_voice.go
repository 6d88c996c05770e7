package ingest

import (
	"context"

	"github.com/portgate/portgate/providers"
)

// Forwarders of the voice slice's optional interfaces
// (providers.VoiceRouteReader, VoiceRouteWriter, MessagingProfileReader).

func (c *CallbackProvider) ListVoiceRoutes(ctx context.Context, q providers.ListQuery) (*providers.VoiceRoutePage, error) {
	m, ok := c.Provider.(providers.VoiceRouteReader)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpListVoiceRoutes)
	}
	return m.ListVoiceRoutes(ctx, q)
}

func (c *CallbackProvider) GetVoiceRoute(ctx context.Context, id string) (*providers.VoiceRoute, error) {
	m, ok := c.Provider.(providers.VoiceRouteReader)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpGetVoiceRoute)
	}
	return m.GetVoiceRoute(ctx, id)
}

func (c *CallbackProvider) CreateVoiceRoute(ctx context.Context, r providers.VoiceRoute) (*providers.VoiceRoute, error) {
	m, ok := c.Provider.(providers.VoiceRouteWriter)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpCreateVoiceRoute)
	}
	return m.CreateVoiceRoute(ctx, r)
}

func (c *CallbackProvider) UpdateVoiceRoute(ctx context.Context, r providers.VoiceRoute, mask []string) (*providers.VoiceRoute, error) {
	m, ok := c.Provider.(providers.VoiceRouteWriter)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpUpdateVoiceRoute)
	}
	return m.UpdateVoiceRoute(ctx, r, mask)
}

func (c *CallbackProvider) DeleteVoiceRoute(ctx context.Context, id string) error {
	m, ok := c.Provider.(providers.VoiceRouteWriter)
	if !ok {
		return providers.CapabilityMissing(c.Name(), providers.OpDeleteVoiceRoute)
	}
	return m.DeleteVoiceRoute(ctx, id)
}

func (c *CallbackProvider) ListMessagingProfiles(ctx context.Context, q providers.ListQuery) (*providers.MessagingProfilePage, error) {
	m, ok := c.Provider.(providers.MessagingProfileReader)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpListMessagingProfiles)
	}
	return m.ListMessagingProfiles(ctx, q)
}

func (c *CallbackProvider) GetMessagingProfile(ctx context.Context, id string) (*providers.MessagingProfile, error) {
	m, ok := c.Provider.(providers.MessagingProfileReader)
	if !ok {
		return nil, providers.CapabilityMissing(c.Name(), providers.OpGetMessagingProfile)
	}
	return m.GetMessagingProfile(ctx, id)
}
