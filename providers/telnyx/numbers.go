package telnyx

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/portgate/portgate/providers"
)

func numberCtx(op string) errCtx { return errCtx{op: op, resource: "number"} }

func numberPath(id string) string { return "/phone_numbers/" + url.PathEscape(id) }

func notOnAccount(e164 string) *providers.Error {
	// The lookup list answered 200 with no match: NOT_FOUND, reporting the
	// status Telnyx really sent and no error code (it sent none).
	return &providers.Error{Code: providers.CodeNotFound, Provider: Name, Reason: "NUMBER_NOT_FOUND",
		HTTPStatus: http.StatusOK,
		Message:    "number " + e164 + " is not on the telnyx account (GET /phone_numbers?filter[phone_number] found no match)"}
}

// lookup finds e164 on the account by filter[phone_number] and caches its id.
func (p *Provider) lookup(ctx context.Context, e164 string) (*wireNumber, error) {
	digits := strings.TrimPrefix(e164, "+")
	q := url.Values{"filter[phone_number]": {digits}, "page[size]": {"250"}}
	var env listEnvelope
	if err := p.call(ctx, http.MethodGet, "/phone_numbers", q, nil, &env, numberCtx("find number")); err != nil {
		return nil, err
	}
	for _, raw := range env.Data {
		var w wireNumber
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, Message: "undecodable phone number", Err: err}
		}
		if number(w.PhoneNumber) == e164 && w.ID != "" {
			if !providers.SafeSegment(w.ID) {
				return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name,
					Message: "phone number record has an id that cannot be used in a URL"}
			}
			p.ids.Store(e164, w.ID)
			return &w, nil
		}
	}
	return nil, notOnAccount(e164)
}

// resolve returns the numeric id of e164 (cached after the first lookup).
func (p *Provider) resolve(ctx context.Context, e164 string) (string, *wireNumber, error) {
	if id, ok := p.ids.Load(e164); ok {
		return id.(string), nil, nil
	}
	w, err := p.lookup(ctx, e164)
	if err != nil {
		return "", nil, err
	}
	return w.ID, w, nil
}

func (p *Provider) getByID(ctx context.Context, id string) (*wireNumber, error) {
	var out struct {
		Data wireNumber `json:"data"`
	}
	if err := p.call(ctx, http.MethodGet, numberPath(id), nil, nil, &out, numberCtx("get number")); err != nil {
		return nil, err
	}
	return &out.Data, nil
}

// fetch returns the current record of e164; a stale cached id is re-resolved once.
func (p *Provider) fetch(ctx context.Context, e164 string) (*wireNumber, error) {
	id, w, err := p.resolve(ctx, e164)
	if err != nil || w != nil {
		return w, err
	}
	w, err = p.getByID(ctx, id)
	if providers.ErrorCode(err) == providers.CodeNotFound {
		p.ids.Delete(e164)
		return p.lookup(ctx, e164)
	}
	if err == nil && number(w.PhoneNumber) != e164 {
		p.ids.Delete(e164)
		return p.lookup(ctx, e164)
	}
	return w, err
}

// GetNumber implements providers.Provider: the phone number record, then
// its voice settings for the caller ID name (cnam.go).
func (p *Provider) GetNumber(ctx context.Context, e164 string) (*providers.Number, error) {
	n, err := p.getNumber(ctx, e164)
	if err != nil {
		return nil, err
	}
	return n, p.readCNAMListing(ctx, e164, n)
}

// getNumber is the phone number record alone (no voice settings): the
// read-back of the adapter's own writes.
func (p *Provider) getNumber(ctx context.Context, e164 string) (*providers.Number, error) {
	if err := providers.E164Shape.Check(Name, "phone number", e164); err != nil {
		return nil, err
	}
	w, err := p.fetch(ctx, e164)
	if err != nil {
		if pe, ok := err.(*providers.Error); ok && pe.Code == providers.CodeNotFound {
			return nil, notOnAccount(e164)
		}
		return nil, err
	}
	return toNumber(w)
}

// ListNumbers implements providers.Provider: oldest first (sort=purchased_at);
// Prefix/Contains push down as filter[phone_number] (≥ 3 digits).
func (p *Provider) ListNumbers(ctx context.Context, f providers.NumberFilter, lq providers.ListQuery) (*providers.NumberPage, error) {
	q := url.Values{"sort": {"purchased_at"}}
	// filter[phone_number] matches digits only ("Non-numerical characters
	// will result in no values being returned"): send a digit run.
	pd, cd := longestDigits(f.Prefix), longestDigits(f.Contains)
	filter := pd
	if len(cd) > len(filter) {
		filter = cd
	}
	if len(filter) >= 3 {
		q.Set("filter[phone_number]", filter)
	}
	raws, next, err := p.window(ctx, "/phone_numbers", q, lq, numberCtx("list numbers"))
	if err != nil {
		return nil, err
	}
	page := &providers.NumberPage{Numbers: make([]*providers.Number, 0, len(raws)), NextCursor: next}
	for _, raw := range raws {
		var w wireNumber
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, Message: "undecodable phone number", Err: err}
		}
		n, err := toNumber(&w)
		if err != nil {
			return nil, err
		}
		if w.ID != "" {
			p.ids.Store(n.PhoneNumber, w.ID)
		}
		page.Numbers = append(page.Numbers, n)
	}
	return page, nil
}

