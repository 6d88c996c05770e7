package flowroute

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/portgate/portgate/providers"
)

var _ providers.LOARenderer = (*Provider)(nil)

// GetPortOrderLOA implements providers.LOARenderer with
// GET /v2/portorders/{id}/loa: the LOA form before signing. Its loa_copy
// (the letter's text) is the content (text/plain); every attribute is
// returned in Fields as text (numbers joined with ", ", null as "").
// Flowroute serves the form only while the order can be signed (pending,
// rejected): the state is checked first, as for SubmitPortOrder.
// Flowroute has no LOA configurations: configurationID must be empty.
func (p *Provider) GetPortOrderLOA(ctx context.Context, orderID, configurationID string) (*providers.LOA, error) {
	if err := OrderID.Check(Name, "port order", orderID); err != nil {
		return nil, err
	}
	if configurationID != "" {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Reason: "INVALID_ARGUMENT", Message: "flowroute has no LOA configurations",
			Violations: []providers.FieldViolation{{Field: "loa_configuration_id", Description: "flowroute has no LOA configurations; leave it empty"}}}
	}
	cur, err := p.getOrder(ctx, orderID)
	if err != nil {
		return nil, err
	}
	if !detailStatuses[strings.ToLower(cur.ProviderStatus)] {
		return nil, invalidTransition(cur, "get the LOA of")
	}
	attrs, err := p.readLOA(ctx, orderID)
	if err != nil {
		return nil, err
	}
	out := &providers.LOA{ContentType: "text/plain; charset=utf-8", Filename: "loa-" + orderID + ".txt", Fields: map[string]string{}}
	for k, v := range attrs {
		out.Fields[k] = loaText(v)
	}
	out.Content = []byte(out.Fields["loa_copy"])
	delete(out.Fields, "loa_copy")
	return out, nil
}

// loaText renders one LOA attribute as text, leniently.
func loaText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		parts := make([]string, 0, len(list))
		for _, it := range list {
			parts = append(parts, loaText(it))
		}
		return strings.Join(parts, ", ")
	}
	t := strings.TrimSpace(string(raw))
	if t == "null" {
		return ""
	}
	return t
}

// noPortOutAPI are the port-out operations: Flowroute documents no port-out
// API (port-outs are handled by its support, not through /v2), so they are
// never in Capabilities() — PROVIDER_CAPABILITY_MISSING (docs/mapping/flowroute.md).
var noPortOutAPI = map[providers.Operation]bool{
	providers.OpListPortOuts: true, providers.OpGetPortOut: true, providers.OpDecidePortOut: true,
}

// readLOA reads an order's LOA form (GET /v2/portorders/{id}/loa): the
// attributes SubmitPortOrder echoes back signed and GetPortOrderLOA shows.
func (p *Provider) readLOA(ctx context.Context, orderID string) (map[string]json.RawMessage, error) {
	r, err := p.call(ctx, http.MethodGet, orderPath(orderID)+"/loa", nil, nil, resOrder)
	if err != nil {
		return nil, err
	}
	var loa struct {
		Data *struct {
			Attributes map[string]json.RawMessage `json:"attributes"`
		} `json:"data"`
	}
	if err := decode(r, &loa); err != nil {
		return nil, err
	}
	if loa.Data == nil {
		return nil, badResponse(r.status, "LOA response without data")
	}
	return loa.Data.Attributes, nil
}
