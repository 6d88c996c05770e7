package telnyx

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/portgate/portgate/providers"
	"github.com/portgate/portgate/providers/httpx"
)

var (
	_ providers.PortOutManager = (*Provider)(nil)
	_ providers.LOARenderer    = (*Provider)(nil)
)

// PortOutID is the shape of Telnyx port-out ids (UUIDs: PATCH
// /portouts/{id}/{status} documents format uuid).
var PortOutID = providers.UUIDShape

func portOutCtx(op string) errCtx {
	return errCtx{op: op, resource: "port_out", pointers: func(ptr string) string {
		switch ptr {
		case "/reason":
			return "reason"
		case "/host_messaging":
			return "host_messaging"
		}
		return ""
	}}
}

func portOutPath(id string) string { return "/portouts/" + url.PathEscape(id) }

// portOutStates maps PortoutDetails.status (pending, authorized, ported,
// rejected, rejected-pending, canceled).
var portOutStates = map[string]providers.PortOutState{
	"pending":          providers.PortOutPending,
	"authorized":       providers.PortOutAuthorized,
	"rejected-pending": providers.PortOutRejectedPending,
	"rejected":         providers.PortOutRejected,
	"ported":           providers.PortOutCompleted,
	"canceled":         providers.PortOutCancelled,
	"cancelled":        providers.PortOutCancelled,
}

var portOutWire = map[providers.PortOutState]string{}

func init() {
	for k, v := range portOutStates {
		if k != "cancelled" {
			portOutWire[v] = k
		}
	}
}

// wirePortOut is PortoutDetails, decoded leniently: every field may be
// null, rejection_code may come as a number or a string.
type wirePortOut struct {
	ID               string          `json:"id"`
	Status           string          `json:"status"`
	PhoneNumbers     []string        `json:"phone_numbers"`
	CarrierName      *string         `json:"carrier_name"`
	SPID             *string         `json:"spid"`
	EndUserName      *string         `json:"end_user_name"`
	AuthorizedName   *string         `json:"authorized_name"`
	ServiceAddress   *string         `json:"service_address"`
	City             *string         `json:"city"`
	State            *string         `json:"state"`
	Zip              *string         `json:"zip"`
	PON              *string         `json:"pon"`
	Reason           *string         `json:"reason"`
	RejectionCode    json.RawMessage `json:"rejection_code"`
	SupportKey       *string         `json:"support_key"`
	HostMessaging    *bool           `json:"host_messaging"`
	FOCDate          *string         `json:"foc_date"`
	RequestedFOCDate *string         `json:"requested_foc_date"`
	CreatedAt        *string         `json:"created_at"`
	InsertedAt       *string         `json:"inserted_at"`
	UpdatedAt        *string         `json:"updated_at"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (w *wirePortOut) neutral() *providers.PortOut {
	po := &providers.PortOut{ID: w.ID, State: portOutStates[w.Status], ProviderStatus: w.Status,
		PhoneNumbers: slices.Clone(w.PhoneNumbers), WinningCarrier: deref(w.CarrierName), WinningCarrierSPID: deref(w.SPID),
		EndUserName: deref(w.EndUserName), AuthorizedName: deref(w.AuthorizedName), PON: deref(w.PON),
		RejectionReason: deref(w.Reason), SupportKey: deref(w.SupportKey),
		RequestedFOCTime: parseTime(w.RequestedFOCDate), FOCTime: parseTime(w.FOCDate),
		CreateTime: parseTime(w.CreatedAt), UpdateTime: parseTime(w.UpdatedAt)}
	if po.CreateTime.IsZero() {
		po.CreateTime = parseTime(w.InsertedAt)
	}
	if w.HostMessaging != nil {
		po.HostMessaging = *w.HostMessaging
	}
	var parts []string
	for _, s := range []*string{w.ServiceAddress, w.City, w.State, w.Zip} {
		if v := strings.TrimSpace(deref(s)); v != "" {
			parts = append(parts, v)
		}
	}
	po.ServiceAddress = strings.Join(parts, ", ")
	if t := strings.Trim(strings.TrimSpace(string(w.RejectionCode)), `"`); t != "" && t != "null" {
		if n, err := strconv.Atoi(t); err == nil {
			po.RejectionCode = n
		}
	}
	return po
}

func decodePortOut(raw json.RawMessage) (*providers.PortOut, error) {
	var w wirePortOut
	if err := json.Unmarshal(raw, &w); err != nil || w.ID == "" {
		return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, Message: "undecodable portout", Err: err}
	}
	return w.neutral(), nil
}

