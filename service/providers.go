package service

import (
	"context"
	"fmt"

	"google.golang.org/grpc/codes"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/internal/auth"
)

// ProvidersServer implements portgate.v1.Providers.
type ProvidersServer struct {
	pb.UnimplementedProvidersServer
	c *core
}

// ListProviders reports the configured providers in preference order, a page
// at a time; a provider-limited API key sees only its providers.
func (s *ProvidersServer) ListProviders(ctx context.Context, req *pb.ListProvidersRequest) (*pb.ListProvidersResponse, error) {
	size, err := pageSize(req.GetPageSize())
	if err != nil {
		return nil, err
	}
	bind := binding{kind: "providers", parent: "providers"}
	offs, err := s.c.tokens.decode(req.GetPageToken(), bind, []string{"_"})
	if err != nil {
		return nil, err
	}
	caller := auth.CallerFromContext(ctx)
	var visible []string
	for _, name := range s.c.order {
		if caller == nil || caller.AllowsProvider(name) {
			visible = append(visible, name)
		}
	}
	start, end, next := window(len(visible), offs["_"].S, size)
	resp := &pb.ListProvidersResponse{AuthenticationDisabled: s.c.notice != "", SecurityNotice: s.c.notice,
		NextPageToken: s.c.tokens.encode(bind, next)}
	for _, name := range visible[start:end] {
		resp.Providers = append(resp.Providers, s.c.providerToProto(name))
	}
	return resp, nil
}

// GetProvider reports one configured provider. Like ListProviders it needs
// any valid key; a provider-limited key sees only its own (others are
// NOT_FOUND, as they are absent from its ListProviders).
func (s *ProvidersServer) GetProvider(ctx context.Context, req *pb.GetProviderRequest) (*pb.Provider, error) {
	prov, err := parseParent("name", req.GetName())
	if err != nil {
		return nil, err
	}
	if prov == AllProviders {
		return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"name", "providers/- names every provider: use ListProviders"})
	}
	caller := auth.CallerFromContext(ctx)
	if _, ok := s.c.backends[prov]; !ok || (caller != nil && !caller.AllowsProvider(prov)) {
		return nil, gatewayError(codes.NotFound, ReasonUnknownProvider,
			fmt.Sprintf("name: provider %q is not configured (configured: %v)", prov, s.c.order),
			map[string]string{"provider": providerName(prov)})
	}
	return s.c.providerToProto(prov), nil
}

func (c *core) providerToProto(name string) *pb.Provider {
	b := c.backends[name]
	caps := b.capabilities()
	h, next := c.health(b)
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
	return p
}
