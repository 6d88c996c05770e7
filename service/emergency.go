package service

import (
	"context"
	"strings"

	"google.golang.org/protobuf/types/known/emptypb"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

// Emergency addresses and caller ID names (issue 14, e911): the
// EmergencyAddress and CallerIdName resources and the number custom
// methods that assign them.

// Reasons raised for these resources (docs/errors.md).
const (
	ReasonEmergencyAddressNotFound = "EMERGENCY_ADDRESS_NOT_FOUND"
	ReasonCallerIDNameNotFound     = "CALLER_ID_NAME_NOT_FOUND"
)

const (
	kindEmergencyAddresses = "emergencyAddresses"
	kindCallerIDNames      = "callerIdNames"
)

func emergencyAddressName(p, id string) string {
	return "providers/" + p + "/" + kindEmergencyAddresses + "/" + id
}
func callerIDNameName(p, id string) string {
	return "providers/" + p + "/" + kindCallerIDNames + "/" + id
}

const (
	emergencyAddressPattern = "providers/{provider}/emergencyAddresses/{emergency_address}"
	callerIDNamePattern     = "providers/{provider}/callerIdNames/{caller_id_name}"
)

func emergencyAddressToProto(provider string, a *providers.EmergencyAddress) *pb.EmergencyAddress {
	if a == nil {
		return nil
	}
	return &pb.EmergencyAddress{
		Name: emergencyAddressName(provider, a.ID), Provider: providerName(provider), DisplayName: a.DisplayName,
		FirstName: a.FirstName, LastName: a.LastName, BusinessName: a.BusinessName,
		StreetNumber: a.StreetNumber, StreetName: a.StreetName, UnitType: a.UnitType, UnitNumber: a.UnitNumber,
		Locality: a.Locality, AdministrativeArea: a.AdministrativeArea, PostalCode: a.PostalCode,
		RegionCode: a.CountryCode, CreateTime: ts(a.CreateTime),
	}
}

func emergencyAddressFromProto(a *pb.EmergencyAddress) providers.EmergencyAddress {
	return providers.EmergencyAddress{
		DisplayName: a.GetDisplayName(), FirstName: a.GetFirstName(), LastName: a.GetLastName(), BusinessName: a.GetBusinessName(),
		StreetNumber: a.GetStreetNumber(), StreetName: a.GetStreetName(), UnitType: a.GetUnitType(), UnitNumber: a.GetUnitNumber(),
		Locality: a.GetLocality(), AdministrativeArea: a.GetAdministrativeArea(), PostalCode: a.GetPostalCode(),
		CountryCode: strings.ToUpper(a.GetRegionCode()),
	}
}

func callerIDNameToProto(provider string, c *providers.CallerIDName) *pb.CallerIdName {
	if c == nil {
		return nil
	}
	return &pb.CallerIdName{Name: callerIDNameName(provider, c.ID), Provider: providerName(provider), Value: c.Value,
		State: pb.CallerIdName_State(c.State), RejectionReason: c.RejectionReason, CreateTime: ts(c.CreateTime), ApproveTime: ts(c.ApproveTime)}
}

// numberEmergencyToProto fills the Number's e911 fields (80-89).
func numberEmergencyToProto(provider string, n *providers.Number, out *pb.Number) {
	if n.EmergencyAddressID != "" {
		out.EmergencyAddress = emergencyAddressName(provider, n.EmergencyAddressID)
	}
	out.EmergencyStatus = pb.EmergencyStatus(n.Emergency.Status)
	if c := n.Emergency.CallerIDName; c != (providers.NumberCallerIDName{}) {
		out.CallerIdName = &pb.NumberCallerIdName{Value: c.Value, State: pb.CallerIdName_State(c.State)}
		if c.RecordID != "" {
			out.CallerIdName.CallerIdName = callerIDNameName(provider, c.RecordID)
		}
	}
}

// CreateEmergencyAddress validates the address with the provider, then creates it.
func (s *NumbersServer) CreateEmergencyAddress(ctx context.Context, req *pb.CreateEmergencyAddressRequest) (*pb.EmergencyAddress, error) {
	return do(ctx, s.c, "CreateEmergencyAddress", req, func(ctx context.Context, _ func(string)) (*pb.EmergencyAddress, error) {
		b, prov, err := s.c.oneProvider("parent", req.GetParent(), "emergency addresses")
		if err != nil {
			return nil, err
		}
		a, err := b.Provider.CreateEmergencyAddress(ctx, emergencyAddressFromProto(req.GetEmergencyAddress()))
		if err != nil {
			return nil, toStatus(prov, err, "", req.GetParent())
		}
		return emergencyAddressToProto(prov, a), nil
	}, nil)
}

// GetEmergencyAddress reads one address.
func (s *NumbersServer) GetEmergencyAddress(ctx context.Context, req *pb.GetEmergencyAddressRequest) (*pb.EmergencyAddress, error) {
	prov, id, b, err := s.c.child("name", req.GetName(), kindEmergencyAddresses, emergencyAddressPattern)
	if err != nil {
		return nil, err
	}
	a, err := b.Provider.GetEmergencyAddress(ctx, id)
	if err != nil {
		return nil, toStatus(prov, err, ReasonEmergencyAddressNotFound, req.GetName())
	}
	return emergencyAddressToProto(prov, a), nil
}

func emergencyAddressLess(a, b *providers.EmergencyAddress) bool { return a.ID < b.ID }

// ListEmergencyAddresses lists one provider's addresses or, for providers/-, all.
func (s *NumbersServer) ListEmergencyAddresses(ctx context.Context, req *pb.ListEmergencyAddressesRequest) (*pb.ListEmergencyAddressesResponse, error) {
	res, next, err := listPlain(ctx, s.c, kindEmergencyAddresses, providers.OpListEmergencyAddresses, true, req.GetParent(), req.GetPageSize(), req.GetPageToken(), emergencyAddressLess,
		func(ctx context.Context, p *portable.Client, q providers.ListQuery) ([]*providers.EmergencyAddress, string, error) {
			pg, err := p.ListEmergencyAddresses(ctx, q)
			if err != nil {
				return nil, "", err
			}
			return pg.Addresses, pg.NextCursor, nil
		})
	if err != nil {
		return nil, err
	}
	resp := &pb.ListEmergencyAddressesResponse{NextPageToken: next, Unreachable: res.unreachable}
	for _, it := range res.items {
		resp.EmergencyAddresses = append(resp.EmergencyAddresses, emergencyAddressToProto(it.provider, it.v))
	}
	return resp, nil
}

// DeleteEmergencyAddress deletes an address no number uses.
func (s *NumbersServer) DeleteEmergencyAddress(ctx context.Context, req *pb.DeleteEmergencyAddressRequest) (*emptypb.Empty, error) {
	return do(ctx, s.c, "DeleteEmergencyAddress", req, func(ctx context.Context, _ func(string)) (*emptypb.Empty, error) {
		prov, id, b, err := s.c.child("name", req.GetName(), kindEmergencyAddresses, emergencyAddressPattern)
		if err != nil {
			return nil, err
		}
		if err := b.Provider.DeleteEmergencyAddress(ctx, id); err != nil {
			return nil, toStatus(prov, err, ReasonEmergencyAddressNotFound, req.GetName())
		}
		return &emptypb.Empty{}, nil
	}, nil)
}

// numberTarget resolves a custom method's number name.
func (s *NumbersServer) numberTarget(name string) (string, string, *Backend, error) {
	prov, number, err := parseNumberName("name", name, s.c.region)
	if err != nil {
		return "", "", nil, err
	}
	b, err := s.c.backend("name", prov)
	if err != nil {
		return "", "", nil, err
	}
	return prov, number, b, nil
}

// sameProvider refuses a referenced resource at another provider.
func sameProvider(field, prov, refProv, pattern string) error {
	if refProv != prov {
		return invalidArgument(ReasonInvalidArgument, fieldViolation{field, "must be at the number's provider: " +
			strings.Replace(pattern, "{provider}", prov, 1)})
	}
	return nil
}

// AssignEmergencyAddress attaches an address to a number.
func (s *NumbersServer) AssignEmergencyAddress(ctx context.Context, req *pb.AssignEmergencyAddressRequest) (*pb.Number, error) {
	return do(ctx, s.c, "AssignEmergencyAddress", req, func(ctx context.Context, _ func(string)) (*pb.Number, error) {
		prov, number, b, err := s.numberTarget(req.GetName())
		if err != nil {
			return nil, err
		}
		aProv, id, err := parseChild("emergency_address", req.GetEmergencyAddress(), kindEmergencyAddresses, emergencyAddressPattern)
		if err != nil {
			return nil, err
		}
		if err := sameProvider("emergency_address", prov, aProv, emergencyAddressPattern); err != nil {
			return nil, err
		}
		n, err := b.Provider.AssignEmergencyAddress(ctx, number, id)
		if err != nil {
			return nil, toStatus(prov, err, ReasonNumberNotFound, numberName(prov, number))
		}
		return numberToProto(prov, n), nil
	}, nil)
}

// UnassignEmergencyAddress removes a number's address.
func (s *NumbersServer) UnassignEmergencyAddress(ctx context.Context, req *pb.UnassignEmergencyAddressRequest) (*pb.Number, error) {
	return do(ctx, s.c, "UnassignEmergencyAddress", req, func(ctx context.Context, _ func(string)) (*pb.Number, error) {
		prov, number, b, err := s.numberTarget(req.GetName())
		if err != nil {
			return nil, err
		}
		n, err := b.Provider.UnassignEmergencyAddress(ctx, number)
		if err != nil {
			return nil, toStatus(prov, err, ReasonNumberNotFound, numberName(prov, number))
		}
		return numberToProto(prov, n), nil
	}, nil)
}

// CreateCallerIdName creates a CNAM record (pending the provider's approval).
func (s *NumbersServer) CreateCallerIdName(ctx context.Context, req *pb.CreateCallerIdNameRequest) (*pb.CallerIdName, error) {
	return do(ctx, s.c, "CreateCallerIdName", req, func(ctx context.Context, _ func(string)) (*pb.CallerIdName, error) {
		b, prov, err := s.c.oneProvider("parent", req.GetParent(), "caller ID names")
		if err != nil {
			return nil, err
		}
		c, err := b.Provider.CreateCallerIDName(ctx, req.GetCallerIdName().GetValue())
		if err != nil {
			return nil, toStatus(prov, err, "", req.GetParent())
		}
		return callerIDNameToProto(prov, c), nil
	}, nil)
}

// GetCallerIdName reads one CNAM record.
func (s *NumbersServer) GetCallerIdName(ctx context.Context, req *pb.GetCallerIdNameRequest) (*pb.CallerIdName, error) {
	prov, id, b, err := s.c.child("name", req.GetName(), kindCallerIDNames, callerIDNamePattern)
	if err != nil {
		return nil, err
	}
	c, err := b.Provider.GetCallerIDName(ctx, id)
	if err != nil {
		return nil, toStatus(prov, err, ReasonCallerIDNameNotFound, req.GetName())
	}
	return callerIDNameToProto(prov, c), nil
}

func callerIDNameLess(a, b *providers.CallerIDName) bool { return a.ID < b.ID }

// ListCallerIdNames lists CNAM records; providers/- skips providers without them.
func (s *NumbersServer) ListCallerIdNames(ctx context.Context, req *pb.ListCallerIdNamesRequest) (*pb.ListCallerIdNamesResponse, error) {
	res, next, err := listPlain(ctx, s.c, kindCallerIDNames, providers.OpListCallerIDNames, true, req.GetParent(), req.GetPageSize(), req.GetPageToken(), callerIDNameLess,
		func(ctx context.Context, p *portable.Client, q providers.ListQuery) ([]*providers.CallerIDName, string, error) {
			pg, err := p.ListCallerIDNames(ctx, q)
			if err != nil {
				return nil, "", err
			}
			return pg.Records, pg.NextCursor, nil
		})
	if err != nil {
		return nil, err
	}
	resp := &pb.ListCallerIdNamesResponse{NextPageToken: next, Unreachable: res.unreachable}
	for _, it := range res.items {
		resp.CallerIdNames = append(resp.CallerIdNames, callerIDNameToProto(it.provider, it.v))
	}
	return resp, nil
}

// DeleteCallerIdName deletes a CNAM record.
func (s *NumbersServer) DeleteCallerIdName(ctx context.Context, req *pb.DeleteCallerIdNameRequest) (*emptypb.Empty, error) {
	return do(ctx, s.c, "DeleteCallerIdName", req, func(ctx context.Context, _ func(string)) (*emptypb.Empty, error) {
		prov, id, b, err := s.c.child("name", req.GetName(), kindCallerIDNames, callerIDNamePattern)
		if err != nil {
			return nil, err
		}
		if err := b.Provider.DeleteCallerIDName(ctx, id); err != nil {
			return nil, toStatus(prov, err, ReasonCallerIDNameNotFound, req.GetName())
		}
		return &emptypb.Empty{}, nil
	}, nil)
}

// SetNumberCallerIdName sets the caller ID name a number shows.
func (s *NumbersServer) SetNumberCallerIdName(ctx context.Context, req *pb.SetNumberCallerIdNameRequest) (*pb.Number, error) {
	return do(ctx, s.c, "SetNumberCallerIdName", req, func(ctx context.Context, _ func(string)) (*pb.Number, error) {
		prov, number, b, err := s.numberTarget(req.GetName())
		if err != nil {
			return nil, err
		}
		var recordID string
		switch {
		case req.GetCallerIdName() != "" && req.GetValue() != "":
			return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"value", "set caller_id_name or value, not both"})
		case req.GetCallerIdName() != "":
			rProv, id, err := parseChild("caller_id_name", req.GetCallerIdName(), kindCallerIDNames, callerIDNamePattern)
			if err != nil {
				return nil, err
			}
			if err := sameProvider("caller_id_name", prov, rProv, callerIDNamePattern); err != nil {
				return nil, err
			}
			recordID = id
		case req.GetValue() == "":
			return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"value", "required: set value (or caller_id_name)"})
		}
		n, err := b.Provider.SetNumberCallerIDName(ctx, number, recordID, req.GetValue())
		if err != nil {
			return nil, toStatus(prov, err, ReasonNumberNotFound, numberName(prov, number))
		}
		return numberToProto(prov, n), nil
	}, nil)
}

// ClearNumberCallerIdName removes the caller ID name a number shows.
func (s *NumbersServer) ClearNumberCallerIdName(ctx context.Context, req *pb.ClearNumberCallerIdNameRequest) (*pb.Number, error) {
	return do(ctx, s.c, "ClearNumberCallerIdName", req, func(ctx context.Context, _ func(string)) (*pb.Number, error) {
		prov, number, b, err := s.numberTarget(req.GetName())
		if err != nil {
			return nil, err
		}
		n, err := b.Provider.ClearNumberCallerIDName(ctx, number)
		if err != nil {
			return nil, toStatus(prov, err, ReasonNumberNotFound, numberName(prov, number))
		}
		return numberToProto(prov, n), nil
	}, nil)
}
