package service

import (
	"context"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

// Voice routes, messaging profiles and port-out protection (issue 14,
// slice voice).

// Error reasons of this slice.
const (
	ReasonVoiceRouteNotFound       = "VOICE_ROUTE_NOT_FOUND"
	ReasonMessagingProfileNotFound = "MESSAGING_PROFILE_NOT_FOUND"
)

// Number paths that name voice routes by resource name; UpdateNumber maps
// them onto the id paths the providers take.
const (
	fieldNumberVoiceRoute         = "voice_route"
	fieldNumberFailoverVoiceRoute = "failover_voice_route"
)

func voiceRouteName(p, id string) string       { return "providers/" + p + "/voiceRoutes/" + id }
func messagingProfileName(p, id string) string { return "providers/" + p + "/messagingProfiles/" + id }

// parseChild reads "providers/{p}/{kind}/{id}".
func parseChild(field, s, kind, pattern string) (provider, id string, err error) {
	parts := strings.Split(s, "/")
	if len(parts) == 4 && parts[0] == "providers" && parts[1] == AllProviders {
		return "", "", invalidArgument(ReasonInvalidArgument, fieldViolation{field, "providers/- names every provider; use " + pattern})
	}
	if len(parts) != 4 || parts[0] != "providers" || parts[2] != kind || parts[1] == "" || parts[3] == "" {
		return "", "", invalidArgument(ReasonInvalidArgument, fieldViolation{field, "must be " + pattern})
	}
	return parts[1], parts[3], nil
}

const (
	voiceRoutePattern       = "providers/{provider}/voiceRoutes/{voice_route}"
	messagingProfilePattern = "providers/{provider}/messagingProfiles/{messaging_profile}"
)

// oneProvider reads a parent that must name one provider.
func (c *core) oneProvider(field, parent, kind string) (*Backend, string, error) {
	prov, err := parseParent(field, parent)
	if err != nil {
		return nil, "", err
	}
	if prov == AllProviders {
		return nil, "", invalidArgument(ReasonInvalidArgument, fieldViolation{field, kind + " live at one provider: use providers/{provider}"})
	}
	b, err := c.backend(field, prov)
	return b, prov, err
}

func voiceRouteToProto(prov string, r *providers.VoiceRoute) *pb.VoiceRoute {
	return &pb.VoiceRoute{Name: voiceRouteName(prov, r.ID), Provider: providerName(prov), Type: pb.VoiceRoute_Type(r.Type),
		ProviderType: r.ProviderType, DisplayName: r.DisplayName, Target: r.Target, EdgeStrategyId: r.EdgeStrategyID,
		DefaultRoute: r.Default, Active: r.Active, CreateTime: ts(r.CreateTime), UpdateTime: ts(r.UpdateTime)}
}

func messagingProfileToProto(prov string, m *providers.MessagingProfile) *pb.MessagingProfile {
	return &pb.MessagingProfile{Name: messagingProfileName(prov, m.ID), Provider: providerName(prov), DisplayName: m.Name,
		Enabled: m.Enabled, CreateTime: ts(m.CreateTime), UpdateTime: ts(m.UpdateTime)}
}

func noLess[T any](T, T) bool { return false }

// ListVoiceRoutes lists one provider's routes or connections.
func (s *NumbersServer) ListVoiceRoutes(ctx context.Context, req *pb.ListVoiceRoutesRequest) (*pb.ListVoiceRoutesResponse, error) {
	if _, _, err := s.c.oneProvider("parent", req.GetParent(), "voice routes"); err != nil {
		return nil, err
	}
	res, next, err := listPlain(ctx, s.c, "voiceRoutes", providers.OpListVoiceRoutes, false, req.GetParent(), req.GetPageSize(), req.GetPageToken(), noLess[*providers.VoiceRoute],
		func(ctx context.Context, p *portable.Client, q providers.ListQuery) ([]*providers.VoiceRoute, string, error) {
			pg, err := p.ListVoiceRoutes(ctx, q)
			if err != nil {
				return nil, "", err
			}
			return pg.Routes, pg.NextCursor, nil
		})
	if err != nil {
		return nil, err
	}
	resp := &pb.ListVoiceRoutesResponse{NextPageToken: next}
	for _, it := range res.items {
		resp.VoiceRoutes = append(resp.VoiceRoutes, voiceRouteToProto(it.provider, it.v))
	}
	return resp, nil
}

// GetVoiceRoute reads one route.
func (s *NumbersServer) GetVoiceRoute(ctx context.Context, req *pb.GetVoiceRouteRequest) (*pb.VoiceRoute, error) {
	prov, id, b, err := s.c.child("name", req.GetName(), "voiceRoutes", voiceRoutePattern)
	if err != nil {
		return nil, err
	}
	r, err := b.Provider.GetVoiceRoute(ctx, id)
	if err != nil {
		return nil, toStatus(prov, err, ReasonVoiceRouteNotFound, req.GetName())
	}
	return voiceRouteToProto(prov, r), nil
}

func voiceRouteFromProto(r *pb.VoiceRoute, id string) providers.VoiceRoute {
	return providers.VoiceRoute{ID: id, Type: providers.VoiceRouteType(r.GetType()), DisplayName: r.GetDisplayName(),
		Target: r.GetTarget(), EdgeStrategyID: r.GetEdgeStrategyId()}
}

// CreateVoiceRoute creates a route. With request_id a retry answers the
// route the first attempt created (never a second route).
func (s *NumbersServer) CreateVoiceRoute(ctx context.Context, req *pb.CreateVoiceRouteRequest) (*pb.VoiceRoute, error) {
	return do(ctx, s.c, "CreateVoiceRoute", req, func(ctx context.Context, accepted func(string)) (*pb.VoiceRoute, error) {
		b, prov, err := s.c.oneProvider("parent", req.GetParent(), "voice routes")
		if err != nil {
			return nil, err
		}
		in := req.GetVoiceRoute()
		if in.GetType() == pb.VoiceRoute_TYPE_UNSPECIFIED {
			return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"voice_route.type", "required: SIP_REGISTRATION, SIP_HOST, SIP_URI or PHONE_NUMBER"})
		}
		if in.GetType() != pb.VoiceRoute_SIP_REGISTRATION && in.GetTarget() == "" {
			return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"voice_route.target", "required for a " + in.GetType().String() + " route"})
		}
		r, err := b.Provider.CreateVoiceRoute(ctx, voiceRouteFromProto(in, ""))
		if err != nil {
			return nil, toStatus(prov, err, "", req.GetParent())
		}
		out := voiceRouteToProto(prov, r)
		accepted(out.GetName())
		return out, nil
	}, func(ctx context.Context, name string) (*pb.VoiceRoute, error) {
		return s.GetVoiceRoute(ctx, &pb.GetVoiceRouteRequest{Name: name})
	})
}

