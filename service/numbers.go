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

// UpdateNumber applies update_mask and returns the number (AIP-134). A part
// the provider accepted but did not apply (Flowroute's 207 on messaging) is
// reported as Number.messaging_provisioning FAILED with the reason.
func (s *NumbersServer) UpdateNumber(ctx context.Context, req *pb.UpdateNumberRequest) (*pb.Number, error) {
	return do(ctx, s.c, "UpdateNumber", req, func(ctx context.Context, _ func(string)) (*pb.Number, error) {
		n, err := s.updateNumber(ctx, req)
		return n, redact(err, req.GetNumber().GetPortOutPin())
	}, nil)
}

func (s *NumbersServer) updateNumber(ctx context.Context, req *pb.UpdateNumberRequest) (*pb.Number, error) {
	num := req.GetNumber()
	prov, number, err := parseNumberName("number.name", num.GetName(), s.c.region)
	if err != nil {
		return nil, err
	}
	b, err := s.c.backend("number.name", prov)
	if err != nil {
		return nil, err
	}
	num, paths, err := numberVoiceInput(prov, b, num, req.GetUpdateMask().GetPaths())
	if err != nil {
		return nil, err
	}
	mask, err := resolveMask(num, paths, numberFieldPaths, b.capabilities().UpdatableNumberFields, prov, "update_mask")
	if err != nil {
		return nil, err
	}
	if want := num.GetEtag(); want != "" {
		cur, err := b.Provider.GetNumber(ctx, number)
		if err != nil {
			return nil, toStatus(prov, err, ReasonNumberNotFound, numberName(prov, number))
		}
		if err := checkETag("number.etag", want, numberToProto(prov, cur).GetEtag(), numberName(prov, number)); err != nil {
			return nil, err
		}
	}
	res, err := b.Provider.UpdateNumber(ctx, providers.NumberUpdate{
		Number: numberFromProto(num, number), Mask: mask, MessagingCallbackURL: req.GetMessagingCallbackUri(),
	})
	if err != nil {
		return nil, toStatus(prov, err, ReasonNumberNotFound, numberName(prov, number))
	}
	n := res.Number
	if n == nil {
		n = &providers.Number{PhoneNumber: number}
	}
	for _, f := range res.Failures {
		// The provider applied the rest of the update; the part it did not
		// apply (both adapters: the messaging half) is state on the number,
		// never an error: the write was accepted.
		mp := n.MessagingProvisioning
		mp.State = providers.MessagingProvisioningFailed
		if mp.Reason == "" {
			mp.Reason = f.Message
		}
		if mp.Reason == "" {
			mp.Reason = f.Reason
		}
		n.MessagingProvisioning = mp
	}
	return numberToProto(prov, n), nil
}
