package telnyx

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/portgate/portgate/internal/e164"
	"github.com/portgate/portgate/providers"
)

func orderCtx(op string) errCtx { return errCtx{op: op, resource: "port_order"} }

func orderPath(id string) string { return "/porting_orders/" + url.PathEscape(id) }

// CheckPortability implements providers.Provider: one POST /portability_checks.
func (p *Provider) CheckPortability(ctx context.Context, numbers []string) ([]providers.PortabilityResult, error) {
	if len(numbers) == 0 {
		return []providers.PortabilityResult{}, nil
	}
	if len(numbers) > PortabilityBatchLimit {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name,
			Message: fmt.Sprintf("at most %d numbers per portability check", PortabilityBatchLimit),
			Violations: []providers.FieldViolation{{Field: "phone_numbers",
				Description: fmt.Sprintf("telnyx checks at most %d numbers per call", PortabilityBatchLimit)}}}
	}
	var out struct {
		Data []struct {
			PhoneNumber       string  `json:"phone_number"`
			Portable          bool    `json:"portable"`
			FastPortable      bool    `json:"fast_portable"`
			NotPortableReason *string `json:"not_portable_reason"`
			CarrierName       *string `json:"carrier_name"`
			PhoneNumberType   *string `json:"phone_number_type"`
		} `json:"data"`
	}
	ec := errCtx{op: "portability check", pointers: func(ptr string) string { return pointerToPath(ptr) }}
	if err := p.call(ctx, http.MethodPost, "/portability_checks", nil,
		map[string]any{"phone_numbers": numbers}, &out, ec); err != nil {
		return nil, err
	}
	res := make([]providers.PortabilityResult, 0, len(out.Data))
	for _, d := range out.Data {
		n, err := e164.FromProvider(d.PhoneNumber)
		if err != nil {
			return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name,
				Message: "portability result holds an invalid number", Err: err}
		}
		r := providers.PortabilityResult{PhoneNumber: n, Portable: d.Portable, FastPortable: d.FastPortable,
			Carrier: s(d.CarrierName), NumberType: s(d.PhoneNumberType)}
		if !d.Portable {
			r.Reason = s(d.NotPortableReason)
			if r.Reason == "" {
				r.Reason = "not portable"
			}
		}
		res = append(res, r)
	}
	return res, nil
}

// CreatePortOrder implements providers.Provider. Telnyx may split the
// numbers into several orders (data is always an array); the order holding
// the first requested number is primary. Telnyx porting has no idempotency
// key, so when CustomerReference is set an existing non-cancelled order set
// with that reference and the same numbers is returned instead.
func (p *Provider) CreatePortOrder(ctx context.Context, req providers.CreatePortOrderRequest) (*providers.CreatePortOrderResult, error) {
	o := req.Order
	if len(o.PhoneNumbers) == 0 {
		return nil, &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name, Message: "no phone numbers",
			Violations: []providers.FieldViolation{{Field: "port_order.phone_numbers", Description: "at least one number is required"}}}
	}
	patch, viol := orderPatch(o, nil)
	delete(patch, "customer_reference") // sent with the create call
	if len(viol) > 0 {
		return nil, invalid("create port order", viol)
	}
	if o.CustomerReference != "" {
		if res, err := p.findExisting(ctx, o); err != nil || res != nil {
			return res, err
		}
	}
	body := map[string]any{"phone_numbers": o.PhoneNumbers}
	if o.CustomerReference != "" {
		body["customer_reference"] = o.CustomerReference
	}
	var out struct {
		Data []wireOrder `json:"data"`
	}
	if err := p.call(ctx, http.MethodPost, "/porting_orders", nil, body, &out, orderCtx("create port order")); err != nil {
		return nil, err
	}
	if len(out.Data) == 0 {
		return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, HTTPStatus: http.StatusCreated,
			Message: "create returned no porting orders"}
	}
	wires := out.Data
	if len(patch) > 0 {
		for i := range wires {
			var upd struct {
				Data wireOrder `json:"data"`
			}
			ec := orderCtx("configure new port order")
			if err := p.call(ctx, http.MethodPatch, orderPath(wires[i].ID), nil, patch, &upd, ec); err != nil {
				// Leave no half-configured drafts behind (a retry would dedupe onto them).
				for _, w := range wires {
					_ = p.call(context.WithoutCancel(ctx), http.MethodDelete, orderPath(w.ID), nil, nil, nil, ec)
				}
				return nil, err
			}
			wires[i] = upd.Data
		}
	}
	orders := make([]*providers.PortOrder, 0, len(wires))
	for i := range wires {
		po, err := toOrder(&wires[i])
		if err != nil {
			return nil, err
		}
		orders = append(orders, po)
	}
	return splitResult(orders, o.PhoneNumbers[0]), nil
}

