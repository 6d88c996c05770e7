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
		n := number(d.PhoneNumber) // lenient: an unparseable number is kept as sent
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
		if res, err := p.findExisting(ctx, o, patch); err != nil || res != nil {
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
	// From here on Telnyx has accepted the write: answer with what is known
	// (marking what could not be fetched or applied), never with an error
	// that invites a retry — except when the configuration was refused as
	// invalid and every new draft was deleted again (nothing remains).
	orders := make([]*providers.PortOrder, 0, len(out.Data))
	counts := make([]int, 0, len(out.Data))
	for i := range out.Data {
		po, err := toOrder(&out.Data[i])
		if err != nil {
			return nil, err
		}
		orders = append(orders, po)
		counts = append(counts, out.Data[i].PortingPhoneNumbersCount)
	}
	if len(patch) > 0 {
		for i, po := range orders {
			var upd orderEnvelope
			ec := orderCtx("configure new port order")
			err := p.call(ctx, http.MethodPatch, orderPath(po.ID), nil, patch, &upd, ec)
			if err == nil {
				if npo, derr := toOrder(&upd.Data); derr == nil {
					orders[i], counts[i] = npo, upd.Data.PortingPhoneNumbersCount
				}
				continue
			}
			if providers.ErrorCode(err) == providers.CodeInvalidArgument && p.rollback(ctx, orders, ec) {
				return nil, err // refused as invalid; nothing was left behind
			}
			// Not applied (transient failure, or the drafts could not be
			// removed): report the orders with the unapplied fields marked.
			// A retry with the same customer_reference resumes: findExisting
			// re-applies the configuration to the drafts.
			for _, po := range orders[i:] {
				po.MissingDetails = appendNew(po.MissingDetails, patchFields(patch)...)
			}
			break
		}
	}
	for i, po := range orders {
		p.completeNumbers(ctx, po, counts[i])
	}
	return splitResult(orders, o.PhoneNumbers[0]), nil
}

// rollback deletes the drafts a create just made; true when all are gone.
func (p *Provider) rollback(ctx context.Context, orders []*providers.PortOrder, ec errCtx) bool {
	ok := true
	for _, po := range orders {
		err := p.call(context.WithoutCancel(ctx), http.MethodDelete, orderPath(po.ID), nil, nil, nil, ec)
		if err != nil && providers.ErrorCode(err) != providers.CodeNotFound {
			ok = false
		}
	}
	return ok
}

// patchFields names the neutral fields an order PATCH body sets.
func patchFields(patch map[string]any) []string {
	names := map[string]string{"end_user": "end_user", "misc": "port_type", "activation_settings": "requested_foc_time",
		"phone_number_configuration": "configuration", "messaging": "configuration", "webhook_url": "status_callback_uri",
		"customer_reference": "customer_reference", "documents": "documents"}
	var out []string
	for k := range patch {
		n := names[k]
		if n == "" {
			n = k
		}
		out = appendNew(out, n)
	}
	slices.Sort(out)
	return out
}

