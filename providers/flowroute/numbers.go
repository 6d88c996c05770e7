package flowroute

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/portgate/portgate/internal/e164"
	"github.com/portgate/portgate/providers"
)

// numberPath renders the Numbers API path for an E.164 number (11 digits).
func numberPath(e string) string { return "/v2/numbers/" + url.PathEscape(e164.ToNANP11(e)) }

func decodeNumber(r *response) (*providers.Number, error) {
	var env struct {
		Data     *numberData    `json:"data"`
		Included []includedData `json:"included"`
	}
	if err := decode(r, &env); err != nil {
		return nil, err
	}
	if env.Data == nil {
		return nil, badResponse(r.status, "response without data")
	}
	return toNumber(r.status, env.Data, env.Included)
}

// GetNumber implements providers.Provider.
func (p *Provider) GetNumber(ctx context.Context, e string) (*providers.Number, error) {
	if strings.TrimSpace(e) == "" {
		return nil, &providers.Error{Code: providers.CodeNotFound, Provider: Name, Reason: "NUMBER_NOT_FOUND", Message: "empty number"}
	}
	if err := providers.E164Shape.Check(Name, "phone number", e); err != nil {
		return nil, err
	}
	r, err := p.call(ctx, http.MethodGet, numberPath(e), nil, nil, resNumber)
	if err != nil {
		return nil, err
	}
	return decodeNumber(r)
}

// startsWith renders an E.164 prefix for starts_with. Flowroute prepends
// country code 1 unless the value starts with "+" (reference §3): "+1312"
// is sent as "312", "+44" stays "+44", and "+1" alone as "+1". The neutral
// prefix is E.164; anything else is passed through as the caller wrote it.
func startsWith(prefix string) string {
	pre := strings.TrimSpace(prefix)
	if rest, ok := strings.CutPrefix(pre, "+1"); ok && rest != "" {
		return rest
	}
	return pre
}

// ListNumbers implements providers.Provider. Prefix goes to starts_with
// (see startsWith).
func (p *Provider) ListNumbers(ctx context.Context, filter providers.NumberFilter, q providers.ListQuery) (*providers.NumberPage, error) {
	base := url.Values{}
	if pre := strings.TrimSpace(filter.Prefix); pre != "" && pre != "+" {
		base.Set("starts_with", startsWith(pre))
	}
	if filter.Contains != "" {
		// Flowroute stores numbers as digits (12065551234): a "+" or other
		// punctuation would match nothing.
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, filter.Contains)
		if digits != "" {
			base.Set("contains", digits)
		}
	}
	offset, err := providers.ParseOffsetCursor(Name, q.Cursor)
	if err != nil {
		return nil, err
	}
	numbers, more, err := pageThrough(ctx, p, "/v2/numbers", base, offset, q.Limit, false, func(r *response) ([]*providers.Number, bool, error) {
		var env struct {
			Data     []numberData   `json:"data"`
			Included []includedData `json:"included"`
			Links    struct {
				Next string `json:"next"`
			} `json:"links"`
		}
		if err := decode(r, &env); err != nil {
			return nil, false, err
		}
		out := make([]*providers.Number, 0, len(env.Data))
		for i := range env.Data {
			num, err := toNumber(r.status, &env.Data[i], env.Included)
			if err != nil {
				return nil, false, err
			}
			out = append(out, num)
		}
		return out, env.Links.Next != "", nil
	})
	if err != nil {
		return nil, err
	}
	page := &providers.NumberPage{Numbers: numbers}
	if more {
		page.NextCursor = providers.OffsetCursor(offset + len(numbers))
	}
	return page, nil
}

// numberMask is the mask for an empty NumberUpdate.Mask.
func numberMask(n *providers.Number) []string {
	var m []string
	if n.Alias != "" {
		m = append(m, providers.FieldNumberAlias)
	}
	if n.CNAMLookupsEnabled {
		m = append(m, providers.FieldNumberCNAMLookupsEnabled)
	}
	if n.MessagingEnabled {
		m = append(m, providers.FieldNumberMessagingEnabled)
	}
	if n.ConnectionID != "" {
		m = append(m, providers.FieldNumberConnectionID)
	}
	if n.FailoverRouteID != "" {
		m = append(m, providers.FieldNumberFailoverRouteID)
	}
	return m
}

