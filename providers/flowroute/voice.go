package flowroute

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/portgate/portgate/providers"
)

// Voice routes: GET/POST /v2/routes, PATCH/DELETE /v2/routes/{id}
// (reference §3). Flowroute documents no GET /v2/routes/{id}: GetVoiceRoute
// walks the list. Route "0" is the account's built-in sip-reg route.

// voiceMissing are the voice slice's operations Flowroute has no API for:
// messaging profiles (Flowroute enables messaging per number) and a
// port-out PIN.
var voiceMissing = map[providers.Operation]bool{
	providers.OpListMessagingProfiles: true, providers.OpGetMessagingProfile: true, providers.OpSetPortOutPIN: true,
}

// RouteID is the shape of Flowroute route ids: decimal strings, "0" being
// the default sip-reg route.
var RouteID = providers.IDShape{
	Pattern:     regexp.MustCompile(`^(0|[1-9][0-9]{0,17})$`),
	Description: "a decimal number of at most 18 digits (0 is the default sip-reg route)",
}

// DefaultRouteID is Flowroute's built-in sip-reg route.
const DefaultRouteID = "0"

// routeTypes maps Flowroute route_type to the neutral kind.
var routeTypes = map[string]providers.VoiceRouteType{
	"sip-reg": providers.VoiceRouteTypeSIPRegistration,
	"host":    providers.VoiceRouteTypeSIPHost,
	"uri":     providers.VoiceRouteTypeSIPURI,
	"number":  providers.VoiceRouteTypePhoneNumber,
}

func routeTypeWire(t providers.VoiceRouteType) string {
	for k, v := range routeTypes {
		if v == t {
			return k
		}
	}
	return ""
}

type routeData struct {
	ID         json.RawMessage `json:"id"`
	Type       string          `json:"type"`
	Attributes struct {
		Alias          *string         `json:"alias"`
		RouteType      string          `json:"route_type"`
		Value          json.RawMessage `json:"value"`
		EdgeStrategyID json.RawMessage `json:"edge_strategy_id"`
	} `json:"attributes"`
}

// toRoute is lenient: an unknown route_type is kept raw with Type unspecified.
func toRoute(d *routeData) *providers.VoiceRoute {
	r := &providers.VoiceRoute{ID: rawID(d.ID), ProviderType: d.Attributes.RouteType,
		Type: routeTypes[d.Attributes.RouteType], Target: rawID(d.Attributes.Value),
		EdgeStrategyID: rawID(d.Attributes.EdgeStrategyID), Active: true}
	if d.Attributes.Alias != nil {
		r.DisplayName = *d.Attributes.Alias
	}
	r.Default = r.ID == DefaultRouteID
	return r
}

func routePage(r *response) ([]*providers.VoiceRoute, bool, error) {
	var env struct {
		Data  []routeData `json:"data"`
		Links struct {
			Next string `json:"next"`
		} `json:"links"`
	}
	if err := decode(r, &env); err != nil {
		return nil, false, err
	}
	out := make([]*providers.VoiceRoute, 0, len(env.Data))
	for i := range env.Data {
		out = append(out, toRoute(&env.Data[i]))
	}
	return out, env.Links.Next != "", nil
}

// ListVoiceRoutes implements providers.VoiceRouteReader (GET /v2/routes).
func (p *Provider) ListVoiceRoutes(ctx context.Context, q providers.ListQuery) (*providers.VoiceRoutePage, error) {
	offset, err := providers.ParseOffsetCursor(Name, q.Cursor)
	if err != nil {
		return nil, err
	}
	routes, more, err := pageThrough(ctx, p, "/v2/routes", url.Values{}, offset, q.Limit, false, routePage)
	if err != nil {
		return nil, err
	}
	page := &providers.VoiceRoutePage{Routes: routes}
	if more {
		page.NextCursor = providers.OffsetCursor(offset + len(routes))
	}
	return page, nil
}

// maxRouteScan bounds GetVoiceRoute's walk through the list.
const maxRouteScan = 10 * maxPageSize

// GetVoiceRoute implements providers.VoiceRouteReader by walking
// GET /v2/routes (no single-route read is documented).
func (p *Provider) GetVoiceRoute(ctx context.Context, id string) (*providers.VoiceRoute, error) {
	if err := RouteID.Check(Name, "voice route", id); err != nil {
		return nil, err
	}
	for offset := 0; offset < maxRouteScan; {
		routes, more, err := pageThrough(ctx, p, "/v2/routes", url.Values{}, offset, maxPageSize, false, routePage)
		if err != nil {
			return nil, err
		}
		for _, r := range routes {
			if r.ID == id {
				return r, nil
			}
		}
		if !more || len(routes) == 0 {
			break
		}
		offset += len(routes)
	}
	return nil, routeNotFound(id)
}

func routeNotFound(id string) error {
	return &providers.Error{Code: providers.CodeNotFound, Provider: Name, Reason: "VOICE_ROUTE_NOT_FOUND",
		Message: "flowroute has no route " + id + " on this account"}
}

// routeAttrs renders the neutral route as Flowroute attributes (fields of
// mask only, when mask is not nil).
func routeAttrs(r providers.VoiceRoute, mask []string) (map[string]any, []providers.FieldViolation) {
	attrs := map[string]any{}
	var bad []providers.FieldViolation
	want := func(f string, set bool) bool {
		if mask == nil {
			return set
		}
		for _, m := range mask {
			if m == f {
				return true
			}
		}
		return false
	}
	if want(providers.FieldVoiceRouteDisplayName, r.DisplayName != "") {
		attrs["alias"] = r.DisplayName
	}
	if want(providers.FieldVoiceRouteTarget, r.Target != "") {
		attrs["value"] = r.Target
	}
	if want(providers.FieldVoiceRouteEdgeStrategyID, r.EdgeStrategyID != "") {
		if r.EdgeStrategyID == "" {
			attrs["edge_strategy_id"] = nil
		} else {
			attrs["edge_strategy_id"] = r.EdgeStrategyID
		}
	}
	for i, m := range mask {
		switch m {
		case providers.FieldVoiceRouteDisplayName, providers.FieldVoiceRouteTarget, providers.FieldVoiceRouteEdgeStrategyID:
		default:
			bad = append(bad, providers.FieldViolation{Field: "update_mask.paths[" + itoa(i) + "]", Description: "flowroute cannot update " + m + " on a route"})
		}
	}
	return attrs, bad
}