// splitResult picks the order holding first as primary and links all orders.
func splitResult(orders []*providers.PortOrder, first string) *providers.CreatePortOrderResult {
	primary := 0
	for i, po := range orders {
		if slices.Contains(po.PhoneNumbers, first) {
			primary = i
			break
		}
	}
	for _, po := range orders {
		po.RelatedOrders = nil
		for _, other := range orders {
			if other != po {
				po.RelatedOrders = append(po.RelatedOrders, other.ID)
			}
		}
	}
	res := &providers.CreatePortOrderResult{Order: orders[primary]}
	for i, po := range orders {
		if i != primary {
			res.Related = append(res.Related, po)
		}
	}
	return res
}

// findExisting returns the orders a previous create with the same
// customer_reference and the same number set produced, or nil.
func (p *Provider) findExisting(ctx context.Context, o providers.PortOrder) (*providers.CreatePortOrderResult, error) {
	q := url.Values{"filter[customer_reference]": {o.CustomerReference}, "sort[]": {"created_at"}}
	raws, err := p.all(ctx, "/porting_orders", q, orderCtx("find port orders by customer reference"))
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, n := range o.PhoneNumbers {
		want[n] = true
	}
	var found []*providers.PortOrder
	have := map[string]bool{}
	for _, raw := range raws {
		po, err := decodeOrder(raw)
		if err != nil {
			return nil, err
		}
		if po.State == providers.StateCancelled || po.State == providers.StateCancelPending {
			continue
		}
		found = append(found, po)
		for _, n := range po.PhoneNumbers {
			have[n] = true
		}
	}
	if len(found) == 0 || len(have) != len(want) {
		return nil, nil
	}
	for n := range want {
		if !have[n] {
			return nil, nil
		}
	}
	return splitResult(found, o.PhoneNumbers[0]), nil
}

func decodeOrder(raw json.RawMessage) (*providers.PortOrder, error) {
	var w wireOrder
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, Message: "undecodable porting order", Err: err}
	}
	return toOrder(&w)
}

// orderEnvelope is a single-order answer {data, meta}.
type orderEnvelope struct {
	Data wireOrder `json:"data"`
}

func (p *Provider) orderCall(ctx context.Context, method, path string, body any, ec errCtx) (*providers.PortOrder, error) {
	var out orderEnvelope
	if err := p.call(ctx, method, path, nil, body, &out, ec); err != nil {
		return nil, err
	}
	return toOrder(&out.Data)
}

// GetPortOrder implements providers.Provider: the order with its
// requirements and allowed FOC windows (withDetails).
func (p *Provider) GetPortOrder(ctx context.Context, id string) (*providers.PortOrder, error) {
	if err := OrderID.Check(Name, "port order", id); err != nil {
		return nil, err
	}
	po, err := p.getOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	return p.withDetails(ctx, po)
}

// getOrder reads one order without the optional details (what the state
// checks before a write need). Orders over 50 numbers get the rest from
// GET /porting_phone_numbers.
func (p *Provider) getOrder(ctx context.Context, id string) (*providers.PortOrder, error) {
	var out orderEnvelope
	if err := p.call(ctx, http.MethodGet, orderPath(id), nil, nil, &out, orderCtx("get port order")); err != nil {
		return nil, err
	}
	po, err := toOrder(&out.Data)
	if err != nil {
		return nil, err
	}
	if out.Data.PortingPhoneNumbersCount > len(po.PhoneNumbers) {
		raws, err := p.all(ctx, "/porting_phone_numbers", url.Values{"filter[porting_order_id]": {id}},
			orderCtx("list porting phone numbers"))
		if err != nil {
			return nil, err
		}
		po.PhoneNumbers = po.PhoneNumbers[:0]
		for _, raw := range raws {
			var pn struct {
				PhoneNumber string `json:"phone_number"`
			}
			if err := json.Unmarshal(raw, &pn); err != nil {
				return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, Message: "undecodable porting phone number", Err: err}
			}
			po.PhoneNumbers = append(po.PhoneNumbers, number(pn.PhoneNumber))
		}
	}
	return po, nil
}