// voiceRouteFieldPaths are the VoiceRoute paths an update_mask may name.
var voiceRouteFieldPaths = []string{providers.FieldVoiceRouteDisplayName, providers.FieldVoiceRouteTarget, providers.FieldVoiceRouteEdgeStrategyID}

// UpdateVoiceRoute changes a route (AIP-134).
func (s *NumbersServer) UpdateVoiceRoute(ctx context.Context, req *pb.UpdateVoiceRouteRequest) (*pb.VoiceRoute, error) {
	return do(ctx, s.c, "UpdateVoiceRoute", req, func(ctx context.Context, _ func(string)) (*pb.VoiceRoute, error) {
		in := req.GetVoiceRoute()
		prov, id, err := parseChild("voice_route.name", in.GetName(), "voiceRoutes", voiceRoutePattern)
		if err != nil {
			return nil, err
		}
		b, err := s.c.backend("voice_route.name", prov)
		if err != nil {
			return nil, err
		}
		mask, err := resolveMask(in, req.GetUpdateMask().GetPaths(), voiceRouteFieldPaths, voiceRouteFieldPaths, prov, "update_mask")
		if err != nil {
			return nil, err
		}
		r, err := b.Provider.UpdateVoiceRoute(ctx, voiceRouteFromProto(in, id), mask)
		if err != nil {
			return nil, toStatus(prov, err, ReasonVoiceRouteNotFound, in.GetName())
		}
		return voiceRouteToProto(prov, r), nil
	}, nil)
}

// DeleteVoiceRoute deletes a route; FAILED_PRECONDITION while numbers use it.
func (s *NumbersServer) DeleteVoiceRoute(ctx context.Context, req *pb.DeleteVoiceRouteRequest) (*emptypb.Empty, error) {
	return do(ctx, s.c, "DeleteVoiceRoute", req, func(ctx context.Context, _ func(string)) (*emptypb.Empty, error) {
		prov, id, b, err := s.c.child("name", req.GetName(), "voiceRoutes", voiceRoutePattern)
		if err != nil {
			return nil, err
		}
		if err := b.Provider.DeleteVoiceRoute(ctx, id); err != nil {
			return nil, toStatus(prov, err, ReasonVoiceRouteNotFound, req.GetName())
		}
		return &emptypb.Empty{}, nil
	}, nil)
}

