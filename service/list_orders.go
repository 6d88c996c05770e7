package service

import (
	"context"

	pb "github.com/portgate/portgate/gen/portgate/v1"
	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/portable"
)

var stateValues = func() []string {
	var out []string
	for i := 1; i < len(pb.PortOrder_State_name); i++ {
		out = append(out, pb.PortOrder_State_name[int32(i)])
	}
	return out
}()

// portOrderFilterFields are the filterable PortOrder fields (docs: README "Filters").
var portOrderFilterFields = map[string]filterField{
	"state":              {kind: kindEnum, values: stateValues},
	"phone_number":       {kind: kindPhone},
	"customer_reference": {kind: kindString},
	"create_time":        {kind: kindTime},
}

func portOrderRecord(o *providers.PortOrder) filterRecord {
	return func(field string) []any {
		switch field {
		case "state":
			return []any{o.State.String()}
		case "phone_number":
			out := make([]any, len(o.PhoneNumbers))
			for i, n := range o.PhoneNumbers {
				out[i] = n
			}
			return out
		case "customer_reference":
			return []any{o.CustomerReference}
		case "create_time":
			return []any{o.CreateTime}
		}
		return nil
	}
}

// pushdownOrders extracts what providers can filter themselves from the
// top-level conjuncts; the full expression is still applied to every item.
func pushdownOrders(e expr) providers.PortOrderFilter {
	var f providers.PortOrderFilter
	for _, term := range topLevel(e) {
		switch t := term.(type) {
		case cmpExpr:
			switch {
			case t.field == "state" && t.op == "=":
				st, _ := providers.ParseState(t.str)
				f.States = []providers.State{st}
			case t.field == "phone_number" && t.op == "=" && !containsWildcard(t.str):
				f.PhoneNumber = t.str
			case t.field == "customer_reference" && t.op == "=" && !containsWildcard(t.str):
				f.CustomerReference = t.str
			case t.field == "create_time" && (t.op == ">" || t.op == ">="):
				f.CreatedAfter = t.t
			case t.field == "create_time" && (t.op == "<" || t.op == "<="):
				f.CreatedBefore = t.t
			}
		case orExpr:
			// state = A OR state = B
			var states []providers.State
			for _, x := range t {
				c, ok := x.(cmpExpr)
				if !ok || c.field != "state" || c.op != "=" {
					states = nil
					break
				}
				st, _ := providers.ParseState(c.str)
				states = append(states, st)
			}
			if states != nil {
				f.States = states
			}
		}
	}
	return f
}

func containsWildcard(s string) bool {
	for _, r := range s {
		if r == '*' {
			return true
		}
	}
	return false
}

func orderLess(a, b *providers.PortOrder) bool {
	if !a.CreateTime.Equal(b.CreateTime) {
		return a.CreateTime.Before(b.CreateTime)
	}
	return a.ID < b.ID
}

// ListPortOrders lists one provider or, for providers/-, all of them merged
// oldest first under one page token.
func (s *PortingServer) ListPortOrders(ctx context.Context, req *pb.ListPortOrdersRequest) (*pb.ListPortOrdersResponse, error) {
	res, next, err := listTop(ctx, s.c, listSpec[*providers.PortOrder]{
		kind: "portOrders", fields: portOrderFilterFields, record: portOrderRecord, less: orderLess,
		fetch: func(e expr) func(context.Context, *portable.Client, providers.ListQuery) ([]*providers.PortOrder, string, error) {
			push := pushdownOrders(e)
			return func(ctx context.Context, p *portable.Client, q providers.ListQuery) ([]*providers.PortOrder, string, error) {
				page, err := p.ListPortOrders(ctx, push, q)
				if err != nil {
					return nil, "", err
				}
				return page.Orders, page.NextCursor, nil
			}
		},
	}, req.GetParent(), req.GetPageSize(), req.GetPageToken(), req.GetFilter())
	if err != nil {
		return nil, err
	}
	resp := &pb.ListPortOrdersResponse{NextPageToken: next, Unreachable: res.unreachable}
	for _, it := range res.items {
		resp.PortOrders = append(resp.PortOrders, portOrderToProto(it.provider, it.v))
	}
	return resp, nil
}

// listSpec describes one top-level listable resource (port orders, numbers).
type listSpec[T any] struct {
	kind   string
	fields map[string]filterField
	record func(T) filterRecord
	less   func(a, b T) bool
	// fetch builds the provider call for a parsed filter (with its pushdown).
	fetch func(e expr) func(ctx context.Context, p *portable.Client, q providers.ListQuery) (items []T, next string, err error)
}

// listTop validates paging and filter, then pages one provider or all.
func listTop[T any](ctx context.Context, c *core, spec listSpec[T], parent string, pageSz int32, token, filter string) (*listResult[T], string, error) {
	prov, err := parseParent("parent", parent)
	if err != nil {
		return nil, "", err
	}
	backends, err := c.targets("parent", prov)
	if err != nil {
		return nil, "", err
	}
	size, err := pageSize(pageSz)
	if err != nil {
		return nil, "", err
	}
	e, err := parseFilter(filter, spec.fields, c.region)
	if err != nil {
		return nil, "", err
	}
	bind := binding{kind: spec.kind, parent: parent, filter: filter}
	allowed := make([]string, len(backends))
	for i, b := range backends {
		allowed[i] = b.Provider.Name()
	}
	offsets, err := c.tokens.decode(token, bind, allowed)
	if err != nil {
		return nil, "", err
	}
	call := spec.fetch(e)
	fetch := func(ctx context.Context, b *Backend, cursor string, limit int) ([]T, string, error) {
		items, next, err := call(ctx, b.Provider, providers.ListQuery{Cursor: cursor, Limit: limit})
		if err != nil {
			return nil, "", providerErr{b.Provider.Name(), err}
		}
		return items, next, nil
	}
	match := func(v T) bool { return e.eval(spec.record(v)) }
	res, err := listAcross(ctx, backends, offsets, size, fetch, match, spec.less)
	if err != nil {
		return nil, "", unwrapProviderErr(err, parent)
	}
	return res, c.tokens.encode(bind, res.next), nil
}

// providerErr remembers which provider failed inside a fan-out.
type providerErr struct {
	provider string
	err      error
}

func (p providerErr) Error() string { return p.err.Error() }
func (p providerErr) Unwrap() error { return p.err }

func unwrapProviderErr(err error, subject string) error {
	if pe, ok := err.(providerErr); ok {
		return toStatus(pe.provider, pe.err, "", subject)
	}
	return toStatus("", err, "", subject)
}