// ListPortOuts implements providers.PortOutManager with GET /portouts:
// filter[status] (one state) or filter[status_in] (several) and
// filter[phone_number] are pushed down; the gateway filters again.
func (p *Provider) ListPortOuts(ctx context.Context, f providers.PortOutFilter, lq providers.ListQuery) (*providers.PortOutPage, error) {
	q := url.Values{}
	var wire []string
	for _, s := range f.States {
		if w, ok := portOutWire[s]; ok {
			wire = append(wire, w)
		}
	}
	switch {
	case len(wire) == 1:
		q.Set("filter[status]", wire[0])
	case len(wire) > 1:
		q.Set("filter[status_in]", strings.Join(wire, ","))
	}
	if f.PhoneNumber != "" {
		q.Set("filter[phone_number]", f.PhoneNumber)
	}
	raws, next, err := p.window(ctx, "/portouts", q, lq, portOutCtx("list port-outs"))
	if err != nil {
		return nil, err
	}
	page := &providers.PortOutPage{PortOuts: make([]*providers.PortOut, 0, len(raws)), NextCursor: next}
	for _, raw := range raws {
		po, err := decodePortOut(raw)
		if err != nil {
			return nil, err
		}
		page.PortOuts = append(page.PortOuts, po)
	}
	return page, nil
}

// GetPortOut implements providers.PortOutManager: GET /portouts/{id}.
func (p *Provider) GetPortOut(ctx context.Context, id string) (*providers.PortOut, error) {
	if err := PortOutID.Check(Name, "port-out", id); err != nil {
		return nil, err
	}
	var out struct {
		Data json.RawMessage `json:"data"`
	}
	if err := p.call(ctx, http.MethodGet, portOutPath(id), nil, nil, &out, portOutCtx("get port-out")); err != nil {
		return nil, err
	}
	return decodePortOut(out.Data)
}

// DecidePortOut implements providers.PortOutManager:
// PATCH /portouts/{id}/authorized or /rejected-pending with the documented
// body {reason (required), host_messaging}. The port-out is read first: one
// that is no longer pending is refused (INVALID_STATE_TRANSITION) without a
// write. A rejection code is checked against
// GET /portouts/rejections/{id} (the codes eligible for this port-out);
// the documented PATCH body has no code field, so it is not sent
// (docs/mapping/telnyx.md).
func (p *Provider) DecidePortOut(ctx context.Context, d providers.PortOutDecision) (*providers.PortOut, error) {
	cur, err := p.GetPortOut(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	action := "authorize"
	if !d.Authorize {
		action = "reject"
	}
	if !cur.State.Decidable() {
		return nil, &providers.Error{Code: providers.CodeFailedPrecondition, Provider: Name, Reason: "INVALID_STATE_TRANSITION",
			Message: fmt.Sprintf("cannot %s a port-out in state %s (telnyx status %q)", action, cur.State, cur.ProviderStatus)}
	}
	status := "authorized"
	if !d.Authorize {
		status = "rejected-pending"
		if d.RejectionCode != 0 {
			if err := p.checkRejectionCode(ctx, d.ID, d.RejectionCode); err != nil {
				return nil, err
			}
		}
	}
	body := map[string]any{"reason": d.Reason}
	if d.HostMessaging {
		body["host_messaging"] = true
	}
	var out struct {
		Data json.RawMessage `json:"data"`
	}
	if err := p.call(ctx, http.MethodPatch, portOutPath(d.ID)+"/"+status, nil, body, &out, portOutCtx(action+" port-out")); err != nil {
		return nil, err
	}
	po, err := decodePortOut(out.Data)
	if err != nil {
		// Accepted: never reported as failed. Read it back, or answer with
		// what was sent.
		if po, err = p.GetPortOut(ctx, d.ID); err != nil {
			po = cur
			po.State, po.ProviderStatus = portOutStates[status], status
		}
	}
	return po, nil
}

// checkRejectionCode refuses a code GET /portouts/rejections/{id} does not
// list as eligible for this port-out.
func (p *Provider) checkRejectionCode(ctx context.Context, id string, code int) error {
	var out struct {
		Data []struct {
			Code        json.RawMessage `json:"code"`
			Description string          `json:"description"`
		} `json:"data"`
	}
	if err := p.call(ctx, http.MethodGet, "/portouts/rejections/"+url.PathEscape(id), nil, nil, &out,
		portOutCtx("list port-out rejection codes")); err != nil {
		return err
	}
	var eligible []string
	for _, r := range out.Data {
		c := strings.Trim(string(r.Code), `"`)
		if c == strconv.Itoa(code) {
			return nil
		}
		eligible = append(eligible, fmt.Sprintf("%s (%s)", c, r.Description))
	}
	desc := fmt.Sprintf("%d is not a rejection code telnyx accepts for this port-out; eligible: %s", code, strings.Join(eligible, ", "))
	if len(eligible) == 0 {
		desc = fmt.Sprintf("%d is not a rejection code telnyx accepts for this port-out; telnyx lists none", code)
	}
	return &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Reason: "PORT_OUT_REJECTION_CODE_INVALID",
		Message:    "rejection_code: " + desc,
		Violations: []providers.FieldViolation{{Field: "rejection_code", Description: desc}}}
}

