package service

import (
	"context"
	"fmt"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/providers"
)

// The rest of porting in (issue 14, slice portin): ReschedulePortOrder,
// ActivatePortOrder, SupplyPortOrderRequirements, and the port-in fields of
// PortOrder (fast_port_eligible, activation, waiting_on, additional_steps,
// messaging_port, number_statuses).

// ReschedulePortOrder asks for a new FOC time inside the allowed windows.
func (s *PortingServer) ReschedulePortOrder(ctx context.Context, req *pb.ReschedulePortOrderRequest) (*pb.PortOrder, error) {
	return do(ctx, s.c, "ReschedulePortOrder", req, func(ctx context.Context, _ func(string)) (*pb.PortOrder, error) {
		return s.reschedulePortOrder(ctx, req)
	}, nil)
}

func (s *PortingServer) reschedulePortOrder(ctx context.Context, req *pb.ReschedulePortOrderRequest) (*pb.PortOrder, error) {
	b, id, err := s.portInTarget(req.GetName(), req.GetRequestId(), providers.OpReschedulePortOrder)
	if err != nil {
		return nil, err
	}
	if req.GetRequestedFocTime() == nil {
		return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"requested_foc_time", "a requested FOC time is required"})
	}
	if err := s.c.checkOrderETag(ctx, b, id, "etag", req.GetEtag(), req.GetName()); err != nil {
		return nil, err
	}
	o, err := b.Provider.ReschedulePortOrder(ctx, id, fromTS(req.GetRequestedFocTime()))
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, req.GetName())
	}
	return portOrderToProto(b.Provider.Name(), o), nil
}

// ActivatePortOrder starts or schedules a FastPort on-demand activation.
func (s *PortingServer) ActivatePortOrder(ctx context.Context, req *pb.ActivatePortOrderRequest) (*pb.PortOrder, error) {
	return do(ctx, s.c, "ActivatePortOrder", req, func(ctx context.Context, _ func(string)) (*pb.PortOrder, error) { return s.activatePortOrder(ctx, req) }, nil)
}

func (s *PortingServer) activatePortOrder(ctx context.Context, req *pb.ActivatePortOrderRequest) (*pb.PortOrder, error) {
	b, id, err := s.portInTarget(req.GetName(), req.GetRequestId(), providers.OpActivatePortOrder)
	if err != nil {
		return nil, err
	}
	o, err := b.Provider.ActivatePortOrder(ctx, id, fromTS(req.GetActivateTime()))
	if err != nil {
		return nil, toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, req.GetName())
	}
	return portOrderToProto(b.Provider.Name(), o), nil
}

// SupplyPortOrderRequirements supplies requirement values and documents.
func (s *PortingServer) SupplyPortOrderRequirements(ctx context.Context, req *pb.SupplyPortOrderRequirementsRequest) (*pb.PortOrder, error) {
	return do(ctx, s.c, "SupplyPortOrderRequirements", req, func(ctx context.Context, _ func(string)) (*pb.PortOrder, error) {
		return s.supplyPortOrderRequirements(ctx, req)
	}, nil)
}

func (s *PortingServer) supplyPortOrderRequirements(ctx context.Context, req *pb.SupplyPortOrderRequirementsRequest) (*pb.PortOrder, error) {
	b, id, err := s.portInTarget(req.GetName(), req.GetRequestId(), providers.OpSupplyPortOrderRequirements)
	if err != nil {
		return nil, err
	}
	upd := providers.RequirementsUpdate{GroupID: req.GetRequirementGroupId()}
	var texts []string
	for i, r := range req.GetRequirements() {
		f := fmt.Sprintf("requirements[%d]", i)
		v := providers.RequirementValue{TypeID: r.GetRequirementTypeId(), Text: r.GetTextValue()}
		if v.TypeID == "" {
			return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{f + ".requirement_type_id", "a requirement_type_id is required"})
		}
		if (r.GetTextValue() == "") == (r.GetDocument() == "") {
			return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{f, "set exactly one of text_value or document"})
		}
		if d := r.GetDocument(); d != "" {
			order, docID, err := parseChildName(f+".document", d, "documents")
			if err != nil {
				return nil, err
			}
			if order != req.GetName() {
				return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{f + ".document", "the document must belong to " + req.GetName()})
			}
			v.DocumentID = docID
		}
		texts = append(texts, v.Text)
		upd.Values = append(upd.Values, v)
	}
	if len(upd.Values) == 0 && upd.GroupID == "" {
		return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"requirements", "supply at least one requirement value or a requirement_group_id"})
	}
	if err := s.c.checkOrderETag(ctx, b, id, "etag", req.GetEtag(), req.GetName()); err != nil {
		return nil, err
	}
	o, err := b.Provider.SupplyPortOrderRequirements(ctx, id, upd)
	if err != nil {
		// Requirement values can be personal data: never echoed in errors.
		return nil, redact(toStatus(b.Provider.Name(), err, ReasonPortOrderNotFound, req.GetName()), texts...)
	}
	return portOrderToProto(b.Provider.Name(), o), nil
}

// portInTarget resolves the order and refuses an operation the provider
// does not offer before any read (PROVIDER_CAPABILITY_MISSING).
func (s *PortingServer) portInTarget(name, requestID string, op providers.Operation) (*Backend, string, error) {
	b, id, err := s.c.orderTarget("name", name)
	if err != nil {
		return nil, "", err
	}
	if err := validateRequestID(requestID); err != nil {
		return nil, "", err
	}
	if !b.Provider.Supports(op) {
		return nil, "", toStatus(b.Provider.Name(), providers.CapabilityMissing(b.Provider.Name(), op), ReasonPortOrderNotFound, name)
	}
	return b, id, nil
}

// portInToProto fills the port-in fields (after the etag is computed: they
// are details, like requirements).
func portInToProto(out *pb.PortOrder, o *providers.PortOrder) {
	pi := o.PortIn
	out.FastPortEligible = pi.FastPortEligible
	out.AdditionalSteps = append(out.AdditionalSteps, pi.AdditionalSteps...)
	if a := pi.Activation; a != nil {
		pa := &pb.PortOrderActivation{JobId: a.JobID, State: pb.PortOrderActivation_State(a.State), ProviderState: a.ProviderState,
			Type: pb.PortOrderActivation_Type(a.Type), ActivateTime: ts(a.ActivateTime), ProviderActivationStatus: a.ProviderActivationStatus}
		for _, w := range a.Windows {
			pa.Windows = append(pa.Windows, &pb.PortOrderActivation_Window{StartTime: ts(w.Start), EndTime: ts(w.End)})
		}
		out.Activation = pa
	}
	if m := pi.MessagingPort; m != nil {
		out.MessagingPort = &pb.PortOrderMessagingPort{State: pb.PortOrderMessagingPort_State(m.State), ProviderState: m.ProviderState, Enabled: m.Enabled}
	}
	for _, n := range pi.NumberStatuses {
		out.NumberStatuses = append(out.NumberStatuses, &pb.PortOrderNumberStatus{PhoneNumber: n.PhoneNumber,
			PortabilityStatus: n.PortabilityStatus, ActivationStatus: n.ActivationStatus, RequirementsStatus: n.RequirementsStatus})
	}
	for _, w := range pi.WaitingOn {
		out.WaitingOn = append(out.WaitingOn, &pb.PortOrderWaitingOn{Reason: pb.PortOrderWaitingOn_Reason(w.Reason),
			Description: w.Description, ProviderStep: w.ProviderStep})
	}
}