// ListMessagingProfiles lists one provider's messaging profiles.
func (s *NumbersServer) ListMessagingProfiles(ctx context.Context, req *pb.ListMessagingProfilesRequest) (*pb.ListMessagingProfilesResponse, error) {
	if _, _, err := s.c.oneProvider("parent", req.GetParent(), "messaging profiles"); err != nil {
		return nil, err
	}
	res, next, err := listPlain(ctx, s.c, "messagingProfiles", providers.OpListMessagingProfiles, false, req.GetParent(), req.GetPageSize(), req.GetPageToken(), noLess[*providers.MessagingProfile],
		func(ctx context.Context, p *portable.Client, q providers.ListQuery) ([]*providers.MessagingProfile, string, error) {
			pg, err := p.ListMessagingProfiles(ctx, q)
			if err != nil {
				return nil, "", err
			}
			return pg.Profiles, pg.NextCursor, nil
		})
	if err != nil {
		return nil, err
	}
	resp := &pb.ListMessagingProfilesResponse{NextPageToken: next}
	for _, it := range res.items {
		resp.MessagingProfiles = append(resp.MessagingProfiles, messagingProfileToProto(it.provider, it.v))
	}
	return resp, nil
}

// GetMessagingProfile reads one messaging profile.
func (s *NumbersServer) GetMessagingProfile(ctx context.Context, req *pb.GetMessagingProfileRequest) (*pb.MessagingProfile, error) {
	prov, id, b, err := s.c.child("name", req.GetName(), "messagingProfiles", messagingProfilePattern)
	if err != nil {
		return nil, err
	}
	m, err := b.Provider.GetMessagingProfile(ctx, id)
	if err != nil {
		return nil, toStatus(prov, err, ReasonMessagingProfileNotFound, req.GetName())
	}
	return messagingProfileToProto(prov, m), nil
}

// numberVoiceToProto fills the Number fields of this slice (resource names
// of the routes and the profile, whether a port-out PIN is set).
func numberVoiceToProto(prov string, n *providers.Number, out *pb.Number) {
	if n.ConnectionID != "" {
		out.VoiceRoute = voiceRouteName(prov, n.ConnectionID)
	}
	if n.FailoverRouteID != "" {
		out.FailoverVoiceRoute = voiceRouteName(prov, n.FailoverRouteID)
	}
	if n.MessagingProfileID != "" {
		out.MessagingProfile = messagingProfileName(prov, n.MessagingProfileID)
	}
	out.PortOutPinSet = n.PortOutPINSet
}

// numberVoiceInput maps voice_route / failover_voice_route (resource
// names) onto connection_id / failover_route_id, and answers
// PROVIDER_CAPABILITY_MISSING for a port-out PIN on a provider without one.
// It returns a copy of num and the rewritten mask paths.
func numberVoiceInput(prov string, b *Backend, num *pb.Number, paths []string) (*pb.Number, []string, error) {
	num = proto.Clone(num).(*pb.Number)
	byName := []struct {
		path, idPath string
		name         string
		id           *string
	}{
		{fieldNumberVoiceRoute, providers.FieldNumberConnectionID, num.GetVoiceRoute(), &num.ConnectionId},
		{fieldNumberFailoverVoiceRoute, providers.FieldNumberFailoverRouteID, num.GetFailoverVoiceRoute(), &num.FailoverRouteId},
	}
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		switch snake(p) {
		case fieldNumberVoiceRoute:
			p = providers.FieldNumberConnectionID
		case fieldNumberFailoverVoiceRoute:
			p = providers.FieldNumberFailoverRouteID
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, f := range byName {
		if f.name == "" {
			continue
		}
		rp, id, err := parseChild("number."+f.path, f.name, "voiceRoutes", voiceRoutePattern)
		if err != nil {
			return nil, nil, err
		}
		if rp != prov {
			return nil, nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"number." + f.path, "names a route of " + providerName(rp) + "; the number is at " + providerName(prov)})
		}
		if *f.id != "" && *f.id != id {
			return nil, nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"number." + f.path, "disagrees with number." + f.idPath + ": set one of them"})
		}
		*f.id = id
	}
	num.VoiceRoute, num.FailoverVoiceRoute = "", ""
	wantsPIN := slices.Contains(out, providers.FieldNumberPortOutPIN) || (len(out) == 0 && num.GetPortOutPin() != "")
	if wantsPIN && !b.capabilities().Supports(providers.OpSetPortOutPIN) {
		return nil, nil, toStatus(prov, providers.CapabilityMissing(prov, providers.OpSetPortOutPIN), "", numberName(prov, ""))
	}
	return num, out, nil
}