// UpdateNumber implements providers.Provider: alias (customer_reference),
// tags and connection_id via PATCH /phone_numbers/{id}; messaging via PATCH
// /phone_numbers/{id}/messaging. When the messaging half is refused after
// the first half applied, the result carries a FieldFailure.
func (p *Provider) UpdateNumber(ctx context.Context, upd providers.NumberUpdate) (*providers.NumberUpdateResult, error) {
	if err := providers.E164Shape.Check(Name, "phone number", upd.Number.PhoneNumber); err != nil {
		return nil, err
	}
	n := upd.Number
	mask := upd.Mask
	if len(mask) == 0 {
		if n.Alias != "" {
			mask = append(mask, providers.FieldNumberAlias)
		}
		if n.Tags != nil {
			mask = append(mask, providers.FieldNumberTags)
		}
		if n.ConnectionID != "" {
			mask = append(mask, providers.FieldNumberConnectionID)
		}
		if n.PortOutPIN != "" {
			mask = append(mask, providers.FieldNumberPortOutPIN)
		}
		if n.MessagingProfileID != "" {
			mask = append(mask, providers.FieldNumberMessagingProfileID)
		}
		if n.MessagingEnabled && n.MessagingProfileID == "" {
			mask = append(mask, providers.FieldNumberMessagingEnabled)
		}
	}
	main := map[string]any{}
	msg := map[string]any{}
	var viol []providers.FieldViolation
	nilIfEmpty := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	for _, m := range mask {
		switch m {
		case providers.FieldNumberAlias:
			main["customer_reference"] = nilIfEmpty(n.Alias)
		case providers.FieldNumberTags:
			tags := n.Tags
			if tags == nil {
				tags = []string{}
			}
			main["tags"] = tags
		case providers.FieldNumberConnectionID:
			main["connection_id"] = nilIfEmpty(n.ConnectionID)
		case providers.FieldNumberPortOutPIN:
			main["external_pin"] = nilIfEmpty(n.PortOutPIN) // "" removes the PIN
		case providers.FieldNumberMessagingProfileID:
			msg["messaging_profile_id"] = n.MessagingProfileID // "" unassigns
		case providers.FieldNumberMessagingEnabled:
			switch {
			case !n.MessagingEnabled:
				msg["messaging_profile_id"] = ""
			case n.MessagingProfileID != "":
				msg["messaging_profile_id"] = n.MessagingProfileID
			default:
				viol = append(viol, providers.FieldViolation{Field: "number.messaging_profile_id",
					Description: "telnyx enables messaging by assigning a messaging profile; set messaging_profile_id"})
			}
		default:
			viol = append(viol, providers.FieldViolation{Field: "number." + m,
				Description: "telnyx cannot update " + m + " on a number"})
		}
	}
	if len(viol) > 0 {
		return nil, invalid("update number", viol)
	}
	id, _, err := p.resolve(ctx, n.PhoneNumber)
	if err != nil {
		return nil, err
	}
	res := &providers.NumberUpdateResult{}
	var last *wireNumber
	if len(main) > 0 {
		var out struct {
			Data wireNumber `json:"data"`
		}
		if err := p.call(ctx, http.MethodPatch, numberPath(id), nil, main, &out, numberCtx("update number")); err != nil {
			if providers.ErrorCode(err) == providers.CodeNotFound {
				p.ids.Delete(n.PhoneNumber)
			}
			return nil, err
		}
		last = &out.Data
	}
	if len(msg) > 0 {
		err := p.call(ctx, http.MethodPatch, numberPath(id)+"/messaging", nil, msg, nil, numberCtx("update number messaging"))
		switch {
		case err == nil:
			last = nil // re-read below
		case providers.ErrorCode(err) == providers.CodeInvalidArgument:
			// Like Flowroute's 207: the number is fine, messaging is not.
			last = nil
			field := providers.FieldNumberMessagingProfileID
			if _, ok := mask2set(mask)[providers.FieldNumberMessagingEnabled]; ok {
				field = providers.FieldNumberMessagingEnabled
			}
			res.Failures = append(res.Failures, providers.FieldFailure{Field: field,
				Reason: "MESSAGING_PROVISIONING_FAILED", Message: err.Error()})
		default:
			return nil, err
		}
	}
	if last == nil {
		if last, err = p.getByID(ctx, id); err != nil {
			return nil, err
		}
	}
	if res.Number, err = toNumber(last); err != nil {
		return nil, err
	}
	return res, nil
}

func mask2set(mask []string) map[string]struct{} {
	m := make(map[string]struct{}, len(mask))
	for _, f := range mask {
		m[f] = struct{}{}
	}
	return m
}