func appendNew(to []string, vs ...string) []string {
	for _, v := range vs {
		if !slices.Contains(to, v) {
			to = append(to, v)
		}
	}
	return to
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
// customer_reference and the same number set produced, or nil. Each
// candidate's number list is completed first (Telnyx inlines at most 50), and
// a candidate whose list stays incomplete is an error, not a miss: a miss
// would create a duplicate. Found drafts get patch (the configuration a
// previous attempt may not have applied).
func (p *Provider) findExisting(ctx context.Context, o providers.PortOrder, patch map[string]any) (*providers.CreatePortOrderResult, error) {
	q := url.Values{"filter[customer_reference]": {o.CustomerReference}, "sort[value]": {"created_at"}}
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
		po, count, err := decodeOrder(raw)
		if err != nil {
			return nil, err
		}
		if po.State == providers.StateCancelled || po.State == providers.StateCancelPending ||
			po.CustomerReference != o.CustomerReference {
			continue
		}
		p.completeNumbers(ctx, po, count)
		if slices.Contains(po.MissingDetails, detailPhoneNumbers) {
			return nil, &providers.Error{Code: providers.CodeUnavailable, Provider: Name, RetryAfter: time.Second,
				Message: "could not read every number of porting order " + po.ID + " to check for a duplicate; not creating"}
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
	if len(patch) > 0 {
		for i, po := range found {
			if po.State != providers.StateDraft {
				continue
			}
			ec := orderCtx("configure port order")
			ec.current = po.State
			npo, err := p.orderCall(ctx, http.MethodPatch, orderPath(po.ID), patch, ec)
			if err != nil {
				return nil, err
			}
			found[i] = npo
		}
	}
	return splitResult(found, o.PhoneNumbers[0]), nil
}

// decodeOrder decodes one list item; count is its porting_phone_numbers_count.
func decodeOrder(raw json.RawMessage) (*providers.PortOrder, int, error) {
	var w wireOrder
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, 0, &providers.Error{Code: providers.CodeBadResponse, Provider: Name, Message: "undecodable porting order", Err: err}
	}
	po, err := toOrder(&w)
	return po, w.PortingPhoneNumbersCount, err
}

// orderEnvelope is a single-order answer {data, meta}.
type orderEnvelope struct {
	Data wireOrder `json:"data"`
	Meta struct {
		PhoneNumbersURL string `json:"phone_numbers_url"` // "Link to list all phone numbers"
	} `json:"meta"`
}

func (p *Provider) orderCall(ctx context.Context, method, path string, body any, ec errCtx) (*providers.PortOrder, error) {
	var out orderEnvelope
	if err := p.call(ctx, method, path, nil, body, &out, ec); err != nil {
		return nil, err
	}
	po, err := toOrder(&out.Data)
	if err != nil {
		return nil, err
	}
	p.completeNumbersAt(ctx, po, out.Data.PortingPhoneNumbersCount, out.Meta.PhoneNumbersURL)
	return po, nil
}

// maxNumberPages bounds the porting_phone_numbers pages read for one order
// (250 each: 10 000 numbers).
const maxNumberPages = 40

// completeNumbers completes the numbers of an order holding more than the
// 50 Telnyx inlines (include_phone_numbers returns at most 50) from
// GET /porting_phone_numbers?filter[porting_order_id]=<id> — the link Telnyx
// itself gives as meta.phone_numbers_url. Only items whose porting_order_id
// is this order count (the filter is not in the list operation's published
// parameters, so it is verified, not trusted). When the listing fails or
// yields fewer than count numbers, the order keeps what is known and
// MissingDetails names phone_numbers.
func (p *Provider) completeNumbers(ctx context.Context, po *providers.PortOrder, count int) {
	p.completeNumbersAt(ctx, po, count, "")
}

// completeNumbersAt is completeNumbers following the order's
// meta.phone_numbers_url when the answer carried one (its query is used on
// GET /porting_phone_numbers; anything else falls back to the same link
// built from the id).
func (p *Provider) completeNumbersAt(ctx context.Context, po *providers.PortOrder, count int, link string) {
	if count <= numberCount(po) {
		return
	}
	base := url.Values{"filter[porting_order_id]": {po.ID}}
	if u, err := url.Parse(link); err == nil && link != "" && strings.HasSuffix(u.Path, "/porting_phone_numbers") && len(u.Query()) > 0 {
		base = u.Query()
	}
	got := &providers.PortOrder{}
	ec := orderCtx("list porting phone numbers")
	for num := 1; num <= maxNumberPages && numberCount(got) < count; num++ {
		var env listEnvelope
		if err := p.call(ctx, http.MethodGet, "/porting_phone_numbers", pageQuery(base, num, maxPageSize), nil, &env, ec); err != nil {
			break
		}
		for _, raw := range env.Data {
			var pn struct {
				PhoneNumber    string `json:"phone_number"`
				PortingOrderID string `json:"porting_order_id"`
				wireNumberStatus
			}
			if json.Unmarshal(raw, &pn) != nil || pn.PortingOrderID != po.ID || pn.PhoneNumber == "" {
				continue
			}
			addNumber(got, pn.PhoneNumber)
			got.PortIn.NumberStatuses = appendNumberStatus(got.PortIn.NumberStatuses, pn.PhoneNumber, pn.wireNumberStatus)
		}
		if len(env.Data) == 0 || num >= env.Meta.TotalPages {
			break
		}
	}
	if numberCount(got) > numberCount(po) {
		// Keep the inlined order first, then the rest.
		for _, n := range got.PhoneNumbers {
			addNumber(po, n)
		}
		for _, n := range got.InvalidPhoneNumbers {
			addNumber(po, n)
		}
		po.PortIn.NumberStatuses = mergeNumberStatuses(po.PortIn.NumberStatuses, got.PortIn.NumberStatuses)
	}
	if numberCount(po) < count {
		po.MissingDetails = appendNew(po.MissingDetails, detailPhoneNumbers)
	}
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
	if po, err = p.withDetails(ctx, po); err != nil {
		return nil, err
	}
	return p.withActivation(ctx, po), nil
}

// getOrder reads one order without the optional details (what the state
// checks before a write need), its numbers completed past the 50 inlined.
func (p *Provider) getOrder(ctx context.Context, id string) (*providers.PortOrder, error) {
	return p.orderCall(ctx, http.MethodGet, orderPath(id), nil, orderCtx("get port order"))
}

// ListPortOrders implements providers.Provider: oldest first
// (sort[value]=created_at), pushing down the customer reference and a phone
// number (the documented filters); states are filtered by the gateway (the
// list has no status filter). Orders over 50 numbers are completed.
func (p *Provider) ListPortOrders(ctx context.Context, f providers.PortOrderFilter, lq providers.ListQuery) (*providers.PortOrderPage, error) {
	q := url.Values{"sort[value]": {"created_at"}}
	if f.CustomerReference != "" {
		q.Set("filter[customer_reference]", f.CustomerReference)
	}
	if d := longestDigits(f.PhoneNumber); d != "" {
		q.Set("filter[phone_numbers][phone_number][contains]", d)
	}
	raws, next, err := p.window(ctx, "/porting_orders", q, lq, orderCtx("list port orders"))
	if err != nil {
		return nil, err
	}
	page := &providers.PortOrderPage{Orders: make([]*providers.PortOrder, 0, len(raws)), NextCursor: next}
	for _, raw := range raws {
		po, count, err := decodeOrder(raw)
		if err != nil {
			return nil, err
		}
		p.completeNumbers(ctx, po, count)
		page.Orders = append(page.Orders, po)
	}
	return page, nil
}

// longestDigits is the longest run of digits in s: Telnyx number filters
// match digits only (a "+" or any other non-digit matches nothing), and any
// digit run of a pattern selects a superset the gateway then narrows.
func longestDigits(s string) string {
	best, cur := "", ""
	for _, r := range s {
		if r >= '0' && r <= '9' {
			cur += string(r)
			if len(cur) > len(best) {
				best = cur
			}
			continue
		}
		cur = ""
	}
	return best
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
	return p.comments(ctx, orderPath(orderID)+"/comments", orderCtx("list comments"))
}

// comments reads every page of a comments collection (a port order's or a
// port-out's; their records decode alike), oldest first.
func (p *Provider) comments(ctx context.Context, path string, ec errCtx) ([]providers.Comment, error) {
	raws, err := p.all(ctx, path, nil, ec)
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