// UpdateNumber implements providers.Provider. Alias, CNAM lookups and
// messaging go in one flat PATCH; routes through the relationship
// endpoints (PATCH to set, DELETE to clear). A 207 answer is a success with
// a FieldFailure on messaging_enabled.
func (p *Provider) UpdateNumber(ctx context.Context, upd providers.NumberUpdate) (*providers.NumberUpdateResult, error) {
	if err := providers.E164Shape.Check(Name, "phone number", upd.Number.PhoneNumber); err != nil {
		return nil, err
	}
	n := &upd.Number
	mask := upd.Mask
	if len(mask) == 0 {
		mask = numberMask(n)
	}
	flat := map[string]any{}
	routes := map[string]string{}
	var bad []providers.FieldViolation
	for i, f := range mask {
		switch f {
		case providers.FieldNumberAlias:
			flat["alias"] = n.Alias
		case providers.FieldNumberCNAMLookupsEnabled:
			flat["cnam_lookups_enabled"] = n.CNAMLookupsEnabled
		case providers.FieldNumberMessagingEnabled:
			flat["messaging_enabled"] = n.MessagingEnabled
			if n.MessagingEnabled && upd.MessagingCallbackURL != "" {
				flat["messaging_callback_url"] = upd.MessagingCallbackURL
			}
		case providers.FieldNumberConnectionID:
			routes["primary_route"] = n.ConnectionID
		case providers.FieldNumberFailoverRouteID:
			routes["failover_route"] = n.FailoverRouteID
		default:
			bad = append(bad, providers.FieldViolation{Field: fmt.Sprintf("update_mask.paths[%d]", i),
				Description: fmt.Sprintf("flowroute cannot update %q", f)})
		}
	}
	if len(bad) > 0 {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Reason: "PROVIDER_VALIDATION_FAILED",
			Message: "update mask names fields flowroute cannot store", Violations: bad}
	}
	if len(flat) == 0 && len(routes) == 0 {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Message: "nothing to update",
			Violations: []providers.FieldViolation{{Field: "update_mask", Description: "no field to update"}}}
	}
	res := &providers.NumberUpdateResult{}
	if len(flat) > 0 {
		flat["type"] = "number"
		r, err := p.call(ctx, http.MethodPatch, numberPath(n.PhoneNumber), nil, flat, resNumber)
		if err != nil {
			return nil, err
		}
		num, err := decodeNumber(r)
		if err != nil {
			return nil, err
		}
		res.Number = num
		if r.status == http.StatusMultiStatus {
			res.Failures = append(res.Failures, multiStatusFailure(r.body))
		}
	}
	for _, rel := range []string{"primary_route", "failover_route"} {
		id, ok := routes[rel]
		if !ok {
			continue
		}
		path := numberPath(n.PhoneNumber) + "/relationships/" + rel
		var err error
		if id == "" {
			_, err = p.call(ctx, http.MethodDelete, path, nil, nil, resNumber)
		} else {
			_, err = p.call(ctx, http.MethodPatch, path, nil, map[string]any{"data": map[string]any{"type": "route", "id": id}}, resNumber)
		}
		if err != nil {
			return nil, err
		}
	}
	if len(routes) > 0 || res.Number == nil {
		num, err := p.GetNumber(ctx, n.PhoneNumber)
		if err != nil {
			return nil, err
		}
		res.Number = num
	}
	return res, nil
}

// multiStatusFailure explains a 207: Flowroute updated the number but the
// Message Provision API failed, so messaging is not enabled.
func multiStatusFailure(body []byte) providers.FieldFailure {
	ff := providers.FieldFailure{Field: providers.FieldNumberMessagingEnabled, Reason: "MESSAGING_PROVISIONING_FAILED",
		Message: "flowroute updated the number but could not enable messaging (207 Multi-Status); retry later"}
	var env struct {
		Errors []wireError `json:"errors"`
	}
	if json.Unmarshal(body, &env) == nil && len(env.Errors) > 0 {
		if d, _ := parseDetail(env.Errors[0].Detail); d != "" {
			ff.Message = d
		}
	}
	return ff
}