// GetPortOrderLOA implements providers.LOARenderer:
// GET /porting_orders/{id}/loa_template (application/pdf), with
// loa_configuration_id when given.
func (p *Provider) GetPortOrderLOA(ctx context.Context, orderID, configurationID string) (*providers.LOA, error) {
	if err := OrderID.Check(Name, "port order", orderID); err != nil {
		return nil, err
	}
	if configurationID != "" && !providers.UUIDShape.Valid(configurationID) {
		return nil, invalid("get LOA", []providers.FieldViolation{{Field: "loa_configuration_id", Description: "must be a UUID"}})
	}
	target := p.base + orderPath(orderID) + "/loa_template"
	if configurationID != "" {
		target += "?" + url.Values{"loa_configuration_id": {configurationID}}.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, &providers.Error{Code: providers.CodeUnknown, Provider: Name, Message: "build request", Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+p.apiKey)
	req.Header.Set("Accept", "application/pdf")
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, transportError(ctx, err)
	}
	defer resp.Body.Close()
	data, err := httpx.ReadBody(ctx, Name, resp)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, httpx.RequestRedactor(req, p.apiKey).Error(mapError(resp.StatusCode, resp.Header, data, orderCtx("get LOA template")))
	}
	ct := resp.Header.Get("Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = strings.TrimSpace(ct[:i])
	}
	if ct == "" {
		ct = "application/pdf"
	}
	return &providers.LOA{ContentType: ct, Content: data, Filename: "loa-" + orderID + ".pdf"}, nil
}

// listPortOutEvents reads GET /portouts/events (records
// {id, event_type, portout_id, payload, …}) for the reconciliation sweep;
// portout_id is returned in PortingEvent.PortingOrderID. An account
// without the port-out API (403/404) has none: no error.
func (p *Provider) listPortOutEvents(ctx context.Context, q PortingEventsQuery) ([]PortingEvent, error) {
	if q.PortingOrderID != "" || (q.Type != "" && !strings.HasPrefix(q.Type, "portout.")) {
		return nil, nil
	}
	v := url.Values{}
	if q.Type != "" {
		v.Set("filter[event_type]", q.Type)
	}
	if !q.CreatedAfter.IsZero() {
		v.Set("filter[created_at][gte]", q.CreatedAfter.UTC().Format(time.RFC3339))
	}
	if !q.CreatedBefore.IsZero() {
		v.Set("filter[created_at][lte]", q.CreatedBefore.UTC().Format(time.RFC3339))
	}
	raw, err := p.all(ctx, "/portouts/events", v, errCtx{op: "list port-out events"})
	if err != nil {
		if c := providers.ErrorCode(err); c == providers.CodeNotFound || c == providers.CodeFailedPrecondition {
			return nil, nil
		}
		return nil, err
	}
	out := make([]PortingEvent, 0, len(raw))
	for _, r := range raw {
		var e struct {
			PortingEvent
			PortoutID string `json:"portout_id"`
		}
		if json.Unmarshal(r, &e) == nil && e.ID != "" {
			e.PortingEvent.PortingOrderID = e.PortoutID
			out = append(out, e.PortingEvent)
		}
	}
	return out, nil
}

// mergeNewestFirst merges two newest-first event lists by created_at.
func mergeNewestFirst(a, b []PortingEvent) []PortingEvent {
	if len(b) == 0 {
		return a
	}
	out := append(append(make([]PortingEvent, 0, len(a)+len(b)), a...), b...)
	sort.SliceStable(out, func(i, j int) bool {
		ti, tj := parseTime(&out[i].CreatedAt), parseTime(&out[j].CreatedAt)
		return ti.After(tj)
	})
	return out
}
