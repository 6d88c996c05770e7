package service

import (
	"context"
	"strings"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

// Port-out reasons (docs/errors.md).
const (
	ReasonPortOutNotFound = "PORT_OUT_NOT_FOUND"
	// ReasonPortOutRejectionCodeInvalid: a rejection_code the provider does
	// not list as eligible for the port-out (set by the adapter).
	ReasonPortOutRejectionCodeInvalid = "PORT_OUT_REJECTION_CODE_INVALID"
)

func portOutName(p, id string) string { return "providers/" + p + "/portOuts/" + id }

// parsePortOutName reads "providers/{p}/portOuts/{id}".
func parsePortOutName(field, s string) (provider, id string, err error) {
	parts := strings.Split(s, "/")
	if len(parts) == 4 && parts[1] == AllProviders {
		return "", "", invalidArgument(ReasonInvalidArgument, fieldViolation{field, "providers/- names every provider; a port-out lives at one: use providers/{provider}/portOuts/{port_out}"})
	}
	if len(parts) != 4 || parts[0] != "providers" || parts[2] != "portOuts" || parts[1] == "" || parts[3] == "" {
		return "", "", invalidArgument(ReasonInvalidArgument, fieldViolation{field, "must be providers/{provider}/portOuts/{port_out}"})
	}
	return parts[1], parts[3], nil
}

func (c *core) portOutTarget(field, name string, op providers.Operation) (*Backend, string, error) {
	prov, id, err := parsePortOutName(field, name)
	if err != nil {
		return nil, "", err
	}
	b, err := c.backend(field, prov)
	if err != nil {
		return nil, "", err
	}
	if err := c.requireCapability(b, op); err != nil {
		return nil, "", err
	}
	return b, id, nil
}

var portOutStateValues = func() []string {
	var out []string
	for i := 1; i < len(pb.PortOut_State_name); i++ {
		out = append(out, pb.PortOut_State_name[int32(i)])
	}
	return out
}()

// portOutFilterFields are the filterable PortOut fields.
var portOutFilterFields = map[string]filterField{
	"state":        {kind: kindEnum, values: portOutStateValues},
	"phone_number": {kind: kindPhone},
	"create_time":  {kind: kindTime},
}

func portOutRecord(p *providers.PortOut) filterRecord {
	return func(field string) []any {
		switch field {
		case "state":
			return []any{p.State.String()}
		case "phone_number":
			out := make([]any, len(p.PhoneNumbers))
			for i, n := range p.PhoneNumbers {
				out[i] = n
			}
			return out
		case "create_time":
			return []any{p.CreateTime}
		}
		return nil
	}
}

func parsePortOutState(s string) providers.PortOutState {
	return providers.PortOutState(pb.PortOut_State_value[s])
}

// pushdownPortOuts extracts the state(s) and number the provider can filter.
func pushdownPortOuts(e expr) providers.PortOutFilter {
	var f providers.PortOutFilter
	for _, term := range topLevel(e) {
		switch t := term.(type) {
		case cmpExpr:
			switch {
			case t.field == "state" && t.op == "=":
				f.States = []providers.PortOutState{parsePortOutState(t.str)}
			case t.field == "phone_number" && t.op == "=" && !containsWildcard(t.str):
				f.PhoneNumber = t.str
			}
		case orExpr:
			var states []providers.PortOutState
			for _, x := range t {
				c, ok := x.(cmpExpr)
				if !ok || c.field != "state" || c.op != "=" {
					states = nil
					break
				}
				states = append(states, parsePortOutState(c.str))
			}
			if states != nil {
				f.States = states
			}
		}
	}
	return f
}

func portOutLess(a, b *providers.PortOut) bool {
	if !a.CreateTime.Equal(b.CreateTime) {
		return a.CreateTime.Before(b.CreateTime)
	}
	return a.ID < b.ID
}

func portOutToProto(provider string, p *providers.PortOut) *pb.PortOut {
	return &pb.PortOut{Name: portOutName(provider, p.ID), State: pb.PortOut_State(p.State), ProviderStatus: p.ProviderStatus,
		PhoneNumbers: p.PhoneNumbers, WinningCarrier: p.WinningCarrier, WinningCarrierSpid: p.WinningCarrierSPID,
		EndUserName: p.EndUserName, AuthorizedName: p.AuthorizedName, ServiceAddress: p.ServiceAddress, Pon: p.PON,
		RequestedFocTime: ts(p.RequestedFOCTime), FocTime: ts(p.FOCTime), RejectionReason: p.RejectionReason,
		RejectionCode: int32(p.RejectionCode), SupportKey: p.SupportKey, HostMessaging: p.HostMessaging,
		CreateTime: ts(p.CreateTime), UpdateTime: ts(p.UpdateTime)}
}

// ListPortOuts lists one provider's port-outs or, for providers/-, those of
// every provider with a port-out API, merged oldest first. A named
// provider without one is UNIMPLEMENTED (PROVIDER_CAPABILITY_MISSING).
func (s *PortingServer) ListPortOuts(ctx context.Context, req *pb.ListPortOutsRequest) (*pb.ListPortOutsResponse, error) {
	if prov, err := parseParent("parent", req.GetParent()); err == nil && prov != AllProviders {
		b, err := s.c.backend("parent", prov)
		if err != nil {
			return nil, err
		}
		if err := s.c.requireCapability(b, providers.OpListPortOuts); err != nil {
			return nil, err
		}
	}
	res, next, err := listTop(ctx, s.c, listSpec[*providers.PortOut]{
		kind: "portOuts", fields: portOutFilterFields, record: portOutRecord, less: portOutLess,
		fetch: func(e expr) func(context.Context, *portable.Client, providers.ListQuery) ([]*providers.PortOut, string, error) {
			push := pushdownPortOuts(e)
			return func(ctx context.Context, p *portable.Client, q providers.ListQuery) ([]*providers.PortOut, string, error) {
				if !p.Supports(providers.OpListPortOuts) {
					return nil, "", nil // providers/-: a provider without port-outs has none to list
				}
				page, err := p.ListPortOuts(ctx, push, q)
				if err != nil {
					return nil, "", err
				}
				return page.PortOuts, page.NextCursor, nil
			}
		},
	}, req.GetParent(), req.GetPageSize(), req.GetPageToken(), req.GetFilter())
	if err != nil {
		return nil, err
	}
	resp := &pb.ListPortOutsResponse{NextPageToken: next, Unreachable: res.unreachable}
	for _, it := range res.items {
		resp.PortOuts = append(resp.PortOuts, portOutToProto(it.provider, it.v))
	}
	return resp, nil
}

// GetPortOut reads one port-out.
func (s *PortingServer) GetPortOut(ctx context.Context, req *pb.GetPortOutRequest) (*pb.PortOut, error) {
	b, id, err := s.c.portOutTarget("name", req.GetName(), providers.OpGetPortOut)
	if err != nil {
		return nil, err
	}
	p, err := b.Provider.GetPortOut(ctx, id)
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOutNotFound, req.GetName())
	}
	return portOutToProto(b.Provider.Name(), p), nil
}