// ListPortOrders implements providers.Provider: oldest first (sort[]=created_at),
// pushing down one state, the customer reference and a phone number.
func (p *Provider) ListPortOrders(ctx context.Context, f providers.PortOrderFilter, lq providers.ListQuery) (*providers.PortOrderPage, error) {
	q := url.Values{"sort[]": {"created_at"}}
	if len(f.States) == 1 {
		st, ok := StatusOf(f.States[0])
		if !ok {
			return &providers.PortOrderPage{Orders: []*providers.PortOrder{}}, nil
		}
		q.Set("filter[status]", st)
	}
	if f.CustomerReference != "" {
		q.Set("filter[customer_reference]", f.CustomerReference)
	}
	if f.PhoneNumber != "" {
		q.Set("filter[phone_numbers.phone_number][contains]", strings.TrimPrefix(f.PhoneNumber, "+"))
	}
	raws, more, err := p.window(ctx, "/porting_orders", q, lq, orderCtx("list port orders"))
	if err != nil {
		return nil, err
	}
	page := &providers.PortOrderPage{Orders: make([]*providers.PortOrder, 0, len(raws)), More: more}
	for _, raw := range raws {
		po, err := decodeOrder(raw)
		if err != nil {
			return nil, err
		}
		page.Orders = append(page.Orders, po)
	}
	return page, nil
}

// UpdatePortOrder implements providers.Provider: PATCH (merge; "" clears),
// only in draft or exception.
func (p *Provider) UpdatePortOrder(ctx context.Context, upd providers.PortOrderUpdate) (*providers.PortOrder, error) {
	if err := OrderID.Check(Name, "port order", upd.ID); err != nil {
		return nil, err
	}
	patch, viol := orderPatch(upd.Order, upd.Mask)
	if len(viol) > 0 {
		return nil, invalid("update port order", viol)
	}
	cur, err := p.getOrder(ctx, upd.ID)
	if err != nil {
		return nil, err
	}
	if !cur.State.Editable() {
		return nil, providers.InvalidTransition(Name, cur.State, "update")
	}
	if len(patch) == 0 {
		return cur, nil
	}
	ec := orderCtx("update port order")
	ec.stateful, ec.current = true, cur.State
	return p.orderCall(ctx, http.MethodPatch, orderPath(upd.ID), patch, ec)
}

