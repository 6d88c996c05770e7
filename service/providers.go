package service

import (
	"context"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/auth"
)

// ProvidersServer implements portgate.v1.Providers.
type ProvidersServer struct {
	pb.UnimplementedProvidersServer
	c *core
}

// ListProviders reports every configured provider in preference order; a
// provider-limited API key sees only its providers.
func (s *ProvidersServer) ListProviders(ctx context.Context, _ *pb.ListProvidersRequest) (*pb.ListProvidersResponse, error) {
	caller := auth.CallerFromContext(ctx)
	resp := &pb.ListProvidersResponse{AuthenticationDisabled: s.c.notice != "", SecurityNotice: s.c.notice}
	for _, name := range s.c.order {
		if caller != nil && !caller.AllowsProvider(name) {
			continue
		}
		b := s.c.backends[name]
		caps := b.capabilities()
		h, next := s.c.health(b)
		p := &pb.Provider{
			Name: providerName(name), DisplayName: b.DisplayName, Mode: b.Mode, Health: h, NextProbeTime: ts(next),
			Capabilities: &pb.Capabilities{
				UpdatablePortOrderFields: caps.UpdatableOrderFields, UpdatableNumberFields: caps.UpdatableNumberFields,
				PortabilityBatchLimit: int32(caps.PortabilityBatchLimit), MaxDocumentBytes: caps.MaxDocumentBytes,
				PortOrderDetails: caps.PortOrderDetails, PortingRegions: caps.PortingRegions,
			},
		}
		for _, op := range caps.Operations {
			p.Capabilities.Operations = append(p.Capabilities.Operations, string(op))
		}
		resp.Providers = append(resp.Providers, p)
	}
	return resp, nil
}