// AuthorizePortOut authorizes a pending port-out.
func (s *PortingServer) AuthorizePortOut(ctx context.Context, req *pb.AuthorizePortOutRequest) (*pb.PortOut, error) {
	return do(ctx, s.c, "AuthorizePortOut", req, func(ctx context.Context, _ func(string)) (*pb.PortOut, error) {
		return s.decidePortOut(ctx, req.GetName(), req.GetRequestId(), providers.PortOutDecision{
			Authorize: true, Reason: req.GetReason(), HostMessaging: req.GetHostMessaging()})
	}, nil)
}

// RejectPortOut rejects a pending port-out with a reason.
func (s *PortingServer) RejectPortOut(ctx context.Context, req *pb.RejectPortOutRequest) (*pb.PortOut, error) {
	return do(ctx, s.c, "RejectPortOut", req, func(ctx context.Context, _ func(string)) (*pb.PortOut, error) {
		if strings.TrimSpace(req.GetReason()) == "" {
			return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"reason", "a reason is required to reject a port-out"})
		}
		if req.GetRejectionCode() < 0 {
			return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"rejection_code", "must not be negative"})
		}
		return s.decidePortOut(ctx, req.GetName(), req.GetRequestId(), providers.PortOutDecision{
			Reason: req.GetReason(), RejectionCode: int(req.GetRejectionCode())})
	}, nil)
}

func (s *PortingServer) decidePortOut(ctx context.Context, name, requestID string, d providers.PortOutDecision) (*pb.PortOut, error) {
	b, id, err := s.c.portOutTarget("name", name, providers.OpDecidePortOut)
	if err != nil {
		return nil, err
	}
	if err := validateRequestID(requestID); err != nil {
		return nil, err
	}
	d.ID = id
	p, err := b.Provider.DecidePortOut(ctx, d)
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOutNotFound, name)
	}
	return portOutToProto(b.Provider.Name(), p), nil
}

// GetPortOrderLoa renders a port order's LOA for signing.
func (s *PortingServer) GetPortOrderLoa(ctx context.Context, req *pb.GetPortOrderLoaRequest) (*pb.PortOrderLoa, error) {
	order, ok := strings.CutSuffix(req.GetName(), "/loa")
	if !ok {
		return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"name", "must be providers/{provider}/portOrders/{port_order}/loa"})
	}
	b, id, err := s.c.orderTarget("name", order)
	if err != nil {
		return nil, err
	}
	if err := s.c.requireCapability(b, providers.OpGetPortOrderLOA); err != nil {
		return nil, err
	}
	loa, err := b.Provider.GetPortOrderLOA(ctx, id, req.GetLoaConfigurationId())
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, order)
	}
	return &pb.PortOrderLoa{Name: req.GetName(), ContentType: loa.ContentType, Content: loa.Content,
		Filename: loa.Filename, Fields: loa.Fields}, nil
}