// ModifyPortOrderNumbers implements providers.Provider. Telnyx v2 documents
// no way to change the numbers of an existing order; with
// Config.SandboxExtensions this calls the sandbox extension
// POST /porting_orders/{id}/actions/modify_phone_numbers, otherwise (and
// where the endpoint does not exist) it answers PROVIDER_CAPABILITY_MISSING.
func (p *Provider) ModifyPortOrderNumbers(ctx context.Context, id string, add, remove []string) (*providers.PortOrder, error) {
	if err := OrderID.Check(Name, "port order", id); err != nil {
		return nil, err
	}
	if !p.ext {
		return nil, providers.CapabilityMissing(Name, providers.OpModifyPortOrderNumbers)
	}
	cur, err := p.getOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	if cur.State != providers.StateDraft {
		return nil, providers.InvalidTransition(Name, cur.State, "change the numbers of")
	}
	if len(add) == 0 && len(remove) == 0 {
		return cur, nil
	}
	ec := errCtx{op: "modify port order numbers", resource: "port_order", stateful: true, current: cur.State,
		pointers: func(ptr string) string {
			switch {
			case strings.HasPrefix(ptr, "/add/"):
				return "add_phone_numbers[" + strings.TrimPrefix(ptr, "/add/") + "]"
			case strings.HasPrefix(ptr, "/remove/"):
				return "remove_phone_numbers[" + strings.TrimPrefix(ptr, "/remove/") + "]"
			case ptr == "/remove":
				return "remove_phone_numbers"
			}
			return ""
		}}
	body := map[string]any{"add": nonNil(add), "remove": nonNil(remove)}
	po, err := p.orderCall(ctx, http.MethodPost, orderPath(id)+"/actions/modify_phone_numbers", body, ec)
	if providers.ErrorCode(err) == providers.CodeNotFound {
		// The order exists (GET above); the endpoint does not.
		return nil, providers.CapabilityMissing(Name, providers.OpModifyPortOrderNumbers)
	}
	return po, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// SubmitPortOrder implements providers.Provider: actions/confirm. The
// signer's name is recorded as end_user.admin.auth_person_name when unset.
func (p *Provider) SubmitPortOrder(ctx context.Context, id string, sig providers.Signature) (*providers.PortOrder, error) {
	if err := OrderID.Check(Name, "port order", id); err != nil {
		return nil, err
	}
	cur, err := p.getOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	if cur.State != providers.StateDraft {
		return nil, providers.InvalidTransition(Name, cur.State, "submit")
	}
	ec := orderCtx("submit port order")
	ec.stateful, ec.current = true, cur.State
	if cur.EndUser.AuthorizedPerson == "" && sig.Name != "" {
		patch := map[string]any{"end_user": map[string]any{"admin": map[string]any{"auth_person_name": sig.Name}}}
		if err := p.call(ctx, http.MethodPatch, orderPath(id), nil, patch, nil, ec); err != nil {
			return nil, err
		}
	}
	return p.orderCall(ctx, http.MethodPost, orderPath(id)+"/actions/confirm", nil, ec)
}

// CancelPortOrder implements providers.Provider. A draft is deleted (Telnyx
// cancels only submitted orders) and reported CANCELLED; otherwise
// actions/cancel → CANCEL_PENDING. Refused within 48 h of the confirmed FOC.
func (p *Provider) CancelPortOrder(ctx context.Context, id string) (*providers.PortOrder, error) {
	if err := OrderID.Check(Name, "port order", id); err != nil {
		return nil, err
	}
	cur, err := p.getOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	ec := orderCtx("cancel port order")
	ec.stateful, ec.current = true, cur.State
	switch {
	case cur.State == providers.StateDraft:
		if err := p.call(ctx, http.MethodDelete, orderPath(id), nil, nil, nil, ec); err != nil {
			return nil, err
		}
		cur.State, cur.ProviderStatus = providers.StateCancelled, "deleted"
		cur.UpdateTime = p.now().UTC()
		return cur, nil
	case !cur.State.Cancellable():
		return nil, providers.InvalidTransition(Name, cur.State, "cancel")
	case !cur.ConfirmedFOCTime.IsZero() && cur.ConfirmedFOCTime.Sub(p.now()) < 48*time.Hour:
		e := providers.InvalidTransition(Name, cur.State, "cancel")
		e.Message = "telnyx refuses to cancel a port order within 48 hours of its FOC date"
		return nil, e
	}
	return p.orderCall(ctx, http.MethodPost, orderPath(id)+"/actions/cancel", nil, ec)
}

// ListComments implements providers.Provider (every page, oldest first).
func (p *Provider) ListComments(ctx context.Context, orderID string) ([]providers.Comment, error) {
	if err := OrderID.Check(Name, "port order", orderID); err != nil {
		return nil, err
	}
	raws, err := p.all(ctx, orderPath(orderID)+"/comments", nil, orderCtx("list comments"))
	if err != nil {
		return nil, err
	}
	out := make([]providers.Comment, 0, len(raws))
	for _, raw := range raws {
		c, err := decodeComment(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, nil
}

// CreateComment implements providers.Provider.
func (p *Provider) CreateComment(ctx context.Context, orderID, body string) (*providers.Comment, error) {
	if err := OrderID.Check(Name, "port order", orderID); err != nil {
		return nil, err
	}
	var out struct {
		Data json.RawMessage `json:"data"`
	}
	ec := orderCtx("create comment")
	ec.pointers = func(ptr string) string {
		if ptr == "/body" {
			return "comment.body"
		}
		return ""
	}
	if err := p.call(ctx, http.MethodPost, orderPath(orderID)+"/comments", nil, map[string]any{"body": body}, &out, ec); err != nil {
		return nil, err
	}
	return decodeComment(out.Data)
}

func decodeComment(raw json.RawMessage) (*providers.Comment, error) {
	var c struct {
		ID        string  `json:"id"`
		Body      string  `json:"body"`
		UserType  *string `json:"user_type"`
		UserID    *string `json:"user_id"`
		CreatedAt *string `json:"created_at"`
	}
	if err := json.Unmarshal(raw, &c); err != nil || c.ID == "" {
		return nil, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, Message: "undecodable comment", Err: err}
	}
	author := s(c.UserType)
	if author == "" {
		author = s(c.UserID)
	}
	return &providers.Comment{ID: c.ID, Body: c.Body, Author: author, CreateTime: parseTime(c.CreatedAt)}, nil
}

func invalid(op string, viol []providers.FieldViolation) *providers.Error {
	msgs := make([]string, 0, len(viol))
	for _, v := range viol {
		msgs = append(msgs, v.Field+": "+v.Description)
	}
	return &providers.Error{Code: providers.CodeInvalidArgument, Provider: Name,
		Message: op + ": " + strings.Join(msgs, "; "), Violations: viol}
}
