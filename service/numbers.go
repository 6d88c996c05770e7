package service

import (
	"context"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

// NumbersServer implements portgate.v1.Numbers.
type NumbersServer struct {
	pb.UnimplementedNumbersServer
	c *core
}

var numberFilterFields = map[string]filterField{
	"phone_number": {kind: kindPhone},
	"alias":        {kind: kindString},
}

func numberRecord(n *providers.Number) filterRecord {
	return func(field string) []any {
		switch field {
		case "phone_number":
			return []any{n.PhoneNumber}
		case "alias":
			return []any{n.Alias}
		}
		return nil
	}
}

func pushdownNumbers(e expr) providers.NumberFilter {
	var f providers.NumberFilter
	for _, term := range topLevel(e) {
		c, ok := term.(cmpExpr)
		if !ok || c.field != "phone_number" {
			continue
		}
		switch {
		case c.op == ":":
			f.Contains = c.str
		case c.op == "=" && wildcardPrefix(c.str):
			f.Prefix = c.str[:len(c.str)-1]
		case c.op == "=" && !containsWildcard(c.str):
			f.Prefix = c.str
		}
	}
	return f
}

func wildcardPrefix(s string) bool {
	return len(s) > 1 && s[len(s)-1] == '*' && !containsWildcard(s[:len(s)-1])
}

func numberLess(a, b *providers.Number) bool { return a.PhoneNumber < b.PhoneNumber }

// GetNumber reads one number.
func (s *NumbersServer) GetNumber(ctx context.Context, req *pb.GetNumberRequest) (*pb.Number, error) {
	prov, number, err := parseNumberName("name", req.GetName(), s.c.region)
	if err != nil {
		return nil, err
	}
	b, err := s.c.backend("name", prov)
	if err != nil {
		return nil, err
	}
	n, err := b.Provider.GetNumber(ctx, number)
	if err != nil {
		return nil, toStatus(prov, err, ReasonNumberNotFound, numberName(prov, number))
	}
	return numberToProto(prov, n), nil
}

// ListNumbers lists one provider's numbers or, for providers/-, all merged.
func (s *NumbersServer) ListNumbers(ctx context.Context, req *pb.ListNumbersRequest) (*pb.ListNumbersResponse, error) {
	res, next, err := listTop(ctx, s.c, listSpec[*providers.Number]{
		kind: "numbers", fields: numberFilterFields, record: numberRecord, less: numberLess,
		fetch: func(e expr) func(context.Context, *portable.Client, providers.ListQuery) ([]*providers.Number, string, error) {
			push := pushdownNumbers(e)
			return func(ctx context.Context, p *portable.Client, q providers.ListQuery) ([]*providers.Number, string, error) {
				page, err := p.ListNumbers(ctx, push, q)
				if err != nil {
					return nil, "", err
				}
				return page.Numbers, page.NextCursor, nil
			}
		},
	}, req.GetParent(), req.GetPageSize(), req.GetPageToken(), req.GetFilter())
	if err != nil {
		return nil, err
	}
	resp := &pb.ListNumbersResponse{NextPageToken: next, Unreachable: res.unreachable}
	for _, it := range res.items {
		resp.Numbers = append(resp.Numbers, numberToProto(it.provider, it.v))
	}
	return resp, nil
}

// UpdateNumber applies update_mask; partial failures come back in failures.
func (s *NumbersServer) UpdateNumber(ctx context.Context, req *pb.UpdateNumberRequest) (*pb.UpdateNumberResponse, error) {
	num := req.GetNumber()
	if num == nil {
		return nil, invalidArgument(ReasonInvalidArgument, fieldViolation{"number", "required"})
	}
	prov, number, err := parseNumberName("number.name", num.GetName(), s.c.region)
	if err != nil {
		return nil, err
	}
	b, err := s.c.backend("number.name", prov)
	if err != nil {
		return nil, err
	}
	mask, err := resolveMask(num, req.GetUpdateMask().GetPaths(), numberFieldPaths, b.capabilities().UpdatableNumberFields, prov, "update_mask")
	if err != nil {
		return nil, err
	}
	res, err := b.Provider.UpdateNumber(ctx, providers.NumberUpdate{
		Number: numberFromProto(num, number), Mask: mask, MessagingCallbackURL: num.GetMessagingCallbackUrl(),
	})
	if err != nil {
		return nil, toStatus(prov, err, ReasonNumberNotFound, numberName(prov, number))
	}
	resp := &pb.UpdateNumberResponse{Number: numberToProto(prov, res.Number)}
	for _, f := range res.Failures {
		resp.Failures = append(resp.Failures, &pb.FieldFailure{Field: f.Field, Reason: f.Reason, Message: f.Message})
	}
	return resp, nil
}