// CreateVoiceRoute implements providers.VoiceRouteWriter (POST /v2/routes
// → 201). Never retried: Flowroute has no idempotency key.
func (p *Provider) CreateVoiceRoute(ctx context.Context, r providers.VoiceRoute) (*providers.VoiceRoute, error) {
	rt := routeTypeWire(r.Type)
	var bad []providers.FieldViolation
	if rt == "" {
		bad = append(bad, providers.FieldViolation{Field: "voice_route.type", Description: "flowroute routes are SIP_REGISTRATION, SIP_HOST, SIP_URI or PHONE_NUMBER"})
	}
	if rt != "" && rt != "sip-reg" && r.Target == "" {
		bad = append(bad, providers.FieldViolation{Field: "voice_route.target", Description: "a " + rt + " route needs a target (flowroute value)"})
	}
	if len(bad) > 0 {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Reason: "PROVIDER_VALIDATION_FAILED",
			Message: "flowroute cannot create this route", Violations: bad}
	}
	attrs, _ := routeAttrs(r, nil)
	attrs["route_type"] = rt
	res, err := p.call(ctx, http.MethodPost, "/v2/routes", nil, map[string]any{"data": map[string]any{"type": "route", "attributes": attrs}}, resOther)
	if err != nil {
		return nil, err
	}
	return decodeRoute(res)
}

func decodeRoute(res *response) (*providers.VoiceRoute, error) {
	var env struct {
		Data *routeData `json:"data"`
	}
	if err := decode(res, &env); err != nil {
		return nil, err
	}
	if env.Data == nil || rawID(env.Data.ID) == "" {
		return nil, badResponse(res.status, "route response without data.id")
	}
	return toRoute(env.Data), nil
}

// UpdateVoiceRoute implements providers.VoiceRouteWriter
// (PATCH /v2/routes/{id}). Flowroute documents no response body for it: a
// 2xx without a route is followed by a read.
func (p *Provider) UpdateVoiceRoute(ctx context.Context, r providers.VoiceRoute, mask []string) (*providers.VoiceRoute, error) {
	if err := RouteID.Check(Name, "voice route", r.ID); err != nil {
		return nil, err
	}
	if mask == nil {
		mask = []string{}
		for f, set := range map[string]bool{providers.FieldVoiceRouteDisplayName: r.DisplayName != "",
			providers.FieldVoiceRouteTarget: r.Target != "", providers.FieldVoiceRouteEdgeStrategyID: r.EdgeStrategyID != ""} {
			if set {
				mask = append(mask, f)
			}
		}
	}
	attrs, bad := routeAttrs(r, mask)
	if len(bad) > 0 {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Reason: "PROVIDER_VALIDATION_FAILED",
			Message: "update mask names fields flowroute cannot store on a route", Violations: bad}
	}
	if len(attrs) == 0 {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Message: "nothing to update",
			Violations: []providers.FieldViolation{{Field: "update_mask", Description: "no field to update"}}}
	}
	res, err := p.call(ctx, http.MethodPatch, "/v2/routes/"+url.PathEscape(r.ID), nil,
		map[string]any{"data": map[string]any{"type": "route", "id": r.ID, "attributes": attrs}}, resOther)
	if err != nil {
		return nil, routeError(err, r.ID)
	}
	if len(strings.TrimSpace(string(res.body))) > 0 {
		if out, derr := decodeRoute(res); derr == nil {
			return out, nil
		}
	}
	// Accepted: a route we cannot read back is still updated.
	got, err := p.GetVoiceRoute(ctx, r.ID)
	if err != nil {
		return nil, &providers.Error{Code: providers.CodeUnknown, Provider: Name, Reason: "PROVIDER_REREAD_FAILED",
			Message: "flowroute updated route " + r.ID + " but reading it back failed", Err: err}
	}
	return got, nil
}

// DeleteVoiceRoute implements providers.VoiceRouteWriter
// (DELETE /v2/routes/{id} → 204; 403 while numbers use the route).
func (p *Provider) DeleteVoiceRoute(ctx context.Context, id string) error {
	if err := RouteID.Check(Name, "voice route", id); err != nil {
		return err
	}
	_, err := p.call(ctx, http.MethodDelete, "/v2/routes/"+url.PathEscape(id), nil, nil, resOther)
	err = routeError(err, id)
	// The documented 403 on delete is "numbers still use the route"; a bare
	// ActionNotAuthorizedError (e.g. the default route) stays a permission refusal.
	if pe, ok := err.(*providers.Error); ok && pe.Code == providers.CodeFailedPrecondition &&
		pe.HTTPStatus == http.StatusForbidden && pe.ProviderCode != "ActionNotAuthorizedError" {
		pe.Reason = "VOICE_ROUTE_IN_USE"
	}
	return err
}

// routeError names the route in a 404.
func routeError(err error, _ string) error {
	if pe, ok := err.(*providers.Error); ok && pe.Code == providers.CodeNotFound {
		pe.Reason = "VOICE_ROUTE_NOT_FOUND"
	}
	return err
}
